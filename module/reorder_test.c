// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the receive sequence engine (reorder.c), built into a
 * module of their own (kpptp-kunit.ko) for kernels with KUnit. reorder.c
 * is compiled in here too, so its static helpers stay static in kpptp.ko.
 * Each case runs in microseconds; the guest tests (reorder.sh) show the
 * same engine end to end, through netem.
 */
#include <kunit/test.h>
#include <linux/random.h>

#include "reorder.c"

struct rig {
	struct kpptp_reorder r;
	u32 got[512];			/* delivered, in order */
	unsigned int ngot;
	u32 late, lost, reordered, overflow, out_of_order;
};

static void rig_init(struct rig *g)
{
	memset(g, 0, sizeof(*g));
	kpptp_reorder_init(&g->r);
}

/* The engine's promises, checked after every step. */
static void check_invariant(struct kunit *test, struct rig *g, u32 next_before)
{
	struct sk_buff *p;
	u32 prev = g->r.next;
	bool first = true;

	KUNIT_EXPECT_FALSE(test, kpptp_seq_before(g->r.next, next_before));
	skb_queue_walk(&g->r.q, p) {
		u32 seq = KPPTP_REORDER_CB(p)->seq;

		KUNIT_EXPECT_TRUE(test, kpptp_seq_before(g->r.next, seq));
		if (!first)
			KUNIT_EXPECT_TRUE(test, kpptp_seq_before(prev, seq));
		prev = seq;
		first = false;
	}
	KUNIT_EXPECT_LE(test, g->r.bytes, (u32)KPPTP_REORDER_MAX_BYTES);
}

static void collect(struct kunit *test, struct rig *g, struct kpptp_reorder_res *res,
		    u32 next_before)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&res->deliver))) {
		u32 seq = KPPTP_REORDER_CB(skb)->seq;

		/* Strictly rising: never a duplicate, never backwards. */
		if (g->ngot)
			KUNIT_EXPECT_TRUE(test, kpptp_seq_before(g->got[g->ngot - 1], seq));
		if (g->ngot < ARRAY_SIZE(g->got))
			g->got[g->ngot++] = seq;
		kfree_skb(skb);
	}
	if (res->late) {
		g->late++;
		kfree_skb(res->late);
	}
	g->late += res->late_freed;
	g->lost += res->lost;
	g->reordered += res->reordered;
	g->overflow += res->overflow;
	g->out_of_order += res->out_of_order;
	check_invariant(test, g, next_before);
}

static void rx_sized(struct kunit *test, struct rig *g, u32 seq, u32 window,
		     u64 now, unsigned int size)
{
	struct sk_buff *skb = alloc_skb(size, GFP_KERNEL);
	struct kpptp_reorder_res res;
	bool started = g->r.started;
	u32 next_before = g->r.next;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	kpptp_reorder_res_init(&res);
	kpptp_reorder_rx(&g->r, skb, seq, window, now, &res);
	/* The first packet sets next wherever it is. */
	collect(test, g, &res, started ? next_before : g->r.next);
}

static void rx(struct kunit *test, struct rig *g, u32 seq, u32 window, u64 now)
{
	rx_sized(test, g, seq, window, now, 64);
}

static void expire(struct kunit *test, struct rig *g, u64 now, u64 hold)
{
	struct kpptp_reorder_res res;
	u32 next_before = g->r.next;

	kpptp_reorder_res_init(&res);
	kpptp_reorder_expire(&g->r, now, hold, &res);
	collect(test, g, &res, next_before);
}

/* The delivered numbers, in order, are exactly want[0..n). */
static void expect_got(struct kunit *test, const struct rig *g, const u32 *want,
		       unsigned int n)
{
	KUNIT_ASSERT_EQ(test, g->ngot, n);
	for (unsigned int i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, g->got[i], want[i]);
}

#define EXPECT_GOT(test, g, ...) do {					\
	static const u32 want_[] = { __VA_ARGS__ };			\
	expect_got(test, g, want_, ARRAY_SIZE(want_));			\
} while (0)

static void in_order(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	for (u32 i = 100; i < 105; i++)
		rx(test, g, i, 0, 0);
	EXPECT_GOT(test, g, 100, 101, 102, 103, 104);
	KUNIT_EXPECT_EQ(test, g->r.next, 105u);
	KUNIT_EXPECT_EQ(test, g->lost + g->late + g->out_of_order, 0u);
}

