// SPDX-License-Identifier: GPL-2.0
/*
 * Restart in place: kpptpd hands everything it holds to a new kpptpd
 * binary, and no peer notices (Documentation/design.rst, "Restart in
 * place").
 *
 * The old kpptpd writes its state (state.h's records) into a sealed memfd,
 * clears close-on-exec on every descriptor the state names, and execve()s
 * the new binary in the same process: pppd stays its child (its SIGCHLD,
 * its status pipe), systemd sees the same main PID, and the netlink socket
 * that owns the calls' kernel sessions is the same socket, so ownership
 * never moves. The new kpptpd reads the state whole before it touches
 * anything; one it cannot take sends it back to the old binary (kept open
 * as a descriptor: a package upgrade has replaced the file by then) with
 * the same state, so a restart either happens whole or not at all.
 *
 * Before any of that, the old kpptpd asks the new binary which state
 * format it reads (--state-format) and has it check the configuration: a
 * binary that would refuse is never exec'd, the old one keeps serving
 * and says why in one line.
 *
 * Only the server hands over; kpptpd --client has no control socket.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "kpptp-version.h"
#include "kpptpd.h"
#include "state.h"

#define STATE_MAX_SIZE	(256u << 20)	/* a million calls fit */
#define PRECHECK_MS	5000		/* the new binary answers within this */

/*
 * Counters, one list each for writing and reading: a counter added to
 * the struct and here travels both ways.
 */
#define SOURCE_STATS(X) \
	X(refused_table_full) X(refused_conns) X(refused_rate) X(refused_total_conns) \
	X(refused_calls) X(refused_starting) X(refused_starting_total) \
	X(refused_blocked) X(refused_max_calls) X(closed_idle) X(auth_failures) \
	X(blocks) X(log_suppressed) X(pppd_killed) X(user_blocks) \
	X(refused_user_blocked) X(refused_users_full)
#define INFORM_STATS(X) \
	X(answered) X(not_inform) X(wrong_source) X(malformed) X(rate_limited) \
	X(send_failed) X(no_socket)
#define CONN_STATS(X) \
	X(rx_unexpected) X(rx_unknown_call) X(rx_reserved_nonzero) X(calls_refused) \
	X(calls_up) X(echo_sent) X(echo_missed)

/* --- writing ------------------------------------------------------- */

static void save_addr(struct state_out *o, const char *key, const struct sockaddr_in *sa)
{
	char k[32];

	snprintf(k, sizeof(k), "%s_addr", key);
	state_u64(o, k, ntohl(sa->sin_addr.s_addr));
	snprintf(k, sizeof(k), "%s_port", key);
	state_u64(o, k, ntohs(sa->sin_port));
}

static void save_source(struct source *s, void *arg)
{
	struct state_out *o = arg;

	state_begin(o, "source");
	state_u64(o, "addr", s->addr);
	state_u64(o, "connect_tat", s->connect_tat);
	state_u64(o, "fails", s->fails);
	state_u64(o, "penalties", s->penalties);
	state_str(o, "last_user", s->last_user);
	state_u64(o, "fail_first", s->fail_first);
	state_u64(o, "fail_last", s->fail_last);
	state_u64(o, "blocked_until", s->blocked_until);
	state_end(o);
}

static void save_user(struct user *u, void *arg)
{
	struct state_out *o = arg;
	uint64_t known[2 * USER_KNOWN];

	for (unsigned int i = 0; i < USER_KNOWN; i++) {
		known[2 * i] = u->known[i].addr;
		known[2 * i + 1] = u->known[i].at;
	}
	state_begin(o, "user");
	state_str(o, "name", u->name);
	state_u64(o, "fails", u->fails);
	state_u64(o, "penalties", u->penalties);
	state_u64(o, "fail_first", u->fail_first);
	state_u64(o, "fail_last", u->fail_last);
	state_u64(o, "blocked_until", u->blocked_until);
	state_u64(o, "last_source", u->last_source);
	state_hex(o, "known", known, sizeof(known));
	state_end(o);
}

static void save_stats(struct state_out *o)
{
	const struct source_stats *s = &source_stats;
	const struct inform_stats *i = &inform_stats;

	state_begin(o, "stats");
#define S(f) state_u64(o, #f, s->f);
	SOURCE_STATS(S)
#undef S
#define I(f) state_u64(o, "dhcp_" #f, i->f);
	INFORM_STATS(I)
#undef I
	state_end(o);
}

