// SPDX-License-Identifier: GPL-2.0
/*
 * The client role: kpptpd --client SERVER dials one call, runs pppd over
 * it with the user's options, and exits with one status per way a call
 * can fail (kpptpd(8), EXIT STATUS), or redials with back-off (--persist).
 *
 * Each failure is named as precisely as the evidence allows: TCP never
 * answered, TCP refused, the server spoke something that is not PPTP,
 * the control connection or the call was refused (with the RFC's result
 * text), authentication failed (pppd's own status), or no GRE packet
 * ever arrived (the kernel session's counter says so: a firewall or NAT
 * between us drops GRE). A server that breaks the protocol is retried at
 * most max-protocol-tries times, never forever.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kpptpd.h"

static void on_connect(struct daemon *d, struct io *io, uint32_t events)
{
	(void)io;
	(void)events;
	client_connected(d);
}

static struct io connect_io = { .cb = on_connect };

/* --persist: redials 1 s, 2 s, 4 s ... apart, at most this. */
#define KPPTPD_BACKOFF_MAX_S 60

static const char *server_name(struct daemon *d)
{
	static char name[32];

	snprintf(name, sizeof(name), "%s:%u", inet_ntoa(d->cl.opts.server.sin_addr),
		 ntohs(d->cl.opts.server.sin_port));
	return name;
}

/* The outcome, once: the first failure is the one that explains. */
static void outcome(struct daemon *d, int code)
{
	if (d->cl.exit_code < 0)
		d->cl.exit_code = code;
}

static bool retryable(const struct daemon *d, int code)
{
	switch (code) {
	case KPPTPD_EXIT_CTRL_REFUSED:
	case KPPTPD_EXIT_CALL_REFUSED:
	case KPPTPD_EXIT_AUTH:		/* the same password fails again */
	case KPPTPD_EXIT_VERSION:	/* and the same server the same version */
		return false;
	case KPPTPD_EXIT_NOT_PPTP:
		return d->cl.protocol_failures < d->cl.opts.max_protocol_tries;
	default:
		return true;
	}
}

/* This attempt is over: redial later, or exit. */
static void attempt_over(struct daemon *d)
{
	int code = d->cl.exit_code < 0 ? KPPTPD_EXIT_OK : d->cl.exit_code;

	if (d->stopping || !d->cl.opts.persist || !retryable(d, code)) {
		if (d->cl.opts.persist && !d->stopping)
			logmsg(LOG_ERR, "giving up: %s", kpptpd_exit_str(code));
		d->cl.exit_now = true;
		return;
	}
	/*
	 * A call that stayed up a while (as long as the longest back-off)
	 * ended a working session, not a failing one: start again at 1 s.
	 */
	if (d->cl.call_up_ms && now_ms() - d->cl.call_up_ms >= KPPTPD_BACKOFF_MAX_S * 1000ull)
		d->cl.backoff = 0;
	d->cl.call_up_ms = 0;
	d->cl.backoff = d->cl.backoff ? (d->cl.backoff * 2 > KPPTPD_BACKOFF_MAX_S ? KPPTPD_BACKOFF_MAX_S :
				   d->cl.backoff * 2) : 1;
	d->cl.redial_at = now_ms() + d->cl.backoff * 1000ull;
	logmsg(LOG_NOTICE, "%s; redialling in %u s", kpptpd_exit_str(code), d->cl.backoff);
	d->cl.exit_code = -1;
}

int client_start(struct daemon *d)
{
	int fd;

	d->cl.redial_at = 0;
	d->cl.tries++;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		logmsg(LOG_ERR, "socket: %m");
		return -1;
	}
	logmsg(LOG_INFO, "dialling %s (attempt %u)", server_name(d), d->cl.tries);
	if (connect(fd, (struct sockaddr *)&d->cl.opts.server, sizeof(d->cl.opts.server)) &&
	    errno != EINPROGRESS) {
		logmsg(LOG_ERR, "connect to %s: %m", server_name(d));
		close(fd);
		outcome(d, errno == ECONNREFUSED ? KPPTPD_EXIT_TCP_REFUSED :
			   KPPTPD_EXIT_NO_ANSWER);
		attempt_over(d);
		return 0;
	}
	d->cl.connect_fd = fd;
	d->cl.connect_deadline = now_ms() + d->cl.opts.connect_timeout * 1000ull;
	return io_add(&d->loop, fd, EPOLLOUT, &connect_io);
}

