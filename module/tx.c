// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: the ppp_channel start_xmit of a session, and standalone acks.
 *
 * Two paths send a session's frames: ppp_generic's start_xmit (under its
 * channel lock) and the fast path's egress hook (fastpath_tx.c, no PPP
 * lock at all). Both number and send under s->tx_lock, so tx_seq and
 * tx_stats have one writer at a time and the wire order is the numbering
 * order. Lock order: ppp_generic's downl, then tx_lock, then fp_lock
 * (the watcher's). The route is cached per session (dst_cache) and
 * revalidated by the FIB generation, not looked up per packet.
 */

#include <linux/icmp.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <linux/ppp-ioctl.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <net/sock.h>

#include "gre.h"
#include "kpptp.h"

static void tx_add(struct kpptp_session *s, int stat, u64 n)
{
	u64_stats_update_begin(&s->tx_stats.syncp);
	u64_stats_add(&s->tx_stats.cnt[stat], n);
	u64_stats_update_end(&s->tx_stats.syncp);
}

/*
 * The route GRE from local to peer takes when sk sends it: the socket's
 * mark, bound device, UID and security label apply. sk is a PPPoX socket,
 * never an inet one, so the flow is built here field by field: the inet
 * helpers (ip_route_output_ports() and the like) would read inet_sk(sk)
 * flags that are other fields of a pppox_sock.
 */
struct rtable *kpptp_route_output(struct net *net, struct sock *sk, __be32 peer,
				  __be32 local, struct flowi4 *fl4)
{
	flowi4_init_output(fl4, sk->sk_bound_dev_if, READ_ONCE(sk->sk_mark),
			   0, RT_SCOPE_UNIVERSE, IPPROTO_GRE, 0,
			   peer, local, 0, 0, sock_net_uid(net, sk));
	security_sk_classify_flow(sk, flowi4_to_flowi_common(fl4));
	return ip_route_output_flow(net, fl4, sk);
}

struct rtable *kpptp_route(struct kpptp_session *s, struct sock *sk,
			   __be32 *saddr)
{
	u32 mark = READ_ONCE(sk->sk_mark);
	int oif = READ_ONCE(sk->sk_bound_dev_if);
	struct rtable *rt;
	struct flowi4 fl4;

	if (unlikely(mark != READ_ONCE(s->route_mark) || oif != READ_ONCE(s->route_oif))) {
		WRITE_ONCE(s->route_mark, mark);
		WRITE_ONCE(s->route_oif, oif);
		dst_cache_reset(&s->dst_cache);
	}
	rt = dst_cache_get_ip4(&s->dst_cache, saddr);
	if (rt)
		return rt;
	rt = kpptp_route_output(s->net, sk, s->peer_key.peer, s->local_addr, &fl4);
	if (IS_ERR(rt))
		return rt;
	dst_cache_set_ip4(&s->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return rt;
}

/* The outer header; consumes skb and the route reference. */
static int kpptp_ip_xmit(struct kpptp_session *s, struct sk_buff *skb,
			 struct rtable *rt, __be32 saddr, bool df)
{
	struct iphdr *iph;
	int err;

	skb_scrub_packet(skb, false);
	skb_reset_transport_header(skb);
	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));

	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->frag_off = df ? htons(IP_DF) : 0;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_GRE;
	iph->saddr = saddr;
	iph->daddr = s->peer_key.peer;

	skb_dst_set(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);
	/*
	 * A fast-path segment may leave its inner checksum to a lower device
	 * that computes any (NETIF_F_HW_CSUM): csum_start and csum_offset
	 * still point at it. Anything else carries no checksum state.
	 */
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		skb->ip_summed = CHECKSUM_NONE;
	ip_select_ident(s->net, skb, NULL);
	/* net_xmit_eval() evaluates its argument twice: never pass a call. */
	err = ip_local_out(s->net, skb->sk, skb);
	return net_xmit_eval(err);
}

/*
 * A padded LCP Echo-Request or Echo-Reply (more than the magic number
 * after its header) is a path-MTU probe: kpptp.so's (kpptp-pmtu-probe),
 * as PPPoE peers use them (RFC 4638). It leaves with DF, so that a link
 * too small drops it (or a router says so) instead of fragmenting it and
 * reporting a size the call's IP packets will not get through. A plain
 * keepalive echo is 8 octets: never near any MTU.
 */
static bool kpptp_lcp_probe(struct sk_buff *skb)
{
	return pskb_may_pull(skb, 6) &&
	       (skb->data[2] == 9 || skb->data[2] == 10) &&
	       get_unaligned_be16(skb->data + 4) > 8;
}

