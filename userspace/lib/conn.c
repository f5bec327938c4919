// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP control-connection and call state machines (RFC 2637 §3).
 *
 * Every message from the peer gets exactly one reaction: an answer with
 * the RFC's result and error codes, a state change, or a log line and a
 * counter saying why it was ignored. Nothing here blocks or allocates
 * after pptp_conn_init(): the call slots are sized by cfg.max_calls, so a
 * peer cannot grow our memory by asking for calls.
 *
 * Call lookups walk the slots; a connection carries one call in practice
 * (Windows, pptp-linux) and max_calls bounds the walk.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "kpptp/conn.h"

static void say(struct pptp_conn *c, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct pptp_conn *c, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!c->ops->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->ops->log(c->ctx, level, line);
}

static bool closed(const struct pptp_conn *c)
{
	return c->state == PPTP_CONN_CLOSED;
}

static void set_state(struct pptp_conn *c, enum pptp_conn_state s)
{
	c->state = s;
	c->since_ms = c->now_ms;
}

static void call_state(struct pptp_conn *c, struct pptp_call *call,
		       enum pptp_call_state s)
{
	call->state = s;
	call->since_ms = c->now_ms;
}

/* The connection is over: every call down, then closed(). Once only. */
static void finish(struct pptp_conn *c, enum pptp_end why)
{
	if (closed(c))
		return;
	c->state = PPTP_CONN_CLOSED;
	c->end = why;
	for (unsigned int i = 0; i < c->cfg.max_calls; i++) {
		struct pptp_call *call = &c->calls[i];

		if (call->state == PPTP_CALL_FREE)
			continue;
		if (c->ops->call_down)
			c->ops->call_down(c->ctx, call, why);
		memset(call, 0, sizeof(*call));
	}
	c->ncalls = 0;
	if (c->ops->closed)
		c->ops->closed(c->ctx, why);
}

/* Send; a failed send means TCP is gone. */
static void tx(struct pptp_conn *c, struct pptp_msg *m)
{
	if (closed(c))
		return;
	c->stats.tx_msgs[m->type]++;
	if (c->ops->send(c->ctx, m)) {
		say(c, LOG_INFO, "sending %s failed: connection lost",
		    pptp_type_name(m->type));
		finish(c, PPTP_END_TCP);
	}
}

static void call_end(struct pptp_conn *c, struct pptp_call *call,
		     enum pptp_end why)
{
	if (c->ops->call_down)
		c->ops->call_down(c->ctx, call, why);
	memset(call, 0, sizeof(*call));
	c->ncalls--;
}

static struct pptp_call *slot_new(struct pptp_conn *c)
{
	for (unsigned int i = 0; i < c->cfg.max_calls; i++)
		if (c->calls[i].state == PPTP_CALL_FREE)
			return &c->calls[i];
	return NULL;
}

struct pptp_call *pptp_conn_call_by_local(struct pptp_conn *c, uint16_t id)
{
	for (unsigned int i = 0; i < c->cfg.max_calls; i++)
		if (c->calls[i].state != PPTP_CALL_FREE && c->calls[i].local_id == id)
			return &c->calls[i];
	return NULL;
}

/* Another call of this connection has call's local ID. */
static bool local_id_taken(struct pptp_conn *c, const struct pptp_call *call)
{
	for (unsigned int i = 0; i < c->cfg.max_calls; i++)
		if (&c->calls[i] != call && c->calls[i].state != PPTP_CALL_FREE &&
		    c->calls[i].local_id == call->local_id)
			return true;
	return false;
}

/* A call the peer knows by its own ID; incoming: made by its ICRQ. */
static struct pptp_call *call_by_peer(struct pptp_conn *c, uint16_t id,
				      bool incoming)
{
	for (unsigned int i = 0; i < c->cfg.max_calls; i++) {
		struct pptp_call *call = &c->calls[i];

		if (call->state != PPTP_CALL_FREE && call->incoming == incoming &&
		    call->peer_id == id && call->state != PPTP_CALL_WAIT_REPLY)
			return call;
	}
	return NULL;
}

int pptp_conn_init(struct pptp_conn *c, const struct pptp_conn_cfg *cfg,
		   const struct pptp_conn_ops *ops, void *ctx, uint64_t now_ms)
{
	memset(c, 0, sizeof(*c));
	if (!cfg->max_calls || !ops || !ops->send ||
	    (cfg->role == PPTP_ROLE_SERVER && !ops->call_admit) ||
	    (cfg->echo_interval_ms && !cfg->echo_failures)) {
		errno = EINVAL;
		return -1;
	}
	c->calls = calloc(cfg->max_calls, sizeof(*c->calls));
	if (!c->calls)
		return -1;
	c->cfg = *cfg;
	c->ops = ops;
	c->ctx = ctx;
	c->now_ms = c->last_rx_ms = now_ms;
	set_state(c, cfg->role == PPTP_ROLE_SERVER ? PPTP_CONN_WAIT_CTL_REQUEST :
						     PPTP_CONN_IDLE);
	return 0;
}

