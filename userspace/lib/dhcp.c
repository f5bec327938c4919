// SPDX-License-Identifier: GPL-2.0
/*
 * The DHCP codec (dhcp.h): decode a request, encode the DHCPACK to an
 * INFORM. Every length is checked against the buffer before it is used;
 * nothing is allocated.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/dhcp.h"

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

/* Offsets in the fixed part (RFC 2131 2). */
#define OFF_OP		0
#define OFF_HTYPE	1
#define OFF_HLEN	2
#define OFF_XID		4
#define OFF_FLAGS	10
#define OFF_CIADDR	12
#define OFF_GIADDR	24
#define OFF_CHADDR	28
#define OFF_SNAME	44
#define SNAME_LEN	64
#define OFF_FILE	108
#define FILE_LEN	128
#define OFF_COOKIE	236
#define OFF_OPTIONS	240

/* The minimum a BOOTP relay or client accepts (RFC 951: 300 octets). */
#define BOOTP_MIN_LEN	300

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* What the option walk has found so far. */
struct walk {
	struct dhcp_msg *m;
	int overload;		/* -1: none seen; else option 52's value */
	bool has_type;
};

/*
 * One option area: [p, p + len). main: the options field (option 52 may
 * appear only there). An area ends with END; the file and sname fields may
 * also just end (RFC 2132 9.3 asks for END there too, but what follows it
 * is padding either way).
 */
static enum dhcp_err walk_area(struct walk *w, const uint8_t *p, size_t len, bool main)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i], olen;

		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			return DHCP_OK;
		if (i + 2 > len)
			return DHCP_ERR_OPTION;
		olen = p[i + 1];
		if (i + 2 + olen > len)
			return DHCP_ERR_OPTION;
		const uint8_t *v = p + i + 2;

		switch (code) {
		case DHCP_OPT_MSGTYPE:
			if (w->has_type || olen != 1 || v[0] < DHCPDISCOVER || v[0] > DHCPINFORM)
				return DHCP_ERR_TYPE;
			w->m->type = (enum dhcp_type)v[0];
			w->has_type = true;
			break;
		case DHCP_OPT_OVERLOAD:
			if (!main || w->overload >= 0 || olen != 1 || v[0] < 1 || v[0] > 3)
				return DHCP_ERR_OVERLOAD;
			w->overload = v[0];
			break;
		case DHCP_OPT_PARAMS: {
			/* Repeated, it concatenates (RFC 3396); at most 255 kept. */
			size_t room = sizeof(w->m->params) - w->m->nparams;
			size_t n = olen < room ? olen : room;

			memcpy(w->m->params + w->m->nparams, v, n);
			w->m->nparams += (uint8_t)n;
			w->m->has_params = true;
			break;
		}
		default:
			break;
		}
		i += 2 + (size_t)olen;
	}
	/* The options field must end with END; file and sname may be full. */
	return main ? DHCP_ERR_OPTION : DHCP_OK;
}

enum dhcp_err dhcp_decode(const uint8_t *buf, size_t len, uint8_t op, struct dhcp_msg *m)
{
	struct walk w = { .m = m, .overload = -1 };
	enum dhcp_err e;

	memset(m, 0, sizeof(*m));
	if (len < DHCP_MIN_LEN)
		return DHCP_ERR_SHORT;
	m->op = buf[OFF_OP];
	m->htype = buf[OFF_HTYPE];
	m->hlen = buf[OFF_HLEN];
	if (m->op != op)
		return DHCP_ERR_OP;
	if (m->hlen > sizeof(m->chaddr))
		return DHCP_ERR_HLEN;
	if (memcmp(buf + OFF_COOKIE, cookie, sizeof(cookie)))
		return DHCP_ERR_COOKIE;
	m->xid = get32(buf + OFF_XID);
	m->flags = (uint16_t)(buf[OFF_FLAGS] << 8 | buf[OFF_FLAGS + 1]);
	memcpy(&m->ciaddr, buf + OFF_CIADDR, 4);
	memcpy(&m->giaddr, buf + OFF_GIADDR, 4);
	memcpy(m->chaddr, buf + OFF_CHADDR, sizeof(m->chaddr));

