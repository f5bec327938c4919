// SPDX-License-Identifier: GPL-2.0
/*
 * The session object and the per-namespace call-ID tables.
 *
 * Nothing outside this file hashes, unhashes or frees a session.
 *
 * One object, two doors (as in net/l2tp): a session is made by a PPPoX
 * socket (bind, then connect) or by netlink (session-new), and a socket can
 * attach to a netlink-made one by connecting with the same call IDs.
 * Closing a socket deletes the session it made, and only detaches from a
 * netlink-made one, which lives until session-del, its owner's exit (when
 * owned) or its namespace's exit.
 *
 * Only the session's creator (same UID) or a holder of CAP_NET_ADMIN over
 * the namespace may attach a socket to a netlink-made session; to anyone
 * else it answers as a call ID in use, exactly as when the peer call ID
 * is wrong, so that no answer tells which sessions exist.
 *
 * A session is linked (handle, list) before it is hashed (visible to the
 * receive path), and nothing can fail after it is hashed: no timer can be
 * armed on a session that is then freed without a grace period.
 */

#include <linux/if_pppox.h>
#include <linux/kpptp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/sock.h>

#include "kpptp.h"
#include "netlink.h"

static struct kmem_cache *kpptp_session_cache;

static const struct rhashtable_params kpptp_local_params = {
	.key_len = sizeof(struct kpptp_key),
	.key_offset = offsetof(struct kpptp_session, local_key),
	.head_offset = offsetof(struct kpptp_session, local_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params kpptp_peer_params = {
	.key_len = sizeof(struct kpptp_key),
	.key_offset = offsetof(struct kpptp_session, peer_key),
	.head_offset = offsetof(struct kpptp_session, peer_node),
	.automatic_shrinking = true,
};

int kpptp_session_cache_init(void)
{
	/* Charged to the memory cgroup of whoever makes the session. */
	kpptp_session_cache = KMEM_CACHE(kpptp_session,
					 SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	return kpptp_session_cache ? 0 : -ENOMEM;
}

void kpptp_session_cache_exit(void)
{
	kmem_cache_destroy(kpptp_session_cache);
}

int kpptp_net_init_tables(struct kpptp_net *kn)
{
	int err;

	mutex_init(&kn->lock);
	INIT_LIST_HEAD(&kn->sessions);
	INIT_LIST_HEAD(&kn->fps);
	xa_init_flags(&kn->ids, XA_FLAGS_ALLOC1);
	xa_init_flags(&kn->index, XA_FLAGS_ALLOC1);
	err = rhashtable_init(&kn->by_local, &kpptp_local_params);
	if (err)
		return err;
	err = rhashtable_init(&kn->by_peer, &kpptp_peer_params);
	if (err)
		rhashtable_destroy(&kn->by_local);
	return err;
}

void kpptp_net_destroy_tables(struct kpptp_net *kn)
{
	/* kpptp_net_close_all() ran, and sockets hold their namespace. */
	WARN_ON_ONCE(!list_empty(&kn->sessions));
	rhashtable_destroy(&kn->by_peer);
	rhashtable_destroy(&kn->by_local);
	xa_destroy(&kn->ids);
	xa_destroy(&kn->index);
}

/* ids entries: users * 2, plus 1 while a wildcard (peerless) user owns it. */
#define KPPTP_ID_WILD		1UL
#define KPPTP_ID_USER		2UL

static unsigned long kpptp_id_get(struct kpptp_net *kn, u16 call_id)
{
	void *entry = xa_load(&kn->ids, call_id);

	return entry ? xa_to_value(entry) : 0;
}

/*
 * A socket's bind: the call ID for a peer not known yet, so it must be
 * unused by anyone. -EEXIST: only connected sessions use it, and connect
 * may still share it (it knows the peer); -EADDRINUSE: a peerless user.
 */
static int kpptp_id_reserve_wild(struct kpptp_net *kn, u16 *call_id)
{
	void *entry = xa_mk_value(KPPTP_ID_USER | KPPTP_ID_WILD);
	u32 id;
	int err;

	lockdep_assert_held(&kn->lock);
	if (*call_id) {
		err = xa_insert(&kn->ids, *call_id, entry, GFP_KERNEL);
		if (err != -EBUSY)
			return err;
		return kpptp_id_get(kn, *call_id) & KPPTP_ID_WILD ?
		       -EADDRINUSE : -EEXIST;
	}
	err = xa_alloc_cyclic(&kn->ids, &id, entry, XA_LIMIT(1, U16_MAX),
			      &kn->id_cursor, GFP_KERNEL);
	if (err < 0)
		return err == -EBUSY ? -EADDRNOTAVAIL : err;
	*call_id = id;
	return 0;
}

/*
 * A call ID towards a known peer. Uniqueness per peer is enforced when the
 * session is hashed; here only a peerless user excludes everyone. With 0,
 * take an ID nobody uses, else (all 65535 in use) one unused towards peer.
 */
static int kpptp_id_reserve_peer(struct kpptp_net *kn, __be32 peer,
				 u16 *call_id)
{
	unsigned long v;
	u32 id;
	int err;

	lockdep_assert_held(&kn->lock);
	if (!*call_id) {
		err = xa_alloc_cyclic(&kn->ids, &id, xa_mk_value(KPPTP_ID_USER),
				      XA_LIMIT(1, U16_MAX), &kn->id_cursor,
				      GFP_KERNEL);
		if (err >= 0) {
			*call_id = id;
			return 0;
		}
		if (err != -EBUSY)
			return err;
		for (id = 1; id <= U16_MAX; id++) {
			if (!(kpptp_id_get(kn, id) & KPPTP_ID_WILD) &&
			    !kpptp_session_by_key(kn, peer, id))
				break;
		}
		if (id > U16_MAX)
			return -EADDRNOTAVAIL;
		*call_id = id;
	}
	v = kpptp_id_get(kn, *call_id);
	if (v & KPPTP_ID_WILD)
		return -EADDRINUSE;
	return xa_err(xa_store(&kn->ids, *call_id, xa_mk_value(v + KPPTP_ID_USER),
			       GFP_KERNEL));
}

/* A wildcard user gets a peer: the ID stays taken, but no longer alone. */
static void kpptp_id_unwild(struct kpptp_net *kn, u16 call_id)
{
	unsigned long v = kpptp_id_get(kn, call_id);

	lockdep_assert_held(&kn->lock);
	WARN_ON_ONCE(!(v & KPPTP_ID_WILD));
	/* Replacing an existing value entry allocates nothing: cannot fail. */
	xa_store(&kn->ids, call_id, xa_mk_value(v & ~KPPTP_ID_WILD), GFP_KERNEL);
}

static void kpptp_id_release(struct kpptp_net *kn, u16 call_id)
{
	unsigned long v = kpptp_id_get(kn, call_id);

	lockdep_assert_held(&kn->lock);
	v = (v & ~KPPTP_ID_WILD) - KPPTP_ID_USER;
	if (v)
		xa_store(&kn->ids, call_id, xa_mk_value(v), GFP_KERNEL);
	else
		xa_erase(&kn->ids, call_id);
}

static struct kpptp_session *kpptp_session_alloc(struct net *net,
						 __be32 local_addr, u8 origin,
						 kuid_t uid)
{
	struct kpptp_session *s;

	s = kmem_cache_zalloc(kpptp_session_cache, GFP_KERNEL);
	if (!s)
		return NULL;
	if (dst_cache_init(&s->dst_cache, GFP_KERNEL_ACCOUNT)) {
		kmem_cache_free(kpptp_session_cache, s);
		return NULL;
	}
	s->net = net;
	s->local_addr = local_addr;
	s->origin = origin;
	s->uid = uid;
	s->channel = -1;
	/* One reference for the caller's handle, one for being live. */
	refcount_set(&s->refs, 2);
	s->state = KPPTP_S_BOUND;
	s->reorder_window = READ_ONCE(kpptp_default_reorder_window.val);
	s->reorder_timeout_ms = READ_ONCE(kpptp_default_reorder_timeout_ms.val);
	s->ack_delay = msecs_to_jiffies(READ_ONCE(kpptp_default_ack_delay_ms.val));
	s->last_rx = jiffies;
	s->last_tx = jiffies;
	s->fp_last_rx = s->last_rx;
	s->fp_last_tx = s->last_tx;
	spin_lock_init(&s->rx_lock);
	spin_lock_init(&s->fp_lock);
	spin_lock_init(&s->tx_lock);
	kpptp_reorder_init(&s->rx_seq);
	hrtimer_setup(&s->reorder_timer, kpptp_reorder_timeout, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
	timer_setup(&s->ack_timer, kpptp_ack_timeout, 0);
	timer_setup(&s->watch_timer, kpptp_watch_timeout, 0);
	u64_stats_init(&s->rx_stats.syncp);
	u64_stats_init(&s->tx_stats.syncp);
	return s;
}

/* Never published: no RCU reader can have seen it. */
static void kpptp_session_free_unpublished(struct kpptp_session *s)
{
	dst_cache_destroy(&s->dst_cache);
	kmem_cache_free(kpptp_session_cache, s);
}

/* Give the session its handle and put it on the namespace's list. */
static int kpptp_session_link(struct kpptp_net *kn, struct kpptp_session *s)
{
	int err;

	lockdep_assert_held(&kn->lock);
	err = xa_alloc_cyclic(&kn->index, &s->index, s, XA_LIMIT(1, INT_MAX),
			      &kn->index_cursor, GFP_KERNEL);
	if (err < 0)
		return err;
	list_add_tail(&s->list, &kn->sessions);
	kn->nsessions++;
	if (s->owner_portid)
		kn->nowned++;
	return 0;
}

static void kpptp_session_unlink(struct kpptp_net *kn, struct kpptp_session *s)
{
	lockdep_assert_held(&kn->lock);
	xa_erase(&kn->index, s->index);
	list_del(&s->list);
	kn->nsessions--;
	if (s->owner_portid)
		kn->nowned--;
}

struct kpptp_session *kpptp_session_bind(struct net *net, __be32 local_addr,
					 u16 *call_id, kuid_t uid)
{
	struct kpptp_net *kn = kpptp_pernet(net);
	struct kpptp_session *s;
	int err;

	s = kpptp_session_alloc(net, local_addr, KPPTP_ORIGIN_SOCKET, uid);
	if (!s)
		return ERR_PTR(-ENOMEM);

	mutex_lock(&kn->lock);
	err = kpptp_id_reserve_wild(kn, call_id);
	if (!err) {
		s->local_key.call_id = *call_id;
		err = kpptp_session_link(kn, s);
		if (err)
			kpptp_id_release(kn, *call_id);
	}
	mutex_unlock(&kn->lock);

	if (err) {
		kpptp_session_free_unpublished(s);
		return ERR_PTR(err);
	}
	return s;
}

static bool kpptp_session_unhash(struct kpptp_net *kn, struct kpptp_session *s,
				 u8 reason);
static void kpptp_session_finish_close(struct kpptp_session *s);

/*
 * Enter both lookup tables. -EALREADY: that peer call is served already,
 * by a privileged session or, for an unprivileged s, by any. A privileged
 * s replaces an unprivileged holder (session-down, reason "replaced"):
 * whoever may open a PPPoX socket could otherwise pre-connect the calls
 * an administrator's daemon is about to make.
 */
static int kpptp_session_hash(struct kpptp_net *kn, struct kpptp_session *s,
			      __be32 peer, u16 peer_call_id)
{
	struct kpptp_session *old;
	int err;

	lockdep_assert_held(&kn->lock);
	s->peer_key.peer = peer;
	s->peer_key.call_id = peer_call_id;
	/* One session per remote call: two would fight over its sequence. */
	err = -EALREADY;
	old = rhashtable_lookup_fast(&kn->by_peer, &s->peer_key, kpptp_peer_params);
	if (old && (!s->privileged || old->privileged))
		goto fail;
	if (old && kpptp_session_unhash(kn, old, KPPTP_DOWN_REPLACED)) {
		net_info_ratelimited("session %u (uid %u) squatted peer call %u of %pI4: replaced by an admin's session\n",
				     old->index, from_kuid(&init_user_ns, old->uid),
				     peer_call_id, &peer);
		kpptp_session_finish_close(old);
	}
	s->local_key.peer = peer;
	err = rhashtable_lookup_insert_fast(&kn->by_local, &s->local_node,
					    kpptp_local_params);
	if (err)
		goto fail;
	err = rhashtable_lookup_insert_fast(&kn->by_peer, &s->peer_node,
					    kpptp_peer_params);
	if (err) {
		rhashtable_remove_fast(&kn->by_local, &s->local_node,
				       kpptp_local_params);
		goto fail;
	}
	WRITE_ONCE(s->state, KPPTP_S_CONNECTED);
	return 0;
fail:
	s->local_key.peer = 0;
	s->peer_key.peer = 0;
	s->peer_key.call_id = 0;
	return err;
}

/* The socket becomes the session's: held, and visible to the data path. */
static void kpptp_session_set_sk(struct kpptp_session *s, struct sock *sk)
{
	lockdep_assert_held(&kpptp_pernet(s->net)->lock);
	sock_hold(sk);
	s->attached = sk;
	rcu_assign_pointer(s->sk, sk);
}

int kpptp_session_connect(struct kpptp_session *s, __be32 peer,
			  u16 peer_call_id, struct sock *sk)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);
	int err;

	mutex_lock(&kn->lock);
	if (s->state != KPPTP_S_BOUND) {
		err = s->state == KPPTP_S_DEAD ? -EALREADY : -EISCONN;
		goto out;
	}
	/* Judged at connect: who names the peer call decides. */
	s->privileged = sk_net_capable(sk, CAP_NET_ADMIN);
	err = kpptp_session_hash(kn, s, peer, peer_call_id);
	if (!err) {
		kpptp_id_unwild(kn, s->local_key.call_id);
		kpptp_session_set_sk(s, sk);
	}
out:
	mutex_unlock(&kn->lock);
	return err;
}

/*
 * Tell the event listeners a session is up. Under kn->lock, as the down
 * event is sent (kpptp_session_unhash): a session closed meanwhile is not
 * announced, and up never follows down.
 */
void kpptp_session_announce(struct kpptp_session *s)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);

	mutex_lock(&kn->lock);
	if (s->state != KPPTP_S_DEAD)
		kpptp_nl_notify_up(s);
	mutex_unlock(&kn->lock);
}

