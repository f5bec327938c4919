/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_H
#define _KPPTP_H

#include <linux/if_pppox.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "fastpath.h"
#include "kpptp-version.h"
#include "reorder.h"
#include "stats.h"

/*
 * Lookup key of a connected session. Call IDs only have to be unique per
 * peer (RFC 2637 3.2.2), so the key is the pair, and one host can carry
 * more than 65535 sessions. The key is hashed as raw bytes: pad is 0.
 */
struct kpptp_key {
	__be32 peer;		/* peer's IPv4 address */
	u16 call_id;		/* host order */
	u16 pad;
};

/* Per network namespace state (net_generic). */
struct kpptp_net {
	/*
	 * Writers of the tables, the list and the id counts hold lock.
	 * Readers of by_local/by_peer use RCU (the receive and ICMP paths);
	 * list is read under lock (proc, dumps).
	 */
	struct mutex lock;
	struct rhashtable by_local;	/* connected: (peer, our call ID) */
	struct rhashtable by_peer;	/* connected: (peer, peer call ID) */
	/*
	 * Our call ID -> xa_mk_value(users * 2 + wildcard). A wildcard user
	 * is a session bound without a peer yet: it owns the ID alone.
	 */
	struct xarray ids;
	u32 id_cursor;
	/* Handle (KPPTP_A_ID) -> session: netlink lookups and resumable dumps. */
	struct xarray index;
	u32 index_cursor;
	struct list_head sessions;
	unsigned int nsessions;
	unsigned int nowned;		/* sessions with an owner_portid */
	/*
	 * Teardowns queued or running (they take lock): the namespace's exit
	 * waits for exactly these, not for every RCU callback and work item
	 * of the system, so a namespace without sessions pays nothing.
	 */
	atomic_t teardowns;
	/* Every fast path of the namespace, from enable to free (fastpath.c). */
	struct list_head fps;

	atomic_long_t stats[KPPTP_NET_NSTATS];
};

enum kpptp_session_state {
	KPPTP_S_BOUND,		/* has our call ID, no peer yet */
	KPPTP_S_CONNECTED,	/* in the lookup tables, carries data */
	KPPTP_S_DEAD,		/* unhashed, waiting for RCU and release */
};

/*
 * The session: one PPTP call's data path. The only object that lives in the
 * lookup tables; the PPPoX socket points to it, not the other way round.
 *
 * Lifetime: refs counts owners (the socket, the tables while hashed). The
 * memory is freed by RCU after the last put, so the receive and ICMP paths
 * (RCU readers) never take a reference. Teardown (kpptp_session_close) is
 * the only place that unhashes, and it is idempotent.
 */
struct kpptp_session {
	struct rhash_head local_node;	/* in kpptp_net.by_local */
	struct rhash_head peer_node;	/* in kpptp_net.by_peer */
	struct kpptp_key local_key;	/* (peer, our call ID) */
	struct kpptp_key peer_key;	/* (peer, peer's call ID) */
	struct list_head list;		/* kpptp_net.sessions, under lock */

	/*
	 * Not counted: a socket holds its namespace, and the namespace's exit
	 * closes the sessions no socket holds (netlink-made ones).
	 */
	struct net *net;
	__be32 local_addr;
	refcount_t refs;
	enum kpptp_session_state state;	/* written under kpptp_net.lock */
	u8 origin;			/* enum kpptp_origin, set once */
	u8 down_reason;			/* enum kpptp_down_reason, at close */
	u32 index;			/* handle in kpptp_net.index */
	u32 owner_portid;		/* owned: netlink portid of the creator */
	kuid_t uid;			/* who made it: what readers may see */
	/*
	 * Made with CAP_NET_ADMIN in the namespace (every netlink-made
	 * session; a socket's if its opener and connecter had it), set
	 * before hashing. Such a session takes a (peer, peer call ID) from
	 * one that is not: a user cannot squat an admin's call.
	 */
	bool privileged;
	struct rcu_work free_work;
	struct rcu_head rcu;

