// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the PPTP control-message codec: the input is a TCP
 * byte stream, cut into messages the way kpptpd reads it. Besides "no
 * crash" under ASan/UBSan it checks what the daemon relies on:
 * - framing is monotonic: a prefix of an accepted message is only ever
 *   "need more", and a refusal stays the same refusal as bytes arrive;
 * - decode and encode agree: encoding a decoded message and decoding that
 *   again gives the same octets;
 * - peer text always prints within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/ctrl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const uint8_t *p, size_t n)
{
	uint8_t buf[PPTP_MSG_MAX_LEN + 16] = { 0 };
	enum pptp_status st;
	size_t len = 0, l2, have = n < sizeof(buf) ? n : sizeof(buf);

	st = pptp_frame(p, n, &len);
	if (st == PPTP_OK) {
		for (size_t k = 0; k < len; k++)
			if (pptp_frame(p, k, &l2) != PPTP_NEED_MORE)
				abort();
	} else if (st != PPTP_NEED_MORE) {
		/* More octets (zeros here) never change a refusal. */
		memcpy(buf, p, have);
		for (size_t k = have; k <= sizeof(buf); k++)
			if (pptp_frame(buf, k, &l2) != st)
				abort();
	}
}

static void check_msg(const uint8_t *p, size_t len)
{
	uint8_t e1[PPTP_MSG_MAX_LEN], e2[PPTP_MSG_MAX_LEN];
	char out[4 * PPTP_STATS_LEN + 1];
	struct pptp_msg m, m2;
	size_t l1, l2;

	if (pptp_decode(p, len, &m) != PPTP_OK)
		abort();	/* pptp_frame() accepted it */
	l1 = pptp_encode(&m, e1, sizeof(e1));
	if (l1 != len || pptp_decode(e1, l1, &m2) != PPTP_OK || m2.reserved_nonzero)
		abort();
	l2 = pptp_encode(&m2, e2, sizeof(e2));
	if (l2 != l1 || memcmp(e1, e2, l1))
		abort();
	if (m.type == PPTP_CDN)
		pptp_printable(m.cdn.stats, out, sizeof(out));
	if (m.type == PPTP_SCCRQ || m.type == PPTP_SCCRP)
		pptp_printable(m.scc.hostname, out, 40);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, len;

	while (off < size) {
		enum pptp_status st = pptp_frame(data + off, size - off, &len);

		check_frame(data + off, size - off);
		if (st != PPTP_OK)
			break;	/* need more, or the connection closes */
		check_msg(data + off, len);
		off += len;
	}
	return 0;
}
