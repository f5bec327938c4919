// SPDX-License-Identifier: GPL-2.0
/*
 * exerciser: a seeded, time-bounded random mix of everything a local user
 * or a remote peer can do to kpptp at once, for the debug kernel (KASAN,
 * lockdep, RCU checking) to judge. Several worker processes each draw
 * operations from their own PRNG (seed, worker): PPPoX socket bind,
 * connect, close and options, channel attach through /dev/ppp and
 * transmit, netlink session-new/del/get/set/dump and stats, GRE v1
 * injection with random flags, sequence and length, and namespaces that
 * die under GRE flood with sessions in them. A third of the workers are
 * root, a third nobody beside root's sessions, a third nobody in a user
 * and network namespace of its own (as any local user can be).
 *
 * The op sequence of each worker is reproducible from the seed; the
 * interleaving is the scheduler's. A syscall that answers an errno no
 * caller should ever see (EFAULT, ENOMEM from a tiny request, ...) is a
 * failure, as is a worker that hangs or dies of a signal. The kernel's own
 * checkers report the rest on the console.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <netinet/in.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include <linux/kpptp.h>
#include "kpptp/nl.h"

static const char usage_text[] =
"usage: exerciser [--seed N] [--seconds S] [--workers W] [--calls C]\n"
"\n"
"Run W worker processes (default 4) for S seconds (default 30, at most\n"
"3600), each drawing operations from a PRNG seeded with (N, worker). Call\n"
"IDs are drawn from 1..C (default 24) so that workers collide. Needs root\n"
"in a namespace whose lo is up, with kpptp loaded.\n"
"\n"
"Prints the seed first, then per-operation counts. Exit status: 0 when\n"
"every worker finished cleanly, 1 when one saw an unexpected answer, hung\n"
"or died (the seed and the worker's last operation are printed), 2 on bad\n"
"usage.\n";

static uint64_t seed;
static unsigned int ncalls = 24;
static struct in_addr lo_addr;

/* splitmix64: small, good enough, and the same on every machine. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)	/* 0..n-1 */
{
	return (unsigned int)(rnd() % n);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum op {
	OP_BIND, OP_CONNECT, OP_CLOSE, OP_SOCKOPT, OP_QUERY, OP_CHANNEL,
	OP_NL_NEW, OP_NL_DEL, OP_NL_GET, OP_NL_SET, OP_NL_DUMP, OP_GRE,
	OP_NETNS, OP_MAX
};

static const char *const op_names[OP_MAX] = {
	"bind", "connect", "close", "sockopt", "query", "channel",
	"nl-new", "nl-del", "nl-get", "nl-set", "nl-dump", "gre", "netns",
};

/* Relative weights: cheap ops often, namespaces now and then. */
static const unsigned int op_weight[OP_MAX] = {
	10, 8, 6, 6, 4, 4, 6, 5, 4, 4, 2, 10, 1,
};

#define NFDS 16			/* PPPoX sockets a worker holds */

struct worker {
	int id;
	int fds[NFDS];
	int raw;			/* GRE injection, -1 if not allowed */
	struct kpptp_nl nl;
	bool nl_ok;
	enum op last;
	unsigned long count[OP_MAX];
	unsigned long failed;
};

/*
 * An answer is acceptable when the kernel may legitimately give it to
 * this request; anything else is reported with the seed.
 */
static bool errno_ok(int e, const int *allowed)
{
	for (; *allowed; allowed++)
		if (e == *allowed)
			return true;
	return false;
}

static void check(struct worker *w, int ret, const int *allowed)
{
	if (ret >= 0 || errno_ok(errno, allowed))
		return;
	fprintf(stderr, "exerciser: seed %llu worker %d op %s: unexpected %s\n",
		(unsigned long long)seed, w->id, op_names[w->last], strerror(errno));
	w->failed++;
}

/* What each kind of call may answer. */
static const int E_BIND[] = { EBUSY, EADDRINUSE, EINVAL, EADDRNOTAVAIL,
			      EPERM, EACCES, EMFILE, ENFILE, 0 };
static const int E_CONNECT[] = { EADDRINUSE, EALREADY, EISCONN, EINVAL,
				 ENOTCONN, EHOSTUNREACH, ENETUNREACH,
				 EADDRNOTAVAIL, EBUSY, 0 };
static const int E_SOCKOPT[] = { EINVAL, ERANGE, ENOTCONN, ENOPROTOOPT,
				 ENOTSOCK, EPERM, 0 };
static const int E_CHANNEL[] = { ENOTCONN, ENXIO, EINVAL, ENOTTY, EIO,
				 EPERM, EBADF, ENOENT, EACCES, 0 };
static const int E_NL[] = { EINVAL, ENOENT, EEXIST, EALREADY, EADDRINUSE,
			    EADDRNOTAVAIL, EPERM, ERANGE, EOPNOTSUPP,
			    ENODEV, ENOTCONN, EBUSY, 0 };
static const int E_SEND[] = { ENOBUFS, EPERM, ENETUNREACH, EHOSTUNREACH,
			      EAGAIN, 0 };

static int *slot(struct worker *w)
{
	return &w->fds[rn(NFDS)];
}

static void op_bind(struct worker *w)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX,
				     .sa_protocol = PX_PROTO_PPTP };
	int *fd = slot(w);

	if (*fd >= 0)
		close(*fd);
	*fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
	check(w, *fd, E_BIND);
	if (*fd < 0)
		return;
	sp.sa_addr.pptp.sin_addr = lo_addr;
	/* Call ID 0 asks the kernel to pick: some of both. */
	sp.sa_addr.pptp.call_id = rn(4) ? (uint16_t)(1 + rn(ncalls)) : 0;
	check(w, bind(*fd, (struct sockaddr *)&sp, sizeof(sp)), E_BIND);
}