void pptp_conn_free(struct pptp_conn *c)
{
	free(c->calls);
	c->calls = NULL;
}

static void fill_scc(struct pptp_conn *c, struct pptp_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->scc.version = PPTP_VERSION;
	/* No physical lines behind us: every framing and bearer will do. */
	m->scc.framing = PPTP_FRAME_ANY;
	m->scc.bearer = PPTP_BEARER_ANY;
	m->scc.max_channels = c->cfg.max_calls;
	m->scc.firmware = c->cfg.firmware;
	snprintf(m->scc.hostname, sizeof(m->scc.hostname), "%s",
		 c->cfg.hostname ? c->cfg.hostname : "");
	snprintf(m->scc.vendor, sizeof(m->scc.vendor), "%s",
		 c->cfg.vendor ? c->cfg.vendor : "");
}

void pptp_conn_start(struct pptp_conn *c)
{
	struct pptp_msg m;

	if (c->state != PPTP_CONN_IDLE)
		return;
	fill_scc(c, &m, PPTP_SCCRQ);
	set_state(c, PPTP_CONN_WAIT_CTL_REPLY);
	tx(c, &m);
}

static void note_peer(struct pptp_conn *c, const struct pptp_scc *s)
{
	char h[4 * PPTP_NAME_LEN + 1], v[4 * PPTP_NAME_LEN + 1];

	memcpy(c->peer_host, s->hostname, sizeof(c->peer_host));
	memcpy(c->peer_vendor, s->vendor, sizeof(c->peer_vendor));
	c->peer_firmware = s->firmware;
	c->peer_max_channels = s->max_channels;
	say(c, LOG_INFO, "peer host '%s', vendor '%s', firmware 0x%04x, %u channels",
	    pptp_printable(s->hostname, h, sizeof(h)),
	    pptp_printable(s->vendor, v, sizeof(v)), s->firmware, s->max_channels);
}

/* Server: SCCRQ while waiting for it. */
static void on_sccrq(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_msg m;

	fill_scc(c, &m, PPTP_SCCRP);
	note_peer(c, &in->scc);
	if (in->scc.version != PPTP_VERSION) {
		say(c, LOG_NOTICE, "peer speaks PPTP version %u.%u, not 1.0: refused (result 5)",
		    in->scc.version >> 8, in->scc.version & 0xff);
		m.scc.result = PPTP_SCCRP_BAD_VERSION;
		tx(c, &m);
		finish(c, PPTP_END_PROTOCOL);
		return;
	}
	m.scc.result = PPTP_SCCRP_OK;
	set_state(c, PPTP_CONN_ESTABLISHED);
	tx(c, &m);
}

/* Client: SCCRP to our SCCRQ. */
static void on_sccrp(struct pptp_conn *c, const struct pptp_msg *in)
{
	note_peer(c, &in->scc);
	if (in->scc.result != PPTP_SCCRP_OK) {
		say(c, LOG_ERR, "control connection refused: result %u (%s), error %u (%s)",
		    in->scc.result, pptp_result_str(PPTP_SCCRP, in->scc.result),
		    in->scc.error, pptp_error_str(in->scc.error));
		finish(c, PPTP_END_REFUSED);
		return;
	}
	if (in->scc.version != PPTP_VERSION) {
		struct pptp_msg m = { .type = PPTP_STOPCCRQ };

		say(c, LOG_ERR, "server answers with PPTP version %u.%u, not 1.0: stopping",
		    in->scc.version >> 8, in->scc.version & 0xff);
		/* A clean end: its Stop-Control-Connection-Reply is awaited. */
		m.stop.reason = PPTP_STOP_PROTOCOL;
		c->end = PPTP_END_VERSION;
		set_state(c, PPTP_CONN_WAIT_STOP_REPLY);
		tx(c, &m);
		return;
	}
	set_state(c, PPTP_CONN_ESTABLISHED);
	if (c->ops->established)
		c->ops->established(c->ctx);
}

/*
 * A call or echo message before Start-Control-Connection: answer with
 * General Error / Not-Connected where the message has a reply (§2.16
 * error 1 says exactly this), then close: the peer does not follow §3.
 */
