/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive sequence engine: puts one session's GRE data packets in
 * order, holding those ahead of a gap in a small queue. Pure logic on
 * sk_buffs, with no session, lock, timer or PPP in it, so that KUnit can
 * drive it (reorder_test.c); rx.c runs it under the session's rx_lock and
 * delivers what it hands back.
 *
 * Invariant, whatever window the caller passes from one call to the
 * next: every queued packet is after next, next only moves forward, and
 * no sequence number is handed out for delivery twice.
 */
#ifndef _KPPTP_REORDER_H
#define _KPPTP_REORDER_H

#include <linux/skbuff.h>

/*
 * Memory a reorder queue may pin, whatever its window: a spoofer who knows
 * (peer, call ID) can fill the queue with big packets.
 */
#define KPPTP_REORDER_MAX_BYTES	(256 * 1024)

struct kpptp_reorder {
	/*
	 * next is written with WRITE_ONCE and started with a store-release
	 * after it: the transmit path reads them without the lock (acquire
	 * on started, then next), so it never acks a next not yet set.
	 */
	bool started;			/* next is valid */
	u32 next;			/* the next sequence number to deliver */
	u32 bytes;			/* truesize of q */
	struct sk_buff_head q;		/* sorted, every entry after next */
};

/* What one step did: packets to deliver, in order, and what to count. */
struct kpptp_reorder_res {
	struct sk_buff_head deliver;	/* in sequence order */
	struct sk_buff *late;		/* behind next: the caller's to keep or drop */
	u32 lost;			/* sequence numbers given up */
	u32 reordered;			/* delivered from the queue */
	u32 late_freed;			/* duplicates freed here */
	u32 overflow;			/* window or byte cap forced a gap closed */
	bool out_of_order;		/* the packet was ahead of next */
	bool started;			/* this packet started the sequence */
};

void kpptp_reorder_init(struct kpptp_reorder *r);
void kpptp_reorder_purge(struct kpptp_reorder *r);
void kpptp_reorder_res_init(struct kpptp_reorder_res *res);
/* A data packet numbered seq, arrived at now (jiffies); takes skb. */
void kpptp_reorder_rx(struct kpptp_reorder *r, struct sk_buff *skb, u32 seq,
		      u32 window, unsigned long now, struct kpptp_reorder_res *res);
/* Gaps whose first held packet has waited timeout by now are given up. */
void kpptp_reorder_expire(struct kpptp_reorder *r, unsigned long now,
			  unsigned long timeout, struct kpptp_reorder_res *res);
/* When the oldest gap times out; false when nothing is held. */
bool kpptp_reorder_deadline(const struct kpptp_reorder *r, unsigned long timeout,
			    unsigned long *when);

#endif /* _KPPTP_REORDER_H */