/* PPTP carries the inner DF: a tunnel must not fragment what its sender forbade. */
static bool kpptp_inner_df(const struct sk_buff *skb, unsigned int off)
{
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	return iph && iph->version == 4 && (iph->frag_off & htons(IP_DF));
}

/*
 * The inner packet forbids fragmentation and, encapsulated, exceeds the
 * path MTU to the peer: tell its sender, as a router would, the inner MTU
 * that fits whatever headers the next packets carry.
 *
 * A sender on this host learns it directly (the route's PMTU exception,
 * which TCP reads on its next segment): an ICMP error from us to us would
 * need a source address on the far side. A remote sender gets an ICMP
 * "fragmentation needed"; ppp_generic dropped the packet's route
 * (skb_scrub_packet) and icmp_send needs one, so route towards the sender.
 * If that route leads back into a PPP device, stay silent: ppp_generic
 * would see its own transmit path recurse.
 */
static void kpptp_frag_needed(struct net *net, struct sk_buff *skb,
			      unsigned int poff, unsigned int path_mtu)
{
	unsigned int encap = sizeof(struct iphdr) + KPPTP_GRE_MAX_LEN + 2 + 2;
	const struct iphdr *iph;
	struct flowi4 fl4 = {};
	struct rtable *rt;
	u32 mtu;

	if (path_mtu <= encap + 68 || !pskb_may_pull(skb, poff + sizeof(*iph)))
		return;
	mtu = path_mtu - encap;
	skb_set_network_header(skb, poff);
	iph = ip_hdr(skb);
	fl4.daddr = iph->saddr;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	if (rt->rt_type == RTN_LOCAL) {
		ip_rt_put(rt);
		__skb_pull(skb, poff);	/* ipv4_update_pmtu reads skb->data */
		ipv4_update_pmtu(skb, net, mtu, 0, iph->protocol);
		__skb_push(skb, poff);
		return;
	}
	if (rt->dst.dev->type == ARPHRD_PPP) {
		ip_rt_put(rt);
		return;
	}
	skb_dst_set(skb, &rt->dst);
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	skb_dst_drop(skb);
}

/*
 * Is the peer's receive window (from its Call-Reply, given over netlink)
 * already full of packets it has not acknowledged? RFC 2637 asks a sender
 * to wait then; we send anyway (there is no queue to wait in, and pppd
 * would only time out) but count it: a peer that stops acknowledging is
 * about to stall, and some (Windows) do when their window overflows.
 */
static bool kpptp_over_window(const struct kpptp_session *s)
{
	u16 win = READ_ONCE(s->peer_recv_window);
	u32 unacked;

	if (!win)
		return false;
	unacked = s->tx_seq;	/* sent so far, before the first ack */
	if (READ_ONCE(s->ack_recv_valid))
		unacked -= READ_ONCE(s->ack_recv) + 1;
	return unacked >= win;
}

/*
 * One PPP frame (protocol field first, in full) onto the wire: PFC and
 * ACFC as negotiated, the GRE header with the next sequence number and a
 * piggybacked ack, the outer IPv4 header. Consumes skb and a reference
 * to rt, the route to the peer from kpptp_route() (source saddr): the
 * fast path looks it up once for all the segments of a packet. Called
 * with s->tx_lock held, by both paths: numbering and handing to the
 * lower device under one lock is what keeps the wire order monotonic.
 */
