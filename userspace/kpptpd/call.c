// SPDX-License-Identifier: GPL-2.0
/*
 * One call: the kernel session, the PPPoX socket, the pool address and
 * the pppd that runs the PPP link over it.
 *
 * With kpptp.ko the session is made over netlink as "owned": if kpptpd
 * dies, however it dies, the kernel deletes its sessions, so no orphan
 * is left carrying traffic. The socket then binds the session's call ID
 * and connect() attaches to it. Over the in-tree pptp.ko (no netlink
 * family) the socket alone makes the session; what that costs is logged
 * once at start.
 *
 * pppd gets the connected socket as fd 3 (kpptp.so's kpptp-fd) and a
 * socket as fd 4 on which kpptp.so says the interface, user and
 * addresses, and asks whether a login name may be checked at all.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <libmnl/libmnl.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kpptpd.h"

/* The call's daemon side, from the state machine's slot. */
static struct call *call_of(struct pptp_call *pc)
{
	return pc->user;
}

struct sockaddr_pppox call_sockaddr(struct in_addr a, uint16_t call_id)
{
	struct sockaddr_pppox sp;

	memset(&sp, 0, sizeof(sp));
	sp.sa_family = AF_PPPOX;
	sp.sa_protocol = PX_PROTO_PPTP;
	sp.sa_addr.pptp.sin_addr = a;
	sp.sa_addr.pptp.call_id = call_id;
	return sp;
}

/* What to do about a PPTP socket that failed with err. */
static const char *sock_hint(int err)
{
	switch (err) {
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		return " (load kpptp.ko, or the in-tree pptp.ko)";
	case EPERM:
	case EACCES:
		return " (PPTP calls need root: CAP_NET_ADMIN)";
	case EMFILE:
	case ENFILE:
		return " (out of descriptors: RLIMIT_NOFILE, see kpptpd(8) LIMITS)";
	default:
		return "";
	}
}

/* The call no longer counts as starting (authenticated, or ended). */
void call_started(struct daemon *d, struct call *call)
{
	if (!call->starting)
		return;
	call->starting = false;
	d->nstarting--;
	if (call->src)
		call->src->starting--;
}

void call_term_pppd(struct call *call)
{
	struct daemon *d = call->d;

	kill(call->pppd, SIGTERM);
	if (!call->kill_timer.slot)
		timer_arm(&d->loop, &call->kill_timer,
			  now_ms() + d->cfg.pppd_kill_timeout * 1000ull);
}

static void close_out(struct daemon *d, struct call *call)
{
	if (call->out.fd < 0)
		return;
	io_del(&d->loop, call->out.fd);
	close(call->out.fd);
	call->out.fd = -1;
}

static void status_io(struct daemon *d, struct io *io, uint32_t events);
static void out_io(struct daemon *d, struct io *io, uint32_t events);
static void kill_pppd(struct daemon *d, struct timer *t, uint64_t now);

/*
 * A call with its callbacks set and nothing open, not linked anywhere:
 * call_new's start, and handover.c's for a call read from the state.
 */
struct call *call_alloc_restored(struct daemon *d)
{
	struct call *call = calloc(1, sizeof(*call));

	if (!call)
		return NULL;
	call->d = d;
	call->status_io.cb = status_io;
	call->status_fd = -1;
	call->out.io.cb = out_io;
	call->out.fd = -1;
	call->sock = -1;
	call->kill_timer.cb = kill_pppd;
	call->health_timer.cb = health_recheck;
	return call;
}

/* A new call of connection c, in d->calls; NULL: out of memory. */
static struct call *call_new(struct conn *c)
{
	struct daemon *d = c->d;
	struct call *call = call_alloc_restored(d);

	if (!call)
		return NULL;
	if (timers_reserve(&d->loop, CALL_TIMERS)) {
		free(call);
		return NULL;
	}
	call->role = c->role;
	call->conn = c;
	memcpy(call->conn_name, c->name, sizeof(call->conn_name));
	call->next = d->calls;
	d->calls = call;
	d->ncalls++;
	return call;
}

static void call_free(struct daemon *d, struct call *call)
{
	for (struct call **pp = &d->calls; *pp; pp = &(*pp)->next)
		if (*pp == call) {
			*pp = call->next;
			break;
		}
	if (call->status_fd >= 0) {
		io_del(&d->loop, call->status_fd);
		close(call->status_fd);
		call->status_fd = -1;
	}
	inform_free(d, call);
	mss_clear(call);
	timer_disarm(&d->loop, &call->health_timer);
	/*
	 * The client's socket and session outlive a running pppd, so that
	 * its counters can still tell "no GRE ever arrived": see
	 * calls_reap_children. The server's pppd ends when its session goes.
	 */
	if (!(call->role->keeps_socket && call->pppd > 0)) {
		if (call->sock >= 0)
			close(call->sock);
		call->sock = -1;
		ksession_del(d, call);
	}
	call_started(d, call);
	if (call->src) {
		call->src->calls--;
		source_release(&d->cfg, call->src);
		call->src = NULL;
	}
	/*
	 * The address goes back only once pppd is reaped: until then it may
	 * still configure its interface (and access local rules) with it.
	 */
	if (call->remote_ip && call->pppd <= 0) {
		pool_put(&d->pool, call->remote_ip);
		call->remote_ip = 0;
	}
	d->ncalls--;
	if (call->pppd > 0) {
		/* Kept until reaped: its exit is logged, it never lingers. */
		call->next = d->exiting;
		d->exiting = call;
		d->nexiting++;
		return;
	}
	/* An event of this epoll batch may still point at it. */
	call->next = d->dead_calls;
	d->dead_calls = call;
}