static void reordered_within_window(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 4, 0);
	rx(test, g, 2, 4, 0);
	rx(test, g, 3, 4, 0);
	KUNIT_EXPECT_EQ(test, g->ngot, 1u);
	rx(test, g, 1, 4, 0);
	EXPECT_GOT(test, g, 0, 1, 2, 3);
	KUNIT_EXPECT_EQ(test, g->reordered, 2u);
	KUNIT_EXPECT_EQ(test, g->out_of_order, 2u);
	KUNIT_EXPECT_EQ(test, g->lost, 0u);
	rx(test, g, 2, 4, 0);		/* a duplicate, now behind */
	KUNIT_EXPECT_EQ(test, g->late, 1u);
	rx(test, g, 6, 4, 0);
	rx(test, g, 6, 4, 0);		/* a duplicate of a held packet */
	KUNIT_EXPECT_EQ(test, g->late, 2u);
}

/*
 * The review's case: 0 delivered, 2 3 4 held, the window lowered to 0,
 * then 3 and 4 again. Resynchronising on 3 delivers the held 2 3 4: the
 * new 3 and 4 are duplicates, and next stays at 5.
 */
static void window_lowered_while_held(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 8, 0);
	rx(test, g, 2, 8, 0);
	rx(test, g, 3, 8, 0);
	rx(test, g, 4, 8, 0);
	rx(test, g, 3, 0, 0);
	rx(test, g, 4, 0, 0);
	EXPECT_GOT(test, g, 0, 2, 3, 4);
	KUNIT_EXPECT_EQ(test, g->late, 2u);
	KUNIT_EXPECT_EQ(test, g->lost, 1u);
	KUNIT_EXPECT_EQ(test, g->r.next, 5u);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&g->r.q));
}

/* Window 8 to 1 with packets held: the gaps close, nothing goes back. */
static void window_shrunk_while_held(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 8, 0);
	rx(test, g, 3, 8, 0);
	rx(test, g, 5, 8, 0);
	rx(test, g, 7, 8, 0);
	rx(test, g, 8, 1, 0);		/* 7 ahead of next 1, window 1 */
	EXPECT_GOT(test, g, 0, 3, 5, 7, 8);
	KUNIT_EXPECT_EQ(test, g->lost, 4u);	/* 1 2 4 6 */
	KUNIT_EXPECT_EQ(test, g->r.next, 9u);
	rx(test, g, 5, 1, 0);
	KUNIT_EXPECT_EQ(test, g->late, 1u);
}

static void wraps(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0xfffffffeu, 4, 0);
	rx(test, g, 0, 4, 0);
	rx(test, g, 1, 4, 0);
	rx(test, g, 0xffffffffu, 4, 0);
	EXPECT_GOT(test, g, 0xfffffffeu, 0xffffffffu, 0, 1);
	KUNIT_EXPECT_EQ(test, g->r.next, 2u);
	rx(test, g, 0xfffffff0u, 4, 0);	/* far behind, across the wrap */
	KUNIT_EXPECT_EQ(test, g->late, 1u);
	KUNIT_EXPECT_EQ(test, g->lost, 0u);
}

static void timeout_gives_up_the_gap(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u64 when;

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 10, 4, 1000);
	rx(test, g, 12, 4, 1000);
	rx(test, g, 14, 4, 1005);
	KUNIT_ASSERT_TRUE(test, kpptp_reorder_deadline(&g->r, 20, &when));
	KUNIT_EXPECT_EQ(test, when, 1020ull);
	expire(test, g, 1019, 20);
	KUNIT_EXPECT_EQ(test, g->ngot, 1u);
	expire(test, g, 1020, 20);	/* 12's gap goes; 14 waits its own time */
	EXPECT_GOT(test, g, 10, 12);
	KUNIT_EXPECT_EQ(test, g->lost, 1u);
	KUNIT_ASSERT_TRUE(test, kpptp_reorder_deadline(&g->r, 20, &when));
	KUNIT_EXPECT_EQ(test, when, 1025ull);
	expire(test, g, 1025, 20);
	EXPECT_GOT(test, g, 10, 12, 14);
	KUNIT_EXPECT_FALSE(test, kpptp_reorder_deadline(&g->r, 20, &when));
}

