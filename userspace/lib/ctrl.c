// SPDX-License-Identifier: GPL-2.0
/*
 * The PPTP control-message codec (RFC 2637 §2). Field order and sizes are
 * the RFC's; every multi-octet field is big-endian. Each message type is
 * read by one function and written by one function, and the two walk the
 * fields in the same order, so a round trip is the unit test of both.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "kpptp/ctrl.h"

/* Wire length of each type, from the field layouts of §2.1-2.15. */
static const uint16_t type_len[PPTP_TYPE_MAX + 1] = {
	[PPTP_SCCRQ] = 156, [PPTP_SCCRP] = 156,
	[PPTP_STOPCCRQ] = 16, [PPTP_STOPCCRP] = 16,
	[PPTP_ECHORQ] = 16, [PPTP_ECHORP] = 20,
	[PPTP_OCRQ] = 168, [PPTP_OCRP] = 32,
	[PPTP_ICRQ] = 220, [PPTP_ICRP] = 24, [PPTP_ICCN] = 28,
	[PPTP_CCRQ] = 16, [PPTP_CDN] = 148,
	[PPTP_WEN] = 40, [PPTP_SLI] = 24,
};

size_t pptp_type_len(unsigned int type)
{
	return type >= 1 && type <= PPTP_TYPE_MAX ? type_len[type] : 0;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

enum pptp_status pptp_frame(const uint8_t *buf, size_t n, size_t *len)
{
	size_t l, want;
	unsigned int ctype;

	if (n < 2)
		return PPTP_NEED_MORE;
	/* The length alone is enough to refuse a huge or tiny message. */
	l = be16(buf);
	if (l < PPTP_HDR_LEN || l > PPTP_MSG_MAX_LEN)
		return PPTP_BAD_LENGTH;
	if (n >= 4 && be16(buf + 2) != PPTP_MSG_CONTROL)
		return PPTP_BAD_MSG_TYPE;
	/* Check the cookie octet by octet as it arrives. */
	for (size_t i = 4; i < 8 && i < n; i++)
		if (buf[i] != (uint8_t)(PPTP_MAGIC >> (8 * (7 - i))))
			return PPTP_BAD_COOKIE;
	if (n < 10)
		return PPTP_NEED_MORE;
	ctype = be16(buf + 8);
	want = pptp_type_len(ctype);
	if (!want)
		return PPTP_BAD_CTRL_TYPE;
	if (l != want)
		return PPTP_BAD_TYPE_LENGTH;
	if (n < l)
		return PPTP_NEED_MORE;
	*len = l;
	return PPTP_OK;
}

/* A reader over one framed message; the frame bounds every read. */
struct rd {
	const uint8_t *p;
	size_t off;
	bool resv;		/* a reserved field was not zero */
};

static uint8_t g8(struct rd *r)
{
	return r->p[r->off++];
}

static uint16_t g16(struct rd *r)
{
	uint16_t v = be16(r->p + r->off);

	r->off += 2;
	return v;
}

static uint32_t g32(struct rd *r)
{
	uint32_t v = be32(r->p + r->off);

	r->off += 4;
	return v;
}

static void gresv(struct rd *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r->p[r->off + i])
			r->resv = true;
	r->off += n;
}

/* A text field of n octets into out (n + 1 bytes): up to the first NUL. */
static void gtext(struct rd *r, char *out, size_t n)
{
	const char *s = (const char *)r->p + r->off;
	size_t l = strnlen(s, n);

	memcpy(out, s, l);
	out[l] = '\0';
	r->off += n;
}

static void dec_scc(struct rd *r, struct pptp_msg *m)
{
	struct pptp_scc *s = &m->scc;

	s->version = g16(r);
	if (m->type == PPTP_SCCRP) {
		s->result = g8(r);
		s->error = g8(r);
	} else {
		gresv(r, 2);
	}
	s->framing = g32(r);
	s->bearer = g32(r);
	s->max_channels = g16(r);
	s->firmware = g16(r);
	gtext(r, s->hostname, PPTP_NAME_LEN);
	gtext(r, s->vendor, PPTP_NAME_LEN);
}

