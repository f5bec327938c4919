// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-static: a PPTP data session with no control connection and no pppd.
 *
 * Opens a PX_PROTO_PPTP socket, binds and connects it with the call IDs
 * given, attaches its PPP channel to a new ppp unit and lets IP through
 * (NPMODE_PASS), then holds everything open until SIGINT/SIGTERM. Works
 * with kpptp.ko and with the in-tree pptp.ko alike: the ABI is the same.
 * Used by the tests, the demo and the benchmarks.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>

#include <linux/kpptp.h>

static const char usage_text[] =
"usage: pptp-static --local ADDR --peer ADDR --peer-call ID [options]\n"
"\n"
"Bring up one PPTP GRE data session without a control connection or pppd:\n"
"a PX_PROTO_PPTP socket bound to ADDR and our call ID, connected to the\n"
"peer's ADDR and call ID, its channel attached to a new pppN with IPv4 and\n"
"IPv6 passing. Prints \"pppN call ID\" on standard output once the unit is\n"
"up, then holds the session until SIGINT or SIGTERM. Addresses and MTU of\n"
"pppN are left to 'ip'.\n"
"\n"
"  --local ADDR          our IPv4 address (the GRE source)\n"
"  --peer ADDR           the peer's IPv4 address\n"
"  --call ID             our call ID, 1..65535 (default 0: the kernel picks)\n"
"  --peer-call ID        the peer's call ID, 1..65535\n"
"  --unit N              ppp unit number (default: the first free one)\n"
"  --acfc                send without address/control bytes (ACFC)\n"
"  --pfc                 compress the protocol field (PFC)\n"
"  --reorder-window N    kpptp only: packets held to undo reordering\n"
"  --reorder-timeout MS  kpptp only: the longest a gap is waited for (the\n"
"                        wait adapts below it)\n"
"  --ack-delay MS        kpptp only: delay before a standalone ack\n"
"  --fastpath            kpptp only: IPv4 and IPv6 around ppp_generic both\n"
"                        ways (KPPTP_SO_FASTPATH; needs the module\n"
"                        parameter fastpath=1 and CAP_NET_ADMIN)\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 after a signal, 1 on a system error (the message names\n"
"the call that failed), 2 on bad usage.\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_u32(const char *opt, const char *s, unsigned long max,
		     unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-') {
		fprintf(stderr, "pptp-static: %s: '%s' is not a number in 0..%lu\n",
			opt, s, max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static int parse_addr(const char *opt, const char *s, struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1) {
		fprintf(stderr, "pptp-static: %s: '%s' is not an IPv4 address\n",
			opt, s);
		return -1;
	}
	return 0;
}

struct options {
	struct in_addr local, peer;
	unsigned int call, peer_call;
	int unit;
	bool acfc, pfc, fastpath, have_local, have_peer, have_peer_call;
	long reorder_window, reorder_timeout, ack_delay;	/* -1: unset */
};

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "local", required_argument, NULL, 'l' },
		{ "peer", required_argument, NULL, 'p' },
		{ "call", required_argument, NULL, 'c' },
		{ "peer-call", required_argument, NULL, 'C' },
		{ "unit", required_argument, NULL, 'u' },
		{ "acfc", no_argument, NULL, 'a' },
		{ "pfc", no_argument, NULL, 'f' },
		{ "reorder-window", required_argument, NULL, 'w' },
		{ "reorder-timeout", required_argument, NULL, 't' },
		{ "ack-delay", required_argument, NULL, 'd' },
		{ "fastpath", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int v;
	int c;

	memset(o, 0, sizeof(*o));
	o->unit = -1;
	o->reorder_window = o->reorder_timeout = o->ack_delay = -1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_addr("--local", optarg, &o->local))
				return -1;
			o->have_local = true;
			break;
		case 'p':
			if (parse_addr("--peer", optarg, &o->peer))
				return -1;
			o->have_peer = true;
			break;
		case 'c':
			if (parse_u32("--call", optarg, 65535, &o->call))
				return -1;
			break;
		case 'C':
			if (parse_u32("--peer-call", optarg, 65535, &o->peer_call))
				return -1;
			o->have_peer_call = true;
			break;
		case 'u':
			if (parse_u32("--unit", optarg, INT_MAX, &v))
				return -1;
			o->unit = (int)v;
			break;
		case 'a':
			o->acfc = true;
			break;
		case 'f':
			o->pfc = true;
			break;
		case 'F':
			o->fastpath = true;
			break;
		case 'w':
			if (parse_u32("--reorder-window", optarg,
				      KPPTP_REORDER_WINDOW_MAX, &v))
				return -1;
			o->reorder_window = v;
			break;
		case 't':
			if (parse_u32("--reorder-timeout", optarg,
				      KPPTP_TIMEOUT_MAX_MS, &v))
				return -1;
			o->reorder_timeout = v;
			break;
		case 'd':
			if (parse_u32("--ack-delay", optarg,
				      KPPTP_TIMEOUT_MAX_MS, &v))
				return -1;
			o->ack_delay = v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			fputs("pptp-static: see --help\n", stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pptp-static: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!o->have_local || !o->have_peer || !o->have_peer_call) {
		fputs("pptp-static: --local, --peer and --peer-call are required (see --help)\n",
		      stderr);
		return -1;
	}
	if (!o->peer_call) {
		fputs("pptp-static: --peer-call: 0 is not a call ID\n", stderr);
		return -1;
	}
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "pptp-static: %s: %s\n", what, strerror(errno));
	return 1;
}

