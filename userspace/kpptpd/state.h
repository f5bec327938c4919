/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hand-over state's record format (handover.c): one record per line,
 *
 *   TYPE key=value key=value ...
 *
 * after a first line "kpptpd-state N" (N: STATE_FORMAT). A value is a
 * decimal number, hex octets, or text with every octet outside
 * [A-Za-z0-9._:/@,+-] written %XX. A newer kpptpd reads an older one's
 * records: a key it does not know is ignored, one it misses takes its
 * default; only a change that cannot be read that way bumps STATE_FORMAT.
 *
 * Encoding appends to a bounded buffer; decoding checks every value
 * against the range its reader gives, so that a record is either taken
 * whole or refused (fuzz-state runs the decoder).
 */
#ifndef KPPTPD_STATE_H
#define KPPTPD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_FORMAT		1
#define STATE_MAX_KEYS		64
#define STATE_MAX_LINE		16384

/* The buffer a state is written into. */
struct state_out {
	char *buf;
	size_t len, cap;
	bool full;			/* something did not fit: do not use */
};

void state_begin(struct state_out *o, const char *type);
void state_u64(struct state_out *o, const char *key, uint64_t v);
void state_i64(struct state_out *o, const char *key, int64_t v);
void state_hex(struct state_out *o, const char *key, const void *p, size_t n);
void state_str(struct state_out *o, const char *key, const char *s);
void state_end(struct state_out *o);

/* One decoded record; its values point into the line it was cut from. */
struct state_rec {
	const char *type;
	unsigned int n;
	struct {
		const char *key, *val;
	} kv[STATE_MAX_KEYS];
	bool bad;			/* a value was out of its range */
	char why[128];			/* the first such, for the log */
};

/*
 * The next record of buf[*pos..len): the line is cut in place (its '\n'
 * becomes '\0'). 1: a record; 0: the end; -1: a malformed line (why set).
 */
int state_next(char *buf, size_t len, size_t *pos, struct state_rec *r);

/*
 * Values by key. Absent: *out keeps its default and the result is false.
 * Present but not a value of the kind or range asked: r->bad set.
 */
bool state_get_u64(struct state_rec *r, const char *key, uint64_t lo, uint64_t hi,
		   uint64_t *out);
bool state_get_i64(struct state_rec *r, const char *key, int64_t lo, int64_t hi,
		   int64_t *out);
/* Exactly n octets, or any count up to cap (*got) when got is not NULL. */
bool state_get_hex(struct state_rec *r, const char *key, void *out, size_t cap,
		   size_t *got);
/* Text of at most cap - 1 octets, NUL-terminated; no NUL inside. */
bool state_get_str(struct state_rec *r, const char *key, char *out, size_t cap);
/* A key this record must have: r->bad when it is missing. */
void state_require(struct state_rec *r, const char *key);

#endif /* KPPTPD_STATE_H */