static void save_conn(struct state_out *o, const struct conn *c)
{
	const struct pptp_conn *pc = &c->pc;

	state_begin(o, "conn");
	state_i64(o, "fd", c->fd);
	save_addr(o, "peer", &c->peer);
	save_addr(o, "local", &c->local);
	state_hex(o, "rx", c->rx, c->rx_len);
	state_hex(o, "tx", c->tx, c->tx_len);
	state_u64(o, "accepted", c->accepted_ms);
	state_u64(o, "msg_start", c->msg_start_ms);
	state_u64(o, "got_message", c->got_message);
	state_u64(o, "last_call", c->last_call_ms);
	state_u64(o, "max_calls", pc->cfg.max_calls);
	state_u64(o, "state", pc->state);
	state_u64(o, "end", pc->end);
	state_u64(o, "since", pc->since_ms);
	state_u64(o, "last_rx", pc->last_rx_ms);
	state_u64(o, "echo_sent", pc->echo_sent_ms);
	state_u64(o, "echo_id", pc->echo_id);
	state_u64(o, "echo_missed", pc->echo_missed);
	state_u64(o, "serial", pc->serial);
	state_u64(o, "peer_max_channels", pc->peer_max_channels);
	state_str(o, "peer_host", pc->peer_host);
	state_str(o, "peer_vendor", pc->peer_vendor);
	state_u64(o, "peer_firmware", pc->peer_firmware);
	state_u64(o, "warned_reserved", pc->warned_reserved);
	state_hex(o, "rx_msgs", pc->stats.rx_msgs, sizeof(pc->stats.rx_msgs));
	state_hex(o, "tx_msgs", pc->stats.tx_msgs, sizeof(pc->stats.tx_msgs));
#define S(f) state_u64(o, "s_" #f, pc->stats.f);
	CONN_STATS(S)
#undef S
	state_end(o);
	for (unsigned int i = 0; i < pc->cfg.max_calls; i++) {
		const struct pptp_call *k = &pc->calls[i];

		if (k->state == PPTP_CALL_FREE)
			continue;
		state_begin(o, "slot");
		state_u64(o, "i", i);
		state_u64(o, "state", k->state);
		state_u64(o, "incoming", k->incoming);
		state_u64(o, "local_id", k->local_id);
		state_u64(o, "peer_id", k->peer_id);
		state_u64(o, "serial", k->serial);
		state_u64(o, "peer_window", k->peer_window);
		state_u64(o, "peer_delay", k->peer_delay);
		state_u64(o, "speed", k->speed);
		state_u64(o, "since", k->since_ms);
		state_u64(o, "result", k->result);
		state_u64(o, "error", k->error);
		state_u64(o, "cause", k->cause);
		state_end(o);
	}
}

static void save_call(struct state_out *o, const struct daemon *d, const struct call *call,
		      unsigned int idx, bool exiting)
{
	int conn_idx = -1, slot = -1, n = 0;

	if (call->conn && call->pc) {
		for (const struct conn *c = d->conns; c; c = c->next, n++)
			if (c == call->conn)
				conn_idx = n;
		slot = (int)(call->pc - call->conn->pc.calls);
	}
	state_begin(o, "call");
	state_u64(o, "idx", idx);
	state_u64(o, "exiting", exiting);
	state_i64(o, "conn", conn_idx);
	state_i64(o, "slot", slot);
	state_str(o, "conn_name", call->conn_name);
	state_u64(o, "local_id", call->local_id);
	state_u64(o, "peer_id", call->peer_id);
	state_u64(o, "session", call->session_id);
	state_u64(o, "remote_ip", call->remote_ip);
	state_u64(o, "ppp_remote", call->ppp_remote);
	state_str(o, "ppp_remote6", call->ppp_remote6);
	state_i64(o, "sock", call->sock);
	state_i64(o, "pppd", call->pppd);
	state_i64(o, "status_fd", call->status_fd);
	state_hex(o, "status_buf", call->status_buf, call->status_len);
	state_str(o, "ifname", call->ifname);
	state_str(o, "user", call->user);
	state_u64(o, "access", call->access);
	state_u64(o, "access_addr0", call->access_addr[0]);
	state_u64(o, "access_addr1", call->access_addr[1]);
	state_str(o, "access_if", call->access_if);
	state_u64(o, "started", call->started_ms);
	state_u64(o, "src_addr", call->src_addr);
	state_u64(o, "counted_at_source", call->src != NULL);
	state_u64(o, "starting", call->starting);
	state_u64(o, "auth_failed", call->auth_failed);
	state_u64(o, "kill_at", call->kill_timer.slot ? call->kill_timer.when : 0);
	state_u64(o, "health", call->health);
	state_str(o, "health_why", call->health_why);
	state_u64(o, "health_rx", call->health_rx);
	state_u64(o, "anomalies", call->anomalies);
	state_u64(o, "lossy_logged", call->lossy_logged_ms);
	state_u64(o, "tcp_mss", call->tcp_mss);
	state_u64(o, "path_mtu", call->path_mtu);
	state_u64(o, "mss_mtu", call->mss_mtu);
	state_str(o, "mss_if", call->mss_if);
	state_i64(o, "out_fd", call->out.fd);
	state_hex(o, "out_buf", call->out.buf, call->out.len);
	state_end(o);
	inform_save(o, call, idx);
}

static void save(struct state_out *o, struct daemon *d, int reply_fd)
{
	unsigned int idx = 0, nconns = 0;

	state_begin(o, "kpptpd-state");
	state_u64(o, "format", STATE_FORMAT);
	state_end(o);
	state_begin(o, "daemon");
	state_str(o, "version", KPPTP_VERSION);
	state_i64(o, "listen", d->listen_fd);
	state_i64(o, "ctl", d->ctl_fd);
	state_i64(o, "nl", d->have_nl ? mnl_socket_get_fd(d->nl.sock) : -1);
	state_i64(o, "reply", reply_fd);
	state_u64(o, "restarts", d->restarts + 1);
	state_u64(o, "saved_at", now_ms());
	state_end(o);
	save_stats(o);
	sources_each(save_source, o);
	users_each(save_user, o);
	for (struct conn *c = d->conns; c; c = c->next, nconns++)
		save_conn(o, c);
	for (struct call *call = d->calls; call; call = call->next)
		save_call(o, d, call, idx++, false);
	for (struct call *call = d->exiting; call; call = call->next)
		save_call(o, d, call, idx++, true);
	state_begin(o, "end");
	state_u64(o, "conns", nconns);
	state_u64(o, "calls", idx);
	state_end(o);
}