static void op_connect(struct worker *w)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX,
				     .sa_protocol = PX_PROTO_PPTP };
	int fd = *slot(w);

	if (fd < 0)
		return;
	sp.sa_addr.pptp.sin_addr = lo_addr;
	sp.sa_addr.pptp.call_id = (uint16_t)(1 + rn(ncalls));
	check(w, connect(fd, (struct sockaddr *)&sp, sizeof(sp)), E_CONNECT);
}

static void op_close(struct worker *w)
{
	int *fd = slot(w);

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void op_sockopt(struct worker *w)
{
	static const int opts[] = { KPPTP_SO_REORDER_WINDOW,
				    KPPTP_SO_REORDER_TIMEOUT,
				    KPPTP_SO_ACK_DELAY, 0, 99 };
	int fd = *slot(w), v;

	if (fd < 0)
		return;
	/* In range mostly; 0, the limits and beyond them sometimes. */
	switch (rn(4)) {
	case 0: v = (int)rn(KPPTP_REORDER_WINDOW_MAX + 2); break;
	case 1: v = (int)rn(KPPTP_TIMEOUT_MAX_MS + 2); break;
	case 2: v = rn(2) ? -1 : 0; break;
	default: v = (int)rn(64); break;
	}
	check(w, setsockopt(fd, SOL_KPPTP, opts[rn(5)], &v, sizeof(v)),
	      E_SOCKOPT);
}

static void op_query(struct worker *w)
{
	struct sockaddr_pppox sp;
	socklen_t len = sizeof(sp);
	int fd = *slot(w), v;

	if (fd < 0)
		return;
	check(w, rn(2) ? getsockname(fd, (struct sockaddr *)&sp, &len) :
			 getpeername(fd, (struct sockaddr *)&sp, &len),
	      E_SOCKOPT);
	len = sizeof(v);
	check(w, getsockopt(fd, SOL_KPPTP, 1 + (int)rn(3), &v, &len),
	      E_SOCKOPT);
}

/*
 * Attach /dev/ppp to a channel (ours, or an index near it that may be
 * another worker's, half set up or going away) and transmit through it.
 */
static void op_channel(struct worker *w)
{
	unsigned char frame[1500];
	int fd = *slot(w), ppp, idx = 0;
	unsigned int n, len;

	if (fd < 0)
		return;
	if (ioctl(fd, PPPIOCGCHAN, &idx) < 0) {
		check(w, -1, E_CHANNEL);
		if (!rn(2))
			return;
	}
	ppp = open("/dev/ppp", O_RDWR | O_NONBLOCK);
	if (ppp < 0) {
		check(w, ppp, E_CHANNEL);
		return;
	}
	idx += (int)rn(5) - 2;
	if (ioctl(ppp, PPPIOCATTCHAN, &idx) == 0) {
		for (n = rn(8); n; n--) {
			len = 2 + rn(sizeof(frame) - 2);
			for (unsigned int i = 0; i < len; i++)
				frame[i] = (unsigned char)rnd();
			frame[0] = 0x00;
			frame[1] = rn(2) ? 0x21 : 0x57;	/* IPv4, IPv6 */
			if (write(ppp, frame, len) < 0)
				check(w, -1, E_CHANNEL);
		}
	} else {
		check(w, -1, E_CHANNEL);
	}
	close(ppp);
}

static void nl_send(struct worker *w, struct nlmsghdr *nlh)
{
	if (kpptp_nl_talk(&w->nl, nlh, NULL, NULL) < 0)
		check(w, -1, E_NL);
}

static void op_nl(struct worker *w, enum op op)
{
	static const uint8_t cmds[] = {
		[OP_NL_NEW] = KPPTP_CMD_SESSION_NEW,
		[OP_NL_DEL] = KPPTP_CMD_SESSION_DEL,
		[OP_NL_GET] = KPPTP_CMD_SESSION_GET,
		[OP_NL_SET] = KPPTP_CMD_SESSION_SET,
		[OP_NL_DUMP] = KPPTP_CMD_SESSION_GET,
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (!w->nl_ok)
		return;
	if (op == OP_NL_GET && !rn(4)) {	/* the namespace's stats */
		nlh = kpptp_nl_request(&w->nl, buf, KPPTP_CMD_STATS_GET, 0);
		nl_send(w, nlh);
		return;
	}
	nlh = kpptp_nl_request(&w->nl, buf, cmds[op],
			       op == OP_NL_DUMP ? NLM_F_DUMP : 0);
	switch (op) {
	case OP_NL_NEW:
		mnl_attr_put_u32(nlh, KPPTP_A_LOCAL_ADDR, lo_addr.s_addr);
		mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, lo_addr.s_addr);
		/* Mostly in the colliding range; the kernel's pick too. */
		if (rn(4))
			mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID,
					 (uint16_t)(1 + rn(ncalls)));
		mnl_attr_put_u16(nlh, KPPTP_A_PEER_CALL_ID,
				 (uint16_t)(1 + rn(ncalls)));
		if (rn(2))
			mnl_attr_put(nlh, KPPTP_A_OWNED, 0, NULL);
		if (rn(2))
			mnl_attr_put_u32(nlh, KPPTP_A_REORDER_WINDOW,
					 rn(KPPTP_REORDER_WINDOW_MAX + 1));
		break;
	case OP_NL_SET:
		mnl_attr_put_u32(nlh, KPPTP_A_ID, 1 + rn(64));
		mnl_attr_put_u32(nlh, KPPTP_A_REORDER_WINDOW,
				 rn(KPPTP_REORDER_WINDOW_MAX + 1));
		mnl_attr_put_u32(nlh, KPPTP_A_REORDER_TIMEOUT, 1 + rn(300));
		if (rn(2))
			mnl_attr_put_u32(nlh, KPPTP_A_STALL_TIMEOUT, rn(3));
		break;
	case OP_NL_DEL:
	case OP_NL_GET:
		if (rn(3)) {
			mnl_attr_put_u32(nlh, KPPTP_A_ID, 1 + rn(64));
		} else {
			mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID,
					 (uint16_t)(1 + rn(ncalls)));
			mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, lo_addr.s_addr);
		}
		break;
	default:
		break;
	}
	nl_send(w, nlh);
}

