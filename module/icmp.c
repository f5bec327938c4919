// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about our GRE packets: the signal behind the classic
 * "TCP 1723 works but GRE is blocked" failure (Windows error 619/806).
 * The in-tree module has no err_handler and throws them away; here each
 * one is charged to its session, with the address of the router that sent
 * it, and "fragmentation needed" lowers the path MTU.
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>

#include "gre.h"
#include "kpptp.h"
#include "netlink.h"

void kpptp_gre_err(struct sk_buff *skb, u32 info)
{
	struct net *net = dev_net(skb->dev);
	struct kpptp_net *kn = kpptp_pernet(net);
	const struct kpptp_gre_hdr *gh;
	const struct iphdr *iph;
	struct kpptp_session *s;
	int type, code, stat;

	/* skb->data is the IP header we sent, quoted inside the ICMP error. */
	iph = (const struct iphdr *)skb->data;
	if (!pskb_may_pull(skb, iph->ihl * 4 + KPPTP_GRE_BASE_LEN)) {
		kpptp_net_count(kn, KPPTP_STAT_icmp_no_session);	/* matches nothing */
		return;
	}
	iph = (const struct iphdr *)skb->data;
	gh = (const struct kpptp_gre_hdr *)(skb->data + iph->ihl * 4);
	/* Only what we send: enhanced GRE with a key (the peer's call ID). */
	if (gh->protocol != KPPTP_GRE_PROTO || !(gh->flags & GRE_KEY)) {
		kpptp_net_count(kn, KPPTP_STAT_icmp_no_session);
		return;
	}
	type = icmp_hdr(skb)->type;
	code = icmp_hdr(skb)->code;

	rcu_read_lock();
	/* We sent it, so the key holds the peer's call ID. */
	s = kpptp_session_lookup_peer_rcu(kn, iph->daddr, ntohs(gh->call_id));
	/* Quoting our packet, it quotes our source address too. */
	if (s && s->local_addr && iph->saddr != s->local_addr)
		s = NULL;
	if (!s) {
		rcu_read_unlock();
		kpptp_net_count(kn, KPPTP_STAT_icmp_no_session);
		return;
	}

	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) {
			ipv4_update_pmtu(skb, net, info, 0, IPPROTO_GRE);
			/* As the route took it: a forged value is not shown raw. */
			WRITE_ONCE(s->pmtu, clamp_t(u32, info, IPV4_MIN_MTU, IP_MAX_MTU));
			dst_cache_reset(&s->dst_cache);
			stat = KPPTP_STAT_icmp_frag_needed;
		} else {
			stat = KPPTP_STAT_icmp_unreachable;
		}
		break;
	case ICMP_TIME_EXCEEDED:
		stat = KPPTP_STAT_icmp_time_exceeded;
		break;
	case ICMP_REDIRECT:
		ipv4_redirect(skb, net, 0, IPPROTO_GRE);
		dst_cache_reset(&s->dst_cache);
		fallthrough;
	default:
		stat = KPPTP_STAT_icmp_other;
		break;
	}
	kpptp_ev_inc(s, stat);
	WRITE_ONCE(s->icmp_router, ip_hdr(skb)->saddr);
	WRITE_ONCE(s->icmp_type, type);
	WRITE_ONCE(s->icmp_code, code);
	WRITE_ONCE(s->icmp_time, jiffies);
	/*
	 * At most one event per session and second: a flood stays a trickle.
	 * Under rx_lock and only while live: never after session-down.
	 */
	if (time_after_eq(jiffies, READ_ONCE(s->icmp_ntf_time) + HZ) ||
	    !READ_ONCE(s->icmp_ntf_time)) {
		spin_lock_bh(&s->rx_lock);
		if (!s->rx_dead) {
			WRITE_ONCE(s->icmp_ntf_time, jiffies);
			kpptp_nl_notify_icmp(s);
		}
		spin_unlock_bh(&s->rx_lock);
	}
	rcu_read_unlock();
}
