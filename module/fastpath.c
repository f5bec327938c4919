// SPDX-License-Identifier: GPL-2.0
/*
 * The receive fast path (fastpath.h).
 *
 * Why GRO needs a context of our own: ppp_generic hands every frame to
 * netif_rx(), one 1.4 KB packet at a time, so the receiver's IP and TCP
 * stacks and its ACKs run per packet. GRO merges a burst of one flow into
 * one packet, but only from a NAPI poll. pppN has no NAPI and is not ours
 * to give one (free_netdev() deletes every NAPI on the device's list), so
 * each fast session has its own NAPI on a dummy device of the module (the
 * WireGuard per-peer pattern), and the packets it hands to GRO carry
 * skb->dev = pppN: GRO keeps flows of different devices apart, and the
 * stack sees them arrive on pppN.
 *
 * GRO compares dev->hard_header_len bytes at the MAC header of two packets
 * before it merges them. pppN's hard_header_len is our channel's hdrlen
 * plus 2 (room for the outer headers), and with the MAC header at the IP
 * header GRO would compare IP IDs and TCP sequence numbers: nothing would
 * ever merge. So every fast packet gets the same constant link header.
 *
 * Locking: s->fp is written under s->fp_lock (_bh from process context),
 * a leaf lock: the transmit watcher takes it under ppp_generic's downl,
 * the receive path under rx_lock, and rx_lock cannot be taken under downl
 * (rx_lock -> ppp_input's upl -> ppp's wlock -> downl). Readers use RCU
 * (the receive path runs in gre_rcv's or the reorder timer's RCU section).
 * An fp holds a reference on its session and on pppN, and is freed by an
 * RCU work item: after a grace period no receive path can still queue to
 * it, then napi_disable and netif_napi_del (they sleep), then kfree_rcu.
 * Every fp is on its namespace's list kn->fps (under kn->lock) from enable
 * to free, so the netdevice notifier finds those of a pppN that goes
 * away. Lock order: rtnl, kn->lock, s->fp_lock; s->rx_lock, s->fp_lock;
 * downl, s->tx_lock, s->fp_lock (the transmit watcher runs in tx.c's lock).
 */
#include <linux/etherdevice.h>	/* the unaligned helpers, wherever they live */
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kpptp.h>
#include <linux/netdevice.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <linux/rtnetlink.h>
#include <net/sock.h>
#include <net/udp.h>

#include "fastpath.h"
#include "kpptp.h"

/* Frames waiting for the NAPI poll, per session (a burst is ~45). */
#define KPPTP_FP_QLEN		1024

/* LCP, NCP and CCP codes (RFC 1661 5). */
#define KPPTP_CONFREQ		1
#define KPPTP_CONFACK		2
#define KPPTP_TERMREQ		5
#define KPPTP_TERMACK		6
#define KPPTP_FP_ALL		(KPPTP_FP_IPV4 | KPPTP_FP_IPV6)

struct kpptp_fp {
	struct kpptp_session *s;	/* a reference */
	struct net_device *dev;		/* pppN, held */
	netdevice_tracker tracker;
	u32 ncp;			/* KPPTP_FP_IPV4 | KPPTP_FP_IPV6 */
	/*
	 * Off, but frames are still queued for the poll: until the queue is
	 * empty, IP frames keep coming this way, so that none overtakes them
	 * through ppp_generic (a TCP receiver drops a segment that arrives
	 * behind newer ones by more than a millisecond: PAWS). The poll that
	 * empties the queue unpublishes it. Under s->fp_lock.
	 */
	bool draining;
	struct napi_struct napi;
	struct sk_buff_head q;		/* for the poll; its lock only in softirq */
	struct kpptp_fp_tx tx;		/* pppN's egress hook */
	struct list_head node;		/* kn->fps, under kn->lock */
	struct rcu_work free_work;
	struct rcu_head rcu;
};

bool kpptp_fastpath_allowed;

/*
 * The NAPI contexts' device. 6.1 and 6.12 do not lock a device's NAPI
 * list in netif_napi_add/del: kpptp_fp_napi_lock does (sessions of
 * several namespaces come and go at once).
 */