static void not_connected(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_msg m = { 0 };

	say(c, LOG_NOTICE, "%s before Start-Control-Connection: answered Not-Connected, closing",
	    pptp_type_name(in->type));
	switch (in->type) {
	case PPTP_OCRQ:
		m.type = PPTP_OCRP;
		m.ocrp.peer_call_id = in->ocrq.call_id;
		m.ocrp.result = PPTP_OCRP_GENERAL;
		m.ocrp.error = PPTP_ERR_NOT_CONNECTED;
		break;
	case PPTP_ICRQ:
		m.type = PPTP_ICRP;
		m.icrp.peer_call_id = in->icrq.call_id;
		m.icrp.result = PPTP_ICRP_GENERAL;
		m.icrp.error = PPTP_ERR_NOT_CONNECTED;
		break;
	case PPTP_ECHORQ:
		m.type = PPTP_ECHORP;
		m.echo.id = in->echo.id;
		m.echo.result = PPTP_ECHORP_GENERAL;
		m.echo.error = PPTP_ERR_NOT_CONNECTED;
		break;
	}
	if (m.type)
		tx(c, &m);
	finish(c, PPTP_END_PROTOCOL);
}

static void refuse_ocrq(struct pptp_conn *c, const struct pptp_msg *in,
			uint8_t result, uint8_t error)
{
	struct pptp_msg m = { .type = PPTP_OCRP };

	m.ocrp.peer_call_id = in->ocrq.call_id;
	m.ocrp.result = result;
	m.ocrp.error = error;
	c->stats.calls_refused++;
	tx(c, &m);
}

static void refuse_icrq(struct pptp_conn *c, const struct pptp_msg *in,
			uint8_t result, uint8_t error)
{
	struct pptp_msg m = { .type = PPTP_ICRP };

	m.icrp.peer_call_id = in->icrq.call_id;
	m.icrp.result = result;
	m.icrp.error = error;
	c->stats.calls_refused++;
	tx(c, &m);
}

/*
 * A new call from the peer: a free slot, a peer call ID not in use on
 * this connection (refused, never a silent teardown of the other call),
 * and the daemon's consent (limits, address pool, kernel session).
 */
static struct pptp_call *admit(struct pptp_conn *c, bool incoming,
			       uint16_t peer_id, uint8_t *result, uint8_t *error)
{
	struct pptp_call *call;

	*result = incoming ? PPTP_ICRP_GENERAL : PPTP_OCRP_GENERAL;
	if (call_by_peer(c, peer_id, incoming)) {
		say(c, LOG_NOTICE, "peer call ID %u is already in use on this connection: refused",
		    peer_id);
		*error = PPTP_ERR_BAD_CALL_ID;
		return NULL;
	}
	call = slot_new(c);
	if (!call) {
		say(c, LOG_NOTICE, "peer call ID %u: this connection has its %u calls: refused",
		    peer_id, c->cfg.max_calls);
		*error = PPTP_ERR_NO_RESOURCE;
		return NULL;
	}
	call->incoming = incoming;
	call->peer_id = peer_id;
	call->since_ms = c->now_ms;
	*error = PPTP_ERR_NO_RESOURCE;
	/* Mark it taken while the daemon looks (it may log, or fail). */
	call->state = incoming ? PPTP_CALL_WAIT_CONNECT : PPTP_CALL_ESTABLISHED;
	c->ncalls++;
	if (c->ops->call_admit(c->ctx, call, result, error)) {
		say(c, LOG_NOTICE, "peer call ID %u refused: result %u (%s), error %u (%s)",
		    peer_id, *result,
		    pptp_result_str(incoming ? PPTP_ICRP : PPTP_OCRP, *result),
		    *error, pptp_error_str(*error));
		memset(call, 0, sizeof(*call));
		c->ncalls--;
		return NULL;
	}
	if (local_id_taken(c, call)) {
		/* A daemon bug, but the peer must not pay with a wrong call. */
		say(c, LOG_ERR, "local call ID %u given twice on one connection: refused",
		    call->local_id);
		*error = PPTP_ERR_PAC_ERROR;
		call_end(c, call, PPTP_END_LOCAL);
		return NULL;
	}
	return call;
}

/* Server as PAC: Outgoing-Call-Request. */
static void on_ocrq(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_msg m = { .type = PPTP_OCRP };
	struct pptp_call *call;
	uint8_t result, error;

	call = admit(c, false, in->ocrq.call_id, &result, &error);
	if (!call) {
		refuse_ocrq(c, in, result, error);
		return;
	}
	call->serial = in->ocrq.serial;
	call->peer_window = in->ocrq.recv_window;
	call->peer_delay = in->ocrq.proc_delay;
	call->speed = c->cfg.connect_speed;
	call_state(c, call, PPTP_CALL_ESTABLISHED);
	m.ocrp.call_id = call->local_id;
	m.ocrp.peer_call_id = call->peer_id;
	m.ocrp.result = PPTP_OCRP_CONNECTED;
	m.ocrp.speed = c->cfg.connect_speed;
	m.ocrp.recv_window = c->cfg.recv_window;
	m.ocrp.proc_delay = c->cfg.proc_delay;
	tx(c, &m);
	if (closed(c))
		return;
	c->stats.calls_up++;
	if (c->ops->call_up)
		c->ops->call_up(c->ctx, call);
}