/* The socket's channel is registered: readers may report its index. */
void kpptp_session_set_channel(struct kpptp_session *s, struct sock *sk,
			       int channel)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);

	mutex_lock(&kn->lock);
	if (s->attached == sk) {
		/*
		 * Pairs with the load-acquire in kpptp_deliver(): a receiver
		 * that sees the index sees the channel ppp_generic finished
		 * setting up. ppp_register_net_channel() points chan->ppp at
		 * the new channel before it initialises its queues, so
		 * ppp_input() must not run before this store.
		 */
		smp_store_release(&s->channel, channel);
	}
	mutex_unlock(&kn->lock);
}

/* May the socket's caller attach to the netlink-made session s? */
static bool kpptp_may_attach(const struct kpptp_session *s, struct sock *sk)
{
	return uid_eq(s->uid, sk_uid(sk)) ||
	       ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN);
}

/*
 * A socket attaches to a netlink-made session that has none; any other
 * session with its call ID towards its peer makes the ID in use.
 */
static int kpptp_session_attach(struct kpptp_session *s, struct sock *sk,
				const struct kpptp_session_cfg *cfg)
{
	if (s->origin != KPPTP_ORIGIN_NETLINK || s->attached ||
	    s->peer_key.call_id != cfg->peer_call_id ||
	    (cfg->local_addr && s->local_addr != cfg->local_addr) ||
	    !kpptp_may_attach(s, sk))
		return -EADDRINUSE;
	kpptp_session_set_sk(s, sk);
	refcount_inc(&s->refs);		/* the socket's */
	return 0;
}

