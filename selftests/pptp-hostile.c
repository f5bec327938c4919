// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-hostile: a PPTP peer that tries to make a server hold as much as
 * it can, for the guest's kpptpd-hostile.sh and kpptpd-burst.sh. It opens
 * control connections from one source address, places calls it never
 * authenticates, floods messages about calls it does not have, keeps
 * everything open while answering Echo-Requests, and, for the dial race,
 * sends an LCP Configure-Request in GRE the instant a call's reply
 * arrives and watches for the server's answer to it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
"usage: pptp-hostile --server ADDR [--src ADDR] [--conns N] [--calls K]\n"
"                    [--flood N] [--hold S] [--lcp]\n"
"\n"
"  --server ADDR   the PPTP server (TCP 1723)\n"
"  --src ADDR      source address to bind (default: the route's)\n"
"  --conns N       control connections to try, one after another (1)\n"
"  --calls K       Outgoing-Call-Requests on each answered connection (0)\n"
"  --flood N       N Set-Link-Info and N Call-Clear-Requests for calls the\n"
"                  first connection does not have\n"
"  --hold S        keep every connection S seconds, answering Echo-Requests\n"
"  --lcp           on each connected call, send an LCP Configure-Request in\n"
"                  GRE at once and count the server's answers to it\n"
"\n"
"Prints one line: answered, refused, calls by OCRP result, LCP requests\n"
"sent and answered, Stop-Control-Connection-Requests received.\n"
"Exit status: 0, 1 on a system error, 2 on bad usage.\n";

#define MAGIC 0x1A2B3C4Du
#define MAX_CONNS 100000

struct conn {
	int fd;
	uint8_t buf[512];
	size_t len;
};

static struct conn *conns;
static unsigned int nconns;
static struct in_addr server, src;
static bool have_src;
static unsigned long answered, refused, stops, lcp_sent, lcp_answered;
static unsigned long results[16];
static uint16_t next_call = 1;
static int gre_fd = -1;
/* Our call IDs whose LCP request is out, by ID: 1 once answered. */
static uint8_t lcp_state[65536];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A control message of type t, length len, body zeroed. */
static size_t ctrl(uint8_t *m, uint16_t t, uint16_t len)
{
	memset(m, 0, len);
	put16(m, len);
	put16(m + 2, 1);
	put32(m + 4, MAGIC);
	put16(m + 8, t);
	return len;
}

static int send_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The next whole message into m (type returned), 0 when closed or silent. */
static int read_msg(struct conn *c, uint8_t *m, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		if (c->len >= 12) {
			uint16_t len = get16(c->buf);

			if (len < 12 || len > sizeof(c->buf))
				return 0;
			if (c->len >= len) {
				int t = get16(c->buf + 8);

				memcpy(m, c->buf, len);
				memmove(c->buf, c->buf + len, c->len - len);
				c->len -= len;
				return t;
			}
		}
		uint64_t now = now_ms();
		struct pollfd p = { .fd = c->fd, .events = POLLIN };

		if (now >= end || poll(&p, 1, (int)(end - now)) != 1)
			return 0;
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);

		if (n <= 0)
			return 0;
		c->len += (size_t)n;
	}
}

static int dial(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(1723),
				  .sin_addr = server };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (have_src) {
		struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr = src };

		if (bind(fd, (struct sockaddr *)&me, sizeof(me))) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* An LCP Configure-Request with no option, in enhanced GRE to call_id. */
static void send_lcp(uint16_t peer_call, uint16_t our_call)
{
	uint8_t p[32] = { 0x30, 0x01, 0x88, 0x0b };	/* K, S, version 1 */
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x2a, 0x00, 0x04 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = server };

	put16(p + 4, sizeof(lcp));
	put16(p + 6, peer_call);
	put32(p + 8, 0);
	memcpy(p + 12, lcp, sizeof(lcp));
	if (sendto(gre_fd, p, 12 + sizeof(lcp), 0, (struct sockaddr *)&sa, sizeof(sa)) > 0) {
		lcp_sent++;
		lcp_state[our_call] = 2;
	}
}

