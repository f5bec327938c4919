/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Enhanced GRE (RFC 2637 section 4.1), the only wire format of the data path.
 *
 *   C R K S s Recur | A Flags Ver |  Protocol (0x880B)
 *   Key: payload length (16)      |  peer's call ID (16)
 *   Sequence number (if S)
 *   Acknowledgment number (if A)
 */
#ifndef _KPPTP_GRE_H
#define _KPPTP_GRE_H

#include <linux/types.h>
#include <linux/if_tunnel.h>

#define KPPTP_GRE_PROTO		htons(0x880B)
#define KPPTP_GRE_BASE_LEN	8
#define KPPTP_GRE_MAX_LEN	16

/* Bits that must be clear in every PPTP GRE header: C, R, s, recursion. */
#define KPPTP_GRE_MUST_CLEAR	(GRE_CSUM | GRE_ROUTING | GRE_STRICT | GRE_REC)

struct kpptp_gre_hdr {
	__be16 flags;		/* GRE_* bits and the version */
	__be16 protocol;
	__be16 payload_len;
	__be16 call_id;		/* the receiver's call ID */
} __packed;

static inline unsigned int kpptp_gre_hdr_len(__be16 flags)
{
	return KPPTP_GRE_BASE_LEN + ((flags & GRE_SEQ) ? 4 : 0) +
	       ((flags & GRE_ACK) ? 4 : 0);
}

/* Serial number arithmetic (RFC 1982) on the 32-bit sequence space. */
static inline bool kpptp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#endif /* _KPPTP_GRE_H */