static void dec_body(struct rd *r, struct pptp_msg *m)
{
	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		dec_scc(r, m);
		break;
	case PPTP_STOPCCRQ:
		m->stop.reason = g8(r);
		gresv(r, 3);
		break;
	case PPTP_STOPCCRP:
		m->stop.result = g8(r);
		m->stop.error = g8(r);
		gresv(r, 2);
		break;
	case PPTP_ECHORQ:
		m->echo.id = g32(r);
		break;
	case PPTP_ECHORP:
		m->echo.id = g32(r);
		m->echo.result = g8(r);
		m->echo.error = g8(r);
		gresv(r, 2);
		break;
	case PPTP_OCRQ:
		m->ocrq.call_id = g16(r);
		m->ocrq.serial = g16(r);
		m->ocrq.min_bps = g32(r);
		m->ocrq.max_bps = g32(r);
		m->ocrq.bearer = g32(r);
		m->ocrq.framing = g32(r);
		m->ocrq.recv_window = g16(r);
		m->ocrq.proc_delay = g16(r);
		m->ocrq.phone_len = g16(r);
		gresv(r, 2);
		gtext(r, m->ocrq.phone, PPTP_NAME_LEN);
		gtext(r, m->ocrq.subaddress, PPTP_NAME_LEN);
		break;
	case PPTP_OCRP:
		m->ocrp.call_id = g16(r);
		m->ocrp.peer_call_id = g16(r);
		m->ocrp.result = g8(r);
		m->ocrp.error = g8(r);
		m->ocrp.cause = g16(r);
		m->ocrp.speed = g32(r);
		m->ocrp.recv_window = g16(r);
		m->ocrp.proc_delay = g16(r);
		m->ocrp.channel = g32(r);
		break;
	case PPTP_ICRQ:
		m->icrq.call_id = g16(r);
		m->icrq.serial = g16(r);
		m->icrq.bearer = g32(r);
		m->icrq.channel = g32(r);
		m->icrq.dialed_len = g16(r);
		m->icrq.dialing_len = g16(r);
		gtext(r, m->icrq.dialed, PPTP_NAME_LEN);
		gtext(r, m->icrq.dialing, PPTP_NAME_LEN);
		gtext(r, m->icrq.subaddress, PPTP_NAME_LEN);
		break;
	case PPTP_ICRP:
		m->icrp.call_id = g16(r);
		m->icrp.peer_call_id = g16(r);
		m->icrp.result = g8(r);
		m->icrp.error = g8(r);
		m->icrp.recv_window = g16(r);
		m->icrp.proc_delay = g16(r);
		gresv(r, 2);
		break;
	case PPTP_ICCN:
		m->iccn.peer_call_id = g16(r);
		gresv(r, 2);
		m->iccn.speed = g32(r);
		m->iccn.recv_window = g16(r);
		m->iccn.proc_delay = g16(r);
		m->iccn.framing = g32(r);
		break;
	case PPTP_CCRQ:
		m->ccrq.call_id = g16(r);
		gresv(r, 2);
		break;
	case PPTP_CDN:
		m->cdn.call_id = g16(r);
		m->cdn.result = g8(r);
		m->cdn.error = g8(r);
		m->cdn.cause = g16(r);
		gresv(r, 2);
		gtext(r, m->cdn.stats, PPTP_STATS_LEN);
		break;
	case PPTP_WEN:
		m->wen.peer_call_id = g16(r);
		gresv(r, 2);
		m->wen.crc = g32(r);
		m->wen.framing = g32(r);
		m->wen.hw_overrun = g32(r);
		m->wen.buf_overrun = g32(r);
		m->wen.timeout = g32(r);
		m->wen.alignment = g32(r);
		break;
	case PPTP_SLI:
		m->sli.peer_call_id = g16(r);
		gresv(r, 2);
		m->sli.send_accm = g32(r);
		m->sli.recv_accm = g32(r);
		break;
	}
}

enum pptp_status pptp_decode(const uint8_t *buf, size_t len, struct pptp_msg *m)
{
	struct rd r = { .p = buf, .off = 8 };
	enum pptp_status st;
	size_t l;

	st = pptp_frame(buf, len, &l);
	if (st != PPTP_OK)
		return st;
	if (l != len)
		return PPTP_BAD_TYPE_LENGTH;
	memset(m, 0, sizeof(*m));
	m->type = g16(&r);
	gresv(&r, 2);
	dec_body(&r, m);
	m->reserved_nonzero = r.resv;
	return PPTP_OK;
}

enum pptp_status pptp_next(const uint8_t *buf, size_t n, struct pptp_msg *m, size_t *len)
{
	enum pptp_status st = pptp_frame(buf, n, len);

	return st == PPTP_OK ? pptp_decode(buf, *len, m) : st;
}

/* A writer; pptp_encode() checked cap against the type's length. */
struct wr {
	uint8_t *p;
	size_t off;
};

static void p8(struct wr *w, uint8_t v)
{
	w->p[w->off++] = v;
}

static void p16(struct wr *w, uint16_t v)
{
	p8(w, (uint8_t)(v >> 8));
	p8(w, (uint8_t)v);
}

static void p32(struct wr *w, uint32_t v)
{
	p16(w, (uint16_t)(v >> 16));
	p16(w, (uint16_t)v);
}

static void presv(struct wr *w, size_t n)
{
	memset(w->p + w->off, 0, n);
	w->off += n;
}

/* A text field: the string, cut at n octets, NUL-padded to n. */
static void ptext(struct wr *w, const char *s, size_t n)
{
	size_t l = strnlen(s, n);

	memcpy(w->p + w->off, s, l);
	memset(w->p + w->off + l, 0, n - l);
	w->off += n;
}