/* --- descriptors across execve --------------------------------------- */

struct fdset {
	int *fd;
	size_t n, cap;
};

static void fds_add(struct fdset *s, int fd)
{
	int *v;

	if (fd < 0)
		return;
	if (s->n == s->cap) {
		v = realloc(s->fd, (s->cap ? s->cap * 2 : 64) * sizeof(*v));
		if (!v)
			return;		/* checked by the caller: n stays short */
		s->fd = v;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	s->fd[s->n++] = fd;
}

static size_t fds_collect(struct daemon *d, struct fdset *s, int reply_fd)
{
	size_t want = 0;

#define ADD(x) do { if ((x) >= 0) { want++; fds_add(s, (x)); } } while (0)
	ADD(d->listen_fd);
	ADD(d->ctl_fd);
	if (d->have_nl)
		ADD(mnl_socket_get_fd(d->nl.sock));
	ADD(reply_fd);
	for (struct conn *c = d->conns; c; c = c->next)
		ADD(c->fd);
	for (int pass = 0; pass < 2; pass++)
		for (struct call *call = pass ? d->exiting : d->calls; call; call = call->next) {
			ADD(call->sock);
			ADD(call->status_fd);
			ADD(call->out.fd);
			ADD(inform_fd(call));
		}
#undef ADD
	return want;
}

static int set_cloexec(const struct fdset *s, bool on)
{
	for (size_t i = 0; i < s->n; i++) {
		int fl = fcntl(s->fd[i], F_GETFD);

		if (fl < 0 || fcntl(s->fd[i], F_SETFD, on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC))
			return -1;
	}
	return 0;
}

/* --- before the exec: will the new binary take it? ------------------- */

/* Run binary with args, its stdout into out; 0 and its exit status, or -1. */
static int run_binary(const char *binary, const char *const *args, char *out, size_t cap,
		      int *status)
{
	int p[2], st;
	size_t len = 0;
	uint64_t end = now_ms() + PRECHECK_MS;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(p[1], 1) < 0)
			_exit(127);
		execv(binary, (char *const *)args);
		_exit(127);
	}
	close(p[1]);
	while (len < cap - 1) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		uint64_t now = now_ms();
		ssize_t n;

		if (now >= end || poll(&pf, 1, (int)(end - now)) <= 0)
			break;
		n = read(p[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	/* A binary that hangs is killed: its answer is what it said. */
	for (int i = 0; i < 100; i++) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			return 0;
		}
		if (i == 50)
			kill(pid, SIGKILL);
		usleep(10000);
	}
	return -1;
}

static int precheck(struct daemon *d, const char *binary, char *err, size_t errlen)
{
	const char *fmt_args[] = { binary, "--state-format", NULL };
	const char *cfg_args[] = { binary, "--check-config", "-c", d->conf_path, NULL };
	char out[256];
	unsigned int fmt;
	int st;

	if (access(binary, X_OK)) {
		snprintf(err, errlen, "%s: %s", binary, strerror(errno));
		return -1;
	}
	if (run_binary(binary, fmt_args, out, sizeof(out), &st) || st ||
	    sscanf(out, "kpptpd-state %u", &fmt) != 1) {
		snprintf(err, errlen, "%s does not say which state format it reads (kpptpd older than restart in place?)",
			 binary);
		return -1;
	}
	if (fmt != STATE_FORMAT) {
		snprintf(err, errlen, "%s reads state format %u, this kpptpd writes %u",
			 binary, fmt, STATE_FORMAT);
		return -1;
	}
	if (run_binary(binary, cfg_args, out, sizeof(out), &st) || st) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(err, errlen, "%s refuses %s: %s", binary, d->conf_path,
			 out[0] ? out : "see kpptpd --check-config");
		return -1;
	}
	return 0;
}

