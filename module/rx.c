// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: validate the enhanced GRE header, find the session under RCU,
 * put the packet in sequence, hand the PPP frame to ppp_generic.
 *
 * RFC 2637 4.3 forbids delivering out of order. A packet ahead of a gap
 * waits in a small per-session queue for at most reorder_timeout; the gap
 * is then given up (counted as lost). Everything behind the next expected
 * number is dropped, except LCP echoes, so that a peer's sequence jump can
 * never starve the keepalive.
 *
 * Invariant, whatever the window or timeout is changed to at runtime:
 * every queued packet is after rx_next, and rx_next only moves forward.
 * All that moves it goes through kpptp_advance(), which first delivers
 * (in order) what is queued before the new position.
 */

#include <linux/ip.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/sock.h>

#include "gre.h"
#include "kpptp.h"

struct kpptp_rx_cb {
	u32 seq;
	unsigned long arrived;	/* jiffies */
};

#define KPPTP_RX_CB(skb) ((struct kpptp_rx_cb *)&((skb)->cb[0]))

static void rx_add(struct kpptp_session *s, int stat, u64 n)
{
	u64_stats_update_begin(&s->rx_stats.syncp);
	u64_stats_add(&s->rx_stats.cnt[stat], n);
	u64_stats_update_end(&s->rx_stats.syncp);
}

void kpptp_rx_stat_inc(struct kpptp_session *s, int stat)
{
	rx_add(s, stat, 1);
}

static bool kpptp_is_lcp_echo(const struct sk_buff *skb)
{
	u8 buf[5];
	const u8 *p = skb_header_pointer(skb, 0, sizeof(buf), buf);

	if (!p)
		return false;
	if (p[0] == PPP_ALLSTATIONS && p[1] == PPP_UI) {
		p = skb_header_pointer(skb, 2, 3, buf);
		if (!p)
			return false;
	}
	return p[0] == (PPP_LCP >> 8) && p[1] == (PPP_LCP & 0xff) &&
	       (p[2] == 9 || p[2] == 10);	/* Echo-Request, Echo-Reply */
}

/* Called under rx_lock: ppp_input() there keeps delivery in order. */
static void kpptp_deliver(struct kpptp_session *s, struct sk_buff *skb)
{
	struct sock *sk = rcu_dereference(s->sk);

	/*
	 * A socket is published before its channel is registered (connect
	 * needs it in the tables): hand packets to the channel only once
	 * kpptp_session_set_channel() says it is complete (the acquire
	 * pairs with its store-release).
	 */
	if (unlikely(!sk || smp_load_acquire(&s->channel) < 0)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_no_channel);
		kfree_skb(skb);
		return;
	}
	/* Bytes as carried in GRE, as tx_bytes counts them on the other side. */
	u64_stats_update_begin(&s->rx_stats.syncp);
	u64_stats_inc(&s->rx_stats.cnt[KPPTP_STAT_rx_packets]);
	u64_stats_add(&s->rx_stats.cnt[KPPTP_STAT_rx_bytes], skb->len);
	u64_stats_update_end(&s->rx_stats.syncp);

	/* Address and control are optional (ACFC); ppp_generic wants neither. */
	if (pskb_may_pull(skb, 2) && skb->data[0] == PPP_ALLSTATIONS &&
	    skb->data[1] == PPP_UI)
		__skb_pull(skb, 2);

	ppp_input(&pppox_sk(sk)->chan, skb);
}

static struct sk_buff *kpptp_reorder_pop(struct kpptp_session *s)
{
	struct sk_buff *skb = __skb_dequeue(&s->reorder_q);

	if (skb)
		s->reorder_bytes -= skb->truesize;
	return skb;
}

/* Deliver every queued packet that is now in sequence. */
static void kpptp_drain(struct kpptp_session *s)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&s->reorder_q)) &&
	       KPPTP_RX_CB(skb)->seq == s->rx_next) {
		kpptp_reorder_pop(s);
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_reordered);
		WRITE_ONCE(s->rx_next, s->rx_next + 1);
		kpptp_deliver(s, skb);
	}
}

/*
 * Move rx_next forward to seq, giving up what never came: what is queued
 * before seq goes out first, in order, and only the real holes count as
 * lost. Never moves backwards (the counters cannot wrap).
 */
static void kpptp_advance(struct kpptp_session *s, u32 seq)
{
	struct sk_buff *head;

	while ((head = skb_peek(&s->reorder_q)) &&
	       kpptp_seq_before(KPPTP_RX_CB(head)->seq, seq)) {
		u32 hseq = KPPTP_RX_CB(head)->seq;

		if (WARN_ON_ONCE(kpptp_seq_before(hseq, s->rx_next))) {
			/* The invariant broke: never loop, never go back. */
			kfree_skb(kpptp_reorder_pop(s));
			kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late);
			continue;
		}
		rx_add(s, KPPTP_STAT_rx_lost, hseq - s->rx_next);
		WRITE_ONCE(s->rx_next, hseq);
		kpptp_drain(s);
	}
	if (kpptp_seq_before(s->rx_next, seq)) {
		rx_add(s, KPPTP_STAT_rx_lost, seq - s->rx_next);
		WRITE_ONCE(s->rx_next, seq);
	}
	kpptp_drain(s);
}