static void connect_failed(struct daemon *d, int code)
{
	io_del(&d->loop, d->cl.connect_fd);
	close(d->cl.connect_fd);
	d->cl.connect_fd = -1;
	d->cl.connect_deadline = 0;
	outcome(d, code);
	attempt_over(d);
}

void client_connected(struct daemon *d)
{
	int err = 0, fd = d->cl.connect_fd;
	socklen_t len = sizeof(err);
	struct conn *c;

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		errno = err;
		if (err == ECONNREFUSED)
			logmsg(LOG_ERR, "%s refused the TCP connection: no PPTP server listens there",
			       server_name(d));
		else
			logmsg(LOG_ERR, "TCP connection to %s failed: %m", server_name(d));
		connect_failed(d, err == ECONNREFUSED ? KPPTPD_EXIT_TCP_REFUSED :
				  KPPTPD_EXIT_NO_ANSWER);
		return;
	}
	io_del(&d->loop, fd);
	d->cl.connect_fd = -1;
	d->cl.connect_deadline = 0;
	c = conn_new(d, fd, &d->cl.opts.server, &client_role);
	if (!c) {
		logmsg(LOG_ERR, "%s: %m", server_name(d));
		close(fd);
		outcome(d, KPPTPD_EXIT_START);
		d->cl.exit_now = true;
		return;
	}
	c->got_message = true;	/* hello-timeout is the server's, not ours */
	pptp_conn_start(&c->pc);
}

void client_established(struct conn *c)
{
	struct daemon *d = c->d;
	char host[4 * PPTP_NAME_LEN + 1], vendor[4 * PPTP_NAME_LEN + 1];

	/* The server's text, escaped: a log line must not carry its bytes. */
	logmsg(LOG_INFO, "%s: control connection up (server '%s', vendor '%s')", c->name,
	       pptp_printable(c->pc.peer_host, host, sizeof(host)),
	       pptp_printable(c->pc.peer_vendor, vendor, sizeof(vendor)));
	d->cl.protocol_failures = 0;
	if (call_dial(c)) {
		outcome(d, KPPTPD_EXIT_START);
		pptp_conn_abort(&c->pc, PPTP_END_LOCAL);
	}
}

void client_closed(struct conn *c, enum pptp_end why)
{
	struct daemon *d = c->d;
	bool up = c->pc.stats.rx_msgs[PPTP_SCCRP] > 0;

	switch (why) {
	case PPTP_END_REFUSED:
		outcome(d, KPPTPD_EXIT_CTRL_REFUSED);
		break;
	case PPTP_END_VERSION:
		outcome(d, KPPTPD_EXIT_VERSION);
		break;
	case PPTP_END_PROTOCOL:
	case PPTP_END_TIMEOUT:
	case PPTP_END_TCP:
		if (!up) {
			logmsg(LOG_ERR, "%s did not answer as a PPTP server (%s)",
			       server_name(d), pptp_end_str(why));
			d->cl.protocol_failures++;
			outcome(d, KPPTPD_EXIT_NOT_PPTP);
		} else {
			outcome(d, KPPTPD_EXIT_SERVER_ENDED);
		}
		break;
	case PPTP_END_ECHO:
	case PPTP_END_PEER_STOPPED:
	case PPTP_END_PEER_CLEARED:
		outcome(d, KPPTPD_EXIT_SERVER_ENDED);
		break;
	default:
		break;
	}
	attempt_over(d);
}