/* Server as PNS: Incoming-Call-Request; the call is up at its ICCN. */
static void on_icrq(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_msg m = { .type = PPTP_ICRP };
	struct pptp_call *call;
	uint8_t result, error;

	call = admit(c, true, in->icrq.call_id, &result, &error);
	if (!call) {
		refuse_icrq(c, in, result, error);
		return;
	}
	call->serial = in->icrq.serial;
	call_state(c, call, PPTP_CALL_WAIT_CONNECT);
	m.icrp.call_id = call->local_id;
	m.icrp.peer_call_id = call->peer_id;
	m.icrp.result = PPTP_ICRP_CONNECT;
	m.icrp.recv_window = c->cfg.recv_window;
	m.icrp.proc_delay = c->cfg.proc_delay;
	tx(c, &m);
}

static void unknown_call(struct pptp_conn *c, const struct pptp_msg *in,
			 uint16_t id)
{
	c->stats.rx_unknown_call++;
	say(c, LOG_INFO, "%s for call ID %u, which this connection does not have: ignored",
	    pptp_type_name(in->type), id);
}

static void on_iccn(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_call *call = pptp_conn_call_by_local(c, in->iccn.peer_call_id);

	if (!call || !call->incoming || call->state != PPTP_CALL_WAIT_CONNECT) {
		unknown_call(c, in, in->iccn.peer_call_id);
		return;
	}
	call->peer_window = in->iccn.recv_window;
	call->peer_delay = in->iccn.proc_delay;
	call->speed = in->iccn.speed;
	call_state(c, call, PPTP_CALL_ESTABLISHED);
	c->stats.calls_up++;
	if (c->ops->call_up)
		c->ops->call_up(c->ctx, call);
}

/* Client: the answer to our OCRQ. */
static void on_ocrp(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_call *call = pptp_conn_call_by_local(c, in->ocrp.peer_call_id);

	if (!call || call->incoming || call->state != PPTP_CALL_WAIT_REPLY) {
		unknown_call(c, in, in->ocrp.peer_call_id);
		return;
	}
	if (in->ocrp.result != PPTP_OCRP_CONNECTED) {
		say(c, LOG_ERR, "call %u refused: result %u (%s), error %u (%s), cause %u",
		    call->local_id, in->ocrp.result,
		    pptp_result_str(PPTP_OCRP, in->ocrp.result), in->ocrp.error,
		    pptp_error_str(in->ocrp.error), in->ocrp.cause);
		call->result = in->ocrp.result;
		call->error = in->ocrp.error;
		call->cause = in->ocrp.cause;
		call_end(c, call, PPTP_END_REFUSED);
		return;
	}
	call->peer_id = in->ocrp.call_id;
	call->peer_window = in->ocrp.recv_window;
	call->peer_delay = in->ocrp.proc_delay;
	call->speed = in->ocrp.speed;
	call_state(c, call, PPTP_CALL_ESTABLISHED);
	c->stats.calls_up++;
	if (c->ops->call_up)
		c->ops->call_up(c->ctx, call);
}

/* Server as PAC: the PNS hangs up; the answer is a CDN (§2.12). */
static void on_ccrq(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_call *call = call_by_peer(c, in->ccrq.call_id, false);
	struct pptp_msg m = { .type = PPTP_CDN };

	if (!call) {
		unknown_call(c, in, in->ccrq.call_id);
		return;
	}
	m.cdn.call_id = call->local_id;
	m.cdn.result = PPTP_CDN_REQUEST;
	say(c, LOG_INFO, "call %u/%u cleared by the peer", call->local_id, call->peer_id);
	call_end(c, call, PPTP_END_PEER_CLEARED);
	tx(c, &m);
}

/* The PAC ends a call: ours as client, or an incoming one as server. */
static void on_cdn(struct pptp_conn *c, const struct pptp_msg *in)
{
	bool incoming = c->cfg.role == PPTP_ROLE_SERVER;
	struct pptp_call *call = call_by_peer(c, in->cdn.call_id, incoming);
	char stats[4 * PPTP_STATS_LEN + 1];

	if (!call) {
		unknown_call(c, in, in->cdn.call_id);
		return;
	}
	call->result = in->cdn.result;
	call->error = in->cdn.error;
	call->cause = in->cdn.cause;
	say(c, LOG_INFO, "call %u/%u disconnected by the peer: result %u (%s), error %u (%s), cause %u%s%s",
	    call->local_id, call->peer_id, in->cdn.result,
	    pptp_result_str(PPTP_CDN, in->cdn.result), in->cdn.error,
	    pptp_error_str(in->cdn.error), in->cdn.cause,
	    in->cdn.stats[0] ? ", statistics: " : "",
	    pptp_printable(in->cdn.stats, stats, sizeof(stats)));
	call_end(c, call, call->state == PPTP_CALL_WAIT_CDN ? PPTP_END_LOCAL :
							      PPTP_END_PEER_CLEARED);
}

