// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the restart-in-place state's record decoder
 * (userspace/kpptpd/state.c), which a new kpptpd runs on what the old one
 * wrote. Besides "no crash": a record is taken or refused with a reason,
 * values come back within the ranges asked, and what state_str wrote
 * reads back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/kpptpd/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "fd", "idx", "rx", "user", "conn", "state" };
	char *buf = malloc(size + 1);
	struct state_rec r;
	size_t pos = 0;
	int rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	while ((rc = state_next(buf, size, &pos, &r)) == 1) {
		uint8_t hex[64];
		char str[32], back[128];
		uint64_t u = 5;
		int64_t i = -1;
		size_t got;

		if (r.n > STATE_MAX_KEYS || !r.type[0])
			abort();
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (state_get_u64(&r, keys[k], 3, 900, &u) && (u < 3 || u > 900))
				abort();
			if (state_get_i64(&r, keys[k], -1, 70000, &i) && (i < -1 || i > 70000))
				abort();
			if (state_get_hex(&r, keys[k], hex, sizeof(hex), &got) && got > sizeof(hex))
				abort();
			if (state_get_str(&r, keys[k], str, sizeof(str)) && strlen(str) >= sizeof(str))
				abort();
		}
		if (r.bad && !r.why[0])
			abort();
		/* A text value written and read back is the same text. */
		if (state_get_str(&r, "user", str, sizeof(str)) && str[0]) {
			struct state_out o = { .buf = back, .cap = sizeof(back) };
			struct state_rec r2;
			char again[32];
			size_t p2 = 0;

			state_begin(&o, "t");
			state_str(&o, "user", str);
			state_end(&o);
			if (!o.full) {
				if (state_next(back, o.len, &p2, &r2) != 1 ||
				    !state_get_str(&r2, "user", again, sizeof(again)) ||
				    strcmp(again, str))
					abort();
			}
		}
	}
	if (pos > size)
		abort();
	free(buf);
	return 0;
}