/* pppd ended: say why, from its status and the kernel's counters. */
void client_pppd_exit(struct daemon *d, struct call *call, int status)
{
	if (status == 5 && !call->server_cleared) {
		/* We stopped it (SIGTERM): the reason is already known. */
	} else if (!call->rx_seen) {
		/* Checked first: with no GRE, pppd only sees an LCP timeout. */
		logmsg(LOG_ERR, "no GRE packet ever arrived from %s: a firewall or NAT between "
		       "us drops GRE (IP protocol 47), or the server sends it elsewhere",
		       server_name(d));
		outcome(d, KPPTPD_EXIT_NO_GRE);
	} else if (status == 19 || status == 11) {
		logmsg(LOG_ERR, "authentication failed (pppd exit %d)", status);
		outcome(d, KPPTPD_EXIT_AUTH);
	} else if (call->server_cleared) {
		outcome(d, KPPTPD_EXIT_SERVER_ENDED);
	} else {
		logmsg(LOG_ERR, "PPP failed (pppd exit %d, its log says why)", status);
		outcome(d, KPPTPD_EXIT_PPP);
	}
	/* The call is over; the connection goes with it (one call each). */
	d->cl.hangup = true;
}

void client_call_down(struct conn *c, struct pptp_call *pc, enum pptp_end why)
{
	struct daemon *d = c->d;
	struct call *call = pc->user;

	switch (why) {
	case PPTP_END_REFUSED:
		outcome(d, KPPTPD_EXIT_CALL_REFUSED);
		break;
	case PPTP_END_PEER_CLEARED:
		/* With our pppd still running its exit decides (client_pppd_exit). */
		if (!(call && call->server_cleared))
			outcome(d, KPPTPD_EXIT_SERVER_ENDED);
		break;
	case PPTP_END_TIMEOUT:
		if (pc->state == PPTP_CALL_WAIT_REPLY) {
			logmsg(LOG_ERR, "%s: the server did not answer the Outgoing-Call-Request within %u s",
			       c->name, c->pc.cfg.setup_timeout_ms / 1000);
			outcome(d, KPPTPD_EXIT_CALL_TIMEOUT);
		} else {
			outcome(d, KPPTPD_EXIT_SERVER_ENDED);
		}
		break;
	default:
		break;
	}
	d->cl.hangup = true;
}

/*
 * Client, with kpptp.ko: while the Outgoing-Call-Request was out, a bound
 * socket held our call ID (the kernel chose it). Now that the server's
 * call ID is known, the ID moves to a netlink session owned by kpptpd, so
 * that the session goes with kpptpd however it ends, and a new socket
 * attaches to it at connect. Between the close and session-new the ID is
 * free; the kernel hands IDs out from a moving cursor, so another process
 * taking this one then is unlikely, and the call fails with the reason
 * logged if one does.
 */
static int own_session(struct daemon *d, struct conn *c, struct call *call,
		       struct pptp_call *pc)
{
	struct sockaddr_pppox sp = call_sockaddr(c->local.sin_addr, pc->local_id);
	struct kpptp_session_msg m;

	close(call->sock);
	call->sock = -1;
	if (ksession_new(d, call, c, pc, pc->local_id, &m)) {
		logmsg(LOG_ERR, "%s: call %u/%u: session-new: %s", c->name, pc->local_id,
		       pc->peer_id, d->nl.err);
		return -1;
	}
	call->sock = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (call->sock < 0 || bind(call->sock, (struct sockaddr *)&sp, sizeof(sp))) {
		logmsg(LOG_ERR, "%s: call %u/%u: PPTP socket for session %u: %m", c->name,
		       pc->local_id, pc->peer_id, m.id);
		return -1;
	}
	return 0;
}

/* The call is up: its socket attaches to the server's call, before pppd. */
int client_call_attach(struct conn *c, struct call *call, struct pptp_call *pc)
{
	struct daemon *d = c->d;
	struct sockaddr_pppox sp = call_sockaddr(c->peer.sin_addr, pc->peer_id);

	d->cl.call_up_ms = call->started_ms;	/* --persist's back-off */
	if (d->have_nl && own_session(d, c, call, pc))
		return -1;
	if (connect(call->sock, (struct sockaddr *)&sp, sizeof(sp))) {
		logmsg(LOG_ERR, "%s: call %u/%u: connect: %m", c->name, pc->local_id, pc->peer_id);
		return -1;
	}
	return 0;
}

/* In pppd's child: the server gives the address; then the user's options. */
void client_pppd_exec(struct daemon *d, const struct call *call, const char **argv, int n)
{
	(void)call;
	argv[n++] = "noipdefault";
	call_exec(d->cfg.pppd, argv, n, d->cl.opts.pppd_args, d->cl.opts.npppd_args);
}