static void kpptp_send_frame(struct kpptp_session *s, struct sk_buff *skb,
			     u16 proto, struct rtable *rt, __be32 saddr)
{
	unsigned int hlen, encap, need, poff;
	struct kpptp_gre_hdr *gh;
	bool islcp, acf, df, ack, over, probe;
	u32 ack_val = 0;
	__be32 *opt;
	int flags;

	lockdep_assert_held(&s->tx_lock);
	islcp = proto == PPP_LCP && pskb_may_pull(skb, 3) &&
		skb->data[2] >= 1 && skb->data[2] <= 7;
	flags = READ_ONCE(s->ppp_flags);
	poff = 2;
	/* LCP configuration packets go uncompressed (RFC 1661 6.5, 6.6). */
	if ((flags & SC_COMP_PROT) && skb->data[0] == 0 && !islcp) {
		__skb_pull(skb, 1);
		poff = 1;
	}
	acf = !(flags & SC_COMP_AC) || islcp;
	probe = proto == PPP_LCP && kpptp_lcp_probe(skb);
	df = probe || (proto == PPP_IP && kpptp_inner_df(skb, poff));

	ack = false;
	/* Pairs with the engine's store-release: next is set before started. */
	if (smp_load_acquire(&s->rx_seq.started)) {
		ack_val = READ_ONCE(s->rx_seq.next) - 1;
		ack = ack_val != READ_ONCE(s->ack_sent);
	}
	hlen = KPPTP_GRE_BASE_LEN + 4 + (ack ? 4 : 0);
	/* All that goes in front of the PPP protocol field. */
	encap = sizeof(struct iphdr) + hlen + (acf ? 2 : 0);
	if (df && skb->len + encap > dst_mtu(&rt->dst)) {
		/* A probe's sender is pppd: its missing reply is the answer. */
		if (!probe)
			kpptp_frag_needed(s->net, skb, poff, dst_mtu(&rt->dst));
		ip_rt_put(rt);
		tx_add(s, KPPTP_STAT_tx_drop_too_big, 1);
		goto drop;
	}
	need = LL_RESERVED_SPACE(rt->dst.dev) + encap;
	if (skb_headroom(skb) < need || skb_header_cloned(skb)) {
		tx_add(s, KPPTP_STAT_tx_headroom_realloc, 1);
		if (skb_cow_head(skb, need)) {
			ip_rt_put(rt);
			tx_add(s, KPPTP_STAT_tx_drop_nomem, 1);
			goto drop;
		}
	}
	if (acf) {
		u8 *p = __skb_push(skb, 2);

		p[0] = PPP_ALLSTATIONS;
		p[1] = PPP_UI;
	}

	over = kpptp_over_window(s);
	u64_stats_update_begin(&s->tx_stats.syncp);
	u64_stats_inc(&s->tx_stats.cnt[KPPTP_STAT_tx_packets]);
	if (over)
		u64_stats_inc(&s->tx_stats.cnt[KPPTP_STAT_tx_over_window]);
	u64_stats_add(&s->tx_stats.cnt[KPPTP_STAT_tx_bytes], skb->len);
	if (ack)
		u64_stats_inc(&s->tx_stats.cnt[KPPTP_STAT_tx_acks_piggybacked]);
	u64_stats_update_end(&s->tx_stats.syncp);

	gh = __skb_push(skb, hlen);
	gh->flags = GRE_KEY | GRE_SEQ | htons(1) | (ack ? GRE_ACK : 0);
	gh->protocol = KPPTP_GRE_PROTO;
	gh->payload_len = htons(skb->len - hlen);
	gh->call_id = htons(s->peer_key.call_id);
	opt = (__be32 *)(gh + 1);
	*opt++ = htonl(s->tx_seq++);	/* RFC 2637 4.1: the first is 0 */
	if (ack) {
		*opt = htonl(ack_val);
		WRITE_ONCE(s->ack_sent, ack_val);
	}

	if (kpptp_ip_xmit(s, skb, rt, saddr, df))
		tx_add(s, KPPTP_STAT_tx_errors, 1);
	return;

drop:
	kfree_skb(skb);
}

/*
 * A frame of ppp_generic's path: its route, then onto the wire. Under
 * s->tx_lock; consumes skb.
 */
static void kpptp_send_routed(struct kpptp_session *s, struct sock *sk,
			      struct sk_buff *skb, u16 proto)
{
	struct rtable *rt;
	__be32 saddr;

	rt = kpptp_route(s, sk, &saddr);
	if (IS_ERR(rt)) {
		tx_add(s, KPPTP_STAT_tx_drop_no_route, 1);
		kfree_skb(skb);
		return;
	}
	kpptp_send_frame(s, skb, proto, rt, saddr);
}

/*
 * Is this CPU inside kpptp_send_frame()'s lock? Then a packet routed back
 * into a PPP unit must not take the fast path, which would take the same
 * lock again: it goes the slow way, where ppp_generic stops the loop.
 */
static DEFINE_PER_CPU(bool, kpptp_tx_busy);

bool kpptp_tx_recursing(void)
{
	return __this_cpu_read(kpptp_tx_busy);
}

void kpptp_tx_lock(struct kpptp_session *s)
	__acquires(&s->tx_lock)
{
	spin_lock_bh(&s->tx_lock);
	__this_cpu_write(kpptp_tx_busy, true);
}

void kpptp_tx_unlock(struct kpptp_session *s)
	__releases(&s->tx_lock)
{
	__this_cpu_write(kpptp_tx_busy, false);
	spin_unlock_bh(&s->tx_lock);
}