int handover_restart(struct daemon *d, const char *binary, int reply_fd, char *err,
		     size_t errlen)
{
	struct state_out o = { 0 };
	struct fdset fds = { 0 };
	char a_state[16], a_fb[16];
	const char *argv[12];
	int memfd = -1, fb = -1, n = 0;
	size_t want;

	if (!binary || !*binary)
		binary = d->exe;
	if (d->client || d->stopping) {
		snprintf(err, errlen, "%s", d->client ? "kpptpd --client does not restart in place" :
			 "kpptpd is stopping");
		goto fail;
	}
	if (precheck(d, binary, err, errlen))
		goto fail;
	/* Everything is settled: no connection is half-freed, no timer due. */
	conns_settle(d);
	calls_free_dead(d);
	for (o.cap = 1 << 16; o.cap <= STATE_MAX_SIZE; o.cap *= 2) {
		free(o.buf);
		o.buf = malloc(o.cap);
		if (!o.buf)
			break;
		o.len = 0;
		o.full = false;
		save(&o, d, reply_fd);
		if (!o.full)
			break;
	}
	if (!o.buf || o.full) {
		snprintf(err, errlen, "the state does not fit in memory");
		goto fail;
	}
	memfd = memfd_create("kpptpd-state", MFD_ALLOW_SEALING);
	if (memfd < 0 || write(memfd, o.buf, o.len) != (ssize_t)o.len ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) {
		snprintf(err, errlen, "memfd: %s", strerror(errno));
		goto fail;
	}
	/* The way back, should the new binary refuse the state after all. */
	fb = open("/proc/self/exe", O_RDONLY);
	if (fb < 0) {
		snprintf(err, errlen, "/proc/self/exe: %s", strerror(errno));
		goto fail;
	}
	want = fds_collect(d, &fds, reply_fd);
	fds_add(&fds, memfd);
	fds_add(&fds, fb);
	/*
	 * Every other descriptor closes at the exec (the events socket,
	 * libnftables' netlink socket...): only those the state names
	 * cross over.
	 */
	if (fds.n != want + 2 || close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) ||
	    set_cloexec(&fds, false)) {
		snprintf(err, errlen, "descriptors: %s", strerror(errno ? errno : ENOMEM));
		set_cloexec(&fds, true);
		goto fail;
	}
	snprintf(a_state, sizeof(a_state), "%d", memfd);
	snprintf(a_fb, sizeof(a_fb), "%d", fb);
	argv[n++] = binary;
	argv[n++] = "--resume";
	argv[n++] = a_state;
	argv[n++] = "--resume-fallback";
	argv[n++] = a_fb;
	argv[n++] = "-c";
	argv[n++] = d->conf_path;
	if (d->foreground)
		argv[n++] = "-f";
	if (log_verbose)
		argv[n++] = "-v";
	argv[n] = NULL;
	logmsg(LOG_NOTICE, "restarting in place as %s: %u connections, %u calls", binary,
	       d->nconns, d->ncalls);
	execv(binary, (char *const *)argv);
	snprintf(err, errlen, "exec %s: %s", binary, strerror(errno));
	set_cloexec(&fds, true);
fail:
	logmsg(LOG_ERR, "restart refused, this kpptpd goes on: %s", err);
	if (memfd >= 0)
		close(memfd);
	if (fb >= 0)
		close(fb);
	free(fds.fd);
	free(o.buf);
	return -1;
}

/* --- after the exec: taking it over -------------------------------- */

/* A call read from the state, and what it needs once it is adopted. */
struct pending {
	struct call *call;
	bool exiting, inform_watched;
	uint64_t kill_at;
};

struct resume {
	struct conn **conns;
	unsigned int nconns, cap_conns;
	struct pending *calls;
	unsigned int ncalls, cap_calls;
	int listen_fd, ctl_fd, nl_fd, reply_fd;
	uint64_t restarts;
	char old_version[64];
};

#define GET(r, key, hi, field) do { uint64_t v_ = 0; \
	if (state_get_u64((r), (key), 0, (hi), &v_)) (field) = v_; } while (0)
#define GETI(r, key, lo, hi, field) do { int64_t v_ = 0; \
	if (state_get_i64((r), (key), (lo), (hi), &v_)) (field) = v_; } while (0)

static bool grow(void **v, unsigned int n, unsigned int *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return true;
	p = realloc(*v, (*cap ? *cap * 2 : 16) * size);
	if (!p)
		return false;
	*v = p;
	*cap = *cap ? *cap * 2 : 16;
	return true;
}

static void load_addr(struct state_rec *r, const char *key, struct sockaddr_in *sa)
{
	uint64_t a = 0, p = 0;
	char k[32];

	snprintf(k, sizeof(k), "%s_addr", key);
	state_require(r, k);
	state_get_u64(r, k, 0, UINT32_MAX, &a);
	snprintf(k, sizeof(k), "%s_port", key);
	state_get_u64(r, k, 0, 65535, &p);
	*sa = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)p),
				    .sin_addr.s_addr = htonl((uint32_t)a) };
}

