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

/*
 * How far ahead of next a packet may be and still be held: window counts
 * the packets held, and a path that delays most packets by a few ms and
 * lets a few through at once (the few are held) puts those far ahead of
 * next during a burst. Beyond this it is a sequence jump: resynchronise.
 */
#define KPPTP_REORDER_REACH		8

/*
 * The shortest hold: added to every hold, and the whole hold of a session
 * that has seen only losses. Two CPUs' softirqs reorder by microseconds.
 */
#define KPPTP_REORDER_HOLD_MIN_NS	(500 * NSEC_PER_USEC)
/*
 * A gap's delay is remembered for one to two periods of this: a path that
 * reorders now and then keeps its hold; one that stopped sheds it.
 */
#define KPPTP_REORDER_PERIOD_NS		(4 * NSEC_PER_SEC)
/*
 * A hold proven too short (a packet of a gap given up came after all) is
 * not forgotten with the period: it stays until this many more gaps have
 * been given up with none of theirs coming late (RACK's reo_wnd_persist).
 * A host whose CPUs stall now and then (a loaded hypervisor) pays for its
 * longest stall once, not once per period; a path that only loses pays
 * the longer hold for this many losses.
 */
#define KPPTP_REORDER_PERSIST		16

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

	/*
	 * The adaptive hold (TCP RACK's idea, RFC 8985: wait for reordering
	 * as long as the reordering actually seen takes, not a fixed time).
	 * A sample is how long a gap stayed open before its packet came:
	 * taken when a gap closes, and when a packet of a gap given up comes
	 * after all (the hold was too short: RACK's DSACK). The estimate is
	 * the largest sample of this period and the last (a windowed max):
	 * a path that reorders by 5 ms now and then is not talked down by
	 * the many microsecond gaps two CPUs make meanwhile. Until the first
	 * sample a gap is held for the whole cap, so that a path which
	 * reorders by a few milliseconds loses nothing while it is learnt; a
	 * first gap given up instead (a loss) makes the estimate 0, so a path
	 * that only loses pays the cap once. A sample of a gap given up too
	 * soon is also kept in delay_late, which only gaps given up in vain
	 * wear off (KPPTP_REORDER_PERSIST), not time.
	 * Written under the caller's lock, read without it (statistics). All
	 * times are the caller's clock, in ns.
	 */
	u64 delay;			/* largest sample of this period */
	u64 delay_prev;			/* of the period before */
	u64 delay_late;			/* largest sample of a gap given up too soon */
	u32 late_persist;		/* gaps given up before delay_late goes */
	u64 period_start;
	bool learnt;			/* a sample or a loss seen: until then, the cap */
	u32 skip_from, skip_to;		/* the gap given up last: [from, to) */
	u64 skip_opened;		/* when its first held packet came */
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
/*
 * Does kpptp_reorder_rx() need the time for seq? Not for the common case,
 * the next packet with nothing held: the caller may skip the clock then.
 */
static inline bool kpptp_reorder_needs_clock(const struct kpptp_reorder *r, u32 seq)
{
	return r->started && (seq != r->next || !skb_queue_empty(&r->q));
}

/* A data packet numbered seq, arrived at now (ns); takes skb. */
void kpptp_reorder_rx(struct kpptp_reorder *r, struct sk_buff *skb, u32 seq,
		      u32 window, u64 now, struct kpptp_reorder_res *res);
/*
 * How long a gap is waited for now: four times the estimated reordering
 * delay (a path's delay jitters: as TCP's RTO adds four deviations), plus
 * KPPTP_REORDER_HOLD_MIN_NS, at most cap
 * (ns), as of the last step (a quiet session does not age it); the cap
 * before anything was learnt. Lockless: for statistics too.
 */
u64 kpptp_reorder_hold(const struct kpptp_reorder *r, u64 cap);
/* Gaps whose first held packet has waited hold by now are given up. */
void kpptp_reorder_expire(struct kpptp_reorder *r, u64 now, u64 hold,
			  struct kpptp_reorder_res *res);
/* When the oldest gap times out; false when nothing is held. */
bool kpptp_reorder_deadline(const struct kpptp_reorder *r, u64 hold, u64 *when);

#endif /* _KPPTP_REORDER_H */
