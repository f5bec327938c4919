// SPDX-License-Identifier: GPL-2.0
/*
 * fault-walk: make every memory allocation of a request fail in turn
 * (/proc/self/task/TID/fail-nth, CONFIG_FAULT_INJECTION with failslab and
 * fail_page_alloc) and check that each failure left nothing behind: the
 * same request, without a fault, then succeeds, and the namespace holds no
 * session once the test's objects are closed. The kernel's checkers
 * (KASAN, lockdep, slab debugging) judge the error paths themselves.
 *
 * Run as root in a namespace whose lo is up, with kpptp loaded, on a
 * kernel with fault injection (the debug kernel). Prints one line per
 * request: its name and how many allocation points it has.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_pppox.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include <linux/kpptp.h>
#include "kpptp/nl.h"

/* At most this many allocation points per request: more is a runaway. */
#define MAX_POINTS 400

static struct in_addr lo;
static struct kpptp_nl nl;
static int fail_nth = -1;
static int sk = -1;		/* the request's PPPoX socket, if any */

static int set_fail_nth(int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%d", n);

	return pwrite(fail_nth, s, (size_t)len, 0) == len ? 0 : -1;
}

/* Was the armed fault injected (reads 0), or not reached (positive)? */
static int fault_injected(void)
{
	char s[16] = "";

	if (pread(fail_nth, s, sizeof(s) - 1, 0) <= 0)
		return -1;
	return atoi(s) == 0;
}

static int pptp_socket(unsigned int call)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX,
				     .sa_protocol = PX_PROTO_PPTP };
	int fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);

	if (fd < 0)
		return -1;
	sp.sa_addr.pptp.sin_addr = lo;
	sp.sa_addr.pptp.call_id = (unsigned short)call;
	if (bind(fd, (struct sockaddr *)&sp, sizeof(sp))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int pptp_connect(int fd, unsigned int peer_call)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX,
				     .sa_protocol = PX_PROTO_PPTP };

	sp.sa_addr.pptp.sin_addr = lo;
	sp.sa_addr.pptp.call_id = (unsigned short)peer_call;
	return connect(fd, (struct sockaddr *)&sp, sizeof(sp));
}

static int nl_cmd(uint8_t cmd, uint16_t flags, unsigned int call,
		  unsigned int peer_call)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = kpptp_nl_request(&nl, buf, cmd, flags);

	if (cmd != KPPTP_CMD_STATS_GET && !(flags & NLM_F_DUMP)) {
		mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID, (uint16_t)call);
		mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, lo.s_addr);
	}
	if (cmd == KPPTP_CMD_SESSION_NEW) {
		mnl_attr_put_u32(nlh, KPPTP_A_LOCAL_ADDR, lo.s_addr);
		mnl_attr_put_u16(nlh, KPPTP_A_PEER_CALL_ID, (uint16_t)peer_call);
	}
	if (cmd == KPPTP_CMD_SESSION_SET)
		mnl_attr_put_u32(nlh, KPPTP_A_REORDER_WINDOW, 8);
	return kpptp_nl_talk(&nl, nlh, NULL, NULL);
}