	/*
	 * The PPPoX socket whose ppp_channel carries this call. sk is what
	 * the receive path and timers read (RCU; cleared, then a grace
	 * period, before the channel is unregistered). attached is who holds
	 * the session (under kn->lock): it stays set until a detaching
	 * socket's channel is gone, so no second socket can attach and
	 * transmit on the same sequence space meanwhile. channel is the
	 * channel's index for readers that must not touch the socket
	 * (netlink, /proc): written under kn->lock, -1 without one. It is
	 * also the receive path's go-ahead: set (store-release) only once
	 * ppp_register_net_channel() has returned, read with load-acquire
	 * before ppp_input(), which a half-registered channel crashes.
	 */
	struct sock __rcu *sk;
	struct sock *attached;
	int channel;

	/*
	 * Tunables: written with WRITE_ONCE (netlink, setsockopt), read with
	 * READ_ONCE by the data path, which copes with any value in range.
	 */
	u32 reorder_window;		/* packets, 0 = no reordering */
	u32 reorder_timeout_ms;		/* the longest hold (reorder.h) */
	u32 ack_delay;			/* jiffies */
	int ppp_flags;			/* SC_COMP_PROT, SC_COMP_AC */
	u16 peer_recv_window;		/* the peer's Call-Reply window */
	u64 cookie;			/* the daemon's tag, opaque here */

	/*
	 * Watch (watch.c): a 1 s timer, armed only while stall_timeout or
	 * anomaly_threshold is set. last_rx/last_tx are jiffies written by
	 * the data path only when they change (one store per jiffy).
	 */
	u32 stall_timeout;		/* seconds, 0 = off */
	u32 anomaly_threshold;		/* per second, 0 = off */
	unsigned long last_rx, last_tx;
	struct timer_list watch_timer;
	bool stalled;			/* timer only: event already sent */
	u64 anomaly_base;		/* timer only */
	unsigned long icmp_ntf_time;	/* rate limit of ICMP events */

	/*
	 * Receive state, all written under rx_lock (softirq; _bh from
	 * process). rx_seq's next and started, ack_recv and ack_recv_valid
	 * are also read by the transmit path without the lock: WRITE_ONCE
	 * (started: store-release) here, READ_ONCE (load-acquire) there.
	 */
	spinlock_t rx_lock ____cacheline_aligned_in_smp;
	bool rx_dead;			/* teardown: no more timers */
	/*
	 * The sequence engine (reorder.h): its next is what we ack, read by
	 * the transmit path as that header says (acquire on started).
	 */
	struct kpptp_reorder rx_seq;
	/*
	 * The receive fast path, NULL while off: written under fp_lock, a
	 * leaf lock, read under RCU (fastpath.c says why not rx_lock).
	 * fp_closed: the session ended, no fast path is published again.
	 */
	struct kpptp_fp __rcu *fp;
	spinlock_t fp_lock;		/* writers of fp and fp_closed */
	bool fp_closed;
	/*
	 * What the fast paths moved: packets (/proc), and the jiffies of the
	 * last one each way, which pppd's idle check adds to ppp_generic's
	 * own (KPPTP_SO_FASTPATH_IDLE). Written under rx_lock and tx_lock;
	 * fp_rx_nogro, the received frames sent around GRO, by the polls.
	 */
	atomic64_t fp_rx_packets, fp_tx_packets, fp_rx_nogro;
	unsigned long fp_last_rx, fp_last_tx;
	/*
	 * Fires when the oldest gap's hold is over. An hrtimer (softirq
	 * mode, so its callback runs as a timer_list's would): holds are
	 * fractions of a millisecond, below a jiffy. Armed and cancelled
	 * (never waited for) under rx_lock; the teardown waits for it once
	 * rx_dead is set, after which nothing re-arms it.
	 */
	struct hrtimer reorder_timer;
	struct timer_list ack_timer;
	u32 ack_recv;			/* highest ack the peer sent us */
	bool ack_recv_valid;		/* ack_recv holds one */
	struct kpptp_rx_stats rx_stats;

