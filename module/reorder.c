// SPDX-License-Identifier: GPL-2.0
/*
 * The receive sequence engine (reorder.h).
 *
 * RFC 2637 4.3 forbids delivering out of order. A packet ahead of a gap
 * waits in the queue while the window allows; the gap is given up (its
 * numbers counted as lost) when the window or the byte cap is exceeded
 * or when the caller's timer says it waited long enough. Everything
 * behind next goes back to the caller as late.
 *
 * All that moves next goes through advance(), which first hands out (in
 * order) what is queued before the new position, and a packet is handed
 * out only when its number is next: so next never moves backwards and
 * no number is delivered twice, even when a smaller window makes the
 * engine resynchronise on a packet whose copy is already queued.
 *
 * How long a gap is held adapts (reorder.h, "delay"): reordering made by
 * two CPUs of one host closes its gaps within microseconds, a path that
 * reorders by a link's delay within milliseconds, and a real loss should
 * cost no more than that.
 */
#include <linux/jiffies.h>
#include <linux/skbuff.h>

#include "gre.h"
#include "reorder.h"

struct kpptp_reorder_cb {
	u32 seq;
	u64 arrived;		/* ns, the caller's clock */
};

/* Samples above this are not reordering (a stalled peer): not learnt. */
#define KPPTP_REORDER_DELAY_MAX_NS	(10ULL * NSEC_PER_SEC)

#define KPPTP_REORDER_CB(skb) ((struct kpptp_reorder_cb *)&((skb)->cb[0]))

void kpptp_reorder_init(struct kpptp_reorder *r)
{
	r->started = false;
	r->next = 0;
	r->bytes = 0;
	__skb_queue_head_init(&r->q);
	r->delay = 0;
	r->delay_prev = 0;
	r->delay_late = 0;
	r->late_persist = 0;
	r->period_start = 0;
	r->learnt = false;
	r->skip_from = 0;
	r->skip_to = 0;
	r->skip_opened = 0;
}

void kpptp_reorder_purge(struct kpptp_reorder *r)
{
	__skb_queue_purge(&r->q);
	r->bytes = 0;
}

void kpptp_reorder_res_init(struct kpptp_reorder_res *res)
{
	memset(res, 0, sizeof(*res));
	__skb_queue_head_init(&res->deliver);
}

/* skb is next: out it goes, and next moves past it. */
static void take(struct kpptp_reorder *r, struct sk_buff *skb,
		 struct kpptp_reorder_res *res)
{
	WRITE_ONCE(r->next, r->next + 1);
	__skb_queue_tail(&res->deliver, skb);
}

static struct sk_buff *pop(struct kpptp_reorder *r)
{
	struct sk_buff *skb = __skb_dequeue(&r->q);

	if (skb)
		r->bytes -= skb->truesize;
	return skb;
}

/* Hand out every queued packet that is now in sequence. */
static void drain(struct kpptp_reorder *r, struct kpptp_reorder_res *res)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&r->q)) && KPPTP_REORDER_CB(skb)->seq == r->next) {
		take(r, pop(r), res);
		res->reordered++;
	}
}

/*
 * Move next forward to seq, giving up what never came: what is queued
 * before seq goes out first, in order, and only the real holes count as
 * lost. Never moves backwards. Afterwards next is seq, or past it when
 * seq itself was queued and went out.
 */
static void advance(struct kpptp_reorder *r, u32 seq, struct kpptp_reorder_res *res)
{
	struct sk_buff *head;

	while ((head = skb_peek(&r->q)) &&
	       kpptp_seq_before(KPPTP_REORDER_CB(head)->seq, seq)) {
		u32 hseq = KPPTP_REORDER_CB(head)->seq;

		if (WARN_ON_ONCE(kpptp_seq_before(hseq, r->next))) {
			/* The invariant broke: never loop, never go back. */
			kfree_skb(pop(r));
			res->late_freed++;
			continue;
		}
		res->lost += hseq - r->next;
		WRITE_ONCE(r->next, hseq);
		drain(r, res);
	}
	if (kpptp_seq_before(r->next, seq)) {
		res->lost += seq - r->next;
		WRITE_ONCE(r->next, seq);
	}
	drain(r, res);
}

/*
 * Give up the gap before the oldest held packet, and remember it: if its
 * packets come after all, the hold was too short, and by how much.
 */
static void skip_gap(struct kpptp_reorder *r, struct kpptp_reorder_res *res)
{
	struct sk_buff *head = skb_peek(&r->q);
	u32 from = r->next, to;

	if (!head)
		return;
	to = KPPTP_REORDER_CB(head)->seq;
	r->skip_opened = KPPTP_REORDER_CB(head)->arrived;
	advance(r, to, res);	/* head leaves the queue */
	r->skip_from = from;
	r->skip_to = to;
	/*
	 * One more gap given up: if none of its packets comes late, the
	 * longer hold it was given was not needed.
	 */
	if (r->late_persist && !--r->late_persist)
		WRITE_ONCE(r->delay_late, 0);
	/*
	 * Nothing learnt yet, and a gap not closed within the cap: a loss,
	 * as far as we know. From now on the hold is the floor, until a
	 * gap closes (or this one's packets come after all).
	 */
	WRITE_ONCE(r->learnt, true);
}

/* Start a new period of the windowed max if this one is over. */
static void roll(struct kpptp_reorder *r, u64 now)
{
	u64 age = now - r->period_start;

	if (age < KPPTP_REORDER_PERIOD_NS)
		return;
	/* A whole period without a sample: the last one is forgotten too. */
	WRITE_ONCE(r->delay_prev, age < 2 * KPPTP_REORDER_PERIOD_NS ? r->delay : 0);
	WRITE_ONCE(r->delay, 0);
	r->period_start = now;
}

