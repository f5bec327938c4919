// SPDX-License-Identifier: GPL-2.0
/*
 * dhcp-client: send one DHCP message from a PPP client's side, as Windows
 * does after IPCP (a DHCPINFORM from its new address to
 * 255.255.255.255:67), and print the answer, to test kpptpd's DHCPINFORM
 * answers and everything it must not answer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "kpptp/dhcp.h"

static const char usage_text[] =
"usage: dhcp-client --dev IF --ciaddr ADDR [options]\n"
"\n"
"Send a DHCP message from UDP port 68 on interface IF (SO_BINDTODEVICE) and\n"
"print the DHCPACK that comes back to port 68 within the wait:\n"
"  ack routes CIDR>ROUTER,... domain NAME dns ADDR,... server ADDR\n"
"(each option as found: 121's routes, then \"routes249\" for 249's).\n"
"\n"
"  --dev IF        the interface to send on (the call's pppN)\n"
"  --ciaddr ADDR   ciaddr, the client's address (Windows: its own)\n"
"  --to ADDR       destination (default 255.255.255.255)\n"
"  --type N        DHCP message type 1..8 (default 8, DHCPINFORM)\n"
"  --garbage       send 100 octets that are no DHCP message instead\n"
"  --params LIST   the parameter request list, comma-separated option\n"
"                  codes (default Windows': 1,15,3,6,44,46,47,31,33,121,249,43)\n"
"  --wait MS       how long to wait for an answer (default 3000)\n"
"  --expect-none   exit 0 when no answer comes, 1 when one does\n"
"  --flood MS      send the message back to back for MS milliseconds\n"
"                  (1..60000), print how many went, and wait for nothing:\n"
"                  a hostile peer\n"
"  -h, --help      this text\n"
"\n"
"Exit status: 0 an answer was printed (or, with --expect-none, none came),\n"
"1 no answer (or one came), 2 bad usage or a socket error.\n";

static int fail(const char *what)
{
	fprintf(stderr, "dhcp-client: %s: %s\n", what, strerror(errno));
	return 2;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "ciaddr", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "type", required_argument, NULL, 'T' },
		{ "garbage", no_argument, NULL, 'g' },
		{ "params", required_argument, NULL, 'p' },
		{ "wait", required_argument, NULL, 'w' },
		{ "expect-none", no_argument, NULL, 'n' },
		{ "flood", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint8_t params[64];
	size_t nparams = 0;		/* 0: Windows' list */
	const char *dev = NULL;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT),
				  .sin_addr.s_addr = INADDR_BROADCAST };
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };
	uint8_t buf[DHCP_MAX_LEN + 64];
	char line[1024];
	uint32_t ciaddr = 0, xid;
	bool garbage = false, expect_none = false, have_ci = false;
	long wait_ms = 3000, flood_ms = 0, deadline;
	int type = DHCPINFORM, one = 1, fd, c;
	size_t len;
	char *end;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'c':
			if (inet_pton(AF_INET, optarg, &ciaddr) != 1) {
				fprintf(stderr, "dhcp-client: --ciaddr: not an IPv4 address: '%s'\n", optarg);
				return 2;
			}
			have_ci = true;
			break;
		case 't':
			if (inet_pton(AF_INET, optarg, &to.sin_addr) != 1) {
				fprintf(stderr, "dhcp-client: --to: not an IPv4 address: '%s'\n", optarg);
				return 2;
			}
			break;
		case 'T':
			type = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || type < 1 || type > 8) {
				fprintf(stderr, "dhcp-client: --type: 1..8, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'g':
			garbage = true;
			break;
		case 'p':
			nparams = 0;
			for (char *s = optarg; *s; s = *end ? end + 1 : end) {
				long v = strtol(s, &end, 10);

				if (end == s || (*end && *end != ',') || v < 1 || v > 254 ||
				    nparams == sizeof(params)) {
					fprintf(stderr, "dhcp-client: --params: option codes 1..254, not '%s'\n", optarg);
					return 2;
				}
				params[nparams++] = (uint8_t)v;
			}
			break;
		case 'w':
			wait_ms = strtol(optarg, &end, 10);
			if (*end || end == optarg || wait_ms < 0 || wait_ms > 60000) {
				fprintf(stderr, "dhcp-client: --wait: 0..60000 ms, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n':
			expect_none = true;
			break;
		case 'f':
			flood_ms = strtol(optarg, &end, 10);
			if (*end || end == optarg || flood_ms < 1 || flood_ms > 60000) {
				fprintf(stderr, "dhcp-client: --flood: 1..60000 ms, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (!dev || !have_ci || optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1))
		return fail("setsockopt");
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)))
		return fail("bind to port 68");
	xid = (uint32_t)now_ms() * 2654435761u;
	if (garbage) {
		memset(buf, 0x5a, 100);
		len = 100;
	} else {
		len = dhcp_encode_request(buf, sizeof(buf), (enum dhcp_type)type, ciaddr, xid,
					  nparams ? params : NULL, nparams);
	}
	if (flood_ms) {
		unsigned long sent = 0, full = 0;

		deadline = now_ms() + flood_ms;
		while (now_ms() < deadline) {
			if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len)
				sent++;
			else if (errno == ENOBUFS || errno == EAGAIN)
				full++;		/* pppN's queue full: keep going */
			else
				return fail("sendto");
		}
		printf("sent %lu in %ld ms (%lu refused by a full queue)\n", sent, flood_ms, full);
		return 0;
	}
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len)
		return fail("sendto");
	deadline = now_ms() + wait_ms;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		struct dhcp_msg m;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return fail("recv");
		/* Only the answer to this request counts. */
		if (dhcp_decode(buf, (size_t)n, BOOTREPLY, &m) || m.xid != xid)
			continue;
		if (m.type != DHCPACK) {
			printf("answer of type %d\n", m.type);
			return 1;
		}
		dhcp_describe_ack(buf, (size_t)n, line, sizeof(line));
		printf("%s\n", line);
		return expect_none ? 1 : 0;
	}
	printf("no answer in %ld ms\n", wait_ms);
	return expect_none ? 0 : 1;
}
