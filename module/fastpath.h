/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fast path: IPv4 and IPv6 frames of a session whose pppd said
 * "network up, nothing in between" go from the sequence engine straight to
 * GRO on pppN, through a NAPI context of our own, instead of one by one
 * through ppp_input() and netif_rx(); and IP packets routed to pppN are
 * taken at its egress hook, segmented once and sent without ppp_generic
 * (fastpath_tx.c). Everything else (LCP, CCP, IPCP, authentication,
 * compressed frames) stays on ppp_generic's path.
 *
 * On only when the pppd plugin asks (KPPTP_SO_FASTPATH, at ip-up and
 * ip6-up, never with CCP, VJ, filters, demand, multilink or an idle
 * limit) and the module parameter fastpath allows it. Off when the plugin
 * says (ip-down), when pppN goes away, when the session ends, and when a
 * frame that renegotiates passes either way: an LCP Configure-Request or
 * Terminate (all off), the same of IPCP or IPv6CP (that NCP off), a CCP
 * Configure-Ack with options or compressed data (all off). The module
 * itself watches, so a renegotiation pppd has not yet acted on cannot
 * keep it on.
 */
#ifndef _KPPTP_FASTPATH_H
#define _KPPTP_FASTPATH_H

#include <linux/netfilter.h>
#include <linux/types.h>

struct kpptp_session;
struct sk_buff;
struct sock;
struct net_device;

extern bool kpptp_fastpath_allowed;

/*
 * The transmit half of a session's fast path (fastpath_tx.c): pppN's
 * egress hook. on: registered; written under rtnl.
 */
struct kpptp_fp_tx {
	struct kpptp_session *s;
	struct net_device *dev;
	struct nf_hook_ops ops;
	bool on;
};

int kpptp_fp_tx_register(struct kpptp_fp_tx *tx);
void kpptp_fp_tx_unregister(struct kpptp_fp_tx *tx);
/* Under RCU (BH): the NCP bits tx may carry now, 0 if its fp is not s's. */
u32 kpptp_fp_tx_ncp(struct kpptp_session *s, struct kpptp_fp_tx *tx);

struct kpptp_net;

int kpptp_fp_init(void);
void kpptp_fp_net_exit(struct kpptp_net *kn);
void kpptp_fp_stop(void);
void kpptp_fp_exit(void);

/* setsockopt(KPPTP_SO_FASTPATH): process context, socket locked. */
int kpptp_fp_set(struct sock *sk, struct kpptp_session *s, u32 ifindex,
		 u32 ncp);
/* The receive path, under s->rx_lock and RCU: true if the frame was taken. */
bool kpptp_fp_rx(struct kpptp_session *s, struct sk_buff *skb);
/* The transmit path: a frame pppd sends; may turn the fast path off. */
void kpptp_fp_watch_tx(struct kpptp_session *s, const struct sk_buff *skb);
/* Off (any context), and off for good as the session ends. */
void kpptp_fp_off(struct kpptp_session *s);
void kpptp_fp_close(struct kpptp_session *s);
/* For readers (netlink, /proc): the NCP bits on now, 0 when off. */
u32 kpptp_fp_state(struct kpptp_session *s);

#endif /* _KPPTP_FASTPATH_H */
