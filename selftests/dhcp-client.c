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

/* The request, laid out as Windows' RAS client's INFORM (dhcp-test.c). */
static size_t request(uint8_t *b, uint32_t ciaddr, int type, const uint8_t *params,
		      size_t nparams, uint32_t xid)
{
	size_t len = 240;

	memset(b, 0, DHCP_MAX_LEN);
	b[0] = BOOTREQUEST;
	b[1] = 8;
	b[2] = 16;
	b[4] = (uint8_t)(xid >> 24), b[5] = (uint8_t)(xid >> 16);
	b[6] = (uint8_t)(xid >> 8), b[7] = (uint8_t)xid;
	memcpy(b + 12, &ciaddr, 4);
	memset(b + 28, 0xab, 16);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	b[len++] = DHCP_OPT_MSGTYPE, b[len++] = 1, b[len++] = (uint8_t)type;
	b[len++] = DHCP_OPT_VENDOR_CLASS, b[len++] = 5;
	memcpy(b + len, "MSRAS", 5);
	len += 5;
	b[len++] = DHCP_OPT_PARAMS, b[len++] = (uint8_t)nparams;
	memcpy(b + len, params, nparams);
	len += nparams;
	b[len++] = DHCP_OPT_END;
	return len;
}

static void print_routes(const char *name, const uint8_t *v, uint8_t len)
{
	char a[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	const char *sep = "";
	size_t i = 0;

	printf(" %s ", name);
	while (i < len) {
		uint8_t width = v[i], sig = (uint8_t)((width + 7) / 8);
		uint8_t dest[4] = { 0 };

		if (width > 32 || i + 1u + sig + 4u > len) {
			printf("%s(malformed)", sep);
			return;
		}
		memcpy(dest, v + i + 1, sig);
		inet_ntop(AF_INET, dest, a, sizeof(a));
		inet_ntop(AF_INET, v + i + 1 + sig, r, sizeof(r));
		printf("%s%s/%u>%s", sep, a, width, r);
		sep = ",";
		i += 1u + sig + 4u;
	}
}

static void print_ack(const uint8_t *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	const uint8_t *v;
	uint8_t olen;

	printf("ack");
	if ((v = dhcp_option(buf, len, DHCP_OPT_CLASSLESS, &olen)))
		print_routes("routes", v, olen);
	if ((v = dhcp_option(buf, len, DHCP_OPT_MS_CLASSLESS, &olen)))
		print_routes("routes249", v, olen);
	if ((v = dhcp_option(buf, len, DHCP_OPT_DOMAIN, &olen)))
		printf(" domain %.*s", olen, (const char *)v);
	if ((v = dhcp_option(buf, len, DHCP_OPT_DNS, &olen))) {
		printf(" dns ");
		for (uint8_t i = 0; i + 4 <= olen; i += 4)
			printf("%s%s", i ? "," : "", inet_ntop(AF_INET, v + i, a, sizeof(a)));
	}
	if ((v = dhcp_option(buf, len, DHCP_OPT_SERVER_ID, &olen)) && olen == 4)
		printf(" server %s", inet_ntop(AF_INET, v, a, sizeof(a)));
	printf("\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint8_t params[64] = { 1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43 };
	size_t nparams = 12;
	const char *dev = NULL;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT),
				  .sin_addr.s_addr = INADDR_BROADCAST };
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };
	uint8_t buf[DHCP_MAX_LEN + 64];
	uint32_t ciaddr = 0, xid;
	bool garbage = false, expect_none = false, have_ci = false;
	long wait_ms = 3000, deadline;
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
		len = request(buf, ciaddr, type, params, nparams, xid);
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
		print_ack(buf, (size_t)n);
		return expect_none ? 1 : 0;
	}
	printf("no answer in %ld ms\n", wait_ms);
	return expect_none ? 0 : 1;
}
