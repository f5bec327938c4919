// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the control-connection state machine, both roles.
 * The input is a script: each step is an opcode byte and its operands -
 * a control message from the peer (built field by field, then sent
 * through the real codec), time passing, or a local request (dial, hang
 * up, stop, TCP gone). Checked beside ASan/UBSan:
 * - every message the machine sends encodes and decodes;
 * - the call count matches the slots, no call goes down twice or without
 *   having been admitted or dialled, closed() comes once and last;
 * - local call IDs are unique among live calls.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct st {
	int closed;
	uint16_t next_local;
	int live;		/* admitted or dialled, not yet down */
	uint8_t refuse;
};

static int f_send(void *ctx, const struct pptp_msg *m)
{
	uint8_t b[PPTP_MSG_MAX_LEN];
	struct pptp_msg d;
	size_t l = pptp_encode(m, b, sizeof(b));

	(void)ctx;
	if (!l || pptp_decode(b, l, &d) != PPTP_OK)
		abort();
	return 0;
}

static int f_admit(void *ctx, struct pptp_call *c, uint8_t *result, uint8_t *error)
{
	struct st *s = ctx;

	if (s->closed)
		abort();
	if (s->refuse & 1) {
		*result = 2;
		*error = 4;
		return -1;
	}
	/* Sometimes hand out a duplicate: the machine must refuse it. */
	c->local_id = (s->refuse & 2) ? 1 : s->next_local++;
	s->live++;
	return 0;
}

static void f_up(void *ctx, struct pptp_call *c)
{
	struct st *s = ctx;

	if (s->closed || c->state != PPTP_CALL_ESTABLISHED)
		abort();
}

static void f_down(void *ctx, struct pptp_call *c, enum pptp_end why)
{
	struct st *s = ctx;

	(void)why;
	if (s->closed || c->state == PPTP_CALL_FREE || --s->live < 0)
		abort();
}

static void f_closed(void *ctx, enum pptp_end why)
{
	struct st *s = ctx;

	(void)why;
	if (s->closed++ || s->live)
		abort();
}

static const struct pptp_conn_ops ops = {
	.send = f_send, .call_admit = f_admit, .call_up = f_up,
	.call_down = f_down, .closed = f_closed,
};

static void check(const struct pptp_conn *c)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->cfg.max_calls; i++) {
		if (c->calls[i].state == PPTP_CALL_FREE)
			continue;
		n++;
		for (unsigned int j = i + 1; j < c->cfg.max_calls; j++)
			if (c->calls[j].state != PPTP_CALL_FREE &&
			    c->calls[j].local_id == c->calls[i].local_id)
				abort();
	}
	if (n != c->ncalls)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_conn_cfg cfg = {
		.max_calls = 4, .recv_window = 64, .setup_timeout_ms = 1000,
		.echo_interval_ms = 500, .echo_failures = 2, .stop_timeout_ms = 300,
	};
	struct st s = { .next_local = 100 };
	struct pptp_conn c;
	uint64_t now = 0;
	size_t i = 0;

	if (size < 1)
		return 0;
	cfg.role = data[i++] & 1 ? PPTP_ROLE_CLIENT : PPTP_ROLE_SERVER;
	if (pptp_conn_init(&c, &cfg, &ops, &s, now))
		return 0;
	if (cfg.role == PPTP_ROLE_CLIENT)
		pptp_conn_start(&c);
	while (i + 2 <= size) {
		uint8_t op = data[i++], arg = data[i++];

		switch (op % 8) {
		case 0: case 1: case 2: case 3: {
			/* A message: type from arg, fields from what follows. */
			uint8_t b[PPTP_MSG_MAX_LEN] = { 0 };
			struct pptp_msg m;
			size_t take = size - i < 24 ? size - i : 24;

			memset(&m, 0, sizeof(m));
			m.type = (uint16_t)(arg % PPTP_TYPE_MAX + 1);
			/* Small call IDs and codes, so they hit live calls. */
			memcpy((uint8_t *)&m + offsetof(struct pptp_msg, scc), data + i, take);
			i += take;
			if (pptp_encode(&m, b, sizeof(b)) &&
			    pptp_decode(b, pptp_type_len(m.type), &m) == PPTP_OK)
				pptp_conn_input(&c, &m, now);
			break;
		}
		case 4:
			now += (uint64_t)arg * 20;
			pptp_conn_tick(&c, now);
			break;
		case 5:
			if (c.calls && pptp_conn_dial(&c, (uint16_t)(arg % 8), NULL))
				s.live++;
			break;
		case 6:
			if (arg & 0x80)
				s.refuse = arg & 3;
			else if (c.calls && c.calls[arg % 4].state != PPTP_CALL_FREE)
				pptp_conn_hangup(&c, &c.calls[arg % 4], 2, arg);
			break;
		case 7:
			if (arg < 16)
				pptp_conn_tcp_gone(&c);
			else if (arg < 32)
				pptp_conn_bad_stream(&c, PPTP_BAD_COOKIE);
			else
				pptp_conn_stop(&c, 1);
			break;
		}
		check(&c);
		if (pptp_conn_deadline(&c) < now && c.state != PPTP_CONN_CLOSED) {
			/* A deadline in the past must be acted on by the next tick. */
			pptp_conn_tick(&c, now);
			if (pptp_conn_deadline(&c) < now && c.state != PPTP_CONN_CLOSED)
				abort();
		}
	}
	pptp_conn_tcp_gone(&c);
	if (s.closed != 1 || s.live)
		abort();
	pptp_conn_free(&c);
	return 0;
}