static void enc_scc(struct wr *w, const struct pptp_msg *m)
{
	const struct pptp_scc *s = &m->scc;

	p16(w, s->version);
	if (m->type == PPTP_SCCRP) {
		p8(w, s->result);
		p8(w, s->error);
	} else {
		presv(w, 2);
	}
	p32(w, s->framing);
	p32(w, s->bearer);
	p16(w, s->max_channels);
	p16(w, s->firmware);
	ptext(w, s->hostname, PPTP_NAME_LEN);
	ptext(w, s->vendor, PPTP_NAME_LEN);
}

static void enc_body(struct wr *w, const struct pptp_msg *m)
{
	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		enc_scc(w, m);
		break;
	case PPTP_STOPCCRQ:
		p8(w, m->stop.reason);
		presv(w, 3);
		break;
	case PPTP_STOPCCRP:
		p8(w, m->stop.result);
		p8(w, m->stop.error);
		presv(w, 2);
		break;
	case PPTP_ECHORQ:
		p32(w, m->echo.id);
		break;
	case PPTP_ECHORP:
		p32(w, m->echo.id);
		p8(w, m->echo.result);
		p8(w, m->echo.error);
		presv(w, 2);
		break;
	case PPTP_OCRQ:
		p16(w, m->ocrq.call_id);
		p16(w, m->ocrq.serial);
		p32(w, m->ocrq.min_bps);
		p32(w, m->ocrq.max_bps);
		p32(w, m->ocrq.bearer);
		p32(w, m->ocrq.framing);
		p16(w, m->ocrq.recv_window);
		p16(w, m->ocrq.proc_delay);
		p16(w, (uint16_t)strnlen(m->ocrq.phone, PPTP_NAME_LEN));
		presv(w, 2);
		ptext(w, m->ocrq.phone, PPTP_NAME_LEN);
		ptext(w, m->ocrq.subaddress, PPTP_NAME_LEN);
		break;
	case PPTP_OCRP:
		p16(w, m->ocrp.call_id);
		p16(w, m->ocrp.peer_call_id);
		p8(w, m->ocrp.result);
		p8(w, m->ocrp.error);
		p16(w, m->ocrp.cause);
		p32(w, m->ocrp.speed);
		p16(w, m->ocrp.recv_window);
		p16(w, m->ocrp.proc_delay);
		p32(w, m->ocrp.channel);
		break;
	case PPTP_ICRQ:
		p16(w, m->icrq.call_id);
		p16(w, m->icrq.serial);
		p32(w, m->icrq.bearer);
		p32(w, m->icrq.channel);
		p16(w, (uint16_t)strnlen(m->icrq.dialed, PPTP_NAME_LEN));
		p16(w, (uint16_t)strnlen(m->icrq.dialing, PPTP_NAME_LEN));
		ptext(w, m->icrq.dialed, PPTP_NAME_LEN);
		ptext(w, m->icrq.dialing, PPTP_NAME_LEN);
		ptext(w, m->icrq.subaddress, PPTP_NAME_LEN);
		break;
	case PPTP_ICRP:
		p16(w, m->icrp.call_id);
		p16(w, m->icrp.peer_call_id);
		p8(w, m->icrp.result);
		p8(w, m->icrp.error);
		p16(w, m->icrp.recv_window);
		p16(w, m->icrp.proc_delay);
		presv(w, 2);
		break;
	case PPTP_ICCN:
		p16(w, m->iccn.peer_call_id);
		presv(w, 2);
		p32(w, m->iccn.speed);
		p16(w, m->iccn.recv_window);
		p16(w, m->iccn.proc_delay);
		p32(w, m->iccn.framing);
		break;
	case PPTP_CCRQ:
		p16(w, m->ccrq.call_id);
		presv(w, 2);
		break;
	case PPTP_CDN:
		p16(w, m->cdn.call_id);
		p8(w, m->cdn.result);
		p8(w, m->cdn.error);
		p16(w, m->cdn.cause);
		presv(w, 2);
		ptext(w, m->cdn.stats, PPTP_STATS_LEN);
		break;
	case PPTP_WEN:
		p16(w, m->wen.peer_call_id);
		presv(w, 2);
		p32(w, m->wen.crc);
		p32(w, m->wen.framing);
		p32(w, m->wen.hw_overrun);
		p32(w, m->wen.buf_overrun);
		p32(w, m->wen.timeout);
		p32(w, m->wen.alignment);
		break;
	case PPTP_SLI:
		p16(w, m->sli.peer_call_id);
		presv(w, 2);
		p32(w, m->sli.send_accm);
		p32(w, m->sli.recv_accm);
		break;
	}
}

size_t pptp_encode(const struct pptp_msg *m, uint8_t *buf, size_t cap)
{
	size_t len = pptp_type_len(m->type);
	struct wr w = { .p = buf };

	if (!len || cap < len)
		return 0;
	p16(&w, (uint16_t)len);
	p16(&w, PPTP_MSG_CONTROL);
	p32(&w, PPTP_MAGIC);
	p16(&w, m->type);
	presv(&w, 2);
	enc_body(&w, m);
	return w.off;
}