void calls_kill_exiting(struct daemon *d)
{
	for (struct call *call = d->exiting; call; call = call->next) {
		logmsg(LOG_NOTICE, "pppd %d (%s call %u/%u) ignored SIGTERM: SIGKILL",
		       (int)call->pppd, call->conn_name, call->local_id, call->peer_id);
		kill(call->pppd, SIGKILL);
		source_stats.pppd_killed++;
	}
}

/* pppd-kill-timeout after SIGTERM, and its pppd is still there. */
static void kill_pppd(struct daemon *d, struct timer *t, uint64_t now)
{
	struct call *call = container_of(t, struct call, kill_timer);

	(void)d;
	(void)now;
	if (call->pppd <= 0)
		return;
	logmsg(LOG_WARNING, "%s: call %u/%u: pppd %d did not exit within pppd-kill-timeout of SIGTERM: SIGKILL",
	       call->conn_name, call->local_id, call->peer_id, (int)call->pppd);
	kill(call->pppd, SIGKILL);
	source_stats.pppd_killed++;
}

void calls_free_dead(struct daemon *d)
{
	while (d->dead_calls) {
		struct call *call = d->dead_calls;

		d->dead_calls = call->next;
		/* Its pppd is gone: the access-local elements can go. */
		for (int i = 0; i < 2; i++)
			if (call->access_addr[i])
				access_del_addr(call->access_addr[i]);
		if (call->access_if[0])
			access_del_if(call->access_if);
		/* pppd is gone: what it wrote last is still in the pipe. */
		for (int i = 0; i < 16 && call->out.fd >= 0; i++)
			out_io(d, &call->out.io, EPOLLIN);
		close_out(d, call);
		timer_disarm(&d->loop, &call->kill_timer);
		timer_disarm(&d->loop, &call->health_timer);
		timers_unreserve(&d->loop, CALL_TIMERS);
		free(call);
	}
}

/*
 * Everything a peer can make kpptpd hold for a call is bounded in all and
 * per source: pppds (running and exiting: a call leaves max-calls only
 * when its pppd is reaped), calls per source, calls not authenticated
 * yet (max-starting, what keeps a reconnect storm from starving
 * everyone), and a source refused for failed logins. 0, or -1 with
 * *result and *error set, counted and logged (rate-limited per source).
 */
static int call_limits(struct conn *c, struct pptp_call *pc, uint8_t *result, uint8_t *error)
{
	struct daemon *d = c->d;
	const struct config *cfg = &d->cfg;
	struct source *src = c->src;
	uint64_t blocked;

	if (d->ncalls + d->nexiting >= cfg->max_calls) {
		source_stats.refused_max_calls++;
		source_log(cfg, src, SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: call refused: max-calls (%u) reached (%u calls, %u pppds exiting)",
			   c->name, cfg->max_calls, d->ncalls, d->nexiting);
		return -1;
	}
	if (!src)
		return 0;
	blocked = source_blocked_s(src, now_ms());
	if (blocked) {
		source_stats.refused_blocked++;
		/* Not accepting, for now: a client should not retry at once. */
		*result = pc->incoming ? PPTP_ICRP_DO_NOT_ACCEPT : PPTP_OCRP_DO_NOT_ACCEPT;
		*error = PPTP_ERR_NONE;
		source_log(cfg, src, SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: call refused: too many failed logins from this address; %llu s of back-off left (kpptpctl source unblock)",
			   c->name, (unsigned long long)blocked);
		return -1;
	}
	if (src->calls >= cfg->max_calls_per_source) {
		source_stats.refused_calls++;
		source_log(cfg, src, SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: call refused: max-calls-per-source (%u) reached", c->name,
			   cfg->max_calls_per_source);
		return -1;
	}
	if (src->starting >= cfg->max_starting_per_source) {
		source_stats.refused_starting++;
		source_log(cfg, src, SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: call refused: max-starting-per-source (%u) calls of this address are still authenticating",
			   c->name, cfg->max_starting_per_source);
		*result = pc->incoming ? PPTP_ICRP_GENERAL : PPTP_OCRP_BUSY;
		return -1;
	}
	if (d->nstarting >= cfg->max_starting) {
		source_stats.refused_starting_total++;
		source_log(cfg, src, SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: call refused: max-starting (%u) calls are still authenticating",
			   c->name, cfg->max_starting);
		*result = pc->incoming ? PPTP_ICRP_GENERAL : PPTP_OCRP_BUSY;
		return -1;
	}
	return 0;
}

