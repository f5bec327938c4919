// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PPTP control-connection and call state machines
 * (userspace/lib/conn.c), both roles, driven with decoded messages and a
 * fake clock. Each exchange goes through the real codec: what the machine
 * sends is encoded and decoded again before it is checked.
 * KTAP out; exit 1 if any point failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/conn.h"

static int n, failed;

static void point(int ok, const char *what)
{
	n++;
	if (!ok)
		failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, what);
}

/* What the machine did, in order. */
struct rec {
	struct pptp_msg sent[64];
	int nsent;
	int ups, downs, established, closed;
	enum pptp_end last_down, end;
	uint16_t last_down_id;
	struct pptp_call last_up;
	char log[4096];
	/* admission */
	uint16_t next_local;
	int refuse;			/* nonzero: refuse with these */
	uint8_t refuse_result, refuse_error;
	int send_fail;
};

/* With KPPTP_DUMP_MSGS=FILE, every message sent is appended there, as
 * sent on TCP, for the dissector check (selftests/host/kpptpd-wire.py). */
static FILE *dump;

static int rec_send(void *ctx, const struct pptp_msg *m)
{
	struct rec *r = ctx;
	uint8_t b[PPTP_MSG_MAX_LEN];
	size_t l = pptp_encode(m, b, sizeof(b));

	if (r->send_fail)
		return -1;
	if (dump && fwrite(b, 1, l, dump) != l)
		abort();
	if (!l || r->nsent == 64 || pptp_decode(b, l, &r->sent[r->nsent]) != PPTP_OK)
		abort();
	r->nsent++;
	return 0;
}

static int rec_admit(void *ctx, struct pptp_call *c, uint8_t *result, uint8_t *error)
{
	struct rec *r = ctx;

	if (r->refuse) {
		*result = r->refuse_result;
		*error = r->refuse_error;
		return -1;
	}
	c->local_id = r->next_local++;
	return 0;
}

static void rec_up(void *ctx, struct pptp_call *c)
{
	struct rec *r = ctx;

	r->ups++;
	r->last_up = *c;
}

static void rec_down(void *ctx, struct pptp_call *c, enum pptp_end why)
{
	struct rec *r = ctx;

	r->downs++;
	r->last_down = why;
	r->last_down_id = c->local_id;
}

static void rec_established(void *ctx)
{
	((struct rec *)ctx)->established++;
}

static void rec_closed(void *ctx, enum pptp_end why)
{
	struct rec *r = ctx;

	r->closed++;
	r->end = why;
}

static void rec_log(void *ctx, int level, const char *msg)
{
	struct rec *r = ctx;
	size_t l = strlen(r->log);

	(void)level;
	snprintf(r->log + l, sizeof(r->log) - l, "%s\n", msg);
}

static const struct pptp_conn_ops ops = {
	.send = rec_send, .call_admit = rec_admit, .call_up = rec_up,
	.call_down = rec_down, .established = rec_established,
	.closed = rec_closed, .log = rec_log,
};

static struct pptp_conn_cfg cfg(enum pptp_role role)
{
	return (struct pptp_conn_cfg){
		.role = role, .hostname = "kpptp-test", .vendor = "kpptp",
		.max_calls = 2, .recv_window = 64, .proc_delay = 1,
		.connect_speed = 100000000, .setup_timeout_ms = 60000,
		.echo_interval_ms = 60000, .echo_failures = 2,
		.stop_timeout_ms = 5000,
	};
}

static const struct pptp_msg *last(const struct rec *r)
{
	static const struct pptp_msg none;

	return r->nsent ? &r->sent[r->nsent - 1] : &none;
}

/* The last message of this type sent, or NULL. */
static const struct pptp_msg *sent(const struct rec *r, uint16_t type)
{
	for (int i = r->nsent - 1; i >= 0; i--)
		if (r->sent[i].type == type)
			return &r->sent[i];
	return NULL;
}

static void in(struct pptp_conn *c, struct pptp_msg m, uint64_t now)
{
	pptp_conn_input(c, &m, now);
}

static struct pptp_msg sccrq(uint16_t version)
{
	struct pptp_msg m = { .type = PPTP_SCCRQ };

	m.scc.version = version;
	strcpy(m.scc.hostname, "peer\x01");
	return m;
}

static struct pptp_msg ocrq(uint16_t call_id, uint16_t window)
{
	struct pptp_msg m = { .type = PPTP_OCRQ };