	e = walk_area(&w, buf + OFF_OPTIONS, len - OFF_OPTIONS, true);
	if (e)
		return e;
	/* Overloaded fields, in RFC 2132 9.3's order: file, then sname. */
	if (w.overload == 1 || w.overload == 3) {
		e = walk_area(&w, buf + OFF_FILE, FILE_LEN, false);
		if (e)
			return e;
	}
	if (w.overload == 2 || w.overload == 3) {
		e = walk_area(&w, buf + OFF_SNAME, SNAME_LEN, false);
		if (e)
			return e;
	}
	return w.has_type ? DHCP_OK : DHCP_ERR_TYPE;
}

/* Code's value in one area of a validated message, or NULL. */
static const uint8_t *find_in(const uint8_t *p, size_t len, uint8_t code, uint8_t *olen)
{
	size_t i = 0;

	while (i < len && p[i] != DHCP_OPT_END) {
		if (p[i] == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + p[i + 1] > len)
			return NULL;
		if (p[i] == code) {
			*olen = p[i + 1];
			return p + i + 2;
		}
		i += 2u + p[i + 1];
	}
	return NULL;
}

const uint8_t *dhcp_option(const uint8_t *buf, size_t len, uint8_t code, uint8_t *olen)
{
	const uint8_t *v, *ov;
	uint8_t n, overload = 0;

	if (len < DHCP_MIN_LEN)
		return NULL;
	v = find_in(buf + OFF_OPTIONS, len - OFF_OPTIONS, code, olen);
	if (v)
		return v;
	ov = find_in(buf + OFF_OPTIONS, len - OFF_OPTIONS, DHCP_OPT_OVERLOAD, &n);
	if (ov && n == 1)
		overload = ov[0];
	if ((overload & 1) && (v = find_in(buf + OFF_FILE, FILE_LEN, code, olen)))
		return v;
	if (overload & 2)
		return find_in(buf + OFF_SNAME, SNAME_LEN, code, olen);
	return NULL;
}

const char *dhcp_err_name(enum dhcp_err e)
{
	static const char *const names[DHCP_ERR_MAX] = {
		[DHCP_OK] = "ok",
		[DHCP_ERR_SHORT] = "shorter than a DHCP message",
		[DHCP_ERR_OP] = "not a request",
		[DHCP_ERR_HLEN] = "hardware address too long",
		[DHCP_ERR_COOKIE] = "no DHCP magic cookie",
		[DHCP_ERR_OPTION] = "an option runs past the message",
		[DHCP_ERR_OVERLOAD] = "bad option overload",
		[DHCP_ERR_TYPE] = "no single valid message type",
	};

	return (unsigned int)e < DHCP_ERR_MAX ? names[e] : "?";
}

/* Octets of dest that RFC 3442 puts on the wire for a prefix of len bits. */
static unsigned int significant(uint8_t len)
{
	return (len + 7u) / 8u;
}

/* A writer that refuses to pass the end of its buffer. */
struct out {
	uint8_t *p;
	size_t len, size;
	bool full;
};

static void put(struct out *o, const void *v, size_t n)
{
	if (o->full || n > o->size - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, v, n);
	o->len += n;
}

static void put8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

size_t dhcp_routes_len(const struct dhcp_route *r, unsigned int n)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		len += 1 + significant(r[i].len) + 4;
	return len;
}