static void on_wen(struct pptp_conn *c, const struct pptp_msg *in)
{
	const struct pptp_wen *w = &in->wen;

	if (!pptp_conn_call_by_local(c, w->peer_call_id)) {
		unknown_call(c, in, w->peer_call_id);
		return;
	}
	say(c, LOG_NOTICE, "call %u: WAN errors: CRC %u, framing %u, hardware overruns %u, buffer overruns %u, time-outs %u, alignment %u",
	    w->peer_call_id, w->crc, w->framing, w->hw_overrun, w->buf_overrun,
	    w->timeout, w->alignment);
}

/* Windows sends it after LCP; ACCMs mean nothing to sync PPP over GRE. */
static void on_sli(struct pptp_conn *c, const struct pptp_msg *in)
{
	if (!pptp_conn_call_by_local(c, in->sli.peer_call_id))
		unknown_call(c, in, in->sli.peer_call_id);
}

static void on_echo(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_msg m = { .type = PPTP_ECHORP };

	m.echo.id = in->echo.id;
	m.echo.result = PPTP_ECHORP_OK;
	tx(c, &m);
}

static void on_stopccrq(struct pptp_conn *c, const struct pptp_msg *in)
{
	struct pptp_msg m = { .type = PPTP_STOPCCRP };

	say(c, LOG_INFO, "peer stops the control connection: reason %u (%s)",
	    in->stop.reason, pptp_result_str(PPTP_STOPCCRQ, in->stop.reason));
	m.stop.result = PPTP_STOPCCRP_OK;
	tx(c, &m);
	finish(c, PPTP_END_PEER_STOPPED);
}

static void unexpected(struct pptp_conn *c, const struct pptp_msg *in)
{
	c->stats.rx_unexpected++;
	say(c, LOG_INFO, "unexpected %s in state %s (%s role): ignored",
	    pptp_type_name(in->type), pptp_conn_state_name(c->state),
	    c->cfg.role == PPTP_ROLE_SERVER ? "server" : "client");
}

static void established(struct pptp_conn *c, const struct pptp_msg *in)
{
	bool server = c->cfg.role == PPTP_ROLE_SERVER;
	struct pptp_msg m = { 0 };

	switch (in->type) {
	case PPTP_SCCRQ:
		/* §2.2 result 3: this pair already has a control connection. */
		say(c, LOG_NOTICE, "a second Start-Control-Connection-Request: refused (result 3)");
		fill_scc(c, &m, PPTP_SCCRP);
		m.scc.result = PPTP_SCCRP_EXISTS;
		c->stats.rx_unexpected++;
		tx(c, &m);
		break;
	case PPTP_STOPCCRQ:
		on_stopccrq(c, in);
		break;
	case PPTP_ECHORQ:
		on_echo(c, in);
		break;
	case PPTP_ECHORP:
		break;		/* any message is proof of life: see input() */
	case PPTP_OCRQ:
		if (server) {
			on_ocrq(c, in);
		} else {
			c->stats.rx_unexpected++;
			refuse_ocrq(c, in, PPTP_OCRP_DO_NOT_ACCEPT, PPTP_ERR_NONE);
		}
		break;
	case PPTP_ICRQ:
		if (server) {
			on_icrq(c, in);
		} else {
			c->stats.rx_unexpected++;
			refuse_icrq(c, in, PPTP_ICRP_DO_NOT_ACCEPT, PPTP_ERR_NONE);
		}
		break;
	case PPTP_OCRP:
		if (server)
			unexpected(c, in);
		else
			on_ocrp(c, in);
		break;
	case PPTP_ICCN:
		if (server)
			on_iccn(c, in);
		else
			unexpected(c, in);
		break;
	case PPTP_CCRQ:
		if (server)
			on_ccrq(c, in);
		else
			unexpected(c, in);
		break;
	case PPTP_CDN:
		on_cdn(c, in);
		break;
	case PPTP_WEN:
		on_wen(c, in);
		break;
	case PPTP_SLI:
		if (server)
			on_sli(c, in);
		else
			unexpected(c, in);
		break;
	default:	/* SCCRP, StopCCRP, ICRP: we never asked */
		unexpected(c, in);
		break;
	}
}

