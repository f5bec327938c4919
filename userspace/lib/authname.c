// SPDX-License-Identifier: GPL-2.0
/*
 * PPP authentication packets (RFC 1994 CHAP, RFC 1334 PAP), read only as
 * far as the name the peer logs in with and whether pppd refused it. One
 * decoder for kpptp.so and its fuzz target; every length is checked
 * against the frame before a byte is read.
 */
#include <stdio.h>

#include "kpptp/authname.h"

#define PROTO_PAP	0xc023
#define PROTO_CHAP	0xc223

static unsigned int get16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

char *authname_escape(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0;

	if (len > AUTHNAME_MAX)
		len = AUTHNAME_MAX;
	for (size_t i = 0; i < len; i++) {
		if (in[i] > ' ' && in[i] < 0x7f && in[i] != '%')
			out[o++] = (char)in[i];
		else
			o += (size_t)snprintf(out + o, AUTHNAME_ESCAPED - o, "%%%02X", in[i]);
	}
	out[o] = '\0';
	return out;
}

enum authpkt authpkt_parse(const unsigned char *p, size_t len, char *name)
{
	const unsigned char *body;
	unsigned int proto, code;
	size_t plen, blen;

	/* address, control, protocol; code, id, length */
	if (len < 8)
		return AUTHPKT_NONE;
	proto = get16(p + 2);
	if (proto != PROTO_CHAP && proto != PROTO_PAP)
		return AUTHPKT_NONE;
	code = p[4];
	plen = get16(p + 6);
	if (plen < 4 || plen > len - 4)
		return AUTHPKT_NONE;
	body = p + 8;
	blen = plen - 4;
	if ((proto == PROTO_CHAP && code == 4) || (proto == PROTO_PAP && code == 3))
		return AUTHPKT_REFUSE;
	if (proto == PROTO_CHAP && code == 2) {
		/* value size, value, name (the rest) */
		if (blen < 1 || 1 + (size_t)body[0] > blen)
			return AUTHPKT_NONE;
		authname_escape(body + 1 + body[0], blen - 1 - body[0], name);
		return AUTHPKT_TRY;
	}
	if (proto == PROTO_PAP && code == 1) {
		/* peer-id length, peer-id, password length, password */
		if (blen < 1 || 1 + (size_t)body[0] > blen)
			return AUTHPKT_NONE;
		authname_escape(body + 1, body[0], name);
		return AUTHPKT_TRY;
	}
	return AUTHPKT_OTHER;
}
