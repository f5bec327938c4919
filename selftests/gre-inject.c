// SPDX-License-Identifier: GPL-2.0
/*
 * gre-inject: send hand-made enhanced-GRE packets from any source address
 * (raw socket, IP_HDRINCL), to drive the receive path of a PPTP module
 * with every malformed and out-of-order form a test needs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage_text[] =
"usage: gre-inject --src ADDR --dst ADDR --call ID [options]\n"
"\n"
"Send enhanced-GRE (RFC 2637) packets with a spoofable source address.\n"
"The header is K|S|version 1 with protocol 0x880B unless told otherwise;\n"
"a sequence number is present when S is set, an ack when A is set.\n"
"\n"
"  --src ADDR        IPv4 source (any: the socket is raw)\n"
"  --dst ADDR        IPv4 destination\n"
"  --call ID|A-B     call ID in the key (the receiver's); A-B: each of\n"
"                    those call IDs in turn gets the packets\n"
"  --rounds N        send everything N times (default 1) ...\n"
"  --interval MS     ... MS milliseconds apart (default 100)\n"
"  --flags HEX       the 16 flag/version bits (default 0x3001: K, S, v1)\n"
"  --proto HEX       GRE protocol (default 0x880b)\n"
"  --seqs LIST       comma-separated sequence numbers, one packet each\n"
"                    (default 0); A-B is a range, counting up\n"
"  --ack N           acknowledgment number (sent when A, 0x0080, is set)\n"
"  --ppp KIND        payload: ip (PPP IPv4, 40 bytes), lcp-echo, none\n"
"                    (default ip)\n"
"  --plen N          payload length written in the key (default: real)\n"
"  --truncate N      cut the GRE part to N bytes after building it\n"
"  -h, --help        this text\n"
"\n"
"Exit status: 0 when every packet was sent, 1 on a system error, 2 on bad\n"
"usage.\n";

struct opts {
	struct in_addr src, dst;
	unsigned int call, call_last, flags, proto, ack, plen, truncate;
	unsigned int rounds, interval_ms;
	int have_plen, have_truncate;
	const char *seqs, *ppp;
};

static int num(const char *opt, const char *s, int base, unsigned long max,
	       unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "gre-inject: %s: bad number '%s'\n", opt, s);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static size_t build_payload(const char *kind, uint8_t *p, size_t room)
{
	static const uint8_t lcp_echo[] = {
		0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08,
		0x00, 0x00, 0x00, 0x00,
	};
	uint8_t *ip;

	if (!strcmp(kind, "none"))
		return 0;
	if (!strcmp(kind, "lcp-echo")) {
		memcpy(p, lcp_echo, sizeof(lcp_echo));
		return sizeof(lcp_echo);
	}
	/* PPP IPv4: a 36-byte protocol-253 (experimental) packet. */
	if (room < 40)
		return 0;
	memset(p, 0, 40);
	p[0] = 0xff;
	p[1] = 0x03;
	p[2] = 0x00;
	p[3] = 0x21;
	ip = p + 4;
	ip[0] = 0x45;
	ip[3] = 36;
	ip[8] = 64;
	ip[9] = 253;
	return 40;
}

static int send_one(int fd, const struct opts *o, uint32_t seq)
{
	uint8_t pkt[256];
	struct iphdr *iph = (struct iphdr *)pkt;
	uint8_t *g = pkt + sizeof(*iph);
	size_t glen = 8, plen, total;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = o->dst };
	uint32_t v;

	memset(pkt, 0, sizeof(pkt));
	g[0] = o->flags >> 8;
	g[1] = o->flags & 0xff;
	g[2] = o->proto >> 8;
	g[3] = o->proto & 0xff;
	g[6] = o->call >> 8;
	g[7] = o->call & 0xff;
	if (o->flags & 0x1000) {
		v = htonl(seq);
		memcpy(g + glen, &v, 4);
		glen += 4;
	}
	if (o->flags & 0x0080) {
		v = htonl(o->ack);
		memcpy(g + glen, &v, 4);
		glen += 4;
	}
	plen = build_payload(o->ppp, g + glen, sizeof(pkt) - sizeof(*iph) - glen);
	v = o->have_plen ? o->plen : plen;
	g[4] = v >> 8;
	g[5] = v & 0xff;
	glen += plen;
	if (o->have_truncate && o->truncate < glen)
		glen = o->truncate;

	total = sizeof(*iph) + glen;
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(total);
	iph->ttl = 64;
	iph->protocol = IPPROTO_GRE;
	iph->saddr = o->src.s_addr;
	iph->daddr = o->dst.s_addr;
	if (sendto(fd, pkt, total, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("gre-inject: sendto");
		return -1;
	}
	return 0;
}