/* GRE v1 to ourselves: mostly well-formed, for sessions that exist. */
static void op_gre(struct worker *w)
{
	static uint32_t seq;
	unsigned char pkt[1600];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = lo_addr };
	unsigned int n, len, plen, off;

	if (w->raw < 0)
		return;
	for (n = 1 + rn(32); n; n--) {
		bool has_seq = rn(8), has_ack = rn(2);

		plen = rn(8) ? 4 + rn(1400) : rn(1500);
		pkt[0] = rn(16) ? (has_seq ? 0x30 : 0x20) : (uint8_t)rnd();
		pkt[1] = (has_ack ? 0x80 : 0) | (rn(16) ? 0x01 : (uint8_t)rn(8));
		pkt[2] = 0x88;
		pkt[3] = rn(32) ? 0x0b : (uint8_t)rnd();
		pkt[4] = (uint8_t)(plen >> 8);
		pkt[5] = (uint8_t)plen;
		pkt[6] = 0;
		pkt[7] = (uint8_t)(1 + rn(ncalls));
		off = 8;
		/* Near the last sequence number mostly; far jumps too. */
		seq += rn(8) ? rn(3) : (uint32_t)rnd();
		if (has_seq) {
			uint32_t v = htonl(rn(4) ? seq : seq - rn(300));

			memcpy(pkt + off, &v, 4);
			off += 4;
		}
		if (has_ack) {
			uint32_t v = htonl(seq + rn(64) - 32);

			memcpy(pkt + off, &v, 4);
			off += 4;
		}
		len = off + (plen < sizeof(pkt) - off ? plen : 0);
		if (len > off) {
			pkt[off] = 0xff;	/* address, control, IPv4 */
			if (len > off + 1)
				pkt[off + 1] = 0x03;
			for (unsigned int i = off + 2; i < len; i++)
				pkt[i] = (unsigned char)rnd();
			if (len > off + 3) {
				pkt[off + 2] = 0x00;
				pkt[off + 3] = rn(4) ? 0x21 : 0xc0;
			}
		}
		if (rn(16) == 0 && len > 1)
			len = rn(len);		/* truncated */
		if (sendto(w->raw, pkt, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			check(w, -1, E_SEND);
	}
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static void worker_open(struct worker *w)
{
	for (size_t i = 0; i < NFDS; i++)
		w->fds[i] = -1;
	w->raw = socket(AF_INET, SOCK_RAW, IPPROTO_GRE);
	w->nl_ok = kpptp_nl_open(&w->nl) == 0 && kpptp_nl_resolve(&w->nl) == 0;
}

static void worker_close(struct worker *w)
{
	for (size_t i = 0; i < NFDS; i++)
		if (w->fds[i] >= 0)
			close(w->fds[i]);
	if (w->raw >= 0)
		close(w->raw);
	if (w->nl_ok)
		kpptp_nl_close(&w->nl);
}

static void run_ops(struct worker *w, double until, bool nested);

/*
 * A namespace that lives a few hundred ms with sessions, sockets and a
 * GRE flood in it, then dies with all of that still going: the child
 * exits with everything open, and its flooding grandchild is killed.
 */
static void op_netns(struct worker *w)
{
	pid_t child = fork();
	int st;

	if (child < 0)
		return;
	if (!child) {
		struct worker inner = { .id = w->id };
		pid_t flood;

		rng_state ^= 0x5bd1e995;
		if (unshare(geteuid() ? CLONE_NEWUSER | CLONE_NEWNET :
			    CLONE_NEWNET) || lo_up())
			_exit(3);
		worker_open(&inner);
		flood = fork();
		if (!flood) {
			for (;;)
				op_gre(&inner);
		}
		run_ops(&inner, now() + 0.05 + rn(300) / 1000.0, true);
		if (flood > 0)
			kill(flood, SIGKILL);
		_exit(inner.failed ? 1 : 0);
	}
	if (waitpid(child, &st, 0) == child &&
	    (!WIFEXITED(st) || WEXITSTATUS(st) == 1)) {
		fprintf(stderr, "exerciser: seed %llu worker %d: namespace child %s %d\n",
			(unsigned long long)seed, w->id,
			WIFEXITED(st) ? "failed, status" : "died of signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		w->failed++;
	}
}

static enum op pick(bool nested)
{
	unsigned int total = 0, r;
	enum op op;

	for (op = 0; op < OP_MAX; op++)
		total += op_weight[op];
	for (;;) {
		r = rn(total);
		for (op = 0; r >= op_weight[op]; op++)
			r -= op_weight[op];
		if (!(nested && op == OP_NETNS))
			return op;
	}
}

static void run_ops(struct worker *w, double until, bool nested)
{
	while (now() < until) {
		enum op op = pick(nested);

		w->last = op;
		w->count[op]++;
		switch (op) {
		case OP_BIND: op_bind(w); break;
		case OP_CONNECT: op_connect(w); break;
		case OP_CLOSE: op_close(w); break;
		case OP_SOCKOPT: op_sockopt(w); break;
		case OP_QUERY: op_query(w); break;
		case OP_CHANNEL: op_channel(w); break;
		case OP_GRE: op_gre(w); break;
		case OP_NETNS: op_netns(w); break;
		default: op_nl(w, op); break;
		}
	}
}

/* A worker: its counts go to the parent through the pipe. */
static int worker_main(int id, double until, int out)
{
	struct worker w = { .id = id };
	ssize_t n;

	rng_state = seed * 0x100000001b3ULL + (uint64_t)id;
	/*
	 * Worker 0, 3, ...: root. 1, 4, ...: nobody, beside root's sessions
	 * (binds, reads; mutations refused). 2, 5, ...: nobody in a user
	 * and network namespace of its own, where it has every capability.
	 */
	if (id % 3 && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		fprintf(stderr, "exerciser: worker %d: cannot become nobody: %s\n",
			id, strerror(errno));
		return 3;
	}
	if (id % 3 == 2 && (unshare(CLONE_NEWUSER | CLONE_NEWNET) || lo_up())) {
		fprintf(stderr, "exerciser: worker %d: no user namespace: %s\n",
			id, strerror(errno));
		return 3;
	}
	worker_open(&w);
	run_ops(&w, until, false);
	worker_close(&w);
	n = write(out, w.count, sizeof(w.count));
	if (n != (ssize_t)sizeof(w.count))
		return 1;
	return w.failed ? 1 : 0;
}

static bool parse_ul(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !*end && !errno && *v <= max;
}

int main(int argc, char **argv)
{
	unsigned long seconds = 30, workers = 4, v;
	unsigned long total[OP_MAX] = { 0 };
	pid_t pids[64];
	int pipes[64], failed = 0;
	double until;

	seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 16;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(o, "--seed") && parse_ul(a, ~0UL, &v))
			seed = v;
		else if (!strcmp(o, "--seconds") && parse_ul(a, 3600, &v) && v)
			seconds = v;
		else if (!strcmp(o, "--workers") && parse_ul(a, 64, &v) && v)
			workers = v;
		else if (!strcmp(o, "--calls") && parse_ul(a, 65535, &v) && v)
			ncalls = (unsigned int)v;
		else {
			fprintf(stderr, "exerciser: bad option or value: %s %s\n%s",
				o, a ? a : "", usage_text);
			return 2;
		}
		i++;
	}
	inet_pton(AF_INET, "127.0.0.1", &lo_addr);
	printf("exerciser: seed %llu, %lu workers, %lu s, call IDs 1..%u\n",
	       (unsigned long long)seed, workers, seconds, ncalls);
	fflush(stdout);

	until = now() + (double)seconds;
	for (unsigned long i = 0; i < workers; i++) {
		int p[2];

		if (pipe(p)) {
			perror("exerciser: pipe");
			return 1;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("exerciser: fork");
			return 1;
		}
		if (!pids[i]) {
			close(p[0]);
			_exit(worker_main((int)i, until, p[1]));
		}
		close(p[1]);
		pipes[i] = p[0];
	}
	/* Bounded: a worker still running 30 s after the end is hung. */
	for (unsigned long i = 0; i < workers; i++) {
		unsigned long cnt[OP_MAX];
		int st;

		while (waitpid(pids[i], &st, WNOHANG) == 0) {
			if (now() > until + 30) {
				fprintf(stderr, "exerciser: seed %llu worker %lu hung; killed\n",
					(unsigned long long)seed, i);
				kill(pids[i], SIGKILL);
				waitpid(pids[i], &st, 0);
				failed = 1;
				break;
			}
			usleep(100000);
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "exerciser: seed %llu worker %lu %s %d\n",
				(unsigned long long)seed, i,
				WIFEXITED(st) ? "exited with" : "died of signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			failed = 1;
		}
		if (read(pipes[i], cnt, sizeof(cnt)) == (ssize_t)sizeof(cnt))
			for (int op = 0; op < OP_MAX; op++)
				total[op] += cnt[op];
		close(pipes[i]);
	}
	for (int op = 0; op < OP_MAX; op++)
		printf("exerciser: %-8s %lu\n", op_names[op], total[op]);
	if (failed)
		printf("exerciser: FAILED; repeat with --seed %llu\n",
		       (unsigned long long)seed);
	return failed;
}