static bool load_conn(struct daemon *d, struct resume *s, struct state_rec *r)
{
	struct pptp_conn_cfg pcfg;
	uint64_t max_calls = 0;
	struct conn *c;
	size_t n;

	state_require(r, "fd");
	state_require(r, "max_calls");
	state_get_u64(r, "max_calls", 1, 65535, &max_calls);
	if (r->bad)
		return false;
	if (!grow((void **)&s->conns, s->nconns, &s->cap_conns, sizeof(*s->conns)))
		return false;
	c = conn_alloc_restored(d, &server_role);
	if (!c)
		return false;
	pcfg = conn_cfg(d, &server_role, (uint16_t)max_calls);
	if (pptp_conn_init(&c->pc, &pcfg, server_role.ops, c, now_ms())) {
		free(c);
		return false;
	}
	s->conns[s->nconns++] = c;
	GETI(r, "fd", 0, INT32_MAX, c->fd);
	load_addr(r, "peer", &c->peer);
	load_addr(r, "local", &c->local);
	snprintf(c->name, sizeof(c->name), "%s:%u", inet_ntoa(c->peer.sin_addr),
		 ntohs(c->peer.sin_port));
	if (state_get_hex(r, "rx", c->rx, sizeof(c->rx), &n))
		c->rx_len = n;
	if (state_get_hex(r, "tx", c->tx, sizeof(c->tx), &n))
		c->tx_len = n;
	GET(r, "accepted", UINT64_MAX, c->accepted_ms);
	GET(r, "msg_start", UINT64_MAX, c->msg_start_ms);
	GET(r, "got_message", 1, c->got_message);
	GET(r, "last_call", UINT64_MAX, c->last_call_ms);
	GET(r, "state", PPTP_CONN_CLOSED, c->pc.state);
	GET(r, "end", PPTP_END_VERSION, c->pc.end);
	GET(r, "since", UINT64_MAX, c->pc.since_ms);
	GET(r, "last_rx", UINT64_MAX, c->pc.last_rx_ms);
	GET(r, "echo_sent", UINT64_MAX, c->pc.echo_sent_ms);
	GET(r, "echo_id", UINT32_MAX, c->pc.echo_id);
	GET(r, "echo_missed", UINT32_MAX, c->pc.echo_missed);
	GET(r, "serial", 65535, c->pc.serial);
	GET(r, "peer_max_channels", 65535, c->pc.peer_max_channels);
	state_get_str(r, "peer_host", c->pc.peer_host, sizeof(c->pc.peer_host));
	state_get_str(r, "peer_vendor", c->pc.peer_vendor, sizeof(c->pc.peer_vendor));
	GET(r, "peer_firmware", 65535, c->pc.peer_firmware);
	GET(r, "warned_reserved", 1, c->pc.warned_reserved);
	state_get_hex(r, "rx_msgs", c->pc.stats.rx_msgs, sizeof(c->pc.stats.rx_msgs), &n);
	state_get_hex(r, "tx_msgs", c->pc.stats.tx_msgs, sizeof(c->pc.stats.tx_msgs), &n);
#define S(f) GET(r, "s_" #f, UINT64_MAX, c->pc.stats.f);
	CONN_STATS(S)
#undef S
	return !r->bad;
}

static bool load_slot(struct resume *s, struct state_rec *r)
{
	struct conn *c = s->nconns ? s->conns[s->nconns - 1] : NULL;
	struct pptp_call *k;
	uint64_t i = 0;

	if (!c) {
		snprintf(r->why, sizeof(r->why), "a slot before any connection");
		return false;
	}
	state_require(r, "i");
	state_require(r, "state");
	state_get_u64(r, "i", 0, c->pc.cfg.max_calls - 1u, &i);
	if (r->bad)
		return false;
	k = &c->pc.calls[i];
	if (k->state != PPTP_CALL_FREE) {
		snprintf(r->why, sizeof(r->why), "slot %u twice", (unsigned int)i);
		return false;
	}
	GET(r, "state", PPTP_CALL_WAIT_CDN, k->state);
	GET(r, "incoming", 1, k->incoming);
	GET(r, "local_id", 65535, k->local_id);
	GET(r, "peer_id", 65535, k->peer_id);
	GET(r, "serial", 65535, k->serial);
	GET(r, "peer_window", 65535, k->peer_window);
	GET(r, "peer_delay", 65535, k->peer_delay);
	GET(r, "speed", UINT32_MAX, k->speed);
	GET(r, "since", UINT64_MAX, k->since_ms);
	GET(r, "result", 255, k->result);
	GET(r, "error", 255, k->error);
	GET(r, "cause", 65535, k->cause);
	if (k->state == PPTP_CALL_FREE) {
		snprintf(r->why, sizeof(r->why), "slot %u: a free slot", (unsigned int)i);
		return false;
	}
	c->pc.ncalls++;
	return !r->bad;
}