void pptp_conn_input(struct pptp_conn *c, const struct pptp_msg *in, uint64_t now_ms)
{
	if (closed(c))
		return;
	if (in->type < 1 || in->type > PPTP_TYPE_MAX) {
		pptp_conn_bad_stream(c, PPTP_BAD_CTRL_TYPE);
		return;
	}
	c->now_ms = now_ms;
	c->last_rx_ms = now_ms;
	/* The peer is alive: any message answers an outstanding echo. */
	c->echo_sent_ms = 0;
	c->echo_missed = 0;
	c->stats.rx_msgs[in->type]++;
	if (in->reserved_nonzero) {
		c->stats.rx_reserved_nonzero++;
		if (!c->warned_reserved)
			say(c, LOG_INFO, "peer sets reserved fields (first in %s): ignored",
			    pptp_type_name(in->type));
		c->warned_reserved = true;
	}
	switch (c->state) {
	case PPTP_CONN_WAIT_CTL_REQUEST:
		if (in->type == PPTP_SCCRQ)
			on_sccrq(c, in);
		else if (in->type == PPTP_STOPCCRQ)
			on_stopccrq(c, in);
		else
			not_connected(c, in);
		break;
	case PPTP_CONN_IDLE:
		say(c, LOG_NOTICE, "%s before we started: closing", pptp_type_name(in->type));
		finish(c, PPTP_END_PROTOCOL);
		break;
	case PPTP_CONN_WAIT_CTL_REPLY:
		if (in->type == PPTP_SCCRP)
			on_sccrp(c, in);
		else if (in->type == PPTP_STOPCCRQ)
			on_stopccrq(c, in);
		else if (in->type == PPTP_ECHORQ)
			on_echo(c, in);
		else
			unexpected(c, in);
		break;
	case PPTP_CONN_ESTABLISHED:
		established(c, in);
		break;
	case PPTP_CONN_WAIT_STOP_REPLY:
		if (in->type == PPTP_STOPCCRP)
			finish(c, c->end ? c->end : PPTP_END_LOCAL);
		else if (in->type == PPTP_STOPCCRQ)
			on_stopccrq(c, in);
		else if (in->type == PPTP_ECHORQ)
			on_echo(c, in);
		/* else: calls are gone; late call messages are expected */
		break;
	case PPTP_CONN_CLOSED:
		break;
	}
}

void pptp_conn_bad_stream(struct pptp_conn *c, enum pptp_status st)
{
	if (closed(c))
		return;
	say(c, LOG_NOTICE, "peer broke the message framing (%s): closing",
	    pptp_status_str(st));
	finish(c, PPTP_END_PROTOCOL);
}

void pptp_conn_tcp_gone(struct pptp_conn *c)
{
	/* We asked to stop, for a reason of our own: closing answers that too. */
	if (c->state == PPTP_CONN_WAIT_STOP_REPLY && c->end)
		finish(c, c->end);
	else
		finish(c, PPTP_END_TCP);
}

void pptp_conn_abort(struct pptp_conn *c, enum pptp_end why)
{
	finish(c, why);
}

struct pptp_call *pptp_conn_dial(struct pptp_conn *c, uint16_t local_id,
				 void *user)
{
	struct pptp_msg m = { .type = PPTP_OCRQ };
	struct pptp_call *call;

	if (c->cfg.role != PPTP_ROLE_CLIENT || c->state != PPTP_CONN_ESTABLISHED ||
	    pptp_conn_call_by_local(c, local_id))
		return NULL;
	call = slot_new(c);
	if (!call)
		return NULL;
	call->local_id = local_id;
	call->serial = c->serial++;
	call->user = user;
	call_state(c, call, PPTP_CALL_WAIT_REPLY);
	c->ncalls++;
	m.ocrq.call_id = local_id;
	m.ocrq.serial = call->serial;
	m.ocrq.min_bps = 300;
	m.ocrq.max_bps = 100000000;
	m.ocrq.bearer = PPTP_BEARER_ANY;
	m.ocrq.framing = PPTP_FRAME_ANY;
	m.ocrq.recv_window = c->cfg.recv_window;
	m.ocrq.proc_delay = c->cfg.proc_delay;
	tx(c, &m);
	return closed(c) ? NULL : call;
}