#ifdef KPPTP_HAVE_ALLOC_NETDEV_DUMMY
static struct net_device *kpptp_napi_dev;
#else
static struct net_device kpptp_napi_dev_storage;
static struct net_device *kpptp_napi_dev = &kpptp_napi_dev_storage;
#endif
static DEFINE_MUTEX(kpptp_fp_napi_lock);

static void kpptp_fp_drained(struct kpptp_fp *fp);

/*
 * Which UDP frames GRO could merge: GRO merges UDP only for a socket that
 * asked for it (UDP_GRO) or a UDP tunnel's, each of which turns on the
 * kernel's udp_encap_needed_key (and udpv6_'s for IPv6 sockets), or when
 * pppN forwards UDP with GRO (ethtool's rx-udp-gro-forwarding, rx-gro-list).
 * Otherwise GRO only checks the frame's checksum and passes it on: a
 * stream of small datagrams (VoIP, DNS, games) pays for GRO's pass over
 * every frame and gains nothing (make bench's UDP64: 0.972-0.976 of
 * ppp_generic's path through GRO, 0.988 around it).
 * Read once per poll, so that within a poll one flow takes one way; all
 * of a poll is delivered before the next starts (net_rx_action flushes
 * GRO after each poll on kernels with HZ < 1000, and napi_complete_done
 * always), so a key turned on mid-stream reorders nothing. Kernels from
 * 6.15 do not export the keys to other modules than IPv6's: there every
 * frame goes to GRO (kpptp_fp_init says so).
 */
#define KPPTP_FP_UDP4_GRO	1
#define KPPTP_FP_UDP6_GRO	2

static unsigned int kpptp_fp_udp_gro(const struct net_device *dev)
{
	unsigned int gro = 0;

	if (dev->features & (NETIF_F_GRO_FRAGLIST | NETIF_F_GRO_UDP_FWD))
		return KPPTP_FP_UDP4_GRO | KPPTP_FP_UDP6_GRO;
#ifdef KPPTP_HAVE_UDP_ENCAP_KEY
	if (static_branch_unlikely(&udp_encap_needed_key))
		gro |= KPPTP_FP_UDP4_GRO;
#if IS_ENABLED(CONFIG_IPV6)
	if (static_branch_unlikely(&udpv6_encap_needed_key))
		gro |= KPPTP_FP_UDP6_GRO;
#else
	gro |= KPPTP_FP_UDP6_GRO;
#endif
#else
	gro = KPPTP_FP_UDP4_GRO | KPPTP_FP_UDP6_GRO;	/* cannot tell: GRO decides */
#endif
	return gro;
}

/* Is skb (its network header at data) a UDP datagram GRO would not merge? */
static bool kpptp_fp_around_gro(const struct sk_buff *skb, unsigned int udp_gro)
{
	u8 buf, *p;

	if (skb->protocol == htons(ETH_P_IP)) {
		if (udp_gro & KPPTP_FP_UDP4_GRO)
			return false;
		p = skb_header_pointer(skb, offsetof(struct iphdr, protocol), 1, &buf);
	} else {
		if (udp_gro & KPPTP_FP_UDP6_GRO)
			return false;
		p = skb_header_pointer(skb, offsetof(struct ipv6hdr, nexthdr), 1, &buf);
	}
	return p && *p == IPPROTO_UDP;
}