struct kpptp_session *kpptp_session_create(struct net *net,
					   const struct kpptp_session_cfg *cfg,
					   struct sock *sk)
{
	struct kpptp_net *kn = kpptp_pernet(net);
	struct kpptp_session *s, *old;
	u16 call_id = cfg->call_id;
	u32 cursor;
	int err;

	s = kpptp_session_alloc(net, cfg->local_addr, cfg->origin, cfg->uid);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->owner_portid = cfg->owner_portid;
	s->privileged = cfg->privileged;

	mutex_lock(&kn->lock);
	if (sk && call_id) {
		old = kpptp_session_by_key(kn, cfg->peer_addr, call_id);
		if (old) {
			err = kpptp_session_attach(old, sk, cfg);
			mutex_unlock(&kn->lock);
			kpptp_session_free_unpublished(s);
			return err ? ERR_PTR(err) : old;
		}
	}
	err = kpptp_id_reserve_peer(kn, cfg->peer_addr, &call_id);
	if (err)
		goto out_unlock;
	s->local_key.call_id = call_id;
	/* A refused add must not use up a handle: admins read them. */
	cursor = kn->index_cursor;
	/* Link first: once hashed, the receive path may arm its timers. */
	err = kpptp_session_link(kn, s);
	if (err)
		goto out_release;
	err = kpptp_session_hash(kn, s, cfg->peer_addr, cfg->peer_call_id);
	if (err) {
		kpptp_session_unlink(kn, s);
		kn->index_cursor = cursor;
		goto out_release;
	}
	if (sk) {
		kpptp_session_set_sk(s, sk);
	} else {
		/* Nothing else pins the module for a netlink-made session. */
		__module_get(THIS_MODULE);
	}
	mutex_unlock(&kn->lock);
	return s;

out_release:
	kpptp_id_release(kn, call_id);
out_unlock:
	mutex_unlock(&kn->lock);
	kpptp_session_free_unpublished(s);
	return ERR_PTR(err);
}

