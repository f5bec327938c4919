// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: validate the enhanced GRE header, find the session under RCU,
 * put the packet in sequence (reorder.c, under rx_lock), hand the PPP
 * frames to ppp_generic in that order.
 *
 * A packet ahead of a gap waits as long as the session's reordering has
 * been seen to take, at most reorder_timeout_ms (reorder.h, the reorder
 * timer); everything behind the next expected number is dropped, except
 * LCP echoes, so that a peer's sequence jump can never starve the
 * keepalive. The engine's invariant (reorder.h) holds whatever the window
 * or timeout is changed to at runtime.
 */

#include <linux/ip.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/sock.h>

#include "gre.h"
#include "kpptp.h"
#include "reorder.h"

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
	if (rcu_access_pointer(s->fp) && kpptp_fp_rx(s, skb))
		return;

	ppp_input(&pppox_sk(sk)->chan, skb);
}

/* What the engine's step decided: counted, delivered in order, timer set. */
static void kpptp_rx_apply(struct kpptp_session *s, struct kpptp_reorder_res *res)
{
	struct sk_buff *skb;
	u64 when;

	if (unlikely(res->out_of_order))
		kpptp_rx_stat_inc(s, KPPTP_STAT_rx_out_of_order);
	if (unlikely(res->lost))
		rx_add(s, KPPTP_STAT_rx_lost, res->lost);
	if (unlikely(res->reordered))
		rx_add(s, KPPTP_STAT_rx_reordered, res->reordered);
	if (unlikely(res->overflow))
		rx_add(s, KPPTP_STAT_rx_reorder_overflow, res->overflow);
	if (unlikely(res->late_freed))
		rx_add(s, KPPTP_STAT_rx_late, res->late_freed);
	while ((skb = __skb_dequeue(&res->deliver)))
		kpptp_deliver(s, skb);
	skb = res->late;
	if (unlikely(skb)) {
		/* A peer's sequence jump must never starve the keepalive. */
		if (kpptp_is_lcp_echo(skb)) {
			kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late_lcp);
			kpptp_deliver(s, skb);
		} else {
			kpptp_rx_stat_inc(s, KPPTP_STAT_rx_late);
			kfree_skb(skb);
		}
	}
	if (s->rx_dead)
		return;
	if (!kpptp_reorder_deadline(&s->rx_seq, kpptp_rx_hold(s), &when)) {
		/* Not waited for: the callback takes rx_lock and finds nothing. */
		if (unlikely(hrtimer_is_queued(&s->reorder_timer)))
			hrtimer_try_to_cancel(&s->reorder_timer);
	} else if (!hrtimer_is_queued(&s->reorder_timer) || res->reordered || res->lost) {
		/* A new oldest gap (or none pending): its own deadline. */
		hrtimer_start(&s->reorder_timer, ns_to_ktime(when), HRTIMER_MODE_ABS_SOFT);
	}
}

/* Softirq (HRTIMER_MODE_ABS_SOFT): an rx_lock holder may re-arm it. */
enum hrtimer_restart kpptp_reorder_timeout(struct hrtimer *t)
{
	struct kpptp_session *s = container_of(t, struct kpptp_session, reorder_timer);
	struct kpptp_reorder_res res;
	u64 now = ktime_get_ns();

	kpptp_reorder_res_init(&res);
	rcu_read_lock();
	spin_lock(&s->rx_lock);
	if (!s->rx_dead) {
		kpptp_reorder_expire(&s->rx_seq, now, kpptp_rx_hold(s), &res);
		kpptp_rx_apply(s, &res);
		kpptp_ack_schedule(s);
	}
	spin_unlock(&s->rx_lock);
	rcu_read_unlock();
	/* Re-armed above (hrtimer_start) if a gap is still held. */
	return HRTIMER_NORESTART;
}

static void kpptp_rx_data(struct kpptp_session *s, struct sk_buff *skb,
			  u32 seq)
{
	struct kpptp_reorder_res res;
	u64 now = 0;

	/* The clock only off the common path: the next packet, none held. */
	if (unlikely(kpptp_reorder_needs_clock(&s->rx_seq, seq)))
		now = ktime_get_ns();
	kpptp_reorder_res_init(&res);
	kpptp_reorder_rx(&s->rx_seq, skb, seq, READ_ONCE(s->reorder_window), now, &res);
	if (unlikely(res.started))
		WRITE_ONCE(s->ack_sent, seq - 1);
	kpptp_rx_apply(s, &res);
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
	/*
	 * The outer checksum state says nothing about the PPP payload, but
	 * for CHECKSUM_PARTIAL: a packet from this host (over veth) whose
	 * sender's fast path left the inner checksum to a device; csum_start
	 * still points at it, and the stack trusts it as ip_gre's does.
	 */
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		skb->ip_summed = CHECKSUM_NONE;
	ret = kpptp_rx_session(s, skb, flags, seq, ack, hlen, plen);
	rcu_read_unlock();
	return ret;

drop:
	kpptp_net_count(kn, stat);
	kfree_skb(skb);
	return NET_RX_DROP;
}
