// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-over state's record format: see state.h.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "state.h"

static void put(struct state_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct state_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

void state_begin(struct state_out *o, const char *type)
{
	put(o, "%s", type);
}

void state_u64(struct state_out *o, const char *key, uint64_t v)
{
	put(o, " %s=%" PRIu64, key, v);
}

void state_i64(struct state_out *o, const char *key, int64_t v)
{
	put(o, " %s=%" PRId64, key, v);
}

void state_hex(struct state_out *o, const char *key, const void *p, size_t n)
{
	const uint8_t *b = p;

	put(o, " %s=", key);
	for (size_t i = 0; i < n; i++)
		put(o, "%02x", b[i]);
}

static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._:/@,+-", c);
}

void state_str(struct state_out *o, const char *key, const char *s)
{
	put(o, " %s=", key);
	for (; *s; s++)
		put(o, plain((unsigned char)*s) ? "%c" : "%%%02X", (unsigned char)*s);
}

void state_end(struct state_out *o)
{
	put(o, "\n");
	/* A line the reader would refuse is no state. */
	if (o->len > 0) {
		const char *nl = memrchr(o->buf, '\n', o->len - 1);
		size_t start = nl ? (size_t)(nl - o->buf) + 1 : 0;

		if (o->len - start > STATE_MAX_LINE)
			o->full = true;
	}
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int state_next(char *buf, size_t len, size_t *pos, struct state_rec *r)
{
	char *line, *end, *p;

	memset(r, 0, sizeof(*r));
	if (*pos >= len)
		return 0;
	line = buf + *pos;
	end = memchr(line, '\n', len - *pos);
	if (!end || end - line > STATE_MAX_LINE) {
		snprintf(r->why, sizeof(r->why), "a line without its end, or too long");
		return -1;
	}
	*end = '\0';
	*pos = (size_t)(end - buf) + 1;
	if (memchr(line, '\0', (size_t)(end - line))) {
		snprintf(r->why, sizeof(r->why), "a NUL inside a line");
		return -1;
	}
	p = line;
	r->type = p;
	while (*p && *p != ' ')
		p++;
	if (p == line) {
		snprintf(r->why, sizeof(r->why), "a line without a type");
		return -1;
	}
	while (*p) {
		char *k, *eq;

		*p++ = '\0';		/* the space before the key */
		k = p;
		while (is_key_char(*p))
			p++;
		eq = p;
		if (eq == k || *eq != '=') {
			snprintf(r->why, sizeof(r->why), "record %.20s: not key=value", r->type);
			return -1;
		}
		*eq = '\0';
		p = eq + 1;
		while (*p && *p != ' ') {
			if (!plain((unsigned char)*p) && *p != '%') {
				snprintf(r->why, sizeof(r->why), "record %.20s: %.24s: a bad octet",
					 r->type, k);
				return -1;
			}
			p++;
		}
		if (r->n == STATE_MAX_KEYS) {
			snprintf(r->why, sizeof(r->why), "record %.20s: too many keys", r->type);
			return -1;
		}
		r->kv[r->n].key = k;
		r->kv[r->n].val = eq + 1;
		r->n++;
	}
	return 1;
}

static const char *find(const struct state_rec *r, const char *key)
{
	for (unsigned int i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].val;
	return NULL;
}

static void bad(struct state_rec *r, const char *key, const char *what)
{
	if (!r->bad)
		snprintf(r->why, sizeof(r->why), "record %.20s: %.24s: %s", r->type, key, what);
	r->bad = true;
}

void state_require(struct state_rec *r, const char *key)
{
	if (!find(r, key))
		bad(r, key, "missing");
}

static bool decimal(const char *v, uint64_t *out)
{
	uint64_t x = 0;

	if (!*v)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*v - '0');
	}
	*out = x;
	return true;
}

bool state_get_u64(struct state_rec *r, const char *key, uint64_t lo, uint64_t hi,
		   uint64_t *out)
{
	const char *v = find(r, key);
	uint64_t x;

	if (!v)
		return false;
	if (!decimal(v, &x) || x < lo || x > hi) {
		bad(r, key, "out of range");
		return false;
	}
	*out = x;
	return true;
}

bool state_get_i64(struct state_rec *r, const char *key, int64_t lo, int64_t hi,
		   int64_t *out)
{
	const char *v = find(r, key);
	bool neg;
	uint64_t x;
	int64_t s;

	if (!v)
		return false;
	neg = *v == '-';
	if (!decimal(v + neg, &x) || x > (uint64_t)INT64_MAX) {
		bad(r, key, "not a number");
		return false;
	}
	s = neg ? -(int64_t)x : (int64_t)x;
	if (s < lo || s > hi) {
		bad(r, key, "out of range");
		return false;
	}
	*out = s;
	return true;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool state_get_hex(struct state_rec *r, const char *key, void *out, size_t cap,
		   size_t *got)
{
	const char *v = find(r, key);
	uint8_t *o = out;
	size_t n;

	if (!v)
		return false;
	n = strlen(v);
	if (n % 2 || n / 2 > cap || (!got && n / 2 != cap)) {
		bad(r, key, "wrong length");
		return false;
	}
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(v[2 * i]), lo = nibble(v[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			bad(r, key, "not hex");
			return false;
		}
		o[i] = (uint8_t)(hi << 4 | lo);
	}
	if (got)
		*got = n / 2;
	return true;
}

bool state_get_str(struct state_rec *r, const char *key, char *out, size_t cap)
{
	const char *v = find(r, key);
	size_t n = 0;

	if (!v)
		return false;
	for (; *v; v++) {
		int c = (unsigned char)*v;

		if (c == '%') {
			int hi = nibble(v[1]), lo = hi < 0 ? -1 : nibble(v[2]);

			if (hi < 0 || lo < 0 || !(hi | lo)) {
				bad(r, key, "a bad escape");
				return false;
			}
			c = hi << 4 | lo;
			v += 2;
		}
		if (n + 1 >= cap) {
			bad(r, key, "too long");
			return false;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return true;
}