int call_admit(struct conn *c, struct pptp_call *pc, uint8_t *result, uint8_t *error)
{
	struct daemon *d = c->d;
	struct kpptp_session_msg m;
	struct sockaddr_pppox sp;
	struct call *call;
	struct in_addr a;

	*result = pc->incoming ? PPTP_ICRP_GENERAL : PPTP_OCRP_GENERAL;
	*error = PPTP_ERR_NO_RESOURCE;
	if (d->stopping) {
		logmsg(LOG_NOTICE, "%s: call refused: shutting down", c->name);
		return -1;
	}
	if (call_limits(c, pc, result, error))
		return -1;
	call = call_new(c);
	if (!call) {
		logmsg(LOG_ERR, "%s: call refused: out of memory", c->name);
		return -1;
	}
	call->pc = pc;
	call->src = c->src;
	call->src_addr = ntohl(c->peer.sin_addr.s_addr);
	/* Starting until kpptp.so says the peer authenticated (max-starting). */
	call->starting = true;
	d->nstarting++;
	if (c->src) {
		c->src->calls++;
		c->src->starting++;
	}
	c->last_call_ms = now_ms();
	/* remote-ip none: pppd gets only our address, and picks the client's. */
	if (!d->cfg.no_pool)
		call->remote_ip = pool_get(&d->pool);
	if (!d->cfg.no_pool && !call->remote_ip) {
		logmsg(LOG_NOTICE, "%s: call refused: the address pool (%llu addresses) is exhausted",
		       c->name, (unsigned long long)d->pool.size);
		goto refuse;
	}
	call->sock = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (call->sock < 0) {
		logmsg(LOG_ERR, "%s: call refused: socket(AF_PPPOX, PX_PROTO_PPTP): %m%s",
		       c->name, sock_hint(errno));
		*error = PPTP_ERR_PAC_ERROR;
		goto refuse;
	}
	a = c->local.sin_addr;
	if (d->have_nl) {
		if (ksession_new(d, call, c, pc, 0, &m)) {
			logmsg(LOG_ERR, "%s: call refused: %s", c->name, d->nl.err);
			*error = PPTP_ERR_PAC_ERROR;
			goto refuse;
		}
		pc->local_id = m.local_call_id;
	}
	sp = call_sockaddr(a, d->have_nl ? pc->local_id : 0);
	if (bind(call->sock, (struct sockaddr *)&sp, sizeof(sp))) {
		logmsg(LOG_ERR, "%s: call refused: bind of call ID %u: %m", c->name,
		       d->have_nl ? pc->local_id : 0);
		*error = PPTP_ERR_PAC_ERROR;
		goto refuse;
	}
	if (!d->have_nl) {
		socklen_t len = sizeof(sp);

		if (getsockname(call->sock, (struct sockaddr *)&sp, &len)) {
			logmsg(LOG_ERR, "%s: call refused: getsockname: %m", c->name);
			*error = PPTP_ERR_PAC_ERROR;
			goto refuse;
		}
		pc->local_id = sp.sa_addr.pptp.call_id;
	}
	/*
	 * Connected before the Outgoing-Call-Reply (or ICRP) leaves: a client
	 * sends its first LCP Configure-Request a few milliseconds after the
	 * reply (Windows: 5-7 ms), and a channel that does not exist yet would
	 * drop it (rx_no_channel), costing the client its 3 s LCP restart.
	 * Connected, the channel queues what arrives until pppd attaches.
	 */
	sp = call_sockaddr(c->peer.sin_addr, pc->peer_id);
	if (connect(call->sock, (struct sockaddr *)&sp, sizeof(sp))) {
		logmsg(LOG_ERR, "%s: call refused: connect of call ID %u to peer call ID %u: %m",
		       c->name, pc->local_id, pc->peer_id);
		*error = PPTP_ERR_PAC_ERROR;
		goto refuse;
	}
	pc->user = call;
	call->local_id = pc->local_id;
	call->peer_id = pc->peer_id;
	return 0;
refuse:
	call_free(d, call);
	return -1;
}

/* Client: reserve a call ID with a bound socket, then Outgoing-Call-Request. */
int call_dial(struct conn *c)
{
	struct daemon *d = c->d;
	struct sockaddr_pppox sp = call_sockaddr(c->local.sin_addr, 0);
	socklen_t len = sizeof(sp);
	struct pptp_call *pc;
	struct call *call;

	call = call_new(c);
	if (!call)
		return -1;
	call->sock = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (call->sock < 0 || bind(call->sock, (struct sockaddr *)&sp, sizeof(sp)) ||
	    getsockname(call->sock, (struct sockaddr *)&sp, &len)) {
		logmsg(LOG_ERR, "%s: PPTP socket: %m%s", c->name, sock_hint(errno));
		call_free(d, call);
		return -1;
	}
	call->local_id = sp.sa_addr.pptp.call_id;
	pc = pptp_conn_dial(&c->pc, call->local_id, call);
	if (!pc) {
		logmsg(LOG_ERR, "%s: could not place the call", c->name);
		call_free(d, call);
		return -1;
	}
	call->pc = pc;
	logmsg(LOG_INFO, "%s: calling with call ID %u", c->name, call->local_id);
	return 0;
}