static void too_far_ahead_resyncs(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 4, 0);
	rx(test, g, 2, 4, 0);
	rx(test, g, 33, 4, 0);		/* 32 ahead: within reach, held */
	KUNIT_EXPECT_EQ(test, g->ngot, 1u);
	rx(test, g, 100, 4, 0);		/* 99 ahead of next 1: beyond 8 x 4 */
	EXPECT_GOT(test, g, 0, 2, 33, 100);
	KUNIT_EXPECT_EQ(test, g->lost, 97u);
	KUNIT_EXPECT_EQ(test, g->overflow, 1u);
}

/* Big packets: the byte cap closes gaps long before the window would. */
static void byte_cap(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 256, 0);
	for (u32 i = 2; i < 200; i += 2)
		rx_sized(test, g, i, 256, 0, 8192);
	KUNIT_EXPECT_GT(test, g->overflow, 0u);
	KUNIT_EXPECT_LE(test, g->r.bytes, (u32)KPPTP_REORDER_MAX_BYTES);
	kpptp_reorder_purge(&g->r);
	KUNIT_EXPECT_EQ(test, g->r.bytes, 0u);
}

/*
 * Random arrivals (reordered, duplicated, lost) with the window changed
 * at random: the invariant holds at every step (checked by collect), and
 * every number is delivered at most once.
 */
static void random_walk(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u32 base = 0xffffff00u;

	KUNIT_ASSERT_NOT_NULL(test, g);
	for (int round = 0; round < 20; round++) {
		rig_init(g);
		for (int i = 0; i < 400; i++) {
			u32 seq = base + i + get_random_u32_below(16) - 8;
			u32 window = get_random_u32_below(4) ? get_random_u32_below(16) : 0;

			rx(test, g, seq, window, i);
			if (!get_random_u32_below(8))
				expire(test, g, i, 3);
		}
		kpptp_reorder_purge(&g->r);
		base += 0x10000;
	}
}

#define US(n)	((u64)(n) * NSEC_PER_USEC)
#define MS(n)	((u64)(n) * NSEC_PER_MSEC)

/*
 * The hold: the whole cap until a gap was seen to close, then four times
 * the largest delay seen this period or the last, plus 500 us. Microsecond
 * gaps do not talk a 5 ms one down; a period later it is forgotten.
 */
static void hold_adapts(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u64 t = MS(1000);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), MS(20));
	rx(test, g, 0, 8, t);
	rx(test, g, 2, 8, t);			/* 1 is missing */
	rx(test, g, 1, 8, t + US(400));		/* closes the gap after 400 us */
	EXPECT_GOT(test, g, 0, 1, 2);
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), US(2100));
	rx(test, g, 4, 8, t + MS(1));		/* a gap that closes at once */
	rx(test, g, 3, 8, t + MS(1));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), US(2100));
	rx(test, g, 6, 8, t + MS(2));		/* one of 5 ms */
	rx(test, g, 5, 8, t + MS(7));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(50)), US(20500));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(4)), MS(4));
	/* The next period still remembers 5 ms... */
	rx(test, g, 8, 8, t + MS(4100));
	rx(test, g, 7, 8, t + MS(4100) + US(100));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(50)), US(20500));
	/* ...the one after only that period's 100 us... */
	rx(test, g, 10, 8, t + MS(8200));
	rx(test, g, 9, 8, t + MS(8200) + US(50));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), US(900));
	/* ...and after a whole period with no sample, nothing. */
	rx(test, g, 12, 8, t + MS(20000));
	rx(test, g, 11, 8, t + MS(20000));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), US(500));
	/* Not reordering: a peer silent for a minute teaches nothing. */
	rx(test, g, 14, 8, t + MS(21000));
	rx(test, g, 13, 8, t + MS(81000));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), US(500));
	KUNIT_EXPECT_EQ(test, g->lost + g->late, 0u);
	KUNIT_EXPECT_EQ(test, g->ngot, 15u);
}

/*
 * A gap given up too soon: its packet comes late. That is a sample too
 * (the hold was short by that much), and the next gap is held longer.
 * A late packet of no gap given up (a duplicate) teaches nothing.
 */