	m.ocrq.call_id = call_id;
	m.ocrq.recv_window = window;
	m.ocrq.proc_delay = 3;
	return m;
}

static struct pptp_msg simple(uint16_t type)
{
	return (struct pptp_msg){ .type = type };
}

/* A server connection, established. */
static void server_up(struct pptp_conn *c, struct rec *r, uint16_t max_calls)
{
	struct pptp_conn_cfg k = cfg(PPTP_ROLE_SERVER);

	memset(r, 0, sizeof(*r));
	r->next_local = 1000;
	k.max_calls = max_calls;
	if (pptp_conn_init(c, &k, &ops, r, 0))
		abort();
	in(c, sccrq(PPTP_VERSION), 10);
}

static void test_server(void)
{
	struct pptp_conn c;
	struct pptp_msg m;
	struct rec r;

	server_up(&c, &r, 2);
	point(c.state == PPTP_CONN_ESTABLISHED && r.nsent == 1 &&
	      last(&r)->type == PPTP_SCCRP && last(&r)->scc.result == PPTP_SCCRP_OK &&
	      last(&r)->scc.version == PPTP_VERSION && last(&r)->scc.max_channels == 2 &&
	      !strcmp(last(&r)->scc.hostname, "kpptp-test"),
	      "server: SCCRQ answered SCCRP OK, version 1.0, our name and channels");
	point(strstr(r.log, "peer host 'peer\\x01'") != NULL,
	      "server: the peer's host name is logged with its control bytes escaped");

	in(&c, ocrq(7, 16), 20);
	m = *last(&r);
	point(m.type == PPTP_OCRP && m.ocrp.result == PPTP_OCRP_CONNECTED &&
	      m.ocrp.call_id == 1000 && m.ocrp.peer_call_id == 7 &&
	      m.ocrp.recv_window == 64 && m.ocrp.speed == 100000000,
	      "server: OCRQ answered OCRP Connected with our call ID and window");
	point(r.ups == 1 && r.last_up.peer_id == 7 && r.last_up.local_id == 1000 &&
	      r.last_up.peer_window == 16 && r.last_up.peer_delay == 3,
	      "server: call_up carries the peer's call ID, window and delay");

	in(&c, ocrq(7, 16), 30);
	m = *last(&r);
	point(m.type == PPTP_OCRP && m.ocrp.result == PPTP_OCRP_GENERAL &&
	      m.ocrp.error == PPTP_ERR_BAD_CALL_ID && m.ocrp.peer_call_id == 7 &&
	      r.downs == 0 && c.ncalls == 1,
	      "server: a peer call ID in use is refused (Bad-Call ID), the first call lives");

	in(&c, ocrq(8, 16), 40);
	in(&c, ocrq(9, 16), 50);
	m = *last(&r);
	point(m.type == PPTP_OCRP && m.ocrp.result == PPTP_OCRP_GENERAL &&
	      m.ocrp.error == PPTP_ERR_NO_RESOURCE && c.ncalls == 2,
	      "server: past max calls per connection: General Error, No-Resource");

	m = simple(PPTP_ECHORQ);
	m.echo.id = 0xdeadbeef;
	in(&c, m, 60);
	point(last(&r)->type == PPTP_ECHORP && last(&r)->echo.id == 0xdeadbeef &&
	      last(&r)->echo.result == PPTP_ECHORP_OK, "server: Echo-Request answered with its ID");

	m = simple(PPTP_SLI);
	m.sli.peer_call_id = 1000;
	m.sli.send_accm = 0xffffffff;
	r.nsent = 0;
	in(&c, m, 61);
	point(r.nsent == 0 && c.stats.rx_unknown_call == 0,
	      "server: Set-Link-Info for a call is accepted silently");
	m.sli.peer_call_id = 4242;
	in(&c, m, 62);
	point(c.stats.rx_unknown_call == 1 && strstr(r.log, "call ID 4242"),
	      "server: ... for an unknown call: counted and logged");

	m = simple(PPTP_CCRQ);
	m.ccrq.call_id = 7;
	in(&c, m, 70);
	point(last(&r)->type == PPTP_CDN && last(&r)->cdn.call_id == 1000 &&
	      last(&r)->cdn.result == PPTP_CDN_REQUEST && r.downs == 1 &&
	      r.last_down == PPTP_END_PEER_CLEARED && r.last_down_id == 1000,
	      "server: Call-Clear-Request answered with CDN (result 4), call down");

	in(&c, sccrq(PPTP_VERSION), 80);
	point(last(&r)->type == PPTP_SCCRP && last(&r)->scc.result == PPTP_SCCRP_EXISTS &&
	      c.state == PPTP_CONN_ESTABLISHED && c.ncalls == 1,
	      "server: a second SCCRQ is refused (result 3), the connection stays");

	in(&c, simple(PPTP_SCCRP), 85);
	point(c.stats.rx_unexpected == 2 && c.state == PPTP_CONN_ESTABLISHED,
	      "server: an SCCRP we never asked for is counted and ignored");

	m = simple(PPTP_STOPCCRQ);
	m.stop.reason = PPTP_STOP_SHUTDOWN;
	in(&c, m, 90);
	point(last(&r)->type == PPTP_STOPCCRP && last(&r)->stop.result == PPTP_STOPCCRP_OK &&
	      r.downs == 2 && r.last_down == PPTP_END_PEER_STOPPED && r.closed == 1 &&
	      r.end == PPTP_END_PEER_STOPPED && c.ncalls == 0,
	      "server: StopCCRQ answered, every call down, closed");
	r.nsent = 0;
	in(&c, ocrq(10, 1), 100);
	point(r.nsent == 0 && r.closed == 1, "server: nothing after closed");
	pptp_conn_free(&c);
}

