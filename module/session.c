// SPDX-License-Identifier: GPL-2.0
/*
 * The session object and the per-namespace call-ID tables.
 *
 * Nothing outside this file hashes, unhashes or frees a session.
 */

#include <linux/if_pppox.h>
#include <linux/kpptp.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "kpptp.h"

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
	kpptp_session_cache = KMEM_CACHE(kpptp_session, SLAB_HWCACHE_ALIGN);
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
	xa_init_flags(&kn->ids, XA_FLAGS_ALLOC1);
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
	/* Sockets hold their namespace: no session can outlive it. */
	WARN_ON_ONCE(!list_empty(&kn->sessions));
	rhashtable_destroy(&kn->by_peer);
	rhashtable_destroy(&kn->by_local);
	xa_destroy(&kn->ids);
}

/* ids entries: users * 2, plus 1 while a wildcard (peerless) user owns it. */
#define KPPTP_ID_WILD		1UL
#define KPPTP_ID_USER		2UL

static int kpptp_id_reserve_wild(struct kpptp_net *kn, u16 *call_id)
{
	void *entry = xa_mk_value(KPPTP_ID_USER | KPPTP_ID_WILD);
	u32 id;
	int err;

	lockdep_assert_held(&kn->lock);
	if (*call_id) {
		err = xa_insert(&kn->ids, *call_id, entry, GFP_KERNEL);
		return err == -EBUSY ? -EADDRINUSE : err;
	}
	err = xa_alloc_cyclic(&kn->ids, &id, entry, XA_LIMIT(1, U16_MAX),
			      &kn->id_cursor, GFP_KERNEL);
	if (err < 0)
		return err == -EBUSY ? -EADDRNOTAVAIL : err;
	*call_id = id;
	return 0;
}

/* A wildcard user gets a peer: the ID stays taken, but no longer alone. */
static void kpptp_id_unwild(struct kpptp_net *kn, u16 call_id)
{
	unsigned long v = xa_to_value(xa_load(&kn->ids, call_id));

	lockdep_assert_held(&kn->lock);
	WARN_ON_ONCE(!(v & KPPTP_ID_WILD));
	xa_store(&kn->ids, call_id, xa_mk_value(v & ~KPPTP_ID_WILD), GFP_KERNEL);
}

static void kpptp_id_release(struct kpptp_net *kn, u16 call_id)
{
	unsigned long v = xa_to_value(xa_load(&kn->ids, call_id));

	lockdep_assert_held(&kn->lock);
	v = (v & ~KPPTP_ID_WILD) - KPPTP_ID_USER;
	if (v)
		xa_store(&kn->ids, call_id, xa_mk_value(v), GFP_KERNEL);
	else
		xa_erase(&kn->ids, call_id);
}