/* GRE from the server: an LCP Configure-Ack/Nak/Reject of our id 0x2a. */
static void gre_input(void)
{
	uint8_t p[2048];

	for (;;) {
		ssize_t n = recv(gre_fd, p, sizeof(p), MSG_DONTWAIT);
		size_t ihl, off;
		uint16_t flags, call;

		if (n <= 0)
			return;
		ihl = (size_t)(p[0] & 0x0f) * 4;
		if ((size_t)n < ihl + 8)
			continue;
		off = ihl;
		flags = get16(p + off);
		if (get16(p + off + 2) != 0x880b || !(flags & 0x2000))
			continue;
		call = get16(p + off + 6);
		off += 8 + ((flags & 0x1000) ? 4 : 0) + ((flags & 0x0080) ? 4 : 0);
		if ((size_t)n < off + 6)
			continue;
		if (p[off] == 0xff && p[off + 1] == 0x03)
			off += 2;
		if (get16(p + off) == 0xc021 && p[off + 2] >= 2 && p[off + 2] <= 4 &&
		    p[off + 3] == 0x2a && lcp_state[call] == 2) {
			lcp_state[call] = 1;
			lcp_answered++;
		}
	}
}

/* Answer Echo-Requests and Stop-Control-Connection-Requests until end. */
static void hold(uint64_t end)
{
	while (now_ms() < end) {
		uint8_t m[512];

		for (unsigned int i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];
			int t;

			if (c->fd < 0)
				continue;
			while ((t = read_msg(c, m, 0)) != 0) {
				if (t == 5) {		/* Echo-Request */
					uint8_t r[20];

					ctrl(r, 6, 20);
					memcpy(r + 12, m + 12, 4);
					r[16] = 1;
					(void)send_all(c->fd, r, 20);
				} else if (t == 3) {	/* StopCCRQ */
					uint8_t r[16];

					stops++;
					ctrl(r, 4, 16);
					r[12] = 1;
					(void)send_all(c->fd, r, 16);
				}
			}
			/* Closed by the server: forget it. */
			struct pollfd p = { .fd = c->fd, .events = POLLIN };

			if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR))) {
				close(c->fd);
				c->fd = -1;
			}
		}
		if (gre_fd >= 0)
			gre_input();
		usleep(20 * 1000);
	}
}

/* K Outgoing-Call-Requests, not waiting for the replies. */
static void send_calls(struct conn *c, unsigned int k)
{
	for (unsigned int j = 0; j < k; j++) {
		uint8_t o[168];

		ctrl(o, 7, 168);
		put16(o + 12, next_call++);
		put16(o + 14, next_call);
		put32(o + 16, 300);
		put32(o + 20, 100000000);
		put32(o + 24, 1);
		put32(o + 28, 1);
		put16(o + 32, 64);
		if (send_all(c->fd, o, sizeof(o)))
			return;
	}
}

/* Their K replies, counted by result; with lcp, LCP at once on each. */
static void read_calls(struct conn *c, unsigned int k, bool lcp)
{
	uint8_t m[512];

	for (unsigned int j = 0; j < k; j++) {
		int t;

		do {
			t = read_msg(c, m, 5000);
		} while (t && t != 8);
		if (!t)
			return;
		results[m[16] < 16 ? m[16] : 0]++;
		if (lcp && m[16] == 1)
			send_lcp(get16(m + 12), get16(m + 14));
	}
}