static int kpptp_fp_poll(struct napi_struct *napi, int budget)
{
	struct kpptp_fp *fp = container_of(napi, struct kpptp_fp, napi);
	unsigned int udp_gro = kpptp_fp_udp_gro(fp->dev);
	struct sk_buff_head batch;
	LIST_HEAD(around);
	struct sk_buff *skb;
	int done = 0, nogro = 0;

	/*
	 * The queue's lock once per poll, not per frame. Producers and the
	 * poll all run in softirq context: a plain spin_lock is enough.
	 */
	__skb_queue_head_init(&batch);
	spin_lock(&fp->q.lock);
	if (skb_queue_len(&fp->q) <= budget)
		skb_queue_splice_init(&fp->q, &batch);
	else
		while (skb_queue_len(&batch) < budget)
			__skb_queue_tail(&batch, __skb_dequeue(&fp->q));
	spin_unlock(&fp->q.lock);
	while ((skb = __skb_dequeue(&batch))) {
		if (kpptp_fp_around_gro(skb, udp_gro)) {
			list_add_tail(&skb->list, &around);
			nogro++;
		} else {
			napi_gro_receive(napi, skb);
		}
		done++;
	}
	if (nogro) {
		netif_receive_skb_list(&around);
		atomic64_add(nogro, &fp->s->fp_rx_nogro);
	}
	/* A frame queued meanwhile set NAPI_STATE_MISSED: polled again. */
	if (done < budget) {
		napi_complete_done(napi, done);
		if (READ_ONCE(fp->draining))
			kpptp_fp_drained(fp);
	}
	return done;
}

/*
 * Frames the poll had not taken when the NAPI was disabled; up: pppN was
 * registered and running when the hook went (under rtnl). A grace period
 * after s->fp was cleared, nothing queues more; the call goes on through
 * ppp_generic, so they are delivered (a few may overtake), not dropped:
 * a switch under load must not lose. If pppN is going, they are dropped
 * and counted as pppN's.
 */
static void kpptp_fp_drain(struct kpptp_fp *fp, bool up)
{
	struct net_device *dev = fp->dev;
	struct sk_buff *skb;

	local_bh_disable();
	while ((skb = skb_dequeue(&fp->q))) {
		if (up) {
			netif_receive_skb(skb);
		} else {
			dev_core_stats_rx_dropped_inc(dev);
			kfree_skb(skb);
		}
	}
	local_bh_enable();
}

static void kpptp_fp_free_work(struct work_struct *work)
{
	struct kpptp_fp *fp = container_of(to_rcu_work(work), struct kpptp_fp,
					   free_work);
	struct kpptp_net *kn = kpptp_pernet(fp->s->net);
	bool up;

	/* kfree_rcu below: a grace period after this, no hook runs with fp. */
	rtnl_lock();
	kpptp_fp_tx_unregister(&fp->tx);
	up = fp->dev->reg_state == NETREG_REGISTERED && netif_running(fp->dev);
	rtnl_unlock();
	napi_disable(&fp->napi);	/* waits for a running poll */
	mutex_lock(&kpptp_fp_napi_lock);
	netif_napi_del(&fp->napi);
	mutex_unlock(&kpptp_fp_napi_lock);
	kpptp_fp_drain(fp, up);
	mutex_lock(&kn->lock);
	list_del(&fp->node);
	mutex_unlock(&kn->lock);
	netdev_put(fp->dev, &fp->tracker);
	kpptp_session_put(fp->s);
	kfree_rcu(fp, rcu);
}

/*
 * Under s->fp_lock: off now (ncp 0: nothing more is taken on transmit) and
 * unpublished, the rest after a grace period, in a work. With drain (the
 * call goes on), an fp with frames still queued is unpublished by the
 * poll that empties its queue instead.
 */
static void kpptp_fp_detach_locked(struct kpptp_session *s, bool drain)
{
	struct kpptp_fp *fp = rcu_dereference_protected(s->fp,
							lockdep_is_held(&s->fp_lock));

	if (!fp)
		return;
	WRITE_ONCE(fp->ncp, 0);
	if (drain && !skb_queue_empty_lockless(&fp->q)) {
		WRITE_ONCE(fp->draining, true);
		napi_schedule(&fp->napi);	/* a poll that sees it */
		return;
	}
	fp->draining = false;
	RCU_INIT_POINTER(s->fp, NULL);
	queue_rcu_work(kpptp_wq, &fp->free_work);
}

/* The poll emptied the queue of an fp that is off: unpublish it now. */
static void kpptp_fp_drained(struct kpptp_fp *fp)
{
	struct kpptp_session *s = fp->s;

	spin_lock_bh(&s->fp_lock);
	if (fp->draining && rcu_access_pointer(s->fp) == fp &&
	    skb_queue_empty_lockless(&fp->q))
		kpptp_fp_detach_locked(s, false);
	spin_unlock_bh(&s->fp_lock);
}