struct kpptp_session *kpptp_session_lookup_rcu(struct kpptp_net *kn,
					       __be32 peer, u16 call_id)
{
	struct kpptp_key key = { .peer = peer, .call_id = call_id };

	return rhashtable_lookup(&kn->by_local, &key, kpptp_local_params);
}

struct kpptp_session *kpptp_session_lookup_peer_rcu(struct kpptp_net *kn,
						    __be32 peer,
						    u16 peer_call_id)
{
	struct kpptp_key key = { .peer = peer, .call_id = peer_call_id };

	return rhashtable_lookup(&kn->by_peer, &key, kpptp_peer_params);
}

/* Caller holds kn->lock, which keeps the result alive. */
struct kpptp_session *kpptp_session_by_key(struct kpptp_net *kn, __be32 peer,
					   u16 call_id)
{
	struct kpptp_key key = { .peer = peer, .call_id = call_id };

	lockdep_assert_held(&kn->lock);
	return rhashtable_lookup_fast(&kn->by_local, &key, kpptp_local_params);
}

static void kpptp_session_free_rcu(struct rcu_head *head)
{
	struct kpptp_session *s = container_of(head, struct kpptp_session, rcu);

	dst_cache_destroy(&s->dst_cache);
	kmem_cache_free(kpptp_session_cache, s);
}