void pptp_conn_hangup(struct pptp_conn *c, struct pptp_call *call,
		      uint8_t result, uint16_t cause)
{
	struct pptp_msg m = { 0 };

	if (closed(c) || call->state == PPTP_CALL_FREE ||
	    call->state == PPTP_CALL_WAIT_CDN)
		return;
	if (c->cfg.role == PPTP_ROLE_SERVER && !call->incoming) {
		/* We are the PAC: our CDN ends it (§2.13). */
		m.type = PPTP_CDN;
		m.cdn.call_id = call->local_id;
		m.cdn.result = result;
		m.cdn.cause = cause;
		call_end(c, call, PPTP_END_LOCAL);
		tx(c, &m);
		return;
	}
	/* We are the PNS: ask, and the PAC's CDN ends it (§2.12). */
	m.type = PPTP_CCRQ;
	m.ccrq.call_id = call->local_id;
	call_state(c, call, PPTP_CALL_WAIT_CDN);
	tx(c, &m);
}

int pptp_conn_set_link_info(struct pptp_conn *c, struct pptp_call *call,
			    uint32_t send_accm, uint32_t recv_accm)
{
	struct pptp_msg m = { .type = PPTP_SLI };

	/* SLI flows PNS -> PAC: our outgoing calls as client only. */
	if (closed(c) || c->cfg.role != PPTP_ROLE_CLIENT || call->incoming ||
	    call->state != PPTP_CALL_ESTABLISHED)
		return -1;
	m.sli.peer_call_id = call->peer_id;
	m.sli.send_accm = send_accm;
	m.sli.recv_accm = recv_accm;
	tx(c, &m);
	return 0;
}

void pptp_conn_stop(struct pptp_conn *c, uint8_t reason)
{
	struct pptp_msg m = { .type = PPTP_STOPCCRQ };

	if (closed(c) || c->state == PPTP_CONN_WAIT_STOP_REPLY)
		return;
	if (c->state != PPTP_CONN_ESTABLISHED) {
		finish(c, PPTP_END_LOCAL);
		return;
	}
	for (unsigned int i = 0; i < c->cfg.max_calls && !closed(c); i++) {
		struct pptp_call *call = &c->calls[i];
		struct pptp_msg cdn = { .type = PPTP_CDN };

		if (call->state == PPTP_CALL_FREE)
			continue;
		/* Tell a PNS peer why each of its calls ends (Windows shows it). */
		if (c->cfg.role == PPTP_ROLE_SERVER && !call->incoming) {
			cdn.cdn.call_id = call->local_id;
			cdn.cdn.result = PPTP_CDN_ADMIN_SHUTDOWN;
			tx(c, &cdn);
		}
		if (!closed(c))
			call_end(c, call, PPTP_END_LOCAL);
	}
	if (closed(c))
		return;
	m.stop.reason = reason;
	set_state(c, PPTP_CONN_WAIT_STOP_REPLY);
	tx(c, &m);
}

static bool due(const struct pptp_conn *c, uint64_t since, uint32_t after)
{
	return c->now_ms - since >= after;
}

static void tick_calls(struct pptp_conn *c)
{
	for (unsigned int i = 0; i < c->cfg.max_calls && !closed(c); i++) {
		struct pptp_call *call = &c->calls[i];

		switch (call->state) {
		case PPTP_CALL_WAIT_REPLY:
		case PPTP_CALL_WAIT_CONNECT:
		case PPTP_CALL_WAIT_CDN:
			if (!due(c, call->since_ms, c->cfg.setup_timeout_ms))
				break;
			say(c, LOG_NOTICE, "call %u: no %s within %u ms",
			    call->local_id,
			    call->state == PPTP_CALL_WAIT_REPLY ? "Outgoing-Call-Reply" :
			    call->state == PPTP_CALL_WAIT_CONNECT ? "Incoming-Call-Connected" :
			    "Call-Disconnect-Notify", c->cfg.setup_timeout_ms);
			if (call->state != PPTP_CALL_WAIT_CDN) {
				struct pptp_msg m = { .type = PPTP_CCRQ };

				m.ccrq.call_id = call->local_id;
				call_end(c, call, PPTP_END_TIMEOUT);
				tx(c, &m);
			} else {
				call_end(c, call, PPTP_END_TIMEOUT);
			}
			break;
		default:
			break;
		}
	}
}

static void tick_echo(struct pptp_conn *c)
{
	struct pptp_msg m = { .type = PPTP_ECHORQ };

	if (!c->cfg.echo_interval_ms)
		return;
	if (c->echo_sent_ms) {
		if (!due(c, c->echo_sent_ms, c->cfg.echo_interval_ms))
			return;
		c->echo_missed++;
		c->stats.echo_missed++;
		if (c->echo_missed >= c->cfg.echo_failures) {
			say(c, LOG_NOTICE, "peer answered none of %u Echo-Requests (%u ms apart): closing",
			    c->echo_missed, c->cfg.echo_interval_ms);
			finish(c, PPTP_END_ECHO);
			return;
		}
	} else if (!due(c, c->last_rx_ms, c->cfg.echo_interval_ms)) {
		return;
	}
	m.echo.id = ++c->echo_id;
	c->echo_sent_ms = c->now_ms ? c->now_ms : 1;
	c->stats.echo_sent++;
	tx(c, &m);
}