void kpptp_fp_off(struct kpptp_session *s)
{
	spin_lock_bh(&s->fp_lock);
	kpptp_fp_detach_locked(s, true);
	spin_unlock_bh(&s->fp_lock);
}

/* The session ends: off, and never on again (a racing enable sees it). */
void kpptp_fp_close(struct kpptp_session *s)
{
	spin_lock_bh(&s->fp_lock);
	s->fp_closed = true;
	kpptp_fp_detach_locked(s, false);
	spin_unlock_bh(&s->fp_lock);
}

u32 kpptp_fp_tx_ncp(struct kpptp_session *s, struct kpptp_fp_tx *tx)
{
	struct kpptp_fp *fp = container_of(tx, struct kpptp_fp, tx);

	return rcu_dereference_bh(s->fp) == fp ? READ_ONCE(fp->ncp) : 0;
}

u32 kpptp_fp_state(struct kpptp_session *s)
{
	struct kpptp_fp *fp;
	u32 ncp = 0;

	rcu_read_lock();
	fp = rcu_dereference(s->fp);
	if (fp)
		ncp = READ_ONCE(fp->ncp);
	rcu_read_unlock();
	return ncp;
}

/*
 * Is dev the PPP unit s's channel is attached to, in s's namespace, with
 * the per-CPU counters the fast path adds to? Under rtnl: a rename needs
 * it, so the name compared is stable.
 */
static int kpptp_fp_check_dev(struct sock *sk, struct net_device *dev)
{
	const char *unit;
	bool same;

	ASSERT_RTNL();
	if (!dev)
		return -ENODEV;
	if (dev->type != ARPHRD_PPP || !dev->rtnl_link_ops ||
	    strcmp(dev->rtnl_link_ops->kind, "ppp"))
		return -EINVAL;
	if (dev->pcpu_stat_type != NETDEV_PCPU_STAT_TSTATS)
		return -EOPNOTSUPP;
	rcu_read_lock();
	unit = ppp_dev_name(&pppox_sk(sk)->chan);
	same = unit && !strcmp(unit, dev->name);
	rcu_read_unlock();
	return same ? 0 : -EINVAL;
}

/* Under rtnl: a fast path for s on dev, its NAPI and egress hook ready. */
static struct kpptp_fp *kpptp_fp_alloc(struct kpptp_session *s,
				       struct net_device *dev, u32 ncp, int *err)
{
	struct kpptp_fp *fp = kzalloc(sizeof(*fp), GFP_KERNEL);

	*err = -ENOMEM;
	if (!fp)
		return NULL;
	fp->s = s;
	fp->dev = dev;
	fp->ncp = ncp;
	fp->tx.s = s;
	fp->tx.dev = dev;
	skb_queue_head_init(&fp->q);
	INIT_RCU_WORK(&fp->free_work, kpptp_fp_free_work);
	*err = kpptp_fp_tx_register(&fp->tx);
	if (*err) {
		kfree(fp);
		return NULL;
	}
	netdev_hold(dev, &fp->tracker, GFP_KERNEL);
	refcount_inc(&s->refs);
	mutex_lock(&kpptp_fp_napi_lock);
	netif_napi_add(kpptp_napi_dev, &fp->napi, kpptp_fp_poll);
	mutex_unlock(&kpptp_fp_napi_lock);
	napi_enable(&fp->napi);
	return fp;
}