static int set_kpptp_opt(int fd, int opt, long val, const char *name)
{
	unsigned int v = (unsigned int)val;

	if (val < 0)
		return 0;
	if (setsockopt(fd, SOL_KPPTP, opt, &v, sizeof(v)) < 0) {
		if (errno == ENOPROTOOPT)
			fprintf(stderr, "pptp-static: %s needs kpptp.ko (this PPTP module has no such option)\n",
				name);
		else
			fprintf(stderr, "pptp-static: setsockopt %s: %s\n",
				name, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_pppox sa;
	socklen_t salen = sizeof(sa);
	int sock, chan_fd, unit_fd, chindex, unit, flags;
	struct npioctl np;
	struct options o;
	sigset_t mask, old;

	if (parse_args(argc, argv, &o))
		return 2;

	sock = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
	if (sock < 0)
		return fail("socket(AF_PPPOX, PX_PROTO_PPTP) (is kpptp or pptp loaded?)");

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_PPPOX;
	sa.sa_protocol = PX_PROTO_PPTP;
	sa.sa_addr.pptp.sin_addr = o.local;
	sa.sa_addr.pptp.call_id = (__u16)o.call;
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("bind");
	if (getsockname(sock, (struct sockaddr *)&sa, &salen) < 0)
		return fail("getsockname");
	o.call = sa.sa_addr.pptp.call_id;

	if (set_kpptp_opt(sock, KPPTP_SO_REORDER_WINDOW, o.reorder_window,
			  "--reorder-window") ||
	    set_kpptp_opt(sock, KPPTP_SO_REORDER_TIMEOUT, o.reorder_timeout,
			  "--reorder-timeout") ||
	    set_kpptp_opt(sock, KPPTP_SO_ACK_DELAY, o.ack_delay, "--ack-delay"))
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_PPPOX;
	sa.sa_protocol = PX_PROTO_PPTP;
	sa.sa_addr.pptp.sin_addr = o.peer;
	sa.sa_addr.pptp.call_id = (__u16)o.peer_call;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("connect");

	if (ioctl(sock, PPPIOCGCHAN, &chindex) < 0)
		return fail("ioctl PPPIOCGCHAN");
	chan_fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (chan_fd < 0)
		return fail("open /dev/ppp (is ppp_generic loaded?)");
	if (ioctl(chan_fd, PPPIOCATTCHAN, &chindex) < 0)
		return fail("ioctl PPPIOCATTCHAN");
	unit_fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (unit_fd < 0)
		return fail("open /dev/ppp");
	unit = o.unit;
	if (ioctl(unit_fd, PPPIOCNEWUNIT, &unit) < 0)
		return fail("ioctl PPPIOCNEWUNIT");
	if (ioctl(chan_fd, PPPIOCCONNECT, &unit) < 0)
		return fail("ioctl PPPIOCCONNECT");

	flags = (o.acfc ? SC_COMP_AC : 0) | (o.pfc ? SC_COMP_PROT : 0);
	if (flags && ioctl(chan_fd, PPPIOCSFLAGS, &flags) < 0)
		return fail("ioctl PPPIOCSFLAGS (channel)");

	np.protocol = PPP_IP;
	np.mode = NPMODE_PASS;
	if (ioctl(unit_fd, PPPIOCSNPMODE, &np) < 0)
		return fail("ioctl PPPIOCSNPMODE IP");
	np.protocol = PPP_IPV6;
	if (ioctl(unit_fd, PPPIOCSNPMODE, &np) < 0)
		return fail("ioctl PPPIOCSNPMODE IPv6");
	if (o.fastpath) {
		struct kpptp_fastpath fp = { .ncp = KPPTP_FP_IPV4 | KPPTP_FP_IPV6 };
		char name[IF_NAMESIZE];

		snprintf(name, sizeof(name), "ppp%d", unit);
		fp.ifindex = if_nametoindex(name);
		if (!fp.ifindex)
			return fail("if_nametoindex");
		if (setsockopt(sock, SOL_KPPTP, KPPTP_SO_FASTPATH, &fp, sizeof(fp)) < 0)
			return fail("setsockopt KPPTP_SO_FASTPATH");
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return fail("sigprocmask");
	if (signal(SIGINT, on_signal) == SIG_ERR ||
	    signal(SIGTERM, on_signal) == SIG_ERR)
		return fail("signal");

	if (printf("ppp%d call %u\n", unit, o.call) < 0 || fflush(stdout))
		return fail("stdout");

	while (!stop)
		sigsuspend(&old);

	close(chan_fd);
	close(unit_fd);
	close(sock);
	return 0;
}