static void test_server_refusals(void)
{
	struct pptp_conn_cfg k = cfg(PPTP_ROLE_SERVER);
	struct pptp_conn c;
	struct pptp_msg m;
	struct rec r = { .next_local = 1 };

	pptp_conn_init(&c, &k, &ops, &r, 0);
	in(&c, ocrq(5, 1), 1);
	point(r.nsent == 1 && last(&r)->type == PPTP_OCRP &&
	      last(&r)->ocrp.result == PPTP_OCRP_GENERAL &&
	      last(&r)->ocrp.error == PPTP_ERR_NOT_CONNECTED &&
	      last(&r)->ocrp.peer_call_id == 5 && r.closed && r.end == PPTP_END_PROTOCOL &&
	      r.ups == 0, "server: OCRQ before SCCRQ: General Error, Not-Connected, closed");
	pptp_conn_free(&c);

	memset(&r, 0, sizeof(r));
	pptp_conn_init(&c, &k, &ops, &r, 0);
	in(&c, sccrq(0x0200), 1);
	point(last(&r)->type == PPTP_SCCRP && last(&r)->scc.result == PPTP_SCCRP_BAD_VERSION &&
	      r.closed && r.end == PPTP_END_PROTOCOL,
	      "server: version 2.0 refused with result 5, closed");
	pptp_conn_free(&c);

	server_up(&c, &r, 4);
	r.refuse = 1;
	r.refuse_result = PPTP_OCRP_GENERAL;
	r.refuse_error = PPTP_ERR_NO_RESOURCE;
	in(&c, ocrq(5, 1), 20);
	point(last(&r)->type == PPTP_OCRP && last(&r)->ocrp.error == PPTP_ERR_NO_RESOURCE &&
	      c.ncalls == 0 && c.stats.calls_refused == 1 && r.downs == 0 &&
	      strstr(r.log, "No-Resource"),
	      "server: a call the daemon refuses (pool empty) gets its codes, no slot kept");
	r.refuse = 0;
	r.next_local = 77;
	in(&c, ocrq(5, 1), 21);
	r.next_local = 77;
	in(&c, ocrq(6, 1), 22);
	point(last(&r)->type == PPTP_OCRP && last(&r)->ocrp.error == PPTP_ERR_PAC_ERROR &&
	      c.ncalls == 1 && r.downs == 1 && r.last_down_id == 77,
	      "server: a local call ID given twice is refused, and handed back");
	pptp_conn_free(&c);

	/* Setup timeout */
	memset(&r, 0, sizeof(r));
	pptp_conn_init(&c, &k, &ops, &r, 1000);
	pptp_conn_tick(&c, 60999);
	point(!r.closed && pptp_conn_deadline(&c) == 61000,
	      "server: no SCCRQ yet at 59.999 s: still waiting, deadline at 60 s");
	pptp_conn_tick(&c, 61000);
	point(r.closed && r.end == PPTP_END_TIMEOUT && strstr(r.log, "no Start-Control-Connection-Request"),
	      "server: no SCCRQ within 60 s: closed, said why");
	pptp_conn_free(&c);

	/* Echo keepalive */
	server_up(&c, &r, 1);
	pptp_conn_tick(&c, 60009);
	point(r.nsent == 1, "echo: nothing sent before the interval");
	pptp_conn_tick(&c, 60010);
	point(last(&r)->type == PPTP_ECHORQ && c.stats.echo_sent == 1 &&
	      pptp_conn_deadline(&c) == 120010,
	      "echo: Echo-Request after 60 s of silence; next deadline 60 s on");
	m = simple(PPTP_ECHORP);
	m.echo.id = last(&r)->echo.id;
	in(&c, m, 70000);
	pptp_conn_tick(&c, 120010);
	point(r.nsent == 2 && !r.closed, "echo: answered: no new request before another idle 60 s");
	pptp_conn_tick(&c, 130000);
	pptp_conn_tick(&c, 190000);
	point(r.nsent == 4 && c.echo_missed == 1 && !r.closed,
	      "echo: one unanswered: another request");
	pptp_conn_tick(&c, 250000);
	point(r.closed && r.end == PPTP_END_ECHO && strstr(r.log, "none of 2 Echo-Requests"),
	      "echo: two unanswered (echo_failures 2): closed, said why");
	pptp_conn_free(&c);

	/* Our stop: CDN for each call, StopCCRQ, then closed */
	server_up(&c, &r, 2);
	in(&c, ocrq(5, 1), 20);
	in(&c, ocrq(6, 1), 21);
	pptp_conn_stop(&c, PPTP_STOP_SHUTDOWN);
	point(r.nsent == 6 && r.sent[3].type == PPTP_CDN &&
	      r.sent[3].cdn.result == PPTP_CDN_ADMIN_SHUTDOWN && r.sent[4].type == PPTP_CDN &&
	      last(&r)->type == PPTP_STOPCCRQ && last(&r)->stop.reason == PPTP_STOP_SHUTDOWN &&
	      r.downs == 2 && !r.closed, "stop: CDN (Admin Shutdown) per call, then StopCCRQ");
	pptp_conn_tick(&c, 5020);
	point(!r.closed, "stop: waits for the reply");
	in(&c, simple(PPTP_STOPCCRP), 5021);
	point(r.closed && r.end == PPTP_END_LOCAL, "stop: StopCCRP: closed");
	pptp_conn_free(&c);

	server_up(&c, &r, 2);
	pptp_conn_stop(&c, PPTP_STOP_NONE);
	pptp_conn_tick(&c, 5010);
	point(r.closed && r.end == PPTP_END_LOCAL, "stop: no StopCCRP within stop_timeout: closed anyway");
	pptp_conn_free(&c);

	/* Hang up our side, send failure, bad stream */
	server_up(&c, &r, 2);
	in(&c, ocrq(5, 1), 20);
	pptp_conn_hangup(&c, pptp_conn_call_by_local(&c, 1000), PPTP_CDN_GENERAL, 99);
	point(last(&r)->type == PPTP_CDN && last(&r)->cdn.call_id == 1000 &&
	      last(&r)->cdn.cause == 99 && r.downs == 1 && r.last_down == PPTP_END_LOCAL,
	      "hangup (server, pppd gone): CDN with the cause, call down");
	in(&c, ocrq(6, 1), 30);
	r.send_fail = 1;
	m = simple(PPTP_ECHORQ);
	in(&c, m, 40);
	point(r.closed && r.end == PPTP_END_TCP && r.downs == 2,
	      "a failed send: every call down, closed (TCP)");
	pptp_conn_free(&c);

	server_up(&c, &r, 2);
	pptp_conn_bad_stream(&c, PPTP_BAD_COOKIE);
	point(r.closed && r.end == PPTP_END_PROTOCOL && strstr(r.log, "bad magic cookie"),
	      "a bad cookie: closed at once, said why");
	pptp_conn_free(&c);
}