/* execv argv[0..n) followed by extra[0..nextra). In the child only. */
void call_exec(const char *path, const char **argv, int n, char **extra, int nextra)
{
	const char *all[256];
	int k = 0;

	for (int i = 0; i < n && k < 255; i++)
		all[k++] = argv[i];
	for (int i = 0; i < nextra && k < 255; i++)
		all[k++] = extra[i];
	all[k] = NULL;
	execv(path, (char *const *)all);
}

/*
 * In the child, before exec: say what failed on stderr (the log in the
 * foreground; async-signal-safe calls only) and exit 127, which the
 * parent names when it reaps the child.
 */
static void child_fail(const char *what)
{
	const char *e = strerror(errno);

	(void)!write(2, "kpptpd: error: starting pppd: ", 30);
	(void)!write(2, what, strlen(what));
	(void)!write(2, ": ", 2);
	(void)!write(2, e, strlen(e));
	(void)!write(2, "\n", 1);
	_exit(127);
}

/*
 * In the child: fds 3 and 4, stdout and stderr into the call's output
 * pipe, nothing else, default signals, then pppd.
 */
static void exec_pppd(struct daemon *d, struct call *call, int status_w, int out_w,
		      pid_t parent)
{
	char peer[INET_ADDRSTRLEN];
	const char *argv[24];
	int n = 0, s, w;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	/*
	 * If kpptpd dies (even kill -9), its pppds must not live on with
	 * a call nobody controls: they get SIGTERM and end cleanly.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM))
		child_fail("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent)
		_exit(127);	/* kpptpd is gone already: no call to run */
	s = fcntl(call->sock, F_DUPFD, 10);
	w = fcntl(status_w, F_DUPFD, 10);
	if (out_w >= 0 && (dup2(out_w, 1) < 0 || dup2(out_w, 2) < 0))
		child_fail("stdout and stderr");
	if (s < 0 || w < 0 || dup2(s, 3) < 0 || dup2(w, 4) < 0)
		child_fail("descriptors 3 and 4");
	close_range(5, ~0u, 0);
	/*
	 * Only now: with a thousand calls kpptpd's own descriptors lie above
	 * the soft limit pppd gets back, and F_DUPFD above would fail.
	 */
	limits_restore_child();
	inet_ntop(AF_INET, &call->conn->peer.sin_addr, peer, sizeof(peer));
	argv[n++] = d->cfg.pppd;
	argv[n++] = "plugin";
	argv[n++] = d->cfg.plugin;
	argv[n++] = "kpptp-fd";
	argv[n++] = "3";
	argv[n++] = "kpptp-status-fd";
	argv[n++] = "4";
	argv[n++] = "nodetach";
	/* kpptp.so asks before a login is checked (users.c). */
	if (call->role->per_source && d->cfg.auth_fail_user_limit)
		argv[n++] = "kpptp-user-check";
	/* tcp-mss auto: kpptp.so finds what the path carries (kpptp-pmtu.c). */
	if (call->tcp_mss == TCP_MSS_AUTO)
		argv[n++] = "kpptp-pmtu-probe";
	if (d->cfg.ppp_options[0]) {
		argv[n++] = "file";
		argv[n++] = d->cfg.ppp_options;
	}
	argv[n++] = "ipparam";
	argv[n++] = peer;
	argv[n++] = "remotenumber";
	argv[n++] = peer;
	call->role->pppd_exec(d, call, argv, n);	/* returns only on failure */
	child_fail(d->cfg.pppd);
}

