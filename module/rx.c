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

	if (unlikely(!sk)) {
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

/* Deliver every queued packet that is now in sequence. */
static void kpptp_drain(struct kpptp_session *s)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&s->reorder_q))) {
		u32 seq = KPPTP_RX_CB(skb)->seq;

		if (kpptp_seq_before(seq, s->rx_next)) {
			__skb_unlink(skb, &s->reorder_q);
			kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late);
			kfree_skb(skb);
			continue;
		}
		if (seq != s->rx_next)
			break;
		__skb_unlink(skb, &s->reorder_q);
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_reordered);
		s->rx_next = seq + 1;
		kpptp_deliver(s, skb);
	}
}

/* Give up the gap before the oldest held packet. */
static void kpptp_skip_gap(struct kpptp_session *s)
{
	struct sk_buff *head = skb_peek(&s->reorder_q);
	u32 seq;

	if (!head)
		return;
	seq = KPPTP_RX_CB(head)->seq;
	rx_add(s, KPPTP_STAT_rx_lost, seq - s->rx_next);
	s->rx_next = seq;
	kpptp_drain(s);
}

static void kpptp_reorder_arm(struct kpptp_session *s)
{
	struct sk_buff *head = skb_peek(&s->reorder_q);

	if (head && !s->rx_dead)
		mod_timer(&s->reorder_timer,
			  KPPTP_RX_CB(head)->arrived + s->reorder_timeout);
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
			return true;
		}
	}
	__skb_queue_head(&s->reorder_q, skb);
	return true;
}

static void kpptp_rx_ahead(struct kpptp_session *s, struct sk_buff *skb,
			   u32 seq)
{
	u32 window = READ_ONCE(s->reorder_window);

	kpptp_rx_stat_inc(s, KPPTP_STAT_rx_out_of_order);
	if (!window) {
		rx_add(s, KPPTP_STAT_rx_lost, seq - s->rx_next);
		s->rx_next = seq + 1;
		kpptp_deliver(s, skb);
		return;
	}
	if (seq - s->rx_next > window) {
		/* Too far ahead to be reordering: resynchronise on it. */
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_reorder_overflow);
		while (skb_peek(&s->reorder_q))
			kpptp_skip_gap(s);
		rx_add(s, KPPTP_STAT_rx_lost, seq - s->rx_next);
		s->rx_next = seq + 1;
		kpptp_deliver(s, skb);
		return;
	}
	KPPTP_RX_CB(skb)->arrived = jiffies;
	if (!kpptp_reorder_insert(s, skb)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late);
		kfree_skb(skb);
		return;
	}
	if (skb_queue_len(&s->reorder_q) > window) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_reorder_overflow);
		kpptp_skip_gap(s);
	}
	if (!timer_pending(&s->reorder_timer))
		kpptp_reorder_arm(s);
}

void kpptp_reorder_timeout(struct timer_list *t)
{
	struct kpptp_session *s = from_timer(s, t, reorder_timer);
	struct sk_buff *head;

	rcu_read_lock();
	spin_lock(&s->rx_lock);
	while (!s->rx_dead && (head = skb_peek(&s->reorder_q)) &&
	       time_after_eq(jiffies,
			     KPPTP_RX_CB(head)->arrived + s->reorder_timeout))
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
		s->rx_started = true;
		s->rx_next = seq;
		WRITE_ONCE(s->ack_sent, seq - 1);
	}

	if (unlikely(kpptp_seq_before(seq, s->rx_next))) {
		kpptp_rx_late(s, skb);
		return;
	}
	if (likely(seq == s->rx_next)) {
		s->rx_next = seq + 1;
		kpptp_deliver(s, skb);
		if (unlikely(!skb_queue_empty(&s->reorder_q))) {
			kpptp_drain(s);
			if (skb_queue_empty(&s->reorder_q))
				del_timer(&s->reorder_timer);
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
	spin_lock(&s->rx_lock);
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
	if (unlikely(!plen)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_no_payload);
		goto drop;
	}
	if (unlikely(plen > skb->len - hlen)) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_bad_length);
		goto drop;
	}
	__skb_pull(skb, hlen);
	/* Bytes past the declared payload are link padding, not PPP. */
	if (unlikely(pskb_trim(skb, plen))) {
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_bad_length);
		goto drop;
	}
	KPPTP_RX_CB(skb)->seq = seq;
	kpptp_rx_data(s, skb, seq);
	spin_unlock(&s->rx_lock);
	return NET_RX_SUCCESS;

drop:
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
	kpptp_touch(&s->last_rx);
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