static void test_incoming(void)
{
	struct pptp_conn c;
	struct pptp_msg m;
	struct rec r;

	server_up(&c, &r, 2);
	m = simple(PPTP_ICRQ);
	m.icrq.call_id = 44;
	in(&c, m, 20);
	point(last(&r)->type == PPTP_ICRP && last(&r)->icrp.result == PPTP_ICRP_CONNECT &&
	      last(&r)->icrp.call_id == 1000 && last(&r)->icrp.peer_call_id == 44 && r.ups == 0,
	      "incoming: ICRQ answered ICRP Connect; not up yet");
	m = simple(PPTP_ICCN);
	m.iccn.peer_call_id = 1000;
	m.iccn.recv_window = 8;
	in(&c, m, 30);
	point(r.ups == 1 && r.last_up.peer_window == 8 && r.last_up.incoming,
	      "incoming: ICCN brings it up with the peer's window");
	m = simple(PPTP_WEN);
	m.wen.peer_call_id = 1000;
	m.wen.crc = 3;
	in(&c, m, 35);
	point(strstr(r.log, "WAN errors: CRC 3") != NULL, "incoming: WAN-Error-Notify is logged");
	m = simple(PPTP_CDN);
	m.cdn.call_id = 44;
	m.cdn.result = PPTP_CDN_LOST_CARRIER;
	in(&c, m, 40);
	point(r.downs == 1 && r.last_down == PPTP_END_PEER_CLEARED && c.ncalls == 0 &&
	      strstr(r.log, "Lost Carrier"), "incoming: the PAC's CDN ends it");

	m = simple(PPTP_ICRQ);
	m.icrq.call_id = 45;
	in(&c, m, 50);
	pptp_conn_tick(&c, 60049);
	point(c.ncalls == 1, "incoming: waits 60 s for ICCN");
	pptp_conn_tick(&c, 60050);
	point(c.ncalls == 0 && r.last_down == PPTP_END_TIMEOUT && sent(&r, PPTP_CCRQ) &&
	      sent(&r, PPTP_CCRQ)->ccrq.call_id == 1001,
	      "incoming: no ICCN: call cleared (CCRQ), down");
	pptp_conn_free(&c);
}