void kpptp_session_put(struct kpptp_session *s)
{
	if (refcount_dec_and_test(&s->refs))
		call_rcu(&s->rcu, kpptp_session_free_rcu);
}

/*
 * Take the socket away from the session; whoever gets it unbinds it. The
 * teardown runs a grace period after the session left the tables and its
 * timers are stopped, so no RCU reader still holds the old sk.
 */
static struct sock *kpptp_session_take_sk(struct kpptp_session *s)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);
	struct sock *sk;

	mutex_lock(&kn->lock);
	sk = rcu_dereference_protected(s->sk, lockdep_is_held(&kn->lock));
	RCU_INIT_POINTER(s->sk, NULL);
	s->attached = NULL;
	WRITE_ONCE(s->channel, -1);
	mutex_unlock(&kn->lock);
	return sk;
}

/*
 * Runs one RCU grace period after the session left the tables, so no
 * receive or ICMP path can still see it, and in process context, because
 * unregistering the PPP channel sleeps.
 */
static void kpptp_session_teardown(struct work_struct *work)
{
	struct kpptp_session *s = container_of(to_rcu_work(work),
					       struct kpptp_session, free_work);
	bool pinned = s->origin == KPPTP_ORIGIN_NETLINK;
	struct kpptp_net *kn = kpptp_pernet(s->net);
	struct sock *sk;

	kpptp_fp_close(s);
	hrtimer_cancel(&s->reorder_timer);
	timer_shutdown_sync(&s->ack_timer);
	timer_shutdown_sync(&s->watch_timer);
	spin_lock_bh(&s->rx_lock);
	kpptp_reorder_purge(&s->rx_seq);
	spin_unlock_bh(&s->rx_lock);

	sk = kpptp_session_take_sk(s);
	if (sk) {
		lock_sock(sk);
		pppox_unbind_sock(sk);
		release_sock(sk);
		sock_put(sk);
	}
	kpptp_session_put(s);
	/* The last use of kn: its namespace's exit may go on (close_all). */
	if (atomic_dec_and_test(&kn->teardowns))
		wake_up_var(&kn->teardowns);
	if (pinned)
		module_put(THIS_MODULE);
}