/* Give up the gap before the oldest held packet. */
static void kpptp_skip_gap(struct kpptp_session *s)
{
	struct sk_buff *head = skb_peek(&s->reorder_q);

	if (head)
		kpptp_advance(s, KPPTP_RX_CB(head)->seq);
}

static void kpptp_reorder_arm(struct kpptp_session *s)
{
	struct sk_buff *head = skb_peek(&s->reorder_q);

	if (head && !s->rx_dead)
		mod_timer(&s->reorder_timer, KPPTP_RX_CB(head)->arrived +
			  READ_ONCE(s->reorder_timeout));
}

/* Queue a packet ahead of rx_next, sorted; false if it is a duplicate. */
static bool kpptp_reorder_insert(struct kpptp_session *s, struct sk_buff *skb)
{
	u32 seq = KPPTP_RX_CB(skb)->seq;
	struct sk_buff *p;

	skb_queue_reverse_walk(&s->reorder_q, p) {
		u32 pseq = KPPTP_RX_CB(p)->seq;

		if (pseq == seq)
			return false;
		if (kpptp_seq_before(pseq, seq)) {
			__skb_queue_after(&s->reorder_q, p, skb);
			goto queued;
		}
	}
	__skb_queue_head(&s->reorder_q, skb);
queued:
	s->reorder_bytes += skb->truesize;
	return true;
}

static void kpptp_rx_ahead(struct kpptp_session *s, struct sk_buff *skb,
			   u32 seq)
{
	u32 window = READ_ONCE(s->reorder_window);

	kpptp_rx_stat_inc(s, KPPTP_STAT_rx_out_of_order);
	if (!window || seq - s->rx_next > window) {
		/*
		 * No reordering (window 0, perhaps just set with packets
		 * still queued), or too far ahead to be reordering:
		 * resynchronise on this packet.
		 */
		if (window)
			kpptp_rx_stat_inc(s, KPPTP_STAT_rx_reorder_overflow);
		kpptp_advance(s, seq);
		WRITE_ONCE(s->rx_next, seq + 1);
		kpptp_deliver(s, skb);
		kpptp_drain(s);
		if (!window)
			while (skb_peek(&s->reorder_q))
				kpptp_skip_gap(s);
		return;
	}
	KPPTP_RX_CB(skb)->arrived = jiffies;
	if (!kpptp_reorder_insert(s, skb)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late);
		kfree_skb(skb);
		return;
	}
	/* The window may have shrunk since the queue filled: loop. */
	while (skb_queue_len(&s->reorder_q) > window ||
	       s->reorder_bytes > KPPTP_REORDER_MAX_BYTES) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_reorder_overflow);
		kpptp_skip_gap(s);
	}
	if (!timer_pending(&s->reorder_timer))
		kpptp_reorder_arm(s);
}

void kpptp_reorder_timeout(struct timer_list *t)
{
	struct kpptp_session *s = timer_container_of(s, t, reorder_timer);
	unsigned long timeout = READ_ONCE(s->reorder_timeout);
	struct sk_buff *head;

	rcu_read_lock();
	spin_lock(&s->rx_lock);
	while (!s->rx_dead && (head = skb_peek(&s->reorder_q)) &&
	       time_after_eq(jiffies, KPPTP_RX_CB(head)->arrived + timeout))
		kpptp_skip_gap(s);
	kpptp_reorder_arm(s);
	if (!s->rx_dead)
		kpptp_ack_schedule(s);
	spin_unlock(&s->rx_lock);
	rcu_read_unlock();
}

static void kpptp_rx_late(struct kpptp_session *s, struct sk_buff *skb)
{
	if (kpptp_is_lcp_echo(skb)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late_lcp);
		kpptp_deliver(s, skb);
		return;
	}
	kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late);
	kfree_skb(skb);
}

static void kpptp_rx_data(struct kpptp_session *s, struct sk_buff *skb,
			  u32 seq)
{
	if (unlikely(!s->rx_started)) {
		WRITE_ONCE(s->rx_next, seq);
		WRITE_ONCE(s->ack_sent, seq - 1);
		WRITE_ONCE(s->rx_started, true);
	}

	if (unlikely(kpptp_seq_before(seq, s->rx_next))) {
		kpptp_rx_late(s, skb);
		return;
	}
	if (likely(seq == s->rx_next)) {
		WRITE_ONCE(s->rx_next, seq + 1);
		kpptp_deliver(s, skb);
		if (unlikely(!skb_queue_empty(&s->reorder_q))) {
			kpptp_drain(s);
			if (skb_queue_empty(&s->reorder_q))
				timer_delete(&s->reorder_timer);
		}
	} else {
		kpptp_rx_ahead(s, skb, seq);
	}
	kpptp_ack_schedule(s);
}

