// SPDX-License-Identifier: GPL-2.0
/*
 * Steps 3 and 4 of the probe: Start-Control-Connection and Outgoing-Call,
 * through lib/conn.c's client role (kpptpd --client's own state machine)
 * and lib/ctrl.c's decoder. This file is the I/O around them: it frames
 * the TCP stream, feeds the machine, keeps the first octets the server
 * sent (the evidence for "not PPTP"), and keeps the SCCRP and OCRP it
 * decoded so that their codes can be explained.
 *
 * The control connection stays served while steps 5 and 6 run (the
 * server's Echo-Requests are answered), through probe_wait().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <sys/socket.h>

#include "probe.h"

static int ops_send(void *ctx, const struct pptp_msg *m)
{
	struct probe *p = ctx;
	uint8_t buf[PPTP_MSG_MAX_LEN];
	size_t len = pptp_encode(m, buf, sizeof(buf));

	/* Blocking with SO_SNDTIMEO: a control message is a few octets. */
	if (!len || p->tcp < 0 ||
	    send(p->tcp, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	return 0;
}

static int ops_admit(void *ctx, struct pptp_call *c, uint8_t *result, uint8_t *error)
{
	(void)ctx;
	(void)c;
	/* A server that dials us (ICRQ) is not what a probe asks for. */
	*result = PPTP_ICRP_DO_NOT_ACCEPT;
	*error = PPTP_ERR_NONE;
	return -1;
}

static void ops_call_up(void *ctx, struct pptp_call *c)
{
	struct probe *p = ctx;

	if (c == p->call)
		p->call_up = true;
}

static void ops_call_down(void *ctx, struct pptp_call *c, enum pptp_end why)
{
	struct probe *p = ctx;

	if (c != p->call)
		return;
	p->call_down = true;
	p->call_why = why;
	p->call = NULL;		/* its slot is reused */
}

static void ops_established(void *ctx)
{
	((struct probe *)ctx)->established = true;
}

static void ops_closed(void *ctx, enum pptp_end why)
{
	struct probe *p = ctx;

	p->closed = true;
	p->closed_why = why;
}

static void ops_log(void *ctx, int level, const char *msg)
{
	struct probe *p = ctx;

	/* The machine's own account of what the server did wrong. */
	if (level <= LOG_NOTICE)
		probe_evidence(p, "control: %s", msg);
}

static const struct pptp_conn_ops probe_ops = {
	.send = ops_send, .call_admit = ops_admit, .call_up = ops_call_up,
	.call_down = ops_call_down, .established = ops_established,
	.closed = ops_closed, .log = ops_log,
};

/* The server's first octets, printable, for the "not PPTP" evidence. */
static void first_octets_str(const struct probe *p, char *out, size_t cap)
{
	char raw[sizeof(p->first_octets) + 1];

	memcpy(raw, p->first_octets, p->nfirst);
	raw[p->nfirst] = '\0';
	for (size_t i = 0; i < p->nfirst; i++)
		if (!raw[i])
			raw[i] = '.';	/* pptp_printable stops at NUL */
	pptp_printable(raw, out, cap);
}

/* Everything TCP has: whole messages to the machine. */
static void ctrl_read(struct probe *p)
{
	for (int rounds = 0; rounds < 16 && !p->closed; rounds++) {
		ssize_t n = recv(p->tcp, p->rx + p->rx_len, sizeof(p->rx) - p->rx_len,
				 MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			if (n < 0 && errno == ECONNRESET && !p->nfirst)
				probe_evidence(p, "the server reset TCP without sending anything");
			else if (n < 0)
				probe_evidence(p, "control connection: %s", strerror(errno));
			else if (!p->nfirst)
				probe_evidence(p, "the server closed TCP without sending anything");
			else
				probe_evidence(p, "the server closed TCP");
			pptp_conn_tcp_gone(&p->pc);
			return;
		}
		if (p->nfirst < sizeof(p->first_octets)) {
			size_t k = sizeof(p->first_octets) - p->nfirst;

			k = k < (size_t)n ? k : (size_t)n;
			memcpy(p->first_octets + p->nfirst, p->rx + p->rx_len, k);
			p->nfirst += k;
		}
		p->rx_len += (size_t)n;
		for (;;) {
			struct pptp_msg m;
			enum pptp_status st;
			size_t len;

			st = pptp_next(p->rx, p->rx_len, &m, &len);
			if (st == PPTP_NEED_MORE)
				break;
			if (st != PPTP_OK) {
				char octets[4 * sizeof(p->first_octets) + 1];

				first_octets_str(p, octets, sizeof(octets));
				probe_evidence(p, "not a PPTP control message: %s; the server's first "
					       "octets: \"%s\"", pptp_status_str(st), octets);
				pptp_conn_bad_stream(&p->pc, st);
				return;
			}
			if (m.type == PPTP_SCCRP && !p->got_sccrp) {
				p->sccrp = m;
				p->got_sccrp = true;
			} else if (m.type == PPTP_OCRP && !p->got_ocrp) {
				p->ocrp = m;
				p->got_ocrp = true;
			}
			pptp_conn_input(&p->pc, &m, probe_now());
			if (p->closed)
				return;
			memmove(p->rx, p->rx + len, p->rx_len - len);
			p->rx_len -= len;
		}
	}
}

int probe_wait(struct probe *p, uint64_t deadline, const int *fds, int n)
{
	for (;;) {
		struct pollfd pf[8];
		uint64_t now = probe_now(), t = deadline;
		bool ready = false;
		int np = 0, r;

		if (p->pc_inited && !p->closed) {
			pptp_conn_tick(&p->pc, now);
			if (pptp_conn_deadline(&p->pc) < t)
				t = pptp_conn_deadline(&p->pc);
		}
		if (p->closed)
			return -1;
		if (now >= deadline)
			return 0;
		for (int i = 0; i < n && np < 7; i++)
			pf[np++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (p->tcp >= 0)
			pf[np++] = (struct pollfd){ .fd = p->tcp, .events = POLLIN };
		r = poll(pf, (nfds_t)np, t > now ? (int)(t - now) : 0);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		for (int i = 0; i < n && i < np - (p->tcp >= 0); i++)
			if (pf[i].revents)
				ready = true;
		if (p->tcp >= 0 && pf[np - 1].revents) {
			ctrl_read(p);
			ready = true;	/* the caller looks at what changed */
		}
		if (p->closed)
			return -1;
		if (ready)
			return 1;
	}
}

int probe_ctrl_start(struct probe *p)
{
	struct pptp_conn_cfg cfg = {
		.role = PPTP_ROLE_CLIENT, .hostname = "kpptpctl-probe", .vendor = "kpptp",
		.max_calls = 1, .recv_window = 64, .connect_speed = 100000000,
		.setup_timeout_ms = p->o.timeout_s * 1000,
		.echo_interval_ms = 0, .echo_failures = 3,
		.stop_timeout_ms = p->o.timeout_s * 1000,
	};
	struct timeval tv = { .tv_sec = 1 };
	char h[4 * PPTP_NAME_LEN + 1], v[4 * PPTP_NAME_LEN + 1];
	const struct pptp_scc *s = &p->sccrp.scc;

	probe_step_begin(p, "control");
	if (fcntl(p->tcp, F_SETFL, 0) ||
	    setsockopt(p->tcp, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    pptp_conn_init(&p->pc, &cfg, &probe_ops, p, probe_now())) {
		probe_evidence(p, "%s", strerror(errno));
		return probe_fail(p, PV_LOCAL, "could not set up the control connection",
				  "see the evidence");
	}
	p->pc_inited = true;
	pptp_conn_start(&p->pc);
	probe_evidence(p, "sent Start-Control-Connection-Request (protocol 1.0)");
	/* The machine's setup timeout ends the wait; the extra second is slack. */
	while (!p->established && probe_wait(p, probe_now() + cfg.setup_timeout_ms + 1000,
					     NULL, 0) > 0)
		;
	if (p->established) {
		probe_evidence(p, "Start-Control-Connection-Reply: %s; server '%s', vendor '%s', "
			       "firmware %u, protocol %u.%u, max channels %u",
			       pptp_result_str(PPTP_SCCRP, s->result),
			       pptp_printable(s->hostname, h, sizeof(h)),
			       pptp_printable(s->vendor, v, sizeof(v)), s->firmware,
			       s->version >> 8, s->version & 0xff, s->max_channels);
		probe_step_end(p, STEP_PASS);
		return 0;
	}
	if (p->got_sccrp && p->sccrp.scc.result != PPTP_SCCRP_OK) {
		char what[PROBE_EVIDENCE_LEN];

		probe_evidence(p, "Start-Control-Connection-Reply result %u: %s%s%s",
			       s->result, pptp_result_str(PPTP_SCCRP, s->result),
			       s->result == PPTP_SCCRP_GENERAL ? "; error: " : "",
			       s->result == PPTP_SCCRP_GENERAL ? pptp_error_str(s->error) : "");
		snprintf(what, sizeof(what), "the server refused the control connection: %s",
			 pptp_result_str(PPTP_SCCRP, s->result));
		return probe_fail(p, PV_CTRL_REFUSED, what,
				  s->result == PPTP_SCCRP_NOT_AUTHORIZED ?
				  "the server does not accept this client: ask its admin to allow "
				  "this address" :
				  s->result == PPTP_SCCRP_EXISTS ?
				  "another control connection from this address is open: end it "
				  "(a NAT without a PPTP helper can cause this)" :
				  "look at the server's log for why");
	}
	/* Octets came and none made a Start-Control-Connection-Reply. */
	if (p->nfirst && !p->got_sccrp)
		return probe_fail(p, PV_NOT_PPTP,
				  "something that is not a PPTP server answers on TCP 1723",
				  "point the client at the PPTP server, or free port 1723 on the "
				  "server for it");
	if (p->closed && p->closed_why == PPTP_END_TCP)
		return probe_fail(p, PV_CTRL_REFUSED,
				  "the server closed the control connection without a reply",
				  "the server refuses this client (an allow list, a connection limit or "
				  "rate): look at the server's log");
	probe_evidence(p, "no Start-Control-Connection-Reply within %u s", p->o.timeout_s);
	return probe_fail(p, PV_CTRL_NO_REPLY,
			  "TCP 1723 connects but no PPTP reply comes: the server is stuck, or a "
			  "proxy holds the connection",
			  "restart the PPTP server, or look for a device that intercepts TCP 1723");
}

int probe_call(struct probe *p)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX, .sa_protocol = PX_PROTO_PPTP };
	socklen_t len = sizeof(sp);
	const struct pptp_ocrp *o = &p->ocrp.ocrp;
	uint64_t deadline;

	probe_step_begin(p, "call");
	/*
	 * A bound PPPoX socket reserves our call ID (the kernel picks it) and
	 * is the call's kernel session; it is connected once the server's
	 * call ID is known (step 5). Closing it deletes the session.
	 */
	sp.sa_addr.pptp.sin_addr = p->local;
	p->sock = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (p->sock < 0 || bind(p->sock, (struct sockaddr *)&sp, sizeof(sp)) ||
	    getsockname(p->sock, (struct sockaddr *)&sp, &len)) {
		int e = errno;

		probe_evidence(p, "PPTP socket: %s%s", strerror(e),
			       e == EAFNOSUPPORT || e == EPROTONOSUPPORT ?
			       " (load kpptp.ko)" : e == EPERM ? " (needs root)" : "");
		return probe_fail(p, PV_LOCAL, "could not make the call's kernel session",
				  e == EPERM ? "run the probe as root" : "load kpptp.ko (modprobe kpptp)");
	}
	p->local_call_id = sp.sa_addr.pptp.call_id;
	p->call = pptp_conn_dial(&p->pc, p->local_call_id, p);
	if (!p->call) {
		probe_evidence(p, "the control connection has no call slot");
		return probe_fail(p, PV_LOCAL, "could not place the call", "see the evidence");
	}
	probe_evidence(p, "sent Outgoing-Call-Request, our call ID %u, window 64",
		       p->local_call_id);
	deadline = probe_now() + p->o.timeout_s * 1000ull + 1000;
	while (!p->call_up && !p->call_down && probe_wait(p, deadline, NULL, 0) > 0)
		;
	if (p->call_up) {
		probe_evidence(p, "Outgoing-Call-Reply: %s; the server's call ID %u, window %u, "
			       "processing delay %u.%u s, speed %u bit/s",
			       pptp_result_str(PPTP_OCRP, o->result), o->call_id, o->recv_window,
			       o->proc_delay / 10, o->proc_delay % 10, o->speed);
		probe_step_end(p, STEP_PASS);
		return 0;
	}
	if (p->got_ocrp && o->result != PPTP_OCRP_CONNECTED) {
		char what[PROBE_EVIDENCE_LEN];

		probe_evidence(p, "Outgoing-Call-Reply result %u: %s; error %u: %s; cause %u",
			       o->result, pptp_result_str(PPTP_OCRP, o->result), o->error,
			       pptp_error_str(o->error), o->cause);
		snprintf(what, sizeof(what), "the server refused the call: %s%s%s",
			 pptp_result_str(PPTP_OCRP, o->result),
			 o->error ? ", " : "", o->error ? pptp_error_str(o->error) : "");
		return probe_fail(p, PV_CALL_REFUSED, what,
				  o->error == PPTP_ERR_NO_RESOURCE || o->result == PPTP_OCRP_BUSY ?
				  "the server is full (its call limit or address pool): try later, or "
				  "ask its admin to raise max-calls or the pool" :
				  "look at the server's log for why it refused");
	}
	if (p->closed || p->call_down)
		return probe_fail(p, PV_SERVER_ENDED,
				  "the server ended the control connection instead of answering the call",
				  "look at the server's log");
	probe_evidence(p, "no Outgoing-Call-Reply within %u s", p->o.timeout_s);
	return probe_fail(p, PV_CALL_NO_REPLY, "the server does not answer the call",
			  "look at the server's log: it may be unable to start its PPP daemon");
}

void probe_ctrl_finish(struct probe *p)
{
	uint64_t deadline;

	if (!p->pc_inited) {
		if (p->tcp >= 0)
			close(p->tcp);
		p->tcp = -1;
		return;
	}
	deadline = probe_now() + p->o.timeout_s * 1000ull;
	if (p->call && !p->closed) {
		/* Call-Clear-Request; the machine waits for the CDN. */
		pptp_conn_hangup(&p->pc, p->call, PPTP_CDN_REQUEST, 0);
		while (p->call && probe_wait(p, deadline, NULL, 0) > 0)
			;
	}
	if (!p->closed) {
		pptp_conn_stop(&p->pc, PPTP_STOP_NONE);
		while (!p->closed && probe_wait(p, deadline, NULL, 0) >= 0 &&
		       probe_now() < deadline)
			;
	}
	if (!p->closed)
		pptp_conn_abort(&p->pc, PPTP_END_LOCAL);
	pptp_conn_free(&p->pc);
	p->pc_inited = false;
	if (p->tcp >= 0)
		close(p->tcp);
	p->tcp = -1;
}