/* Unlinked under kn->lock by the caller: stop the data path, free later. */
static void kpptp_session_finish_close(struct kpptp_session *s)
{
	/* rx_dead is set already (unhash): no timer re-arms from here on. */
	atomic_inc(&kpptp_pernet(s->net)->teardowns);
	INIT_RCU_WORK(&s->free_work, kpptp_session_teardown);
	queue_rcu_work(kpptp_wq, &s->free_work);
}

static bool kpptp_session_unhash(struct kpptp_net *kn, struct kpptp_session *s,
				 u8 reason)
{
	lockdep_assert_held(&kn->lock);
	if (s->state == KPPTP_S_DEAD)
		return false;
	if (s->state == KPPTP_S_CONNECTED) {
		rhashtable_remove_fast(&kn->by_local, &s->local_node,
				       kpptp_local_params);
		rhashtable_remove_fast(&kn->by_peer, &s->peer_node,
				       kpptp_peer_params);
	}
	kpptp_id_release(kn, s->local_key.call_id);
	kpptp_session_unlink(kn, s);
	s->down_reason = reason;
	WRITE_ONCE(s->state, KPPTP_S_DEAD);
	/*
	 * Nothing about a session after its down event: the watch timer and
	 * the ICMP handler send theirs under rx_lock and only while rx_dead
	 * is clear, so each is out before this point or never. Timers also
	 * check rx_dead before re-arming themselves or each other.
	 */
	spin_lock_bh(&s->rx_lock);
	s->rx_dead = true;
	spin_unlock_bh(&s->rx_lock);
	/* Under kn->lock, as the up event: the two cannot cross. */
	kpptp_nl_notify_down(s);
	return true;
}

void kpptp_session_close(struct kpptp_session *s, u8 reason)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);
	bool closed;

	mutex_lock(&kn->lock);
	closed = kpptp_session_unhash(kn, s, reason);
	mutex_unlock(&kn->lock);
	if (closed)
		kpptp_session_finish_close(s);
}