static bool load_call(struct daemon *d, struct resume *s, struct state_rec *r)
{
	int64_t conn = -1, slot = -1;
	uint64_t idx = 0, exiting = 0, counted = 0;
	struct call *call;
	size_t n;

	state_require(r, "idx");
	state_get_u64(r, "idx", s->ncalls, s->ncalls, &idx);
	state_get_u64(r, "exiting", 0, 1, &exiting);
	state_get_i64(r, "conn", -1, (int64_t)s->nconns - 1, &conn);
	state_get_i64(r, "slot", -1, 65534, &slot);
	if (r->bad)
		return false;
	if (!grow((void **)&s->calls, s->ncalls, &s->cap_calls, sizeof(*s->calls)))
		return false;
	call = call_alloc_restored(d);
	if (!call)
		return false;
	s->calls[s->ncalls] = (struct pending){ .call = call, .exiting = exiting };
	s->ncalls++;
	call->role = &server_role;
	if (!exiting) {
		struct conn *c;

		if (conn < 0 || slot < 0) {
			snprintf(r->why, sizeof(r->why), "a live call without its connection");
			return false;
		}
		c = s->conns[conn];
		if (slot >= c->pc.cfg.max_calls || c->pc.calls[slot].state == PPTP_CALL_FREE ||
		    c->pc.calls[slot].user) {
			snprintf(r->why, sizeof(r->why), "call %u: slot %d is not its", (unsigned int)idx,
				 (int)slot);
			return false;
		}
		call->conn = c;
		call->pc = &c->pc.calls[slot];
		call->pc->user = call;
	}
	state_get_str(r, "conn_name", call->conn_name, sizeof(call->conn_name));
	GET(r, "local_id", 65535, call->local_id);
	GET(r, "peer_id", 65535, call->peer_id);
	GET(r, "session", UINT32_MAX, call->session_id);
	GET(r, "remote_ip", UINT32_MAX, call->remote_ip);
	GET(r, "ppp_remote", UINT32_MAX, call->ppp_remote);
	state_get_str(r, "ppp_remote6", call->ppp_remote6, sizeof(call->ppp_remote6));
	GETI(r, "sock", -1, INT32_MAX, call->sock);
	GETI(r, "pppd", 0, INT32_MAX, call->pppd);
	GETI(r, "status_fd", -1, INT32_MAX, call->status_fd);
	if (state_get_hex(r, "status_buf", call->status_buf, sizeof(call->status_buf) - 1, &n))
		call->status_len = n;
	state_get_str(r, "ifname", call->ifname, sizeof(call->ifname));
	state_get_str(r, "user", call->user, sizeof(call->user));
	GET(r, "access", ACCESS_NETWORK, call->access);
	GET(r, "access_addr0", UINT32_MAX, call->access_addr[0]);
	GET(r, "access_addr1", UINT32_MAX, call->access_addr[1]);
	state_get_str(r, "access_if", call->access_if, sizeof(call->access_if));
	GET(r, "started", UINT64_MAX, call->started_ms);
	GET(r, "src_addr", UINT32_MAX, call->src_addr);
	state_get_u64(r, "counted_at_source", 0, 1, &counted);
	GET(r, "starting", 1, call->starting);
	GET(r, "auth_failed", 1, call->auth_failed);
	GET(r, "kill_at", UINT64_MAX, s->calls[idx].kill_at);
	GET(r, "health", HEALTH_LOSSY, call->health);
	state_get_str(r, "health_why", call->health_why, sizeof(call->health_why));
	GET(r, "health_rx", UINT64_MAX, call->health_rx);
	GET(r, "anomalies", UINT64_MAX, call->anomalies);
	GET(r, "lossy_logged", UINT64_MAX, call->lossy_logged_ms);
	GET(r, "tcp_mss", 1460, call->tcp_mss);
	GET(r, "path_mtu", 65535, call->path_mtu);
	GET(r, "mss_mtu", 65535, call->mss_mtu);
	state_get_str(r, "mss_if", call->mss_if, sizeof(call->mss_if));
	GETI(r, "out_fd", -1, INT32_MAX, call->out.fd);
	if (state_get_hex(r, "out_buf", call->out.buf, sizeof(call->out.buf) - 1, &n))
		call->out.len = n;
	/*
	 * counted_at_source is informational: a live call is counted at its
	 * source again when adopted (if the table has room, as when it began).
	 */
	(void)counted;
	return !r->bad;
}

static bool load_inform(struct resume *s, struct state_rec *r)
{
	uint64_t idx = 0, watched = 0;

	state_require(r, "call");
	state_get_u64(r, "call", 0, s->ncalls ? s->ncalls - 1 : 0, &idx);
	state_get_u64(r, "watched", 0, 1, &watched);
	if (r->bad || !s->ncalls || s->calls[idx].call->inform) {
		if (!r->why[0])
			snprintf(r->why, sizeof(r->why), "inform: no call %u, or twice",
				 (unsigned int)idx);
		return false;
	}
	s->calls[idx].inform_watched = watched;
	return inform_load(s->calls[idx].call, r);
}

static bool load_source(struct daemon *d, struct state_rec *r)
{
	uint64_t addr = 0;
	struct source *src;

	state_require(r, "addr");
	state_get_u64(r, "addr", 0, UINT32_MAX, &addr);
	if (r->bad)
		return false;
	src = source_get(&d->cfg, (uint32_t)addr);
	if (!src)
		return true;	/* max-sources smaller now: forgotten (counted) */
	GET(r, "connect_tat", UINT64_MAX, src->connect_tat);
	GET(r, "fails", UINT32_MAX, src->fails);
	GET(r, "penalties", UINT32_MAX, src->penalties);
	state_get_str(r, "last_user", src->last_user, sizeof(src->last_user));
	GET(r, "fail_first", UINT64_MAX, src->fail_first);
	GET(r, "fail_last", UINT64_MAX, src->fail_last);
	GET(r, "blocked_until", UINT64_MAX, src->blocked_until);
	return !r->bad;
}

static bool load_user(struct daemon *d, struct state_rec *r)
{
	char name[AUTHNAME_ESCAPED];
	uint64_t known[2 * USER_KNOWN];
	struct user *u;

	state_require(r, "name");
	if (!state_get_str(r, "name", name, sizeof(name)) || !name[0])
		return false;
	u = user_get(&d->cfg, name);
	if (!u)
		return true;	/* max-users smaller now */
	GET(r, "fails", UINT32_MAX, u->fails);
	GET(r, "penalties", UINT32_MAX, u->penalties);
	GET(r, "fail_first", UINT64_MAX, u->fail_first);
	GET(r, "fail_last", UINT64_MAX, u->fail_last);
	GET(r, "blocked_until", UINT64_MAX, u->blocked_until);
	GET(r, "last_source", UINT32_MAX, u->last_source);
	if (state_get_hex(r, "known", known, sizeof(known), NULL))
		for (unsigned int i = 0; i < USER_KNOWN; i++) {
			u->known[i].addr = (uint32_t)known[2 * i];
			u->known[i].at = known[2 * i + 1];
		}
	return !r->bad;
}

static bool load_stats(struct state_rec *r)
{
	struct source_stats *s = &source_stats;
	struct inform_stats *i = &inform_stats;

#define S(f) GET(r, #f, UINT64_MAX, s->f);
	SOURCE_STATS(S)
#undef S
#define I(f) GET(r, "dhcp_" #f, UINT64_MAX, i->f);
	INFORM_STATS(I)
#undef I
	return !r->bad;
}

