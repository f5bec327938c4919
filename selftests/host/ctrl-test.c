// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PPTP control-message codec (userspace/lib/ctrl.c):
 * framing of a byte stream, every type's layout against octets written
 * out by hand from RFC 2637 §2, round trips, and every refusal.
 * KTAP out; exit 1 if any point failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/ctrl.h"

static int n, failed;

static void point(int ok, const char *what)
{
	n++;
	if (!ok)
		failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, what);
}

/* The 12-octet header of a message of this type and length. */
static size_t hdr(uint8_t *b, unsigned int len, unsigned int type)
{
	const uint8_t h[12] = { len >> 8, len & 0xff, 0, 1, 0x1a, 0x2b, 0x3c,
				0x4d, type >> 8, type & 0xff, 0, 0 };

	memcpy(b, h, sizeof(h));
	return sizeof(h);
}

/* pptp_next: frame and decode in one, as the read loops use them. */
static void test_next(void)
{
	uint8_t b[64] = { 0 };
	struct pptp_msg m;
	size_t len = 0;

	hdr(b, 16, PPTP_ECHORQ);
	b[12] = 0xca;
	b[15] = 0xfe;
	hdr(b + 16, 16, PPTP_ECHORQ);
	point(pptp_next(b, 15, &m, &len) == PPTP_NEED_MORE, "next: 15 of 16: need more");
	point(pptp_next(b, 20, &m, &len) == PPTP_OK && len == 16 && m.type == PPTP_ECHORQ &&
	      m.echo.id == 0xca0000fe, "next: the first of two, decoded, 16 octets");
	b[4] = 0;
	point(pptp_next(b, 20, &m, &len) == PPTP_BAD_COOKIE, "next: a bad cookie, said");
}

static void test_frame(void)
{
	uint8_t b[512] = { 0 };
	size_t len = 0;

	point(pptp_frame(b, 0, &len) == PPTP_NEED_MORE, "frame: nothing yet: need more");
	b[0] = 0xff;
	b[1] = 0xff;
	point(pptp_frame(b, 2, &len) == PPTP_BAD_LENGTH,
	      "frame: a huge length is refused from its 2 octets alone");
	b[0] = 0;
	b[1] = 11;
	point(pptp_frame(b, 2, &len) == PPTP_BAD_LENGTH, "frame: length 11 refused");
	b[1] = 221;
	point(pptp_frame(b, 2, &len) == PPTP_BAD_LENGTH, "frame: length 221 refused");

	hdr(b, 16, PPTP_ECHORQ);
	point(pptp_frame(b, 9, &len) == PPTP_NEED_MORE, "frame: 9 good octets: need more");
	point(pptp_frame(b, 15, &len) == PPTP_NEED_MORE, "frame: 15 of 16: need more");
	point(pptp_frame(b, 16, &len) == PPTP_OK && len == 16, "frame: whole Echo-Request");
	hdr(b + 16, 16, PPTP_ECHORQ);
	point(pptp_frame(b, 32, &len) == PPTP_OK && len == 16,
	      "frame: two messages in one read: the first, 16 octets");

	b[3] = 2;
	point(pptp_frame(b, 4, &len) == PPTP_BAD_MSG_TYPE,
	      "frame: message type 2 (management) refused at octet 4");
	b[3] = 1;
	b[5] = 0x2c;
	point(pptp_frame(b, 6, &len) == PPTP_BAD_COOKIE,
	      "frame: a bad cookie is refused at its first wrong octet");
	b[5] = 0x2b;
	hdr(b, 16, 0);
	point(pptp_frame(b, 16, &len) == PPTP_BAD_CTRL_TYPE, "frame: type 0 refused");
	hdr(b, 16, 16);
	point(pptp_frame(b, 16, &len) == PPTP_BAD_CTRL_TYPE, "frame: type 16 refused");
	hdr(b, 20, PPTP_ECHORQ);
	point(pptp_frame(b, 10, &len) == PPTP_BAD_TYPE_LENGTH,
	      "frame: Echo-Request of 20 octets refused before they arrive");
	hdr(b, 156, PPTP_CCRQ);
	point(pptp_frame(b, 10, &len) == PPTP_BAD_TYPE_LENGTH,
	      "frame: Call-Clear-Request of 156 octets refused");
}