/*
 * A socket attached to a netlink-made session closes: the session stays
 * (the daemon deletes it), without a channel. Called with the socket locked.
 */
void kpptp_session_detach(struct kpptp_session *s, struct sock *sk)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);
	bool mine;

	mutex_lock(&kn->lock);
	mine = s->attached == sk;
	if (mine) {
		RCU_INIT_POINTER(s->sk, NULL);
		WRITE_ONCE(s->channel, -1);
	}
	mutex_unlock(&kn->lock);
	if (!mine)		/* teardown took it */
		return;
	/* No receive path may still hand packets to the channel. */
	synchronize_net();
	pppox_unbind_sock(sk);
	/*
	 * Only now may another socket attach: until the channel was
	 * unregistered it could still transmit on this sequence space.
	 */
	mutex_lock(&kn->lock);
	if (s->attached == sk)
		s->attached = NULL;
	mutex_unlock(&kn->lock);
	__sock_put(sk);
}

/* Sessions whose owner socket closed, or all of a dying namespace's. */
static void kpptp_close_matching(struct kpptp_net *kn, bool all, u32 portid)
{
	struct kpptp_session *s, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(s, tmp, &kn->sessions, list) {
		if (!all && s->owner_portid != portid)
			continue;
		kpptp_session_unhash(kn, s, KPPTP_DOWN_OWNER_GONE);
		list_add_tail(&s->list, &dead);
	}
	mutex_unlock(&kn->lock);
	list_for_each_entry_safe(s, tmp, &dead, list) {
		list_del(&s->list);
		kpptp_session_finish_close(s);
	}
}

void kpptp_owner_release(struct net *net, u32 portid)
{
	struct kpptp_net *kn = kpptp_pernet(net);

	if (portid && READ_ONCE(kn->nowned))
		kpptp_close_matching(kn, false, portid);
}

/* Namespace exit: only netlink-made sessions can be left. */
void kpptp_net_close_all(struct kpptp_net *kn)
{
	kpptp_close_matching(kn, true, 0);
	/*
	 * Their teardowns (and earlier ones still queued) take kn->lock:
	 * wait for those, which is nothing at all for a namespace that had
	 * no session, instead of an rcu_barrier() and a flush every time.
	 */
	wait_var_event(&kn->teardowns, !atomic_read(&kn->teardowns));
}

int kpptp_session_set_opt(struct kpptp_session *s, int opt, u32 val)
{
	switch (opt) {
	case KPPTP_SO_REORDER_WINDOW:
		if (val > KPPTP_REORDER_WINDOW_MAX)
			return -ERANGE;
		WRITE_ONCE(s->reorder_window, val);
		return 0;
	case KPPTP_SO_REORDER_TIMEOUT:
		if (!val || val > KPPTP_TIMEOUT_MAX_MS)
			return -ERANGE;
		WRITE_ONCE(s->reorder_timeout_ms, val);
		return 0;
	case KPPTP_SO_ACK_DELAY:
		if (!val || val > KPPTP_TIMEOUT_MAX_MS)
			return -ERANGE;
		WRITE_ONCE(s->ack_delay, msecs_to_jiffies(val));
		return 0;
	}
	return -ENOPROTOOPT;
}

int kpptp_session_get_opt(struct kpptp_session *s, int opt, u32 *val)
{
	switch (opt) {
	case KPPTP_SO_REORDER_WINDOW:
		*val = READ_ONCE(s->reorder_window);
		return 0;
	case KPPTP_SO_REORDER_TIMEOUT:
		*val = READ_ONCE(s->reorder_timeout_ms);
		return 0;
	case KPPTP_SO_ACK_DELAY:
		*val = jiffies_to_msecs(READ_ONCE(s->ack_delay));
		return 0;
	}
	return -ENOPROTOOPT;
}