/* A gap stayed open for d (at now): learn it (reorder.h). */
static void learn(struct kpptp_reorder *r, u64 now, u64 d)
{
	if (d > KPPTP_REORDER_DELAY_MAX_NS)
		return;
	if (!r->learnt)
		r->period_start = now;
	roll(r, now);
	if (d > r->delay)
		WRITE_ONCE(r->delay, d);
	WRITE_ONCE(r->learnt, true);
}

/*
 * A packet of the gap given up last came after all, d after the gap
 * opened: the hold was too short, and stays at least this long for the
 * next KPPTP_REORDER_PERSIST gaps given up.
 */
static void learn_late(struct kpptp_reorder *r, u64 now, u64 d)
{
	learn(r, now, d);
	if (d > KPPTP_REORDER_DELAY_MAX_NS)
		return;
	if (d > r->delay_late)
		WRITE_ONCE(r->delay_late, d);
	r->late_persist = KPPTP_REORDER_PERSIST;
}

u64 kpptp_reorder_hold(const struct kpptp_reorder *r, u64 cap)
{
	u64 d = max3(READ_ONCE(r->delay), READ_ONCE(r->delay_prev),
		     READ_ONCE(r->delay_late));

	if (!READ_ONCE(r->learnt))
		return cap;
	return min(4 * d + KPPTP_REORDER_HOLD_MIN_NS, cap);
}

/* Queue a packet ahead of next, sorted; false if it is a duplicate. */
static bool insert(struct kpptp_reorder *r, struct sk_buff *skb)
{
	u32 seq = KPPTP_REORDER_CB(skb)->seq;
	struct sk_buff *p;

	skb_queue_reverse_walk(&r->q, p) {
		u32 pseq = KPPTP_REORDER_CB(p)->seq;

		if (pseq == seq)
			return false;
		if (kpptp_seq_before(pseq, seq)) {
			__skb_queue_after(&r->q, p, skb);
			goto queued;
		}
	}
	__skb_queue_head(&r->q, skb);
queued:
	/*
	 * Held beyond the receive softirq: no pointer to a device that may
	 * be unregistered meanwhile (nothing on the way up reads it).
	 */
	skb->dev = NULL;
	r->bytes += skb->truesize;
	return true;
}

/*
 * Resynchronise on skb (no reordering wanted, or too far ahead to be
 * reordering). If its copy was queued, advance() delivered that one:
 * this skb is then a duplicate, behind next, and goes back as late.
 */
static void resync(struct kpptp_reorder *r, struct sk_buff *skb, u32 seq,
		   struct kpptp_reorder_res *res)
{
	advance(r, seq, res);
	if (r->next == seq) {
		take(r, skb, res);
		drain(r, res);
	} else {
		res->late = skb;
	}
}

void kpptp_reorder_rx(struct kpptp_reorder *r, struct sk_buff *skb, u32 seq,
		      u32 window, u64 now, struct kpptp_reorder_res *res)
{
	struct sk_buff *head;

	if (unlikely(!r->started)) {
		WRITE_ONCE(r->next, seq);
		/* Release: a lockless reader that sees started sees next. */
		smp_store_release(&r->started, true);
		res->started = true;
	}
	KPPTP_REORDER_CB(skb)->seq = seq;
	if (unlikely(kpptp_seq_before(seq, r->next))) {
		/* One of a gap given up: it was reordering after all. */
		if (r->skip_from != r->skip_to &&
		    !kpptp_seq_before(seq, r->skip_from) &&
		    kpptp_seq_before(seq, r->skip_to)) {
			learn_late(r, now, now - r->skip_opened);
		}
		res->late = skb;
		return;
	}
	if (likely(seq == r->next)) {
		head = skb_peek(&r->q);
		take(r, skb, res);
		if (unlikely(head)) {
			/* This packet closes the gap before head. */
			learn(r, now, now - KPPTP_REORDER_CB(head)->arrived);
			drain(r, res);
		}
		return;
	}
	res->out_of_order = true;
	roll(r, now);		/* the hold this gap gets: of recent samples */
	if (!window || seq - r->next > KPPTP_REORDER_REACH * window) {
		if (window)
			res->overflow++;
		resync(r, skb, seq, res);
		/* Window 0, perhaps just set with packets still queued. */
		if (!window)
			while (!skb_queue_empty(&r->q))
				skip_gap(r, res);
		return;
	}
	KPPTP_REORDER_CB(skb)->arrived = now;
	if (!insert(r, skb)) {
		kfree_skb(skb);
		res->late_freed++;
		return;
	}
	/* The window may have shrunk since the queue filled: loop. */
	while (skb_queue_len(&r->q) > window || r->bytes > KPPTP_REORDER_MAX_BYTES) {
		res->overflow++;
		skip_gap(r, res);
	}
}

void kpptp_reorder_expire(struct kpptp_reorder *r, u64 now, u64 hold,
			  struct kpptp_reorder_res *res)
{
	struct sk_buff *head;

	roll(r, now);
	while ((head = skb_peek(&r->q)) &&
	       now >= KPPTP_REORDER_CB(head)->arrived + hold)
		skip_gap(r, res);
}

bool kpptp_reorder_deadline(const struct kpptp_reorder *r, u64 hold, u64 *when)
{
	struct sk_buff *head = skb_peek(&r->q);

	if (!head)
		return false;
	*when = KPPTP_REORDER_CB(head)->arrived + hold;
	return true;
}