/*
 * Under kpptp_tx_lock(): a segment of the fast path, an IP packet. Pushes
 * its protocol field and sends it by rt (saddr), the route the hook looked
 * up once for the whole packet; the caller keeps its reference. False if
 * it was dropped (counted).
 */
bool kpptp_xmit_fast(struct kpptp_session *s, struct sk_buff *skb, u16 proto,
		     struct rtable *rt, __be32 saddr)
{
	if (skb_cow_head(skb, 2)) {
		tx_add(s, KPPTP_STAT_tx_drop_nomem, 1);
		kfree_skb(skb);
		return false;
	}
	put_unaligned_be16(proto, __skb_push(skb, 2));
	dst_hold(&rt->dst);	/* the segment's own */
	kpptp_send_frame(s, skb, proto, rt, saddr);
	return true;
}

int kpptp_xmit(struct ppp_channel *chan, struct sk_buff *skb)
{
	struct sock *sk = chan->private;
	/* Set before the channel was registered (pppox.c): never NULL. */
	struct kpptp_session *s = kpptp_sk(sk)->session;

	/* From here on tx_stats is written: under the lock, as everywhere. */
	kpptp_tx_lock(s);
	/*
	 * A closing session, or a socket detaching from a netlink-made one
	 * (its channel lives until a grace period has passed): either way
	 * this channel no longer owns the session's sequence numbers.
	 */
	if (unlikely(READ_ONCE(s->state) != KPPTP_S_CONNECTED ||
		     rcu_access_pointer(s->sk) != sk)) {
		tx_add(s, KPPTP_STAT_tx_drop_dead, 1);
		goto drop;
	}
	kpptp_touch(&s->last_tx);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		tx_add(s, KPPTP_STAT_tx_drop_nomem, 1);
		goto out;
	}
	if (unlikely(!pskb_may_pull(skb, 2))) {
		tx_add(s, KPPTP_STAT_tx_drop_short, 1);
		goto drop;
	}
	if (unlikely(rcu_access_pointer(s->fp)))
		kpptp_fp_watch_tx(s, skb);
	kpptp_send_routed(s, sk, skb, get_unaligned_be16(skb->data));
	goto out;

drop:
	kfree_skb(skb);
out:
	kpptp_tx_unlock(s);
	return 1;
}

static int kpptp_send_ack(struct kpptp_session *s, struct sock *sk, u32 ack)
{
	unsigned int hlen = KPPTP_GRE_BASE_LEN + 4;
	unsigned int room = LL_MAX_HEADER + sizeof(struct iphdr) + hlen;
	struct kpptp_gre_hdr *gh;
	struct sk_buff *skb;
	struct rtable *rt;
	__be32 saddr;

	skb = alloc_skb(room, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, room);
	gh = __skb_push(skb, hlen);
	gh->flags = GRE_KEY | GRE_ACK | htons(1);
	gh->protocol = KPPTP_GRE_PROTO;
	gh->payload_len = 0;
	gh->call_id = htons(s->peer_key.call_id);
	*(__be32 *)(gh + 1) = htonl(ack);

	rt = kpptp_route(s, sk, &saddr);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	return kpptp_ip_xmit(s, skb, rt, saddr, false);
}

/* Called with rx_lock held, after data was accepted. */
void kpptp_ack_schedule(struct kpptp_session *s)
{
	if (!s->rx_dead && !timer_pending(&s->ack_timer))
		mod_timer(&s->ack_timer, jiffies + READ_ONCE(s->ack_delay));
}

/*
 * Data arrived and nothing went back within ack_delay to carry the ack:
 * send it alone, so that a peer with a small window keeps sending
 * (the in-tree module never does, and stalls such peers).
 */
void kpptp_ack_timeout(struct timer_list *t)
{
	struct kpptp_session *s = timer_container_of(s, t, ack_timer);
	struct sock *sk;
	u32 ack;

	rcu_read_lock();
	sk = rcu_dereference(s->sk);
	/* Acquire: pairs with the engine's store-release (reorder.h). */
	if (!sk || READ_ONCE(s->rx_dead) || !smp_load_acquire(&s->rx_seq.started))
		goto out;
	ack = READ_ONCE(s->rx_seq.next) - 1;
	if (ack == READ_ONCE(s->ack_sent))
		goto out;
	WRITE_ONCE(s->ack_sent, ack);
	if (kpptp_send_ack(s, sk, ack))
		kpptp_ev_inc(s, KPPTP_STAT_tx_ack_only_fail);
	else
		kpptp_ev_inc(s, KPPTP_STAT_tx_ack_only);
out:
	rcu_read_unlock();
}