static int send_all(int fd, const struct opts *o)
{
	char *list = strdup(o->seqs), *save = NULL, *tok;
	unsigned int a, b;
	int err = 0;

	if (!list) {
		perror("gre-inject: strdup");
		return -1;
	}
	for (tok = strtok_r(list, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');

		if (dash) {
			*dash = '\0';
			if (num("--seqs", tok, 0, UINT32_MAX, &a) ||
			    num("--seqs", dash + 1, 0, UINT32_MAX, &b)) {
				err = -2;
				break;
			}
			if (b < a) {
				fprintf(stderr, "gre-inject: --seqs: bad number range %u-%u: it must count up\n",
					a, b);
				err = -2;
				break;
			}
		} else {
			if (num("--seqs", tok, 0, UINT32_MAX, &a)) {
				err = -2;
				break;
			}
			b = a;
		}
		for (;;) {
			if (send_one(fd, o, a)) {
				err = -1;
				break;
			}
			if (a == b)
				break;
			a++;
		}
	}
	free(list);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "call", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "flags", required_argument, NULL, 'f' },
		{ "proto", required_argument, NULL, 'p' },
		{ "seqs", required_argument, NULL, 'S' },
		{ "ack", required_argument, NULL, 'a' },
		{ "ppp", required_argument, NULL, 'P' },
		{ "plen", required_argument, NULL, 'l' },
		{ "truncate", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .flags = 0x3001, .proto = 0x880b, .seqs = "0",
			  .ppp = "ip", .rounds = 1, .interval_ms = 100 };
	char *dash;
	int c, fd, one = 1, have_src = 0, have_dst = 0, have_call = 0, err;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			have_src = inet_pton(AF_INET, optarg, &o.src) == 1;
			if (!have_src)
				goto bad_addr;
			break;
		case 'd':
			have_dst = inet_pton(AF_INET, optarg, &o.dst) == 1;
			if (!have_dst)
				goto bad_addr;
			break;
		case 'c':
			dash = strchr(optarg, '-');
			if (dash)
				*dash = '\0';
			if (num("--call", optarg, 0, 65535, &o.call))
				return 2;
			o.call_last = o.call;
			if (dash && (num("--call", dash + 1, 0, 65535, &o.call_last) ||
				     o.call_last < o.call)) {
				fprintf(stderr, "gre-inject: --call %s-%s: a range must count up\n",
					optarg, dash + 1);
				return 2;
			}
			have_call = 1;
			break;
		case 'r':
			if (num("--rounds", optarg, 0, 1000000, &o.rounds) || !o.rounds)
				return 2;
			break;
		case 'i':
			if (num("--interval", optarg, 0, 60000, &o.interval_ms))
				return 2;
			break;
		case 'f':
			if (num("--flags", optarg, 16, 0xffff, &o.flags))
				return 2;
			break;
		case 'p':
			if (num("--proto", optarg, 16, 0xffff, &o.proto))
				return 2;
			break;
		case 'S':
			o.seqs = optarg;
			break;
		case 'a':
			if (num("--ack", optarg, 0, UINT32_MAX, &o.ack))
				return 2;
			break;
		case 'P':
			if (strcmp(optarg, "ip") && strcmp(optarg, "lcp-echo") &&
			    strcmp(optarg, "none")) {
				fprintf(stderr, "gre-inject: --ppp: ip, lcp-echo or none\n");
				return 2;
			}
			o.ppp = optarg;
			break;
		case 'l':
			if (num("--plen", optarg, 0, 65535, &o.plen))
				return 2;
			o.have_plen = 1;
			break;
		case 't':
			if (num("--truncate", optarg, 0, 255, &o.truncate))
				return 2;
			o.have_truncate = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("gre-inject: see --help\n", stderr);
			return 2;
		}
	}
	if (!have_src || !have_dst || !have_call || optind < argc) {
		fputs("gre-inject: --src, --dst and --call are required, and nothing else (see --help)\n",
		      stderr);
		return 2;
	}

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("gre-inject: raw socket");
		return 1;
	}
	err = 0;
	for (unsigned int r = 0; r < o.rounds && !err; r++) {
		unsigned int first = o.call;

		if (r)
			usleep(o.interval_ms * 1000u);
		for (o.call = first; !err; o.call++) {
			err = send_all(fd, &o);
			if (o.call == o.call_last)
				break;
		}
		o.call = first;
	}
	close(fd);
	return err == -2 ? 2 : err ? 1 : 0;

bad_addr:
	fprintf(stderr, "gre-inject: '%s' is not an IPv4 address\n", optarg);
	return 2;
}