void call_start(struct conn *c, struct pptp_call *pc)
{
	struct daemon *d = c->d;
	struct call *call = call_of(pc);
	pid_t pid, parent;
	int p[2], out[2];

	call->started_ms = now_ms();
	call->peer_id = pc->peer_id;	/* the client learns it from the OCRP */
	call->tcp_mss = d->cfg.tcp_mss;
	call->access = c->role->per_source ? d->cfg.access : ACCESS_ROUTED;
	/* Before pppd runs: no packet of this call is forwarded unruled. */
	if (call->access == ACCESS_LOCAL) {
		if (access_add_addr(call->remote_ip)) {
			logmsg(LOG_ERR, "%s: call %u/%u: refused: access local cannot be enforced",
			       c->name, pc->local_id, pc->peer_id);
			pptp_conn_hangup(&c->pc, pc, PPTP_CDN_GENERAL, 0);
			return;
		}
		call->access_addr[0] = call->remote_ip;
	}
	/* The server connected its socket in call_admit, before its reply. */
	if (c->role->call_attach && c->role->call_attach(c, call, pc)) {
		pptp_conn_hangup(&c->pc, pc, PPTP_CDN_GENERAL, 0);
		return;
	}
	health_watch(d, call);
	/* Both ways: kpptp.so's "auth-try NAME" waits for our answer. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p)) {
		logmsg(LOG_ERR, "%s: call %u/%u: socketpair: %m", c->name, pc->local_id,
		       pc->peer_id);
		pptp_conn_hangup(&c->pc, pc, PPTP_CDN_GENERAL, 0);
		return;
	}
	/*
	 * pppd's own output (it writes its log to stdout with nodetach) is
	 * read per call and logged as that call's: never mixed into
	 * kpptpd's lines, escaped (a peer chooses some of that text) and
	 * rate-limited with the peer's other lines.
	 */
	if (pipe2(out, O_CLOEXEC)) {
		logmsg(LOG_ERR, "%s: call %u/%u: pipe: %m", c->name, pc->local_id, pc->peer_id);
		close(p[0]);
		close(p[1]);
		pptp_conn_hangup(&c->pc, pc, PPTP_CDN_GENERAL, 0);
		return;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		logmsg(LOG_ERR, "%s: call %u/%u: fork: %m", c->name, pc->local_id, pc->peer_id);
		close(p[0]);
		close(p[1]);
		close(out[0]);
		close(out[1]);
		pptp_conn_hangup(&c->pc, pc, PPTP_CDN_GENERAL, 0);
		return;
	}
	if (pid == 0)
		exec_pppd(d, call, p[1], out[1], parent);
	close(p[1]);
	close(out[1]);
	call->out.fd = out[0];
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	if (io_add(&d->loop, out[0], EPOLLIN, &call->out.io)) {
		close(out[0]);
		call->out.fd = -1;
	}
	/*
	 * pppd holds the socket now. The server's copy would keep the channel
	 * open; the client keeps its own until the call ends, so that the
	 * session (and its counters) outlive pppd long enough to tell "no
	 * GRE ever arrived" from other failures.
	 */
	if (!c->role->keeps_socket) {
		close(call->sock);
		call->sock = -1;
	}
	call->pppd = pid;
	call->status_fd = p[0];
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	if (io_add(&d->loop, p[0], EPOLLIN, &call->status_io)) {
		close(p[0]);
		call->status_fd = -1;
	}
	logmsg(LOG_INFO, "%s: call %u/%u: pppd %d started, remote address %s", c->name,
	       pc->local_id, pc->peer_id, (int)pid, call->remote_ip ?
	       inet_ntoa((struct in_addr){ htonl(call->remote_ip) }) : c->role->no_pool_address);
}

/* Why a call ended, explained for the log (its CDN or the connection's end). */
static const char *end_reason(const struct conn *c, enum pptp_end why)
{
	static char buf[160];

	if (why == PPTP_END_ECHO) {
		snprintf(buf, sizeof(buf), "the peer stopped answering Echo-Requests on the control "
			 "connection (%u unanswered, every %u s): it or the path to it is gone",
			 c->pc.echo_missed, c->pc.cfg.echo_interval_ms / 1000);
		return buf;
	}
	return pptp_end_str(why);
}

/* "; N sequence anomalies" when the kernel reported some for this call. */
static const char *anomalies_note(const struct call *call)
{
	static char buf[96];

	if (!call->anomalies)
		return "";
	snprintf(buf, sizeof(buf), "; %llu GRE packets lost, late or out of order were reported",
		 (unsigned long long)call->anomalies);
	return buf;
}

void call_end(struct conn *c, struct pptp_call *pc, enum pptp_end why)
{
	struct call *call = call_of(pc);
	char user[4 * sizeof(call->user)];

	if (!call)
		return;
	logmsg(LOG_INFO, "%s: call %u/%u%s%s%s%s ended: %s%s%s%s", c->name, pc->local_id,
	       pc->peer_id, call->user[0] ? " user " : "",
	       pptp_printable(call->user, user, sizeof(user)), call->ifname[0] ? " " : "",
	       call->ifname, end_reason(c, why), call->health != HEALTH_OK ? "; its health was " : "",
	       call->health != HEALTH_OK ? health_str(call->health) : "", anomalies_note(call));
	if (!(c->role->call_ended && c->role->call_ended(c, call, pc, why)) && call->pppd > 0)
		call_term_pppd(call);
	pc->user = NULL;
	call->pc = NULL;
	call->conn = NULL;	/* the connection may go before pppd is reaped */
	call_free(c->d, call);
}

/* access local: a rule for WHAT (interface or address) could not be added. */
static void end_unenforced(struct call *call, const char *what)
{
	if (call->pppd <= 0)
		return;
	logmsg(LOG_ERR, "%s: call %u/%u: ended: access local cannot be enforced for %s",
	       call->conn->name, call->local_id, call->peer_id, what);
	call_term_pppd(call);
}

/*
 * A name as kpptp.so escaped it (authname.h): checked again here, since
 * only printable octets may reach the log or the users table.
 */