struct kpptp_session *kpptp_session_bind(struct net *net, __be32 local_addr,
					 u16 *call_id)
{
	struct kpptp_net *kn = kpptp_pernet(net);
	struct kpptp_session *s;
	int err;

	s = kmem_cache_zalloc(kpptp_session_cache, GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	err = dst_cache_init(&s->dst_cache, GFP_KERNEL);
	if (err) {
		kmem_cache_free(kpptp_session_cache, s);
		return ERR_PTR(err);
	}

	s->net = net;
	s->local_addr = local_addr;
	/* One reference for the caller's handle, one for being live. */
	refcount_set(&s->refs, 2);
	s->state = KPPTP_S_BOUND;
	s->reorder_window = READ_ONCE(kpptp_default_reorder_window.val);
	s->reorder_timeout =
		msecs_to_jiffies(READ_ONCE(kpptp_default_reorder_timeout_ms.val));
	s->ack_delay = msecs_to_jiffies(READ_ONCE(kpptp_default_ack_delay_ms.val));
	spin_lock_init(&s->rx_lock);
	__skb_queue_head_init(&s->reorder_q);
	timer_setup(&s->reorder_timer, kpptp_reorder_timeout, 0);
	timer_setup(&s->ack_timer, kpptp_ack_timeout, 0);
	u64_stats_init(&s->rx_stats.syncp);
	u64_stats_init(&s->tx_stats.syncp);

	mutex_lock(&kn->lock);
	err = kpptp_id_reserve_wild(kn, call_id);
	if (!err) {
		s->local_key.call_id = *call_id;
		list_add_tail(&s->list, &kn->sessions);
		kn->nsessions++;
	}
	mutex_unlock(&kn->lock);

	if (err) {
		dst_cache_destroy(&s->dst_cache);
		kmem_cache_free(kpptp_session_cache, s);
		return ERR_PTR(err);
	}
	return s;
}

int kpptp_session_connect(struct kpptp_session *s, __be32 peer,
			  u16 peer_call_id)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);
	int err;

	mutex_lock(&kn->lock);
	if (s->state != KPPTP_S_BOUND) {
		err = s->state == KPPTP_S_DEAD ? -EALREADY : -EISCONN;
		goto out;
	}
	s->peer_key.peer = peer;
	s->peer_key.call_id = peer_call_id;
	/* One session per remote call: two would fight over its sequence. */
	if (rhashtable_lookup_fast(&kn->by_peer, &s->peer_key,
				   kpptp_peer_params)) {
		err = -EALREADY;
		goto out;
	}
	s->local_key.peer = peer;
	err = rhashtable_lookup_insert_fast(&kn->by_local, &s->local_node,
					    kpptp_local_params);
	if (err)
		goto out;
	err = rhashtable_lookup_insert_fast(&kn->by_peer, &s->peer_node,
					    kpptp_peer_params);
	if (err) {
		rhashtable_remove_fast(&kn->by_local, &s->local_node,
				       kpptp_local_params);
		goto out;
	}
	kpptp_id_unwild(kn, s->local_key.call_id);
	WRITE_ONCE(s->state, KPPTP_S_CONNECTED);
out:
	if (err) {
		s->local_key.peer = 0;
		s->peer_key.peer = 0;
		s->peer_key.call_id = 0;
	}
	mutex_unlock(&kn->lock);
	return err;
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
 * Runs one RCU grace period after the session left the tables, so no
 * receive or ICMP path can still see it, and in process context, because
 * unregistering the PPP channel sleeps.
 */
static void kpptp_session_teardown(struct work_struct *work)
{
	struct kpptp_session *s = container_of(to_rcu_work(work),
					       struct kpptp_session, free_work);
	struct sock *sk;

	del_timer_sync(&s->reorder_timer);
	del_timer_sync(&s->ack_timer);
	spin_lock_bh(&s->rx_lock);
	__skb_queue_purge(&s->reorder_q);
	spin_unlock_bh(&s->rx_lock);

	sk = rcu_dereference_protected(s->sk, 1);
	if (sk) {
		RCU_INIT_POINTER(s->sk, NULL);
		lock_sock(sk);
		pppox_unbind_sock(sk);
		release_sock(sk);
		sock_put(sk);
	}
	kpptp_session_put(s);
}

void kpptp_session_close(struct kpptp_session *s)
{
	struct kpptp_net *kn = kpptp_pernet(s->net);

	mutex_lock(&kn->lock);
	if (s->state == KPPTP_S_DEAD) {
		mutex_unlock(&kn->lock);
		return;
	}
	if (s->state == KPPTP_S_CONNECTED) {
		rhashtable_remove_fast(&kn->by_local, &s->local_node,
				       kpptp_local_params);
		rhashtable_remove_fast(&kn->by_peer, &s->peer_node,
				       kpptp_peer_params);
	}
	kpptp_id_release(kn, s->local_key.call_id);
	list_del(&s->list);
	kn->nsessions--;
	WRITE_ONCE(s->state, KPPTP_S_DEAD);
	mutex_unlock(&kn->lock);

	/* Timers check rx_dead before re-arming themselves or each other. */
	spin_lock_bh(&s->rx_lock);
	s->rx_dead = true;
	spin_unlock_bh(&s->rx_lock);

	INIT_RCU_WORK(&s->free_work, kpptp_session_teardown);
	queue_rcu_work(kpptp_wq, &s->free_work);
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
		WRITE_ONCE(s->reorder_timeout, msecs_to_jiffies(val));
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
		*val = jiffies_to_msecs(READ_ONCE(s->reorder_timeout));
		return 0;
	case KPPTP_SO_ACK_DELAY:
		*val = jiffies_to_msecs(READ_ONCE(s->ack_delay));
		return 0;
	}
	return -ENOPROTOOPT;
}