/* A new client connection whose SCCRQ is answered with VERSION, RESULT at 10 ms. */
static void sccrp_answers(struct pptp_conn *c, const struct pptp_conn_cfg *k, struct rec *r,
			  uint16_t version, uint8_t result)
{
	struct pptp_msg m = simple(PPTP_SCCRP);

	memset(r, 0, sizeof(*r));
	pptp_conn_init(c, k, &ops, r, 0);
	pptp_conn_start(c);
	m.scc.version = version;
	m.scc.result = result;
	in(c, m, 10);
}

static void test_client(void)
{
	struct pptp_conn_cfg k = cfg(PPTP_ROLE_CLIENT);
	struct pptp_call *call;
	struct pptp_conn c;
	struct pptp_msg m;
	struct rec r = { 0 };

	pptp_conn_init(&c, &k, &ops, &r, 0);
	point(pptp_conn_dial(&c, 1, NULL) == NULL, "client: no dialing before the connection is up");
	pptp_conn_start(&c);
	point(last(&r)->type == PPTP_SCCRQ && last(&r)->scc.version == PPTP_VERSION &&
	      c.state == PPTP_CONN_WAIT_CTL_REPLY, "client: start sends SCCRQ");
	m = simple(PPTP_SCCRP);
	m.scc.version = PPTP_VERSION;
	m.scc.result = PPTP_SCCRP_OK;
	in(&c, m, 10);
	point(r.established == 1 && c.state == PPTP_CONN_ESTABLISHED,
	      "client: SCCRP OK: established");
	call = pptp_conn_dial(&c, 300, &r);
	point(call && last(&r)->type == PPTP_OCRQ && last(&r)->ocrq.call_id == 300 &&
	      last(&r)->ocrq.recv_window == 64, "client: dial sends OCRQ with our call ID and window");
	point(pptp_conn_dial(&c, 300, NULL) == NULL, "client: the same call ID twice is refused");
	r.nsent = 0;
	point(pptp_conn_set_link_info(&c, call, 0, 0) == -1 && r.nsent == 0,
	      "client: no Set-Link-Info before the call is up");
	m = simple(PPTP_OCRP);
	m.ocrp.call_id = 9000;
	m.ocrp.peer_call_id = 300;
	m.ocrp.result = PPTP_OCRP_CONNECTED;
	m.ocrp.recv_window = 10;
	in(&c, m, 20);
	point(r.ups == 1 && r.last_up.peer_id == 9000 && r.last_up.peer_window == 10,
	      "client: OCRP Connected: up with the server's call ID and window");
	point(pptp_conn_set_link_info(&c, call, 0, 0xffffffff) == 0 &&
	      last(&r)->type == PPTP_SLI && last(&r)->sli.peer_call_id == 9000 &&
	      last(&r)->sli.send_accm == 0 && last(&r)->sli.recv_accm == 0xffffffff,
	      "client: Set-Link-Info names the server's call ID and the ACCMs");
	pptp_conn_hangup(&c, call, 0, 0);
	point(last(&r)->type == PPTP_CCRQ && last(&r)->ccrq.call_id == 300 && r.downs == 0,
	      "client: hangup sends CCRQ and waits");
	m = simple(PPTP_CDN);
	m.cdn.call_id = 9000;
	m.cdn.result = PPTP_CDN_REQUEST;
	in(&c, m, 30);
	point(r.downs == 1 && r.last_down == PPTP_END_LOCAL, "client: the CDN ends it");

	call = pptp_conn_dial(&c, 301, NULL);
	m = simple(PPTP_OCRP);
	m.ocrp.peer_call_id = 301;
	m.ocrp.result = PPTP_OCRP_BUSY;
	in(&c, m, 40);
	point(r.downs == 2 && r.last_down == PPTP_END_REFUSED && strstr(r.log, "result 4 (Busy)"),
	      "client: OCRP Busy: call down as refused, result named");

	pptp_conn_dial(&c, 302, NULL);
	pptp_conn_tick(&c, 60050);
	point(r.downs == 3 && r.last_down == PPTP_END_TIMEOUT && sent(&r, PPTP_CCRQ) &&
	      sent(&r, PPTP_CCRQ)->ccrq.call_id == 302 &&
	      strstr(r.log, "no Outgoing-Call-Reply"),
	      "client: no OCRP within 60 s: CCRQ, call down, said why");

	m = ocrq(5, 1);
	in(&c, m, 60060);
	point(last(&r)->type == PPTP_OCRP && last(&r)->ocrp.result == PPTP_OCRP_DO_NOT_ACCEPT,
	      "client: an OCRQ from the server: Do Not Accept");
	pptp_conn_free(&c);

	sccrp_answers(&c, &k, &r, PPTP_VERSION, PPTP_SCCRP_NOT_AUTHORIZED);
	point(r.closed && r.end == PPTP_END_REFUSED && !r.established &&
	      strstr(r.log, "result 4 (Requester is not authorized)"),
	      "client: SCCRP not authorized: closed as refused, result named");
	pptp_conn_free(&c);

	/* Version 2.0: a clean Stop-Control-Connection exchange, its own end. */
	sccrp_answers(&c, &k, &r, 0x0200, PPTP_SCCRP_OK);
	point(!r.closed && !r.established && last(&r)->type == PPTP_STOPCCRQ &&
	      last(&r)->stop.reason == PPTP_STOP_PROTOCOL && c.state == PPTP_CONN_WAIT_STOP_REPLY &&
	      strstr(r.log, "version 2.0"),
	      "client: SCCRP version 2.0: StopCCRQ (Stop-Protocol), waits for the reply");
	m = simple(PPTP_STOPCCRP);
	m.stop.result = PPTP_STOPCCRP_OK;
	in(&c, m, 20);
	point(r.closed && r.end == PPTP_END_VERSION,
	      "client: ... the StopCCRP closes it as 'another PPTP version'");
	pptp_conn_free(&c);
	sccrp_answers(&c, &k, &r, 0x0200, PPTP_SCCRP_OK);
	pptp_conn_tick(&c, 10 + k.stop_timeout_ms);
	point(r.closed && r.end == PPTP_END_VERSION,
	      "client: ... or stop-timeout without a reply, the same end");
	pptp_conn_free(&c);

	memset(&r, 0, sizeof(r));
	pptp_conn_init(&c, &k, &ops, &r, 0);
	pptp_conn_start(&c);
	pptp_conn_tick(&c, 60000);
	point(r.closed && r.end == PPTP_END_TIMEOUT && strstr(r.log, "no Start-Control-Connection-Reply"),
	      "client: no SCCRP within 60 s: closed, said why");
	pptp_conn_free(&c);

	k.max_calls = 0;
	point(pptp_conn_init(&c, &k, &ops, &r, 0) == -1, "init: max_calls 0 refused");
	k = cfg(PPTP_ROLE_CLIENT);
	k.echo_failures = 0;
	point(pptp_conn_init(&c, &k, &ops, &r, 0) == -1, "init: echo without a failure count refused");
}

int main(void)
{
	const char *path = getenv("KPPTP_DUMP_MSGS");

	if (path && !(dump = fopen(path, "wb"))) {
		perror(path);
		return 1;
	}
	printf("TAP version 13\n");
	test_server();
	test_server_refusals();
	test_incoming();
	test_client();
	if (dump && fclose(dump))
		failed++;
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