static void escaped_name(const char *in, char out[AUTHNAME_ESCAPED])
{
	size_t n = 0;

	while (n < AUTHNAME_ESCAPED - 1 && in[n] > ' ' && in[n] < 0x7f)
		n++;
	snprintf(out, AUTHNAME_ESCAPED, "%.*s", (int)n, in);
}

/*
 * kpptp.so asks, before pppd checks a password, whether logins as NAME
 * from this peer are refused (users.c). pppd waits for the answer, so it
 * is written at once; a refused login ends the call, uncounted.
 */
static void login_try(struct call *call, const char *name)
{
	struct daemon *d = call->d;
	char user[AUTHNAME_ESCAPED], reply[32];
	uint64_t left = 0;
	int n;

	escaped_name(name, user);
	if (call->role->per_source)
		left = user_refused_s(&d->cfg, user, call->src_addr, now_ms());
	if (left) {
		call->auth_failed = true;	/* not a failure of its own */
		source_stats.refused_user_blocked++;
		source_log(&d->cfg, source_find(call->src_addr), SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: call %u/%u: login as '%s' refused: that name is blocked for %llu s more after failed logins",
			   call->conn_name, call->local_id, call->peer_id, user,
			   (unsigned long long)left);
		n = snprintf(reply, sizeof(reply), "refused %llu\n", (unsigned long long)left);
	} else {
		n = snprintf(reply, sizeof(reply), "ok\n");
	}
	if (call->status_fd >= 0 && write(call->status_fd, reply, (size_t)n) != n)
		logmsg(LOG_WARNING, "%s: call %u/%u: cannot answer kpptp.so: %m",
		       call->conn_name, call->local_id, call->peer_id);
}

/*
 * Lines from kpptp.so: "ifname pppN", "auth-try USER", "auth USER",
 * "auth-fail USER", "ip-up IF LOCAL REMOTE", "ip6-up IF LOCAL REMOTE".
 */
/*
 * tcp-mss: a fixed MSS once the interface is known; auto: the interface's
 * MTU until kpptp.so reports what the path carries, then that.
 */
static void clamp(struct call *call, unsigned int mtu, const char *why)
{
	if (!call->tcp_mss || !call->ifname[0] || !mtu)
		return;
	if (mss_set(call, call->ifname, mtu)) {
		logmsg(LOG_WARNING, "%s: call %u/%u: tcp-mss: not clamped on %s (see above)",
		       call->conn_name, call->local_id, call->peer_id, call->ifname);
		return;
	}
	logmsg(LOG_INFO, "%s: call %u/%u: TCP MSS on %s clamped to %u (IPv6 %u): %s",
	       call->conn_name, call->local_id, call->peer_id, call->ifname, mtu - 40, mtu - 60,
	       why);
}

static void path_mtu_line(struct call *call, const char *line)
{
	unsigned int mtu, had;

	if (sscanf(line, "path-mtu none %u", &had) == 1) {
		logmsg(LOG_NOTICE, "%s: call %u/%u: path MTU unknown: the peer returns no padded LCP echo (%s keeps MTU %u)",
		       call->conn_name, call->local_id, call->peer_id, call->ifname, had);
		return;
	}
	if (sscanf(line, "path-mtu %u %u", &mtu, &had) != 2 || mtu < 576 || mtu > 65535)
		return;
	call->path_mtu = mtu;
	if (mtu < had)
		logmsg(LOG_NOTICE, "%s: call %u/%u: the path carries %u-octet packets, not %u: "
		       "larger ones vanish without an ICMP error (an MTU black hole)",
		       call->conn_name, call->local_id, call->peer_id, mtu, had);
	if (call->tcp_mss == TCP_MSS_AUTO)
		clamp(call, mtu, "the path MTU kpptp.so found");
}