int kpptp_fp_set(struct sock *sk, struct kpptp_session *s, u32 ifindex,
		 u32 ncp)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);
	struct kpptp_fp *fp, *old;
	struct net_device *dev;
	int err;

	if (ncp & ~KPPTP_FP_ALL)
		return -EINVAL;
	if (!ncp) {
		kpptp_fp_off(s);
		return 0;
	}
	if (!READ_ONCE(kpptp_fastpath_allowed))
		return -EOPNOTSUPP;
	/* Packets of pppN bypass ppp_generic's filters: the admin's call. */
	if (!ns_capable(s->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (READ_ONCE(s->state) != KPPTP_S_CONNECTED)
		return -ENOTCONN;

	rtnl_lock();
	dev = __dev_get_by_index(s->net, ifindex);
	err = kpptp_fp_check_dev(sk, dev);
	if (err)
		goto out;
	spin_lock_bh(&s->fp_lock);
	old = rcu_dereference_protected(s->fp, lockdep_is_held(&s->fp_lock));
	if (old && old->dev == dev) {
		WRITE_ONCE(old->ncp, ncp);	/* another NCP came up or went */
		WRITE_ONCE(old->draining, false);
		spin_unlock_bh(&s->fp_lock);
		goto out;
	}
	kpptp_fp_detach_locked(s, false);
	spin_unlock_bh(&s->fp_lock);

	fp = kpptp_fp_alloc(s, dev, ncp, &err);
	if (!fp)
		goto out;
	mutex_lock(&kn->lock);
	list_add(&fp->node, &kn->fps);
	mutex_unlock(&kn->lock);
	err = 0;
	spin_lock_bh(&s->fp_lock);
	if (s->fp_closed) {
		err = -ENOTCONN;	/* closed meanwhile: never published */
		queue_rcu_work(kpptp_wq, &fp->free_work);
	} else {
		kpptp_fp_detach_locked(s, false);	/* a racing enable's */
		rcu_assign_pointer(s->fp, fp);
	}
	spin_unlock_bh(&s->fp_lock);
out:
	rtnl_unlock();
	return err;
}

/* The protocol field of a PPP frame (address and control stripped). */
static bool kpptp_fp_proto(struct sk_buff *skb, u16 *proto, unsigned int *len)
{
	if (!pskb_may_pull(skb, 1))
		return false;
	if (skb->data[0] & 1) {			/* compressed (PFC) */
		*proto = skb->data[0];
		*len = 1;
		return true;
	}
	if (!pskb_may_pull(skb, 2))
		return false;
	*proto = get_unaligned_be16(skb->data);
	*len = 2;
	return true;
}

/*
 * What a control frame takes back from the fast path: the NCP bits it
 * renegotiates. An LCP Configure-Request, Terminate-Request or -Ack (the
 * link starts over or ends): all. The same of IPCP or IPv6CP: that NCP's
 * bit (pppd ends an IPv6CP it was not told to run while IPCP is up, and
 * IPv4 stays fast). A CCP Configure-Ack with options (compression is
 * agreed: never fast) or compressed data: all. hdr is the frame after
 * its protocol field, len bytes of it.
 */
static u32 kpptp_fp_renegotiates(u16 proto, const u8 *hdr, unsigned int len)
{
	u8 code;

	if (proto == PPP_COMP || proto == PPP_COMPFRAG)
		return KPPTP_FP_ALL;
	if (len < 1)
		return 0;
	code = hdr[0];
	switch (proto) {
	case PPP_LCP:
	case PPP_IPCP:
	case PPP_IPV6CP:
		if (code != KPPTP_CONFREQ && code != KPPTP_TERMREQ && code != KPPTP_TERMACK)
			return 0;
		return proto == PPP_IPCP ? KPPTP_FP_IPV4 :
		       proto == PPP_IPV6CP ? KPPTP_FP_IPV6 : KPPTP_FP_ALL;
	case PPP_CCP:
	case PPP_CCPFRAG:
		/* Code, identifier, length: more than 4 octets carry options. */
		return code == KPPTP_CONFACK && len >= 4 &&
		       get_unaligned_be16(hdr + 2) > 4 ? KPPTP_FP_ALL : 0;
	}
	return 0;
}

/*
 * Take back the bits a control frame renegotiates; off once none is left.
 * Any context: s->fp_lock is a leaf.
 */
static void kpptp_fp_take_back(struct kpptp_session *s, u32 bits)
{
	struct kpptp_fp *fp;
	u32 ncp;

	if (!bits)
		return;
	spin_lock_bh(&s->fp_lock);
	fp = rcu_dereference_protected(s->fp, lockdep_is_held(&s->fp_lock));
	if (fp) {
		ncp = READ_ONCE(fp->ncp) & ~bits;
		if (ncp)
			WRITE_ONCE(fp->ncp, ncp);
		else
			kpptp_fp_detach_locked(s, true);
	}
	spin_unlock_bh(&s->fp_lock);
}

void kpptp_fp_watch_tx(struct kpptp_session *s, const struct sk_buff *skb)
{
	unsigned int n;
	u8 buf[4];
	const u8 *hdr;
	u32 bits;

	if (!rcu_access_pointer(s->fp) || skb->len < 2)
		return;
	/* pppd's frames have a 2-octet protocol field (PFC comes later). */
	n = min_t(unsigned int, skb->len - 2, sizeof(buf));
	hdr = skb_header_pointer(skb, 2, n, buf);
	if (!hdr)
		return;
	bits = kpptp_fp_renegotiates(get_unaligned_be16(skb->data), hdr, n);
	kpptp_fp_take_back(s, bits);
}

/*
 * The constant link header GRO compares (see the top of this file): zeroes
 * and, last, what ppp_generic would have shown: ff 03 and the protocol.
 */
static int kpptp_fp_link_header(struct sk_buff *skb, struct net_device *dev,
				u16 proto)
{
	unsigned int hh = dev->hard_header_len;
	u8 *mac;

	/*
	 * Writes where the outer headers were, and GRO then moves this skb's
	 * frags into the packet it merges with (skb_gro_receive): so nothing
	 * of it may be shared. A clone shares its frags array with its other
	 * copies: a tap's, or, over veth, the sending TCP's retransmit queue,
	 * whose skbs GRO would empty (gro_cells_receive sends clones around
	 * GRO for this reason; here they would overtake the queue). Not
	 * skb_cow_head(): a clone whose header TCP released is not header-
	 * cloned, and still shares its frags.
	 */
	if (skb_cow(skb, hh))
		return -ENOMEM;
	mac = skb_network_header(skb) - hh;
	memset(mac, 0, hh);
	if (hh >= 4) {
		mac[hh - 4] = PPP_ALLSTATIONS;
		mac[hh - 3] = PPP_UI;
		put_unaligned_be16(proto, mac + hh - 2);
	}
	skb_set_mac_header(skb, -(int)hh);
	return 0;
}

bool kpptp_fp_rx(struct kpptp_session *s, struct sk_buff *skb)
{
	struct kpptp_fp *fp = rcu_dereference(s->fp);
	struct net_device *dev;
	unsigned int plen, len, qlen;
	u16 proto;
	u32 ncp;

	if (!fp || !kpptp_fp_proto(skb, &proto, &plen))
		return false;
	ncp = READ_ONCE(fp->ncp);
	/* Off but still draining: IP follows the frames queued before it. */
	if (READ_ONCE(fp->draining) && !skb_queue_empty_lockless(&fp->q))
		ncp = KPPTP_FP_ALL;
	if (proto == PPP_IP && (ncp & KPPTP_FP_IPV4)) {
		skb->protocol = htons(ETH_P_IP);
	} else if (proto == PPP_IPV6 && (ncp & KPPTP_FP_IPV6)) {
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		u8 buf[4];
		unsigned int n = min_t(unsigned int, skb->len - plen, sizeof(buf));
		const u8 *hdr = skb_header_pointer(skb, plen, n, buf);

		if (hdr)
			kpptp_fp_take_back(s, kpptp_fp_renegotiates(proto, hdr, n));
		return false;
	}
	dev = fp->dev;
	/* Down, as ppp_generic would find it: its path counts and drops. */
	if (!netif_running(dev))
		return false;

	__skb_pull(skb, plen);
	skb_reset_network_header(skb);
	skb_scrub_packet(skb, !net_eq(s->net, dev_net(dev)));
	if (kpptp_fp_link_header(skb, dev, proto))
		goto drop;
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	/* ppp_generic's definition: the frame less its protocol field. */
	len = skb->len;
	/* Softirq context, as the poll: no irqsave (kpptp_fp_poll). */
	spin_lock(&fp->q.lock);
	qlen = skb_queue_len(&fp->q);
	if (qlen >= KPPTP_FP_QLEN) {
		spin_unlock(&fp->q.lock);
		goto drop;
	}
	__skb_queue_tail(&fp->q, skb);
	spin_unlock(&fp->q.lock);
	dev_sw_netstats_rx_add(dev, len);
	atomic64_inc(&s->fp_rx_packets);
	WRITE_ONCE(s->fp_last_rx, jiffies);
	/*
	 * Frames were queued already: whoever queued the first of them
	 * schedules (or has scheduled) a poll that takes the whole queue,
	 * this one too. The poll empties the queue in one splice, so a
	 * frame that finds it empty is the one that must schedule.
	 */
	if (!qlen)
		napi_schedule(&fp->napi);
	return true;

drop:
	dev_core_stats_rx_dropped_inc(dev);
	kfree_skb(skb);
	return true;
}

/* pppN goes: every fast session on it falls back, and lets go of it. */
static int kpptp_fp_netdev_event(struct notifier_block *nb, unsigned long event,
				 void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct kpptp_net *kn;
	struct kpptp_fp *fp;

	if (event != NETDEV_UNREGISTER || dev->type != ARPHRD_PPP)
		return NOTIFY_DONE;
	kn = kpptp_pernet(dev_net(dev));
	mutex_lock(&kn->lock);
	list_for_each_entry(fp, &kn->fps, node) {
		struct kpptp_session *s = fp->s;

		if (fp->dev != dev)
			continue;
		/* Now: dev may be leaving for another namespace. */
		kpptp_fp_tx_unregister(&fp->tx);
		spin_lock_bh(&s->fp_lock);
		if (rcu_access_pointer(s->fp) == fp)
			kpptp_fp_detach_locked(s, false);
		spin_unlock_bh(&s->fp_lock);
	}
	mutex_unlock(&kn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block kpptp_fp_notifier = {
	.notifier_call = kpptp_fp_netdev_event,
};

int kpptp_fp_init(void)
{
	int err;

	if (!IS_ENABLED(CONFIG_NETFILTER_EGRESS))
		pr_info("fast path: receive only, this kernel has no netfilter egress hook\n");
#ifndef KPPTP_HAVE_UDP_ENCAP_KEY
	pr_info("fast path: all UDP goes through GRO, this kernel does not export udp_encap_needed_key\n");
#endif
#ifdef KPPTP_HAVE_ALLOC_NETDEV_DUMMY
	kpptp_napi_dev = alloc_netdev_dummy(0);
	if (!kpptp_napi_dev)
		return -ENOMEM;
#else
	init_dummy_netdev(kpptp_napi_dev);
#endif
	err = register_netdevice_notifier(&kpptp_fp_notifier);
#ifdef KPPTP_HAVE_ALLOC_NETDEV_DUMMY
	if (err)
		free_netdev(kpptp_napi_dev);
#endif
	return err;
}

/*
 * A namespace goes, its sessions closed and torn down: their fast paths'
 * free work is queued and takes kn->lock, so it must be done before kn
 * is freed. A namespace that never had one does not wait.
 */
void kpptp_fp_net_exit(struct kpptp_net *kn)
{
	bool any;

	mutex_lock(&kn->lock);
	any = !list_empty(&kn->fps);
	mutex_unlock(&kn->lock);
	if (any)
		flush_workqueue(kpptp_wq);
	WARN_ON_ONCE(!list_empty(&kn->fps));
}

/* Before the namespaces' state goes: the notifier reads it. */
void kpptp_fp_stop(void)
{
	unregister_netdevice_notifier(&kpptp_fp_notifier);
}

/* After kpptp_wq is flushed: the fast paths' free work used the device. */
void kpptp_fp_exit(void)
{
#ifdef KPPTP_HAVE_ALLOC_NETDEV_DUMMY
	free_netdev(kpptp_napi_dev);
#endif
}