/* Octets of each type written from the RFC's field tables. */
static void test_layouts(void)
{
	uint8_t b[PPTP_MSG_MAX_LEN] = { 0 }, e[PPTP_MSG_MAX_LEN];
	struct pptp_msg m;
	size_t o;

	/* Outgoing-Call-Request, §2.7 */
	o = hdr(b, 168, PPTP_OCRQ);
	memcpy(b + o, "\x12\x34\x00\x07\x00\x00\x01\x2c\x05\xf5\xe1\x00"
		      "\x00\x00\x00\x03\x00\x00\x00\x03\x00\x40\x00\x1c\x00\x03"
		      "\x00\x00" "555", 31);
	memcpy(b + 12 + 28 + 64, "sub", 3);
	point(pptp_decode(b, 168, &m) == PPTP_OK && m.type == PPTP_OCRQ &&
	      m.ocrq.call_id == 0x1234 && m.ocrq.serial == 7 &&
	      m.ocrq.min_bps == 300 && m.ocrq.max_bps == 100000000 &&
	      m.ocrq.bearer == 3 && m.ocrq.framing == 3 &&
	      m.ocrq.recv_window == 64 && m.ocrq.proc_delay == 28 &&
	      m.ocrq.phone_len == 3 && !strcmp(m.ocrq.phone, "555") &&
	      !strcmp(m.ocrq.subaddress, "sub") && !m.reserved_nonzero,
	      "OCRQ: every field where §2.7 puts it");
	point(pptp_encode(&m, e, sizeof(e)) == 168 && !memcmp(b, e, 168),
	      "OCRQ: encodes back to the same octets");

	/* Outgoing-Call-Reply, §2.8 */
	memset(b, 0, sizeof(b));
	o = hdr(b, 32, PPTP_OCRP);
	memcpy(b + o, "\x00\x05\x12\x34\x07\x03\x00\x10\x00\x00\xfa\x00"
		      "\x00\x10\x00\x02\xde\xad\xbe\xef", 20);
	point(pptp_decode(b, 32, &m) == PPTP_OK && m.ocrp.call_id == 5 &&
	      m.ocrp.peer_call_id == 0x1234 && m.ocrp.result == 7 &&
	      m.ocrp.error == 3 && m.ocrp.cause == 16 && m.ocrp.speed == 64000 &&
	      m.ocrp.recv_window == 16 && m.ocrp.proc_delay == 2 &&
	      m.ocrp.channel == 0xdeadbeef, "OCRP: every field where §2.8 puts it");
	point(pptp_encode(&m, e, sizeof(e)) == 32 && !memcmp(b, e, 32),
	      "OCRP: encodes back to the same octets");

	/* Start-Control-Connection-Reply, §2.2 */
	memset(b, 0, sizeof(b));
	o = hdr(b, 156, PPTP_SCCRP);
	memcpy(b + o, "\x01\x00\x01\x00\x00\x00\x00\x01\x00\x00\x00\x01"
		      "\xff\xff\x0a\x28" "pac", 19);
	memcpy(b + o + 16 + 64, "vendor", 6);
	point(pptp_decode(b, 156, &m) == PPTP_OK && m.scc.version == 0x100 &&
	      m.scc.result == 1 && m.scc.error == 0 && m.scc.framing == 1 &&
	      m.scc.bearer == 1 && m.scc.max_channels == 65535 &&
	      m.scc.firmware == 0x0a28 && !strcmp(m.scc.hostname, "pac") &&
	      !strcmp(m.scc.vendor, "vendor"), "SCCRP: every field where §2.2 puts it");

	/* Call-Disconnect-Notify, §2.13 */
	memset(b, 0, sizeof(b));
	o = hdr(b, 148, PPTP_CDN);
	memcpy(b + o, "\x00\x09\x03\x00\x00\x2a\x00\x00" "stats", 13);
	point(pptp_decode(b, 148, &m) == PPTP_OK && m.cdn.call_id == 9 &&
	      m.cdn.result == 3 && m.cdn.cause == 42 && !strcmp(m.cdn.stats, "stats"),
	      "CDN: every field where §2.13 puts it");

	/* Incoming-Call-Connected, §2.11 */
	memset(b, 0, sizeof(b));
	o = hdr(b, 28, PPTP_ICCN);
	memcpy(b + o, "\x00\x08\x00\x00\x00\x00\xfa\x00\x00\x40\x00\x01\x00\x00\x00\x02", 16);
	point(pptp_decode(b, 28, &m) == PPTP_OK && m.iccn.peer_call_id == 8 &&
	      m.iccn.speed == 64000 && m.iccn.recv_window == 64 &&
	      m.iccn.proc_delay == 1 && m.iccn.framing == 2,
	      "ICCN: every field where §2.11 puts it");

	/* Set-Link-Info, §2.15 */
	memset(b, 0, sizeof(b));
	o = hdr(b, 24, PPTP_SLI);
	memcpy(b + o, "\x00\x03\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00", 12);
	point(pptp_decode(b, 24, &m) == PPTP_OK && m.sli.peer_call_id == 3 &&
	      m.sli.send_accm == 0xffffffff && m.sli.recv_accm == 0,
	      "SLI: every field where §2.15 puts it");

	/* Echo-Reply, §2.6 */
	memset(b, 0, sizeof(b));
	o = hdr(b, 20, PPTP_ECHORP);
	memcpy(b + o, "\x01\x02\x03\x04\x02\x06\x00\x00", 8);
	point(pptp_decode(b, 20, &m) == PPTP_OK && m.echo.id == 0x01020304 &&
	      m.echo.result == 2 && m.echo.error == 6, "Echo-Reply: every field where §2.6 puts it");

	b[19] = 1;
	point(pptp_decode(b, 20, &m) == PPTP_OK && m.reserved_nonzero,
	      "a reserved field that is not zero is decoded and flagged");
	b[19] = 0;
	b[11] = 1;
	point(pptp_decode(b, 20, &m) == PPTP_OK && m.reserved_nonzero,
	      "... Reserved0 of the header too");
	b[11] = 0;
	point(pptp_decode(b, 21, &m) == PPTP_BAD_TYPE_LENGTH,
	      "decode: an octet past the message is refused");
	point(pptp_decode(b, 19, &m) == PPTP_NEED_MORE, "decode: a short buffer is refused");
}