	/*
	 * Ack state shared by both directions: rx_seq.next - 1 is what we must
	 * acknowledge, ack_sent what we last did. Lockless by design: a lost
	 * race costs one redundant or one delayed ack, never a wrong one.
	 */
	u32 ack_sent;

	/*
	 * Transmit state, all under tx_lock (_bh): both paths, ppp_generic's
	 * (inside its channel lock) and the fast path's (outside any PPP
	 * lock), number and send under it, so the wire order is the order
	 * of tx_seq (tx.c).
	 */
	spinlock_t tx_lock ____cacheline_aligned_in_smp;
	u32 tx_seq;
	struct dst_cache dst_cache;
	/*
	 * The socket's mark and bound device when dst_cache was filled: a
	 * SO_MARK or SO_BINDTODEVICE after connect resets the cache. Also
	 * touched by the ack timer: READ_ONCE/WRITE_ONCE, and a lost race
	 * costs one more route lookup.
	 */
	u32 route_mark;
	int route_oif;
	struct kpptp_tx_stats tx_stats;

	/* Events (ICMP, timers). */
	atomic_long_t ev_stats[KPPTP_EV_NSTATS];
	u32 pmtu;			/* from ICMP frag-needed, 0 = none */
	__be32 icmp_router;		/* who sent the last ICMP error */
	u8 icmp_type, icmp_code;
	unsigned long icmp_time;	/* jiffies of the last ICMP error */
};

/* Our PPPoX socket: the in-tree layout first, then a pointer to the session. */
struct kpptp_sock {
	struct pppox_sock po;		/* must be first: pppox_sk() casts */
	/*
	 * Owned ref, set by bind or connect under lock_sock, and always
	 * before the channel is registered: the channel's start_xmit and
	 * ioctl find it set.
	 */
	struct kpptp_session *session;
	/*
	 * Bound to a call ID that connected sessions already use (netlink-made
	 * ones, or towards other peers): the session is found or made by
	 * connect, which knows the peer.
	 */
	u16 shared_call_id;
	__be32 shared_local;
};

static inline struct kpptp_sock *kpptp_sk(const struct sock *sk)
{
	return (struct kpptp_sock *)sk;
}

/* main.c */
extern unsigned int kpptp_net_id;
extern struct workqueue_struct *kpptp_wq;
struct kpptp_uint_param {
	unsigned int val;	/* READ_ONCE: written through sysfs */
	unsigned int min, max;
};

extern struct kpptp_uint_param kpptp_default_reorder_window;
extern struct kpptp_uint_param kpptp_default_reorder_timeout_ms;
extern struct kpptp_uint_param kpptp_default_ack_delay_ms;

static inline struct kpptp_net *kpptp_pernet(const struct net *net)
{
	return net_generic(net, kpptp_net_id);
}

static inline void kpptp_net_count(struct kpptp_net *kn, int stat)
{
	atomic_long_inc(&kn->stats[stat]);
}

/* session.c */
int kpptp_session_cache_init(void);
void kpptp_session_cache_exit(void);
int kpptp_net_init_tables(struct kpptp_net *kn);
void kpptp_net_destroy_tables(struct kpptp_net *kn);
struct kpptp_session *kpptp_session_bind(struct net *net, __be32 local_addr,
					 u16 *call_id, kuid_t uid);
int kpptp_session_connect(struct kpptp_session *s, __be32 peer,
			  u16 peer_call_id, struct sock *sk);

/* What session-new (or connect after a shared bind) asks for. */
struct kpptp_session_cfg {
	__be32 local_addr, peer_addr;
	u16 call_id;			/* 0: allocate one free for this peer */
	u16 peer_call_id;
	u8 origin;			/* enum kpptp_origin */
	u32 owner_portid;		/* 0: not owned */
	kuid_t uid;
	bool privileged;		/* see kpptp_session.privileged */
};