static void late_packet_of_a_given_up_gap(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u64 t = MS(1000), hold;

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 8, t);
	rx(test, g, 2, 8, t);
	rx(test, g, 1, 8, t + US(100));		/* learnt: 100 us */
	hold = kpptp_reorder_hold(&g->r, MS(20));
	KUNIT_EXPECT_EQ(test, hold, US(900));
	rx(test, g, 5, 8, t + MS(1));		/* 3 and 4 missing */
	expire(test, g, t + MS(1) + hold, hold);
	KUNIT_EXPECT_EQ(test, g->lost, 2u);
	rx(test, g, 2, 8, t + MS(4));		/* a duplicate: nothing learnt */
	KUNIT_EXPECT_EQ(test, g->r.delay, US(100));
	rx(test, g, 4, 8, t + MS(4));		/* of the gap: 3 ms late */
	KUNIT_EXPECT_EQ(test, g->late, 2u);
	KUNIT_EXPECT_EQ(test, g->r.delay, MS(3));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), US(12500));
	EXPECT_GOT(test, g, 0, 1, 2, 5);
}

/* A path that loses and never reorders pays the cap once, then the floor. */
static void first_loss_ends_the_cap(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u64 t = MS(1000);

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 8, t);
	rx(test, g, 2, 8, t);
	expire(test, g, t + MS(20), kpptp_reorder_hold(&g->r, MS(20)));
	EXPECT_GOT(test, g, 0, 2);
	KUNIT_EXPECT_EQ(test, g->lost, 1u);
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)),
			KPPTP_REORDER_HOLD_MIN_NS);
	/* Its packet after all, 30 ms late: the next gap gets the cap. */
	rx(test, g, 1, 8, t + MS(30));
	KUNIT_EXPECT_EQ(test, g->r.delay, MS(30));
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(20)), MS(20));
}

/*
 * A hold proven too short is kept past the period: a host that stalls a
 * CPU now and then pays for its longest stall once. Only gaps given up
 * with none of theirs coming late wear it off.
 */
static void late_hold_persists(struct kunit *test)
{
	struct rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u64 t = MS(1000), hold;
	u32 seq, i;

	KUNIT_ASSERT_NOT_NULL(test, g);
	rig_init(g);
	rx(test, g, 0, 8, t);
	rx(test, g, 2, 8, t);
	rx(test, g, 1, 8, t + US(100));		/* learnt: 100 us */
	rx(test, g, 4, 8, t + MS(1));		/* 3 is stalled */
	hold = kpptp_reorder_hold(&g->r, MS(50));
	expire(test, g, t + MS(1) + hold, hold);
	rx(test, g, 3, 8, t + MS(6));		/* 5 ms late */
	KUNIT_EXPECT_EQ(test, g->late, 1u);
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(50)), US(20500));
	/* Two periods of microsecond gaps later, still remembered. */
	seq = 5;
	for (i = 0; i < 3; i++) {
		t += MS(4000);
		rx(test, g, seq + 1, 8, t);
		rx(test, g, seq, 8, t + US(10));
		seq += 2;
	}
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(50)), US(20500));
	/* Losses, each given up at the longer hold, wear it off. */
	for (i = 0; i < KPPTP_REORDER_PERSIST; i++) {
		KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(50)), US(20500));
		rx(test, g, seq + 1, 8, t);
		expire(test, g, t + US(20500), kpptp_reorder_hold(&g->r, MS(50)));
		seq += 2;
		t += MS(30);
	}
	KUNIT_EXPECT_EQ(test, g->lost, 1u + KPPTP_REORDER_PERSIST);
	KUNIT_EXPECT_EQ(test, kpptp_reorder_hold(&g->r, MS(50)), US(540));
}

static struct kunit_case reorder_cases[] = {
	KUNIT_CASE(in_order),
	KUNIT_CASE(reordered_within_window),
	KUNIT_CASE(window_lowered_while_held),
	KUNIT_CASE(window_shrunk_while_held),
	KUNIT_CASE(wraps),
	KUNIT_CASE(timeout_gives_up_the_gap),
	KUNIT_CASE(too_far_ahead_resyncs),
	KUNIT_CASE(byte_cap),
	KUNIT_CASE(random_walk),
	KUNIT_CASE(hold_adapts),
	KUNIT_CASE(late_packet_of_a_given_up_gap),
	KUNIT_CASE(first_loss_ends_the_cap),
	KUNIT_CASE(late_hold_persists),
	{}
};

static struct kunit_suite reorder_suite = {
	.name = "kpptp-reorder",
	.test_cases = reorder_cases,
};

kunit_test_suite(reorder_suite);

MODULE_DESCRIPTION("KUnit tests of kpptp's receive sequence engine");
MODULE_LICENSE("GPL");