static void flood(struct conn *c, unsigned long n)
{
	uint8_t sli[24], ccrq[16];

	ctrl(sli, 15, 24);
	put16(sli + 12, 4711);
	put32(sli + 16, 0xffffffff);
	put32(sli + 20, 0xffffffff);
	ctrl(ccrq, 12, 16);
	put16(ccrq + 12, 4712);
	for (unsigned long i = 0; i < n; i++)
		if (send_all(c->fd, sli, sizeof(sli)) || send_all(c->fd, ccrq, sizeof(ccrq)))
			return;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' }, { "src", required_argument, NULL, 'S' },
		{ "conns", required_argument, NULL, 'n' }, { "calls", required_argument, NULL, 'k' },
		{ "flood", required_argument, NULL, 'f' }, { "hold", required_argument, NULL, 'H' },
		{ "lcp", no_argument, NULL, 'l' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n = 1, k = 0, nflood = 0, hold_s = 0;
	bool lcp = false, have_server = false;
	struct rlimit rl;
	int o;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end = NULL;
		unsigned long v = optarg ? strtoul(optarg, &end, 10) : 0;
		bool num_ok = optarg && end != optarg && !*end;

		switch (o) {
		case 's': have_server = inet_pton(AF_INET, optarg, &server) == 1; break;
		case 'S': have_src = inet_pton(AF_INET, optarg, &src) == 1;
			if (!have_src)
				goto usage;
			break;
		case 'n': if (!num_ok || !v || v > MAX_CONNS) goto usage; n = v; break;
		case 'k': if (!num_ok || v > 1000) goto usage; k = v; break;
		case 'f': if (!num_ok) goto usage; nflood = v; break;
		case 'H': if (!num_ok || v > 3600) goto usage; hold_s = v; break;
		case 'l': lcp = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: goto usage;
		}
	}
	if (!have_server || optind != argc)
		goto usage;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	conns = calloc(n, sizeof(*conns));
	if (!conns)
		return 1;
	if (lcp) {
		gre_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
		if (gre_fd < 0) {
			perror("pptp-hostile: raw GRE socket");
			return 1;
		}
		/* GRE from --src too, whatever source the route would pick. */
		if (have_src) {
			struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr = src };

			if (bind(gre_fd, (struct sockaddr *)&me, sizeof(me))) {
				perror("pptp-hostile: bind the raw GRE socket to --src");
				return 1;
			}
		}
	}
	for (unsigned long i = 0; i < n; i++) {
		uint8_t m[512], rq[156];
		struct conn *c = &conns[nconns];

		c->fd = dial();
		c->len = 0;
		if (c->fd < 0) {
			refused++;
			continue;
		}
		ctrl(rq, 1, 156);
		put16(rq + 12, 0x0100);
		put32(rq + 16, 1);
		put32(rq + 20, 1);
		put16(rq + 24, 1);
		memcpy(rq + 92, "hostile", 7);
		if (send_all(c->fd, rq, sizeof(rq)) || read_msg(c, m, 2000) != 2 || m[14] != 1) {
			close(c->fd);
			refused++;
			continue;
		}
		answered++;
		nconns++;
		/* A flood of calls, as the connections come. */
		if (!lcp && k) {
			send_calls(c, (unsigned int)k);
			read_calls(c, (unsigned int)k, false);
		}
	}
	/* The dial race: every call requested at once, then the replies. */
	for (unsigned int i = 0; i < nconns && k && lcp; i++)
		send_calls(&conns[i], (unsigned int)k);
	for (unsigned int i = 0; i < nconns && k && lcp; i++)
		read_calls(&conns[i], (unsigned int)k, true);
	if (nflood && nconns)
		flood(&conns[0], nflood);
	hold(now_ms() + hold_s * 1000 + (lcp ? 3000 : 0));
	printf("answered %lu refused %lu calls-connected %lu calls-busy %lu calls-general %lu calls-not-accepted %lu lcp-sent %lu lcp-answered %lu stops %lu\n",
	       answered, refused, results[1], results[4], results[2], results[7], lcp_sent,
	       lcp_answered, stops);
	return 0;
usage:
	fputs(usage_text, stderr);
	return 2;
}