bool client_call_ended(struct conn *c, struct call *call, struct pptp_call *pc,
		       enum pptp_end why)
{
	bool waits = false;

	if (why == PPTP_END_PEER_CLEARED && call->pppd > 0) {
		/*
		 * The server cleared the call while our pppd still runs: its
		 * own exit status (authentication failed, say) explains more
		 * than "the server ended it", so it gets a few seconds to end
		 * by itself (client_tick sends SIGTERM after that).
		 */
		call->server_cleared = true;
		call->kill_at_ms = now_ms() + KPPTPD_PPPD_GRACE_MS;
		waits = true;
	}
	client_call_down(c, pc, why);
	return waits;
}

/* Only a call the server cleared waits on its pppd's word once ended. */
void client_pppd_exited(struct daemon *d, struct call *call, int st, bool ended)
{
	if (ended && !call->server_cleared)
		return;
	call->rx_seen = call_rx_packets(d, call) != 0;
	client_pppd_exit(d, call, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/*
 * LCP is up: as the PNS, tell the server the ACCMs, as Windows clients
 * do. Sync PPP over GRE negotiates none (kpptp.so turns asyncmap off), so
 * both are LCP's default, all 32 control characters mapped.
 */
void client_link_up(struct conn *c, struct call *call)
{
	pptp_conn_set_link_info(&c->pc, call->pc, 0xffffffff, 0xffffffff);
}

void client_tick(struct daemon *d, uint64_t now)
{
	if (d->cl.connect_deadline && now >= d->cl.connect_deadline) {
		logmsg(LOG_ERR, "no answer from %s within %u s", server_name(d),
		       d->cl.opts.connect_timeout);
		connect_failed(d, KPPTPD_EXIT_NO_ANSWER);
	}
	if (d->cl.redial_at && now >= d->cl.redial_at && !d->stopping)
		client_start(d);
	for (struct call *call = d->exiting; call; call = call->next)
		if (call->kill_at_ms && now >= call->kill_at_ms) {
			call->kill_at_ms = 0;
			call_term_pppd(call);
		}
	/* Once the call and its pppd are gone, so that the outcome is known. */
	if (d->cl.hangup && !d->ncalls && !d->nexiting) {
		d->cl.hangup = false;
		for (struct conn *c = d->conns; c; c = c->next)
			pptp_conn_stop(&c->pc, PPTP_STOP_NONE);
	}
}

uint64_t client_deadline(struct daemon *d)
{
	uint64_t t = UINT64_MAX;

	if (d->cl.connect_deadline)
		t = d->cl.connect_deadline;
	if (d->cl.redial_at && d->cl.redial_at < t)
		t = d->cl.redial_at;
	if (d->cl.hangup && !d->ncalls && !d->nexiting)
		t = 0;
	for (struct call *call = d->exiting; call; call = call->next)
		if (call->kill_at_ms && call->kill_at_ms < t)
			t = call->kill_at_ms;
	return t;
}

const char *kpptpd_exit_str(int code)
{
	switch (code) {
	case KPPTPD_EXIT_OK: return "the call ended normally";
	case KPPTPD_EXIT_START: return "could not start";
	case KPPTPD_EXIT_USAGE: return "bad command line";
	case KPPTPD_EXIT_NO_ANSWER: return "no answer on TCP 1723";
	case KPPTPD_EXIT_TCP_REFUSED: return "TCP connection refused";
	case KPPTPD_EXIT_NOT_PPTP: return "not a PPTP server";
	case KPPTPD_EXIT_CTRL_REFUSED: return "control connection refused";
	case KPPTPD_EXIT_CALL_REFUSED: return "call refused";
	case KPPTPD_EXIT_AUTH: return "authentication failed";
	case KPPTPD_EXIT_NO_GRE: return "no GRE ever arrived from the server";
	case KPPTPD_EXIT_PPP: return "PPP failed";
	case KPPTPD_EXIT_SERVER_ENDED: return "the server ended the call";
	case KPPTPD_EXIT_VERSION: return "the server speaks another PPTP version";
	case KPPTPD_EXIT_CALL_TIMEOUT: return "no answer to the call request";
	}
	return "?";
}