void pptp_conn_tick(struct pptp_conn *c, uint64_t now_ms)
{
	if (closed(c))
		return;
	c->now_ms = now_ms;
	switch (c->state) {
	case PPTP_CONN_WAIT_CTL_REQUEST:
	case PPTP_CONN_WAIT_CTL_REPLY:
		if (due(c, c->since_ms, c->cfg.setup_timeout_ms)) {
			say(c, LOG_NOTICE, "no Start-Control-Connection-%s within %u ms: closing",
			    c->state == PPTP_CONN_WAIT_CTL_REQUEST ? "Request" : "Reply",
			    c->cfg.setup_timeout_ms);
			finish(c, PPTP_END_TIMEOUT);
		}
		break;
	case PPTP_CONN_WAIT_STOP_REPLY:
		if (due(c, c->since_ms, c->cfg.stop_timeout_ms)) {
			say(c, LOG_INFO, "no Stop-Control-Connection-Reply within %u ms: closing",
			    c->cfg.stop_timeout_ms);
			finish(c, c->end ? c->end : PPTP_END_LOCAL);
		}
		break;
	case PPTP_CONN_ESTABLISHED:
		tick_calls(c);
		if (!closed(c))
			tick_echo(c);
		break;
	default:
		break;
	}
}

static uint64_t sooner(uint64_t a, uint64_t since, uint32_t after)
{
	uint64_t t = since + after;

	return t < a ? t : a;
}

uint64_t pptp_conn_deadline(const struct pptp_conn *c)
{
	uint64_t t = UINT64_MAX;

	switch (c->state) {
	case PPTP_CONN_WAIT_CTL_REQUEST:
	case PPTP_CONN_WAIT_CTL_REPLY:
		return c->since_ms + c->cfg.setup_timeout_ms;
	case PPTP_CONN_WAIT_STOP_REPLY:
		return c->since_ms + c->cfg.stop_timeout_ms;
	case PPTP_CONN_ESTABLISHED:
		break;
	default:
		return t;
	}
	for (unsigned int i = 0; i < c->cfg.max_calls; i++) {
		const struct pptp_call *call = &c->calls[i];

		if (call->state == PPTP_CALL_WAIT_REPLY ||
		    call->state == PPTP_CALL_WAIT_CONNECT ||
		    call->state == PPTP_CALL_WAIT_CDN)
			t = sooner(t, call->since_ms, c->cfg.setup_timeout_ms);
	}
	if (c->cfg.echo_interval_ms)
		t = sooner(t, c->echo_sent_ms ? c->echo_sent_ms : c->last_rx_ms,
			   c->cfg.echo_interval_ms);
	return t;
}

const char *pptp_conn_state_name(enum pptp_conn_state s)
{
	static const char *const n[] = {
		[PPTP_CONN_IDLE] = "idle",
		[PPTP_CONN_WAIT_CTL_REQUEST] = "wait-ctl-request",
		[PPTP_CONN_WAIT_CTL_REPLY] = "wait-ctl-reply",
		[PPTP_CONN_ESTABLISHED] = "established",
		[PPTP_CONN_WAIT_STOP_REPLY] = "wait-stop-reply",
		[PPTP_CONN_CLOSED] = "closed",
	};

	return (unsigned int)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *pptp_call_state_name(enum pptp_call_state s)
{
	static const char *const n[] = {
		[PPTP_CALL_FREE] = "free",
		[PPTP_CALL_WAIT_REPLY] = "wait-reply",
		[PPTP_CALL_WAIT_CONNECT] = "wait-connect",
		[PPTP_CALL_ESTABLISHED] = "established",
		[PPTP_CALL_WAIT_CDN] = "wait-cdn",
	};

	return (unsigned int)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *pptp_end_str(enum pptp_end e)
{
	static const char *const n[] = {
		[PPTP_END_NONE] = "not ended",
		[PPTP_END_LOCAL] = "ended here",
		[PPTP_END_PEER_CLEARED] = "cleared by the peer",
		[PPTP_END_PEER_STOPPED] = "the peer stopped the control connection",
		[PPTP_END_REFUSED] = "refused by the peer",
		[PPTP_END_TIMEOUT] = "a reply never came",
		[PPTP_END_ECHO] = "the peer stopped answering Echo-Requests",
		[PPTP_END_PROTOCOL] = "the peer broke the protocol",
		[PPTP_END_TCP] = "the TCP connection was lost",
		[PPTP_END_VERSION] = "the peer speaks another PPTP version",
	};

	return (unsigned int)e < sizeof(n) / sizeof(n[0]) ? n[e] : "?";
}