/* Sessions of the namespace, from /proc/net/kpptp_stats. */
static long sessions(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/net/kpptp_stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "sessions %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* A netlink socket whose reply was lost to a fault must not block. */
static int nl_reopen(void)
{
	struct timeval tv = { .tv_sec = 2 };

	if (nl.sock)
		kpptp_nl_close(&nl);
	memset(&nl, 0, sizeof(nl));
	if (kpptp_nl_open(&nl) || kpptp_nl_resolve(&nl))
		return -1;
	return setsockopt(mnl_socket_get_fd(nl.sock), SOL_SOCKET, SO_RCVTIMEO,
			  &tv, sizeof(tv));
}

/* Requests: set up (no fault), the faulted request, and clean up. */
struct request {
	const char *name;
	int (*setup)(void);
	int (*run)(void);
};

static int none(void) { return 0; }
static int do_bind(void) { return (sk = pptp_socket(100)) < 0 ? -1 : 0; }
static int do_connect(void) { return pptp_connect(sk, 200); }
static int do_new(void) { return nl_cmd(KPPTP_CMD_SESSION_NEW, 0, 300, 400); }
static int do_get(void) { return nl_cmd(KPPTP_CMD_SESSION_GET, 0, 300, 0); }
static int do_dump(void) { return nl_cmd(KPPTP_CMD_SESSION_GET, NLM_F_DUMP, 0, 0); }
static int do_set(void) { return nl_cmd(KPPTP_CMD_SESSION_SET, 0, 300, 0); }
static int do_del(void) { return nl_cmd(KPPTP_CMD_SESSION_DEL, 0, 300, 0); }
static int do_stats(void) { return nl_cmd(KPPTP_CMD_STATS_GET, 0, 0, 0); }

/* A socket attaching to a netlink-made session (same call IDs). */
static int setup_attach(void)
{
	if (do_new())
		return -1;
	return (sk = pptp_socket(300)) < 0 ? -1 : 0;
}

static int do_attach(void) { return pptp_connect(sk, 400); }

static int setup_connected(void)
{
	return do_bind() || do_connect() ? -1 : 0;
}

static int do_sockopt(void)
{
	int v = 32;

	return setsockopt(sk, SOL_KPPTP, KPPTP_SO_REORDER_WINDOW, &v, sizeof(v));
}

static const struct request requests[] = {
	{ "bind", none, do_bind },
	{ "connect", do_bind, do_connect },
	{ "setsockopt", setup_connected, do_sockopt },
	{ "session-new", none, do_new },
	{ "session-get", do_new, do_get },
	{ "session-dump", do_new, do_dump },
	{ "session-set", do_new, do_set },
	{ "session-del", do_new, do_del },
	{ "stats-get", none, do_stats },
	{ "attach", setup_attach, do_attach },
};

/* Close the socket, delete the netlink session: back to nothing. */
static int cleanup(void)
{
	if (sk >= 0)
		close(sk);
	sk = -1;
	nl_cmd(KPPTP_CMD_SESSION_DEL, 0, 300, 0);	/* may not exist */
	/* A socket's session goes with its last reference: RCU, not now. */
	for (int i = 0; i < 200 && sessions() != 0; i++)
		usleep(10000);
	return sessions() == 0 ? 0 : -1;
}

static int walk(const struct request *r)
{
	int n, injected, ret, e;

	for (n = 1; n <= MAX_POINTS; n++) {
		if (nl_reopen() || r->setup()) {
			fprintf(stderr, "fault-walk: %s: setup failed: %s\n",
				r->name, strerror(errno));
			return -1;
		}
		if (set_fail_nth(n)) {
			perror("fault-walk: fail-nth");
			return -1;
		}
		ret = r->run();
		e = errno;
		injected = fault_injected();
		set_fail_nth(0);
		if (nl_reopen() || cleanup()) {
			fprintf(stderr, "fault-walk: %s: failure %d left %ld sessions behind\n",
				r->name, n, sessions());
			return -1;
		}
		if (injected < 0) {
			perror("fault-walk: reading fail-nth");
			return -1;
		}
		if (!injected) {
			if (ret) {
				fprintf(stderr, "fault-walk: %s fails with no fault: %s\n",
					r->name, strerror(e));
				return -1;
			}
			printf("%s: %d allocation points, each failure clean\n",
			       r->name, n - 1);
			return 0;
		}
		/* The same request, unfaulted, must work: nothing kept. */
		if (r->setup() || r->run()) {
			fprintf(stderr, "fault-walk: %s after failure %d (it answered %s): %s\n",
				r->name, n, ret ? strerror(e) : "success",
				strerror(errno));
			cleanup();
			return -1;
		}
		if (cleanup())
			return -1;
	}
	fprintf(stderr, "fault-walk: %s: more than %d allocation points\n",
		r->name, MAX_POINTS);
	return -1;
}

int main(int argc, char **argv)
{
	char path[64];
	int bad = 0;

	if (argc > 1) {
		fputs("usage: fault-walk\n(no options; see the comment at the top of selftests/fault-walk.c)\n",
		      strcmp(argv[1], "--help") ? stderr : stdout);
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	inet_pton(AF_INET, "127.0.0.1", &lo);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	fail_nth = open(path, O_RDWR);
	if (fail_nth < 0) {
		fprintf(stderr, "fault-walk: %s: %s (no CONFIG_FAULT_INJECTION)\n",
			path, strerror(errno));
		return 4;
	}
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (walk(&requests[i]))
			bad = 1;
	return bad;
}