bool dhcp_domain_ok(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (!len || len > 253)
		return false;
	for (i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '.' || !c) {
			if (!label || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (!label && c == '-')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* The routes as RFC 3442 encodes them, under option code. */
static void put_routes(struct out *o, uint8_t code, const struct dhcp_answer *a)
{
	size_t n = dhcp_routes_len(a->routes, a->nroutes);
	unsigned int i;

	if (n > 255) {
		o->full = true;	/* config.c refuses this many; never truncate */
		return;
	}
	put8(o, code);
	put8(o, (uint8_t)n);
	for (i = 0; i < a->nroutes; i++) {
		const struct dhcp_route *r = &a->routes[i];

		put8(o, r->len);
		put(o, &r->dest, significant(r->len));
		put(o, &r->router, 4);
	}
}

/* Option code of ours, if we have anything for it; true if written. */
static bool put_option(struct out *o, uint8_t code, const struct dhcp_answer *a)
{
	size_t dl;

	switch (code) {
	case DHCP_OPT_DNS:
		if (!a->ndns)
			return false;
		put8(o, code);
		put8(o, (uint8_t)(4 * a->ndns));
		put(o, a->dns, 4 * (size_t)a->ndns);
		return true;
	case DHCP_OPT_DOMAIN:
		dl = a->domain ? strlen(a->domain) : 0;
		if (!dl)
			return false;
		if (dl > 255) {
			o->full = true;
			return false;
		}
		put8(o, code);
		put8(o, (uint8_t)dl);
		put(o, a->domain, dl);
		return true;
	case DHCP_OPT_CLASSLESS:
	case DHCP_OPT_MS_CLASSLESS:
		if (!a->nroutes)
			return false;
		put_routes(o, code, a);
		return true;
	}
	return false;
}

size_t dhcp_encode_ack(const struct dhcp_msg *m, const struct dhcp_answer *a,
		       uint8_t *out, size_t size)
{
	static const uint8_t ours[] = {
		DHCP_OPT_DNS, DHCP_OPT_DOMAIN, DHCP_OPT_CLASSLESS, DHCP_OPT_MS_CLASSLESS,
	};
	struct out o = { .p = out, .size = size < DHCP_MAX_LEN ? size : DHCP_MAX_LEN };
	uint8_t fixed[DHCP_FIXED_LEN] = { 0 };
	bool done[256] = { false };
	uint32_t xid = htonl(m->xid);
	uint16_t flags = htons(m->flags);
	unsigned int i;

	if (size < DHCP_MAX_LEN)
		return 0;
	fixed[OFF_OP] = BOOTREPLY;
	fixed[OFF_HTYPE] = m->htype;
	fixed[OFF_HLEN] = m->hlen;
	memcpy(fixed + OFF_XID, &xid, 4);
	memcpy(fixed + OFF_FLAGS, &flags, 2);
	/* RFC 2131 4.3.5: ciaddr as the client gave it, yiaddr 0. */
	memcpy(fixed + OFF_CIADDR, &m->ciaddr, 4);
	memcpy(fixed + OFF_GIADDR, &m->giaddr, 4);
	memcpy(fixed + OFF_CHADDR, m->chaddr, sizeof(m->chaddr));
	put(&o, fixed, sizeof(fixed));
	put(&o, cookie, sizeof(cookie));
	put8(&o, DHCP_OPT_MSGTYPE);
	put8(&o, 1);
	put8(&o, DHCPACK);
	put8(&o, DHCP_OPT_SERVER_ID);
	put8(&o, 4);
	put(&o, &a->server_id, 4);
	/* What the client asked for, in its order; all of ours if it did not say. */
	if (m->has_params) {
		for (i = 0; i < m->nparams; i++) {
			uint8_t c = m->params[i];

			if (!done[c]) {
				done[c] = true;	/* a code asked twice: once */
				put_option(&o, c, a);
			}
		}
	} else {
		for (i = 0; i < sizeof(ours); i++)
			put_option(&o, ours[i], a);
	}
	put8(&o, DHCP_OPT_END);
	while (!o.full && o.len < BOOTP_MIN_LEN)
		put8(&o, DHCP_OPT_PAD);
	return o.full ? 0 : o.len;
}

bool dhcp_route_parse(const char *s, struct dhcp_route *r)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct in_addr in;
	unsigned long len = 32;
	uint32_t mask;
	char *end;

	if (!alen || alen >= sizeof(addr))
		return false;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		return false;
	if (slash) {
		if (!slash[1] || slash[1] < '0' || slash[1] > '9')
			return false;
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > 32)
			return false;
	}
	mask = len ? htonl(~0u << (32 - len)) : 0;
	if (in.s_addr & ~mask)
		return false;	/* host bits set: a typo, not a network */
	r->dest = in.s_addr;
	r->len = (uint8_t)len;
	r->router = 0;
	return true;
}

size_t dhcp_encode_request(uint8_t *out, size_t size, enum dhcp_type type, uint32_t ciaddr,
			   uint32_t xid, const uint8_t *params, size_t nparams)
{
	/* What Windows' RAS client asks for in its DHCPINFORM. */
	static const uint8_t windows[] = { 1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43 };
	size_t len, need;

	if (!params) {
		params = windows;
		nparams = sizeof(windows);
	}
	len = OFF_OPTIONS + 3 + 7 + 2 + nparams + 1;
	need = len < BOOTP_MIN_LEN ? BOOTP_MIN_LEN : len;
	if (nparams > 255 || size < need)
		return 0;
	memset(out, 0, need);
	out[OFF_OP] = BOOTREQUEST;
	out[OFF_HTYPE] = 8;
	out[OFF_HLEN] = 16;
	xid = htonl(xid);
	memcpy(out + OFF_XID, &xid, 4);
	memcpy(out + OFF_CIADDR, &ciaddr, 4);
	memset(out + OFF_CHADDR, 0xab, 16);
	memcpy(out + OFF_COOKIE, cookie, sizeof(cookie));
	len = OFF_OPTIONS;
	out[len++] = DHCP_OPT_MSGTYPE, out[len++] = 1, out[len++] = (uint8_t)type;
	out[len++] = DHCP_OPT_VENDOR_CLASS, out[len++] = 5;
	memcpy(out + len, "MSRAS", 5);
	len += 5;
	out[len++] = DHCP_OPT_PARAMS, out[len++] = (uint8_t)nparams;
	memcpy(out + len, params, nparams);
	len += nparams;
	out[len++] = DHCP_OPT_END;
	return need;
}

/* Option 121 or 249's routes as "CIDR>ROUTER,...", after " name ". */
static size_t describe_routes(char *out, size_t size, const char *name, const uint8_t *v,
			      uint8_t len)
{
	char a[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	size_t n = (size_t)snprintf(out, size, " %s ", name), i = 0;
	const char *sep = "";

	while (i < len && n < size) {
		uint8_t width = v[i], sig = (uint8_t)((width + 7) / 8), dest[4] = { 0 };

		if (width > 32 || i + 1u + sig + 4u > len) {
			n += (size_t)snprintf(out + n, size - n, "%s(malformed)", sep);
			break;
		}
		memcpy(dest, v + i + 1, sig);
		inet_ntop(AF_INET, dest, a, sizeof(a));
		inet_ntop(AF_INET, v + i + 1 + sig, r, sizeof(r));
		n += (size_t)snprintf(out + n, size - n, "%s%s/%u>%s", sep, a, width, r);
		sep = ",";
		i += 1u + sig + 4u;
	}
	return n < size ? n : size - 1;
}

void dhcp_describe_ack(const uint8_t *buf, size_t len, char *out, size_t size)
{
	char a[INET_ADDRSTRLEN];
	const uint8_t *v;
	uint8_t olen;
	size_t n;

	if (!size)
		return;
	n = (size_t)snprintf(out, size, "ack");
	if (n < size && (v = dhcp_option(buf, len, DHCP_OPT_CLASSLESS, &olen)))
		n += describe_routes(out + n, size - n, "routes", v, olen);
	if (n < size && (v = dhcp_option(buf, len, DHCP_OPT_MS_CLASSLESS, &olen)))
		n += describe_routes(out + n, size - n, "routes249", v, olen);
	if (n < size && (v = dhcp_option(buf, len, DHCP_OPT_DOMAIN, &olen)))
		n += (size_t)snprintf(out + n, size - n, " domain %.*s", olen, (const char *)v);
	if (n < size && (v = dhcp_option(buf, len, DHCP_OPT_DNS, &olen))) {
		n += (size_t)snprintf(out + n, size - n, " dns ");
		for (uint8_t i = 0; i + 4 <= olen && n < size; i += 4)
			n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : "",
					      inet_ntop(AF_INET, v + i, a, sizeof(a)));
	}
	if (n < size && (v = dhcp_option(buf, len, DHCP_OPT_SERVER_ID, &olen)) && olen == 4)
		snprintf(out + n, size - n, " server %s", inet_ntop(AF_INET, v, a, sizeof(a)));
}
