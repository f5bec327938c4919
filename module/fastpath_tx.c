// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit fast path: IP packets routed to pppN, taken at pppN's
 * netfilter egress hook, before ppp_generic.
 *
 * Why there: the hook runs in __dev_queue_xmit() after routing and
 * POSTROUTING (the admin's firewall, NAT and conntrack on pppN all ran),
 * before the qdisc, before segmentation and before the taps, and the
 * packet is still one GSO packet of up to 64 KB. ppp_generic would
 * segment it in software with checksums (pppN has no checksum offload)
 * and send each 1.4 KB segment through its locks. Here it is segmented
 * once, sharing its pages, with the inner checksums left to a lower device
 * that computes any (NETIF_F_HW_CSUM), and every segment is numbered and
 * sent under the session's tx_lock, the lock ppp_generic's path takes
 * too: one sequence counter, one wire order.
 *
 * What sends a packet the slow way instead (NF_ACCEPT, ppp_generic does
 * what it always did): a session not fast for the packet's NCP, a qdisc
 * or a tc egress filter on pppN (shaping keeps working), a tap (tcpdump
 * on pppN then sees what it always saw), a route to the peer through a
 * PPP unit, a packet whose segments would not fit the path MTU (the slow
 * path answers with ICMP), and a CPU already inside tx_lock (a packet
 * routed back into a PPP unit by our own transmit).
 *
 * The hook is registered on pppN by kpptp_fp_alloc() and unregistered,
 * under rtnl, by pppN's NETDEV_UNREGISTER (pppN may be leaving for
 * another namespace, and its hooks must go with it) or by the fast path's
 * free work, whichever comes first. It runs under rcu_read_lock_bh(): the
 * fp it is given is freed after a grace period that follows the
 * unregistration, and it acts only while s->fp is that fp.
 */
#include <linux/if_arp.h>
#include <linux/kpptp.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/ppp_defs.h>
#include <net/route.h>
#include <net/sch_generic.h>
#ifdef KPPTP_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

#include "fastpath.h"
#include "gre.h"
#include "kpptp.h"

#if IS_ENABLED(CONFIG_NETFILTER_EGRESS)

/* All a segment can get in front of its IP header, an ack included. */
#define KPPTP_FP_ENCAP	(sizeof(struct iphdr) + KPPTP_GRE_MAX_LEN + 2 + 2)

/* Is there a tc egress program or filter on dev? It would run after us. */
static bool kpptp_fp_tc_egress(const struct net_device *dev)
{
#if defined(KPPTP_HAVE_TCX_EGRESS) && IS_ENABLED(CONFIG_NET_XGRESS)
	return rcu_access_pointer(dev->tcx_egress);
#elif IS_ENABLED(CONFIG_NET_CLS_ACT)
	return rcu_access_pointer(dev->miniq_egress);
#else
	return false;
#endif
}

/* Must this packet of dev go through ppp_generic to keep what the admin set? */
static bool kpptp_fp_dev_slow(struct net_device *dev)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);

	/*
	 * noqueue (pppN's default) has no enqueue: anything else shapes. A
	 * queue always has a qdisc (noop_qdisc before any is attached).
	 */
	return rcu_dereference_bh(txq->qdisc)->enqueue ||
	       kpptp_fp_tc_egress(dev) || dev_nit_active(dev);
}

static unsigned int kpptp_fp_egress(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct kpptp_fp_tx *tx = priv;
	struct kpptp_session *s = tx->s;
	struct net_device *dev = tx->dev;
	struct sk_buff *segs, *seg, *next;
	netdev_features_t features;
	unsigned int n = 0, bytes = 0;
	struct net_device *lower;
	struct rtable *rt;
	struct sock *sk;
	__be32 saddr;
	u32 ncp, mtu;
	u16 proto;

	ncp = kpptp_fp_tx_ncp(s, tx);
	if (skb->protocol == htons(ETH_P_IP) && (ncp & KPPTP_FP_IPV4))
		proto = PPP_IP;
	else if (skb->protocol == htons(ETH_P_IPV6) && (ncp & KPPTP_FP_IPV6))
		proto = PPP_IPV6;
	else
		return NF_ACCEPT;
	sk = rcu_dereference_bh(s->sk);
	if (!sk || READ_ONCE(s->state) != KPPTP_S_CONNECTED ||
	    kpptp_tx_recursing() || kpptp_fp_dev_slow(dev))
		return NF_ACCEPT;

	rt = kpptp_route(s, sk, &saddr);
	if (IS_ERR(rt))
		return NF_ACCEPT;
	lower = rt->dst.dev;
	mtu = dst_mtu(&rt->dst);
	features = NETIF_F_SG | (lower->features & NETIF_F_HW_CSUM);
	if (lower->type == ARPHRD_PPP || mtu <= KPPTP_FP_ENCAP + 68)
		goto slow;
	mtu -= KPPTP_FP_ENCAP;
	if (skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu) :
			      skb->len > mtu)
		goto slow;

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, features);
		if (IS_ERR_OR_NULL(segs))
			goto slow;	/* ppp_generic's path copes */
		consume_skb(skb);
	} else {
		if (skb->ip_summed == CHECKSUM_PARTIAL &&
		    !(features & NETIF_F_HW_CSUM) && skb_checksum_help(skb))
			goto slow;
		skb_mark_not_on_list(skb);
		segs = skb;
	}

	kpptp_tx_lock(s);
	kpptp_touch(&s->last_tx);
	skb_list_walk_safe(segs, seg, next) {
		unsigned int len = seg->len;

		skb_mark_not_on_list(seg);
		/* One route for all: each segment takes a reference of it. */
		if (kpptp_xmit_fast(s, seg, proto, rt, saddr)) {
			n++;
			bytes += len;
		}
	}
	kpptp_tx_unlock(s);
	ip_rt_put(rt);
	/* What ppp_generic counts: the frame less its protocol field. */
	dev_sw_netstats_tx_add(dev, n, bytes);
	atomic64_add(n, &s->fp_tx_packets);
	WRITE_ONCE(s->fp_last_tx, jiffies);
	return NF_STOLEN;

slow:
	ip_rt_put(rt);
	return NF_ACCEPT;
}

int kpptp_fp_tx_register(struct kpptp_fp_tx *tx)
{
	int err;

	ASSERT_RTNL();
	tx->ops = (struct nf_hook_ops) {
		.hook = kpptp_fp_egress,
		.pf = NFPROTO_NETDEV,
		.hooknum = NF_NETDEV_EGRESS,
		.dev = tx->dev,
		/* After the admin's own egress chains. */
		.priority = INT_MAX,
		.priv = tx,
	};
	err = nf_register_net_hook(dev_net(tx->dev), &tx->ops);
	tx->on = !err;
	return err;
}

void kpptp_fp_tx_unregister(struct kpptp_fp_tx *tx)
{
	ASSERT_RTNL();
	if (!tx->on)
		return;
	nf_unregister_net_hook(dev_net(tx->dev), &tx->ops);
	tx->on = false;
}

#else	/* !CONFIG_NETFILTER_EGRESS: receive only (kpptp_fp_init says so) */

int kpptp_fp_tx_register(struct kpptp_fp_tx *tx)
{
	tx->on = false;
	return 0;
}

void kpptp_fp_tx_unregister(struct kpptp_fp_tx *tx)
{
}

#endif