static int kpptp_rx_session(struct kpptp_session *s, struct sk_buff *skb,
			    __be16 flags, u32 seq, u32 ack, unsigned int hlen,
			    unsigned int plen)
{
	int stat;

	spin_lock(&s->rx_lock);
	/* Validate first: garbage must neither ack nor hide a stall. */
	if (flags & GRE_SEQ) {
		stat = KPPTP_STAT_rx_no_payload;
		if (unlikely(!plen))
			goto drop;
		stat = KPPTP_STAT_rx_bad_length;
		if (unlikely(plen > skb->len - hlen))
			goto drop;
		__skb_pull(skb, hlen);
		/* Bytes past the declared payload are link padding, not PPP. */
		if (unlikely(pskb_trim(skb, plen)))
			goto drop;
	}
	kpptp_touch(&s->last_rx);
	if (flags & GRE_ACK) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_acks);
		/* The transmit path reads these without the lock. */
		if (!s->ack_recv_valid || kpptp_seq_before(s->ack_recv, ack)) {
			WRITE_ONCE(s->ack_recv, ack);
			WRITE_ONCE(s->ack_recv_valid, true);
		}
	}
	if (!(flags & GRE_SEQ)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_ack_only);
		spin_unlock(&s->rx_lock);
		consume_skb(skb);
		return NET_RX_SUCCESS;
	}
	KPPTP_RX_CB(skb)->seq = seq;
	kpptp_rx_data(s, skb, seq);
	spin_unlock(&s->rx_lock);
	return NET_RX_SUCCESS;

drop:
	kpptp_rx_stat_inc(s, stat);
	spin_unlock(&s->rx_lock);
	kfree_skb(skb);
	return NET_RX_DROP;
}

int kpptp_gre_rcv(struct sk_buff *skb)
{
	struct kpptp_net *kn = kpptp_pernet(dev_net(skb->dev));
	const struct kpptp_gre_hdr *gh;
	struct kpptp_session *s;
	unsigned int hlen, plen;
	u32 seq = 0, ack = 0;
	const __be32 *opt;
	int stat, ret;
	__be16 flags;

	if (unlikely(skb->pkt_type != PACKET_HOST)) {
		stat = KPPTP_STAT_rx_not_host;
		goto drop;
	}
	/* gre_demux pulled 12 bytes; a valid header can be 12 bytes long. */
	stat = KPPTP_STAT_rx_truncated;
	if (!pskb_may_pull(skb, KPPTP_GRE_BASE_LEN))
		goto drop;
	gh = (const struct kpptp_gre_hdr *)skb->data;
	flags = gh->flags;
	if (unlikely(gh->protocol != KPPTP_GRE_PROTO)) {
		stat = KPPTP_STAT_rx_bad_protocol;
		goto drop;
	}
	if (unlikely(flags & KPPTP_GRE_MUST_CLEAR)) {
		stat = KPPTP_STAT_rx_bad_flags;
		goto drop;
	}
	if (unlikely(!(flags & GRE_KEY))) {
		stat = KPPTP_STAT_rx_no_key;
		goto drop;
	}
	if (unlikely(!(flags & (GRE_SEQ | GRE_ACK)))) {
		stat = KPPTP_STAT_rx_no_seq_no_ack;
		goto drop;
	}
	hlen = kpptp_gre_hdr_len(flags);
	stat = KPPTP_STAT_rx_truncated;
	if (!pskb_may_pull(skb, hlen))
		goto drop;
	gh = (const struct kpptp_gre_hdr *)skb->data;
	plen = ntohs(gh->payload_len);
	opt = (const __be32 *)(gh + 1);
	if (flags & GRE_SEQ)
		seq = ntohl(*opt++);
	if (flags & GRE_ACK)
		ack = ntohl(*opt);

	rcu_read_lock();
	s = kpptp_session_lookup_rcu(kn, ip_hdr(skb)->saddr,
				     ntohs(gh->call_id));
	if (unlikely(!s)) {
		rcu_read_unlock();
		stat = KPPTP_STAT_rx_no_session;
		goto drop;
	}
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	/* The outer checksum state says nothing about the PPP payload. */
	skb->ip_summed = CHECKSUM_NONE;
	ret = kpptp_rx_session(s, skb, flags, seq, ack, hlen, plen);
	rcu_read_unlock();
	return ret;

drop:
	kpptp_net_count(kn, stat);
	kfree_skb(skb);
	return NET_RX_DROP;
}