/* Every type: encode, frame, decode, encode again: the same octets. */
static void test_round_trips(void)
{
	for (unsigned int t = 1; t <= PPTP_TYPE_MAX; t++) {
		uint8_t a[PPTP_MSG_MAX_LEN], b[PPTP_MSG_MAX_LEN];
		struct pptp_msg m, d;
		size_t la, lb, fl = 0;
		char what[128];

		/* Every octet of the union non-zero, text fields terminated. */
		memset(&m, 0x5a, sizeof(m));
		m.type = (uint16_t)t;
		switch (t) {
		case PPTP_SCCRQ:
		case PPTP_SCCRP:
			m.scc.hostname[PPTP_NAME_LEN] = m.scc.vendor[PPTP_NAME_LEN] = 0;
			break;
		case PPTP_OCRQ:
			m.ocrq.phone[10] = m.ocrq.subaddress[PPTP_NAME_LEN] = 0;
			break;
		case PPTP_ICRQ:
			m.icrq.dialed[3] = m.icrq.dialing[PPTP_NAME_LEN] = 0;
			m.icrq.subaddress[0] = 0;
			break;
		case PPTP_CDN:
			m.cdn.stats[PPTP_STATS_LEN] = 0;
			break;
		}
		la = pptp_encode(&m, a, sizeof(a));
		snprintf(what, sizeof(what), "%s: encodes to its %zu octets, frames, "
			 "decodes and encodes to the same octets", pptp_type_abbrev(t),
			 pptp_type_len(t));
		lb = 0;
		if (la == pptp_type_len(t) && pptp_frame(a, la, &fl) == PPTP_OK &&
		    fl == la && pptp_decode(a, la, &d) == PPTP_OK && !d.reserved_nonzero)
			lb = pptp_encode(&d, b, sizeof(b));
		point(lb == la && !memcmp(a, b, la), what);
		point(pptp_encode(&m, a, pptp_type_len(t) - 1) == 0,
		      "... and refuses a buffer one octet short");
	}
}

static void test_text(void)
{
	uint8_t b[PPTP_MSG_MAX_LEN];
	struct pptp_msg m = { .type = PPTP_OCRQ };
	char out[64];

	memset(m.ocrq.phone, '9', PPTP_NAME_LEN);
	point(pptp_encode(&m, b, sizeof(b)) == 168 && b[12 + 24] == 0 && b[12 + 25] == 64,
	      "OCRQ: phone number length is the text's length");
	point(pptp_decode(b, 168, &m) == PPTP_OK && strlen(m.ocrq.phone) == 64,
	      "a 64-octet text field with no NUL decodes to 64 characters");
	point(!strcmp(pptp_printable("a\x01\"b\\", out, sizeof(out)), "a\\x01\\x22b\\x5c"),
	      "printable: control characters, quotes and backslashes escaped");
	point(strlen(pptp_printable("\x01\x01\x01\x01", out, 10)) == 8,
	      "printable: the output is cut at whole escapes");
	point(!strcmp(pptp_type_name(PPTP_CDN), "Call-Disconnect-Notify") &&
	      !strcmp(pptp_type_name(16), "?") &&
	      !strcmp(pptp_result_str(PPTP_OCRP, 4), "Busy") &&
	      !strcmp(pptp_result_str(PPTP_OCRP, 99), "unknown code") &&
	      !strcmp(pptp_error_str(5), "Bad-Call ID"), "names of types, results, errors");
	m.type = 0;
	point(pptp_encode(&m, b, sizeof(b)) == 0, "encode: type 0 refused");
	m.type = 16;
	point(pptp_encode(&m, b, sizeof(b)) == 0, "encode: type 16 refused");
}

int main(void)
{
	printf("TAP version 13\n");
	test_frame();
	test_next();
	test_layouts();
	test_round_trips();
	test_text();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
