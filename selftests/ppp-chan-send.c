// SPDX-License-Identifier: GPL-2.0
/*
 * ppp-chan-send: send one PPP frame on a live PPP channel, beside the pppd
 * that owns it, as if that pppd had sent it. Tests use it to make a call
 * renegotiate (a CCP Configure-Ack, an LCP Configure-Request) in the
 * middle of a transfer, which no pppd option does: the frame goes through
 * the channel's transmit (kpptp.ko's watch on transmit) to the peer (its
 * watch on receive and its pppd).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/ppp-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char usage_text[] =
"usage: ppp-chan-send [--channel N] HEX\n"
"\n"
"Attach to a PPP channel through /dev/ppp (PPPIOCATTCHAN) and write one\n"
"frame to it: HEX is the frame from its protocol field on, without the\n"
"address and control bytes (as pppd writes it), e.g. 80fd0201000a120601000040\n"
"for a CCP Configure-Ack of MPPE-128. Needs CAP_NET_ADMIN in the network\n"
"namespace of the channel.\n"
"\n"
"  --channel N   the channel index (pppd's \"using channel N\"); without it,\n"
"                the one channel of this network namespace among indexes\n"
"                0..4095, and an error if there are none or several\n"
"  -h, --help    this text\n"
"\n"
"Exit status 0 when the frame was written whole, 1 on any error (said on\n"
"stderr), 2 on bad usage.\n";

#define MAX_FRAME	1500
#define SCAN_LIMIT	4096

/* HEX into buf; its length, or -1 if it is not whole bytes of hex. */
static int parse_hex(const char *hex, unsigned char *buf, size_t size)
{
	size_t n = strlen(hex), i;

	if (!n || n % 2 || n / 2 > size)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1 ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return -1;
		buf[i] = (unsigned char)b;
	}
	return (int)(n / 2);
}

/* An fd of /dev/ppp attached to channel idx, or -1 with errno. */
static int attach(int idx)
{
	int fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	int saved;

	if (fd < 0)
		return -1;
	if (ioctl(fd, PPPIOCATTCHAN, &idx) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The one live channel's index, or -1 (said why). */
static int only_channel(void)
{
	int idx, found = -1, fd;

	for (idx = 0; idx < SCAN_LIMIT; idx++) {
		fd = attach(idx);
		if (fd < 0) {
			if (errno == ENXIO)
				continue;
			fprintf(stderr, "ppp-chan-send: channel %d: %s\n", idx, strerror(errno));
			return -1;
		}
		close(fd);
		if (found >= 0) {
			fprintf(stderr, "ppp-chan-send: channels %d and %d: say which with --channel\n",
				found, idx);
			return -1;
		}
		found = idx;
	}
	if (found < 0)
		fprintf(stderr, "ppp-chan-send: no PPP channel in this network namespace\n");
	return found;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char frame[MAX_FRAME];
	int idx = -1, len, fd, c;
	ssize_t n;
	char *end;
	long v;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 || v > 0x7fffffff) {
				fprintf(stderr, "ppp-chan-send: --channel: not an index: '%s'\n", optarg);
				return 2;
			}
			idx = (int)v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return 2;
	}
	len = parse_hex(argv[optind], frame, sizeof(frame));
	if (len < 2) {
		fprintf(stderr, "ppp-chan-send: HEX: 2 to %d whole bytes of hex, not '%s'\n",
			MAX_FRAME, argv[optind]);
		return 2;
	}
	if (idx < 0 && (idx = only_channel()) < 0)
		return 1;
	fd = attach(idx);
	if (fd < 0) {
		fprintf(stderr, "ppp-chan-send: channel %d: %s\n", idx, strerror(errno));
		return 1;
	}
	n = write(fd, frame, (size_t)len);
	if (n != len) {
		fprintf(stderr, "ppp-chan-send: write to channel %d: %s\n", idx,
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return 1;
	}
	if (close(fd) < 0) {
		fprintf(stderr, "ppp-chan-send: close: %s\n", strerror(errno));
		return 1;
	}
	printf("sent %d bytes on channel %d\n", len, idx);
	return 0;
}