static bool load_daemon(struct resume *s, struct state_rec *r)
{
	int64_t v;

	state_require(r, "listen");
	state_require(r, "nl");
	s->listen_fd = s->ctl_fd = s->nl_fd = s->reply_fd = -1;
	v = -1;
	if (state_get_i64(r, "listen", 0, INT32_MAX, &v))
		s->listen_fd = (int)v;
	v = -1;
	if (state_get_i64(r, "ctl", -1, INT32_MAX, &v))
		s->ctl_fd = (int)v;
	v = -1;
	if (state_get_i64(r, "nl", -1, INT32_MAX, &v))
		s->nl_fd = (int)v;
	v = -1;
	if (state_get_i64(r, "reply", -1, INT32_MAX, &v))
		s->reply_fd = (int)v;
	GET(r, "restarts", UINT32_MAX, s->restarts);
	state_get_str(r, "version", s->old_version, sizeof(s->old_version));
	return !r->bad;
}

/* Every record, whole; false with why in err. Nothing is registered yet. */
static bool parse(struct daemon *d, char *buf, size_t len, struct resume *s, char *err,
		  size_t errlen)
{
	struct state_rec r;
	size_t pos = 0;
	bool ok = true, ended = false;
	uint64_t fmt = 0;
	int rc;

	rc = state_next(buf, len, &pos, &r);
	if (rc != 1 || strcmp(r.type, "kpptpd-state") ||
	    !state_get_u64(&r, "format", 0, UINT32_MAX, &fmt) || fmt != STATE_FORMAT) {
		snprintf(err, errlen, "not a kpptpd state of format %u", STATE_FORMAT);
		return false;
	}
	while (ok && (rc = state_next(buf, len, &pos, &r)) == 1) {
		if (ended) {
			snprintf(r.why, sizeof(r.why), "records after the end");
			ok = false;
		} else if (!strcmp(r.type, "daemon")) {
			ok = load_daemon(s, &r);
		} else if (!strcmp(r.type, "stats")) {
			ok = load_stats(&r);
		} else if (!strcmp(r.type, "source")) {
			ok = load_source(d, &r);
		} else if (!strcmp(r.type, "user")) {
			ok = load_user(d, &r);
		} else if (!strcmp(r.type, "conn")) {
			ok = load_conn(d, s, &r);
		} else if (!strcmp(r.type, "slot")) {
			ok = load_slot(s, &r);
		} else if (!strcmp(r.type, "call")) {
			ok = load_call(d, s, &r);
		} else if (!strcmp(r.type, "inform")) {
			ok = load_inform(s, &r);
		} else if (!strcmp(r.type, "end")) {
			uint64_t nc = UINT64_MAX, nk = UINT64_MAX;

			state_get_u64(&r, "conns", 0, UINT32_MAX, &nc);
			state_get_u64(&r, "calls", 0, UINT32_MAX, &nk);
			ended = nc == s->nconns && nk == s->ncalls;
			if (!ended) {
				snprintf(r.why, sizeof(r.why), "the end's counts do not match");
				ok = false;
			}
		}
		/* A record type this version does not know: a newer one's, skipped. */
	}
	if (rc < 0)
		ok = false;
	if (ok && !ended)
		snprintf(r.why, sizeof(r.why), "cut short: no end record");
	if (!ok || !ended) {
		snprintf(err, errlen, "%s", r.why[0] ? r.why : "out of memory");
		return false;
	}
	if (s->listen_fd < 0) {
		snprintf(err, errlen, "no listening socket");
		return false;
	}
	return true;
}

/* Free what parse() made, closing nothing: the descriptors go back. */
static void forget(struct resume *s)
{
	for (unsigned int i = 0; i < s->ncalls; i++) {
		inform_forget(s->calls[i].call);
		free(s->calls[i].call);
	}
	for (unsigned int i = 0; i < s->nconns; i++) {
		pptp_conn_free(&s->conns[i]->pc);
		free(s->conns[i]);
	}
	free(s->calls);
	free(s->conns);
}

static void adopt_call(struct daemon *d, struct resume *s, unsigned int i)
{
	struct call *call = s->calls[i].call;
	bool exiting = s->calls[i].exiting;
	uint64_t kill_at = s->calls[i].kill_at;

	if (call->status_fd >= 0 && io_add(&d->loop, call->status_fd, EPOLLIN, &call->status_io)) {
		close(call->status_fd);
		call->status_fd = -1;
	}
	if (call->out.fd >= 0 && io_add(&d->loop, call->out.fd, EPOLLIN, &call->out.io)) {
		close(call->out.fd);
		call->out.fd = -1;
	}
	if (s->calls[i].inform_watched)
		inform_adopt(d, call);
	ksession_adopt(call);
	if (call->remote_ip)
		(void)pool_take(&d->pool, call->remote_ip);
	if (kill_at)
		timer_arm(&d->loop, &call->kill_timer, kill_at);
	if (exiting) {
		call->next = d->exiting;
		d->exiting = call;
		d->nexiting++;
		return;
	}
	call->src = source_get(&d->cfg, call->src_addr);
	if (call->src)
		call->src->calls++;
	if (call->starting) {
		d->nstarting++;
		if (call->src)
			call->src->starting++;
	}
	if (call->health != HEALTH_OK)
		timer_arm(&d->loop, &call->health_timer, now_ms() + 1000);
	call->next = d->calls;
	d->calls = call;
	d->ncalls++;
}