/*
 * Make a connected session, or with sk, attach sk to the netlink-made one
 * with the same keys. The caller announces a new session
 * (kpptp_nl_notify_up) once it has set it up. Each refusal has its own
 * errno, for netlink.c to put in words:
 *  -EADDRINUSE    call_id is bound by a socket that has no peer yet (or,
 *                 with sk, the netlink-made session may not take sk)
 *  -EADDRNOTAVAIL no call ID is free towards this peer (call_id 0)
 *  -EEXIST        call_id is in use towards this peer
 *  -EALREADY      the peer call is served by a session at least as
 *                 privileged
 */
struct kpptp_session *kpptp_session_create(struct net *net,
					   const struct kpptp_session_cfg *cfg,
					   struct sock *sk);
void kpptp_session_close(struct kpptp_session *s, u8 reason);
void kpptp_session_detach(struct kpptp_session *s, struct sock *sk);
void kpptp_session_put(struct kpptp_session *s);
void kpptp_net_close_all(struct kpptp_net *kn);
void kpptp_owner_release(struct net *net, u32 portid);
struct kpptp_session *kpptp_session_by_key(struct kpptp_net *kn, __be32 peer,
					   u16 call_id);
void kpptp_session_announce(struct kpptp_session *s);
void kpptp_session_set_channel(struct kpptp_session *s, struct sock *sk,
			       int channel);
struct kpptp_session *kpptp_session_lookup_rcu(struct kpptp_net *kn,
					       __be32 peer, u16 call_id);
struct kpptp_session *kpptp_session_lookup_peer_rcu(struct kpptp_net *kn,
						    __be32 peer,
						    u16 peer_call_id);
int kpptp_session_set_opt(struct kpptp_session *s, int opt, u32 val);
int kpptp_session_get_opt(struct kpptp_session *s, int opt, u32 *val);

/* How long a gap in s's receive sequence is held now (ns; lockless). */
static inline u64 kpptp_rx_hold(const struct kpptp_session *s)
{
	return kpptp_reorder_hold(&s->rx_seq,
				  (u64)READ_ONCE(s->reorder_timeout_ms) * NSEC_PER_MSEC);
}

/* rx.c */
int kpptp_gre_rcv(struct sk_buff *skb);
struct flowi4;
struct rtable;
struct rtable *kpptp_route_output(struct net *net, struct sock *sk, __be32 peer,
				  __be32 local, struct flowi4 *fl4);
enum hrtimer_restart kpptp_reorder_timeout(struct hrtimer *t);
void kpptp_rx_stat_inc(struct kpptp_session *s, int stat);

/* tx.c */
int kpptp_xmit(struct ppp_channel *chan, struct sk_buff *skb);
struct rtable *kpptp_route(struct kpptp_session *s, struct sock *sk,
			   __be32 *saddr);
void kpptp_tx_lock(struct kpptp_session *s) __acquires(&s->tx_lock);
void kpptp_tx_unlock(struct kpptp_session *s) __releases(&s->tx_lock);
bool kpptp_tx_recursing(void);
bool kpptp_xmit_fast(struct kpptp_session *s, struct sk_buff *skb, u16 proto,
		     struct rtable *rt, __be32 saddr);
void kpptp_ack_timeout(struct timer_list *t);
void kpptp_ack_schedule(struct kpptp_session *s);

/* watch.c */
void kpptp_watch_update(struct kpptp_session *s);
void kpptp_watch_timeout(struct timer_list *t);

static inline void kpptp_touch(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

/* icmp.c */
void kpptp_gre_err(struct sk_buff *skb, u32 info);

/* pppox.c */
int kpptp_pppox_init(void);
void kpptp_pppox_exit(void);

/* proc.c */
int kpptp_proc_init(struct net *net);
void kpptp_proc_exit(struct net *net);

static inline void kpptp_ev_inc(struct kpptp_session *s, int stat)
{
	atomic_long_inc(&s->ev_stats[stat]);
}

#endif /* _KPPTP_H */