static void status_line(struct call *call, char *line)
{
	struct pptp_call *pc = call->pc;
	char a[64], b[64], e[64];

	if (inform_status_line(call, line))
		return;
	if (!strncmp(line, "ifname ", 7)) {
		snprintf(call->ifname, sizeof(call->ifname), "%.15s", line + 7);
		inform_listen(call->d, call, call->ifname);
		/* LCP is up (pppd names the interface in its network phase). */
		if (call->role->link_up && pc)
			call->role->link_up(call->conn, call);
		if (call->access == ACCESS_LOCAL && !call->access_if[0]) {
			if (access_add_if(call->ifname) == 0)
				memcpy(call->access_if, call->ifname, sizeof(call->access_if));
			else
				end_unenforced(call, call->ifname);
		}
	} else if (!strncmp(line, "path-mtu ", 9)) {
		path_mtu_line(call, line);
	} else if (!strncmp(line, "auth-try ", 9)) {
		login_try(call, line + 9);
	} else if (!strncmp(line, "auth-fail ", 10)) {
		char user[AUTHNAME_ESCAPED];

		escaped_name(line + 10, user);
		if (call->role->per_source && !call->auth_failed) {
			call->auth_failed = true;
			source_log(&call->d->cfg, source_find(call->src_addr), SRC_LOG_LIMIT,
				   LOG_NOTICE, "%s: call %u/%u: login failed as '%s'",
				   call->conn_name, call->local_id, call->peer_id, user);
			source_auth_failed(&call->d->cfg, call->src_addr, user, now_ms());
			if (strcmp(user, "-"))
				user_auth_failed(&call->d->cfg, user, call->src_addr, now_ms());
		}
	} else if (!strncmp(line, "auth ", 5)) {
		escaped_name(line + 5, call->user);
		if (call->role->per_source)
			user_auth_ok(&call->d->cfg, call->user, call->src_addr, now_ms());
		call_started(call->conn->d, call);
	} else if (sscanf(line, "ip-up %63s %63s %63s", a, b, e) == 3) {
		struct in_addr ra, la;

		snprintf(call->ifname, sizeof(call->ifname), "%.15s", a);
		if (inet_pton(AF_INET, e, &ra) == 1)
			call->ppp_remote = ntohl(ra.s_addr);
		if (call->ppp_remote && inet_pton(AF_INET, b, &la) == 1) {
			inform_listen(call->d, call, call->ifname);	/* if ifname never came */
			inform_start(call->d, call, ntohl(la.s_addr), call->ppp_remote);
		}
		/* A static address from chap-secrets is not the pool's. */
		if (call->access == ACCESS_LOCAL && call->ppp_remote &&
		    call->ppp_remote != call->access_addr[0] && !call->access_addr[1]) {
			if (access_add_addr(call->ppp_remote) == 0)
				call->access_addr[1] = call->ppp_remote;
			else
				end_unenforced(call, e);
		}
		char user[4 * sizeof(call->user)];

		if (call->tcp_mss == TCP_MSS_AUTO && !call->mss_mtu)
			clamp(call, call->path_mtu ? call->path_mtu : mss_if_mtu(call->ifname),
			      call->path_mtu ? "the path MTU kpptp.so found" :
			      "the interface's MTU, until the path's is known");
		else if (call->tcp_mss > TCP_MSS_AUTO)
			clamp(call, call->tcp_mss + 40, "tcp-mss");
		/* The user name came from the peer: escaped in the log. */
		logmsg(LOG_NOTICE, "%s: call %u/%u up: user '%s', %s, %s -> %s",
		       call->conn->name, pc->local_id, pc->peer_id,
		       call->user[0] ? pptp_printable(call->user, user, sizeof(user)) : "(none)",
		       a, b, e);
	} else if (sscanf(line, "ip6-up %63s %63s %63s", a, b, e) == 3) {
		struct in6_addr r6;

		/* Checked as an address, and shown in the canonical form. */
		if (inet_pton(AF_INET6, e, &r6) != 1 ||
		    !inet_ntop(AF_INET6, &r6, call->ppp_remote6, sizeof(call->ppp_remote6)))
			call->ppp_remote6[0] = '\0';
		logmsg(LOG_NOTICE, "%s: call %u/%u IPv6 up: %s, %s -> %s",
		       call->conn->name, pc->local_id, pc->peer_id, a, b, call->ppp_remote6);
	} else {
		logmsg(LOG_DEBUG, "%s: pppd says '%s'", call->conn->name, line);
	}
}

/*
 * The whole lines in buf (*len octets, NUL-terminated, cap in all) go to
 * fn one by one, the rest moves to the front. True when the rest fills
 * the buffer: a line longer than it, which the caller deals with.
 */
static bool take_lines(char *buf, size_t *len, size_t cap, struct call *call,
		       void (*fn)(struct call *call, char *line))
{
	for (char *nl; (nl = memchr(buf, '\n', *len));) {
		*nl = '\0';
		fn(call, buf);
		*len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, *len + 1);
	}
	return *len == cap - 1;
}

static void status_io(struct daemon *d, struct io *io, uint32_t events)
{
	struct call *call = container_of(io, struct call, status_io);
	ssize_t n;

	(void)events;
	if (call->status_fd < 0)
		return;	/* the call ended earlier in this batch */
	n = read(call->status_fd, call->status_buf + call->status_len,
		 sizeof(call->status_buf) - 1 - call->status_len);
	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		io_del(&d->loop, call->status_fd);
		close(call->status_fd);
		call->status_fd = -1;
		return;
	}
	call->status_len += (size_t)n;
	call->status_buf[call->status_len] = '\0';
	if (take_lines(call->status_buf, &call->status_len, sizeof(call->status_buf), call,
		       status_line))
		call->status_len = 0;	/* a line too long: dropped */
}

/* One line of pppd's output, escaped, as its call's (server: rate-limited). */
static void out_line(struct call *call, char *line)
{
	char esc[4 * sizeof(call->out.buf)];

	pptp_printable(line, esc, sizeof(esc));
	if (!call->role->per_source)
		logmsg(LOG_INFO, "%s: call %u/%u: pppd: %s", call->conn_name, call->local_id,
		       call->peer_id, esc);
	else
		source_log(&call->d->cfg, source_find(call->src_addr), SRC_LOG_PPPD, LOG_INFO,
			   "%s: call %u/%u: pppd: %s", call->conn_name, call->local_id,
			   call->peer_id, esc);
}