static void adopt_conn(struct daemon *d, struct conn *c)
{
	c->pc.now_ms = now_ms();
	if (io_add(&d->loop, c->fd, c->tx_len ? EPOLLIN | EPOLLOUT : EPOLLIN, &c->io)) {
		/* The loop cannot watch it: the peer sees the connection end. */
		c->dead = true;
	}
	c->src = source_get(&d->cfg, ntohl(c->peer.sin_addr.s_addr));
	if (c->src)
		c->src->conns++;
	c->next = d->conns;
	d->conns = c;
	d->nconns++;
	conn_touch(c);
}

/* The listener and control socket, moved if the configuration moved them. */
static int adopt_sockets(struct daemon *d, struct resume *s)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(s->listen_fd, (struct sockaddr *)&sa, &len) == 0 &&
	    sa.sin_addr.s_addr == d->cfg.listen.sin_addr.s_addr &&
	    sa.sin_port == d->cfg.listen.sin_port) {
		if (server_adopt(d, s->listen_fd))
			return -1;
	} else {
		logmsg(LOG_NOTICE, "listen moved in the configuration: listening anew");
		close(s->listen_fd);
		if (server_listen(d))
			return -1;
	}
	if (s->ctl_fd >= 0) {
		struct sockaddr_un un;

		len = sizeof(un);
		if (getsockname(s->ctl_fd, (struct sockaddr *)&un, &len) == 0 &&
		    len > sizeof(sa_family_t) &&
		    !strncmp(un.sun_path, d->cfg.control_socket, sizeof(un.sun_path)))
			return ctl_adopt(d, s->ctl_fd);
		close(s->ctl_fd);
	}
	return ctl_listen(d);
}

void handover_fallback(int fallback_fd, char **argv, const char *why)
{
	char a_fb[] = "-1";

	logmsg(LOG_ERR, "restart: this kpptpd (%s) cannot take over: %s; back to the previous binary",
	       KPPTP_VERSION, why);
	if (fallback_fd < 0)
		return;
	/* Same state, same descriptors: the old binary takes them back. */
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "--resume-fallback") && argv[i + 1])
			argv[i + 1] = a_fb;
	fcntl(fallback_fd, F_SETFD, FD_CLOEXEC);
	fexecve(fallback_fd, argv, environ);
	logmsg(LOG_ERR, "restart: back to the previous binary: %m");
}

int handover_resume(struct daemon *d, int fd, int fallback_fd, char **argv)
{
	struct resume s = { 0 };
	char err[256];
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;

	if (fstat(fd, &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size <= STATE_MAX_SIZE &&
	    (buf = malloc((size_t)st.st_size)))
		n = pread(fd, buf, (size_t)st.st_size, 0);
	if (n != (ssize_t)st.st_size || n <= 0) {
		snprintf(err, sizeof(err), "the state could not be read");
		goto refuse;
	}
	if (!parse(d, buf, (size_t)n, &s, err, sizeof(err))) {
		forget(&s);
		goto refuse;
	}
	/*
	 * The timers every adopted connection and call owns, reserved as
	 * conn_new and call_new do, before anything is taken: arming one
	 * later never allocates, and no memory sends the state back.
	 */
	if (timers_reserve(&d->loop, s.nconns + (size_t)CALL_TIMERS * s.ncalls)) {
		forget(&s);
		snprintf(err, sizeof(err), "out of memory for %u connections' and %u calls' timers",
			 s.nconns, s.ncalls);
		goto refuse;
	}
	/* From here on it is ours: nothing fails back. */
	free(buf);
	close(fd);
	if (fallback_fd >= 0)
		close(fallback_fd);
	if (s.nl_fd >= 0 && kpptp_nl_adopt(&d->nl, s.nl_fd) == 0)
		d->have_nl = true;
	if (adopt_sockets(d, &s))
		logmsg(LOG_ERR, "after the restart: no listener or control socket (see above)");
	/* Reversed back into the order the old kpptpd kept them in. */
	for (unsigned int i = s.nconns; i-- > 0;)
		adopt_conn(d, s.conns[i]);
	for (unsigned int i = s.ncalls; i-- > 0;) {
		if (s.calls[i].call->access == ACCESS_LOCAL)
			access_adopt();
		if (s.calls[i].call->mss_mtu)
			mss_adopt();
		adopt_call(d, &s, i);
	}
	d->restarts = s.restarts;
	logmsg(LOG_NOTICE, "restarted in place: kpptpd %s took over from %s: %u connections, %u calls, %u pppds ending",
	       KPPTP_VERSION, s.old_version[0] ? s.old_version : "?", d->nconns, d->ncalls,
	       d->nexiting);
	if (s.reply_fd >= 0) {
		char line[200];
		int len = snprintf(line, sizeof(line), "ok restarted kpptpd %s (was %s): %u connections, %u calls\n",
				   KPPTP_VERSION, s.old_version, d->nconns, d->ncalls);

		(void)!write(s.reply_fd, line, (size_t)len);
		close(s.reply_fd);
	}
	free(s.calls);
	free(s.conns);
	return 0;
refuse:
	free(buf);
	handover_fallback(fallback_fd, argv, err);
	return -1;
}