static void out_io(struct daemon *d, struct io *io, uint32_t events)
{
	struct pppd_out *out = container_of(io, struct pppd_out, io);
	struct call *call = container_of(out, struct call, out);
	ssize_t n;

	(void)events;
	if (out->fd < 0)
		return;
	n = read(out->fd, out->buf + out->len, sizeof(out->buf) - 1 - out->len);
	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		if (out->len) {
			out->buf[out->len] = '\0';
			out_line(call, out->buf);
			out->len = 0;
		}
		close_out(d, call);
		return;
	}
	out->len += (size_t)n;
	out->buf[out->len] = '\0';
	if (take_lines(out->buf, &out->len, sizeof(out->buf), call, out_line)) {
		/* A line longer than the buffer: logged in pieces. */
		out_line(call, out->buf);
		out->len = 0;
	}
}

static const char *pppd_exit_str(int code)
{
	switch (code) {
	case 0: return "ok";
	case 2: return "bad options";
	case 8: return "connect failed";
	case 10: return "PPP negotiation failed";
	case 11: return "the peer failed to authenticate";
	case 15: return "the peer stopped answering LCP Echo-Requests (pppd's lcp-echo-failure)";
	case 16: return "hangup";
	case 19: return "authentication to the peer failed";
	case 127: return "pppd did not start: see the line before";
	default: return "see pppd(8) EXIT STATUS";
	}
}

int call_stats(struct daemon *d, const struct call *call, struct kpptp_session_msg *m)
{
	memset(m, 0, sizeof(*m));
	/* No session yet, or gone: a request without its ID would get the namespace's. */
	if (!d->have_nl || !call->session_id)
		return -1;
	if (ksession_stats(d, call->session_id, m)) {
		logmsg(LOG_DEBUG, "stats-get call %u: %s", call->local_id, d->nl.err);
		memset(m, 0, sizeof(*m));
		return -1;
	}
	return 0;
}

int64_t call_rx_packets(struct daemon *d, const struct call *call)
{
	struct kpptp_session_msg m;

	if (call_stats(d, call, &m) || !m.has_stats[KPPTP_A_STATS_RX_PACKETS])
		return -1;
	return (int64_t)m.stats[KPPTP_A_STATS_RX_PACKETS];
}

static void log_exit(struct call *call, pid_t pid, int st)
{
	if (WIFEXITED(st))
		logmsg(LOG_NOTICE, "%s: call %u/%u: pppd %d exited with %d (%s)",
		       call->conn_name, call->local_id, call->peer_id, (int)pid,
		       WEXITSTATUS(st), pppd_exit_str(WEXITSTATUS(st)));
	else
		logmsg(LOG_NOTICE, "%s: call %u/%u: pppd %d killed by signal %d",
		       call->conn_name, call->local_id, call->peer_id, (int)pid,
		       WTERMSIG(st));
}

/*
 * pppd is gone: its pool address can be handed out again, and a peer
 * that failed to authenticate (pppd's exit status 11) counts against its
 * source (auth-fail-limit).
 */
static void pppd_reaped(struct daemon *d, struct call *call, int st)
{
	timer_disarm(&d->loop, &call->kill_timer);
	/* Counted already when kpptp.so reported the name (CHAP, PAP). */
	if (call->role->per_source && !call->auth_failed && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 11)
		source_auth_failed(&d->cfg, call->src_addr, NULL, now_ms());
	if (call->remote_ip && !call->conn) {
		pool_put(&d->pool, call->remote_ip);
		call->remote_ip = 0;
	}
}

void calls_reap_children(struct daemon *d)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct call *call, **pp;

		for (pp = &d->exiting; *pp && (*pp)->pppd != pid; pp = &(*pp)->next)
			;
		if (*pp) {
			/* Its call ended first (the peer cleared it). */
			call = *pp;
			*pp = call->next;
			d->nexiting--;
			log_exit(call, pid, st);
			pppd_reaped(d, call, st);
			if (call->role->pppd_exited)
				call->role->pppd_exited(d, call, st, true);
			if (call->sock >= 0)
				close(call->sock);
			call->sock = -1;
			ksession_del(d, call);
			call->pppd = 0;
			call->next = d->dead_calls;
			d->dead_calls = call;
			continue;
		}
		for (call = d->calls; call && call->pppd != pid; call = call->next)
			;
		if (!call) {
			logmsg(LOG_DEBUG, "child %d reaped", (int)pid);
			continue;
		}
		call->pppd = 0;
		log_exit(call, pid, st);
		pppd_reaped(d, call, st);
		if (call->role->pppd_exited)
			call->role->pppd_exited(d, call, st, false);
		/* The PPP link is gone: the call ends (CDN Lost Carrier). */
		pptp_conn_hangup(&call->conn->pc, call->pc, PPTP_CDN_LOST_CARRIER,
				 WIFEXITED(st) ? (uint16_t)WEXITSTATUS(st) : 0);
	}
}
