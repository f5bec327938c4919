// SPDX-License-Identifier: GPL-2.0
/*
 * The "kpptp" generic netlink family: Documentation/netlink/specs/kpptp.yaml
 * defines it, include/uapi/linux/kpptp.h matches it.
 *
 * The policy checks types, lengths and ranges (strictly: unknown
 * attributes are rejected), so the policy dump shows what the spec says and
 * the extack names the attribute. Every request is validated in full
 * before anything changes.
 *
 * Locking: requests run in parallel (parallel_ops) and serialise on the
 * namespace's kpptp_net.lock, which also keeps a looked-up session alive.
 */
#include <linux/kpptp.h>
#include <linux/ppp_channel.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "kpptp.h"
#include "netlink.h"

static const struct nla_policy kpptp_nl_policy[KPPTP_A_MAX + 1] = {
	[KPPTP_A_LOCAL_CALL_ID]		= { .type = NLA_U16 },
	[KPPTP_A_PEER_CALL_ID]		= { .type = NLA_U16 },
	[KPPTP_A_LOCAL_ADDR]		= { .type = NLA_BE32 },
	[KPPTP_A_PEER_ADDR]		= { .type = NLA_BE32 },
	[KPPTP_A_OWNED]			= { .type = NLA_FLAG },
	[KPPTP_A_REORDER_WINDOW]	=
		NLA_POLICY_MAX(NLA_U32, KPPTP_REORDER_WINDOW_MAX),
	[KPPTP_A_REORDER_TIMEOUT]	=
		NLA_POLICY_RANGE(NLA_U32, 1, KPPTP_TIMEOUT_MAX_MS),
	[KPPTP_A_ACK_DELAY]		=
		NLA_POLICY_RANGE(NLA_U32, 1, KPPTP_TIMEOUT_MAX_MS),
	[KPPTP_A_PEER_RECV_WINDOW]	= NLA_POLICY_MIN(NLA_U16, 1),
	[KPPTP_A_COOKIE]		= { .type = NLA_U64 },
	[KPPTP_A_STALL_TIMEOUT]		=
		NLA_POLICY_MAX(NLA_U32, KPPTP_STALL_TIMEOUT_MAX_S),
	[KPPTP_A_ANOMALY_THRESHOLD]	= { .type = NLA_U32 },
	[KPPTP_A_ID]			= NLA_POLICY_MIN(NLA_U32, 1),
	/* Only off: pppd turns it on, through its socket. */
	[KPPTP_A_FASTPATH]		= NLA_POLICY_MAX(NLA_U8, 0),
	/* What the kernel reports, never takes. */
	[KPPTP_A_ORIGIN] = {
		.type = NLA_REJECT, .reject_message = "origin is read-only" },
	[KPPTP_A_STATE] = {
		.type = NLA_REJECT, .reject_message = "state is read-only" },
	[KPPTP_A_CHANNEL] = {
		.type = NLA_REJECT, .reject_message = "channel is read-only" },
	[KPPTP_A_PMTU] = {
		.type = NLA_REJECT, .reject_message = "pmtu is read-only" },
	[KPPTP_A_UID] = {
		.type = NLA_REJECT, .reject_message = "uid is read-only" },
	[KPPTP_A_STATS] = {
		.type = NLA_REJECT, .reject_message = "stats is read-only" },
	[KPPTP_A_NET_STATS] = {
		.type = NLA_REJECT, .reject_message = "net-stats is read-only" },
	[KPPTP_A_DOWN_REASON] = {
		.type = NLA_REJECT, .reject_message = "down-reason is read-only" },
	[KPPTP_A_ICMP_TYPE] = {
		.type = NLA_REJECT, .reject_message = "icmp-type is read-only" },
	[KPPTP_A_ICMP_CODE] = {
		.type = NLA_REJECT, .reject_message = "icmp-code is read-only" },
	[KPPTP_A_ICMP_ROUTER] = {
		.type = NLA_REJECT, .reject_message = "icmp-router is read-only" },
	[KPPTP_A_RX_IDLE] = {
		.type = NLA_REJECT, .reject_message = "rx-idle is read-only" },
	[KPPTP_A_ANOMALIES] = {
		.type = NLA_REJECT, .reject_message = "anomalies is read-only" },
};

/* The stats attributes follow the counters' order in stats.h. */
static_assert(KPPTP_A_STATS_RX_PACKETS + KPPTP_RX_NSTATS == KPPTP_A_STATS_TX_PACKETS);
static_assert(KPPTP_A_STATS_TX_PACKETS + KPPTP_TX_NSTATS == KPPTP_A_STATS_TX_ACK_ONLY);
static_assert(KPPTP_A_STATS_TX_ACK_ONLY + KPPTP_EV_NSTATS == __KPPTP_A_STATS_MAX);
static_assert(KPPTP_A_NET_STATS_RX_NOT_HOST + KPPTP_NET_NSTATS == KPPTP_A_NET_STATS_SESSIONS);

enum { KPPTP_MCGRP_EVENTS };

static const struct genl_multicast_group kpptp_mcgrps[] = {
	/* Events name every session of the namespace: admins only. */
	[KPPTP_MCGRP_EVENTS] = { .name = KPPTP_GENL_MCGRP_EVENTS,
				 .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family kpptp_family;

/* Did the requester make s? (The socket's uid, as the session recorded.) */
static bool kpptp_nl_made_by(const struct sk_buff *skb, const struct kpptp_session *s)
{
	struct sock *nsk = NETLINK_CB(skb).sk;

	return nsk && uid_eq(sk_uid(nsk), s->uid);
}

/* Readers without CAP_NET_ADMIN see only the sessions they made. */
static bool kpptp_nl_may_see(const struct sk_buff *skb,
			     const struct kpptp_session *s)
{
	return netlink_net_capable(skb, CAP_NET_ADMIN) || kpptp_nl_made_by(skb, s);
}

/* What KPPTP_A_STATE says of a session. */
static u8 kpptp_nl_state(const struct kpptp_session *s)
{
	switch (READ_ONCE(s->state)) {
	case KPPTP_S_BOUND:
		return KPPTP_STATE_BOUND;
	case KPPTP_S_CONNECTED:
		return KPPTP_STATE_CONNECTED;
	default:
		return KPPTP_STATE_CLOSING;
	}
}

/* The attributes that say which session a message is about. */
static int kpptp_nl_put_key(struct sk_buff *skb, const struct kpptp_session *s)
{
	if (nla_put_u32(skb, KPPTP_A_ID, s->index) ||
	    nla_put_u16(skb, KPPTP_A_LOCAL_CALL_ID, s->local_key.call_id) ||
	    nla_put_in_addr(skb, KPPTP_A_LOCAL_ADDR, s->local_addr))
		return -EMSGSIZE;
	if (s->state == KPPTP_S_CONNECTED || s->peer_key.peer) {
		if (nla_put_u16(skb, KPPTP_A_PEER_CALL_ID, s->peer_key.call_id) ||
		    nla_put_in_addr(skb, KPPTP_A_PEER_ADDR, s->peer_key.peer))
			return -EMSGSIZE;
	}
	return 0;
}

/*
 * The session's settings. The channel index is the session's copy: the
 * socket and its channel are not RCU-freed, so a reader must not touch
 * them. UIDs are shown as the reader's user namespace maps them (events,
 * which have no single reader, use the session's namespace's).
 */
static int kpptp_nl_put_config(struct sk_buff *skb, struct kpptp_session *s,
			       struct user_namespace *reader)
{
	int chan = READ_ONCE(s->channel);
	u16 peer_win = READ_ONCE(s->peer_recv_window);

	if ((s->owner_portid && nla_put_flag(skb, KPPTP_A_OWNED)) ||
	    nla_put_u8(skb, KPPTP_A_ORIGIN, s->origin) ||
	    nla_put_u8(skb, KPPTP_A_STATE, kpptp_nl_state(s)) ||
	    (chan >= 0 && nla_put_u32(skb, KPPTP_A_CHANNEL, chan)) ||
	    nla_put_u32(skb, KPPTP_A_REORDER_WINDOW, READ_ONCE(s->reorder_window)) ||
	    nla_put_u32(skb, KPPTP_A_REORDER_TIMEOUT, READ_ONCE(s->reorder_timeout_ms)) ||
	    nla_put_u32(skb, KPPTP_A_ACK_DELAY,
			jiffies_to_msecs(READ_ONCE(s->ack_delay))) ||
	    (peer_win && nla_put_u16(skb, KPPTP_A_PEER_RECV_WINDOW, peer_win)) ||
	    nla_put_u64_64bit(skb, KPPTP_A_COOKIE, READ_ONCE(s->cookie), KPPTP_A_PAD) ||
	    nla_put_u32(skb, KPPTP_A_STALL_TIMEOUT, READ_ONCE(s->stall_timeout)) ||
	    nla_put_u32(skb, KPPTP_A_ANOMALY_THRESHOLD, READ_ONCE(s->anomaly_threshold)) ||
	    nla_put_u8(skb, KPPTP_A_FASTPATH, kpptp_fp_state(s)) ||
	    nla_put_u32(skb, KPPTP_A_PMTU, READ_ONCE(s->pmtu)) ||
	    nla_put_u32(skb, KPPTP_A_UID, from_kuid_munged(reader, s->uid)))
		return -EMSGSIZE;
	return 0;
}

static int kpptp_nl_put_stats(struct sk_buff *skb, const struct kpptp_session *s)
{
	struct kpptp_session_stats st;
	struct nlattr *nest;
	int i, a = KPPTP_A_STATS_RX_PACKETS;

	kpptp_session_stats_read(s, &st);
	nest = nla_nest_start(skb, KPPTP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < KPPTP_RX_NSTATS; i++, a++)
		if (nla_put_u64_64bit(skb, a, st.rx[i], KPPTP_A_STATS_PAD))
			goto cancel;
	for (i = 0; i < KPPTP_TX_NSTATS; i++, a++)
		if (nla_put_u64_64bit(skb, a, st.tx[i], KPPTP_A_STATS_PAD))
			goto cancel;
	for (i = 0; i < KPPTP_EV_NSTATS; i++, a++)
		if (nla_put_u64_64bit(skb, a, st.ev[i], KPPTP_A_STATS_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int kpptp_nl_put_net_stats(struct sk_buff *skb, struct kpptp_net *kn)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, KPPTP_A_NET_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < KPPTP_NET_NSTATS; i++)
		if (nla_put_u64_64bit(skb, KPPTP_A_NET_STATS_RX_NOT_HOST + i,
				      atomic_long_read(&kn->stats[i]),
				      KPPTP_A_NET_STATS_PAD))
			goto cancel;
	if (nla_put_u64_64bit(skb, KPPTP_A_NET_STATS_SESSIONS,
			      READ_ONCE(kn->nsessions), KPPTP_A_NET_STATS_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

enum { KPPTP_FILL_CONFIG = 1, KPPTP_FILL_STATS = 2 };

/* The user namespace of whoever sent the request req. */
static struct user_namespace *kpptp_nl_reader(const struct sk_buff *req)
{
	struct sock *nsk = NETLINK_CB(req).sk;

	return nsk ? sk_user_ns(nsk) : &init_user_ns;
}

static int kpptp_nl_fill(struct sk_buff *skb, struct kpptp_session *s,
			 const struct sk_buff *req, u32 seq, int flags, u8 cmd,
			 int what)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(req).portid, seq, &kpptp_family,
			  flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (kpptp_nl_put_key(skb, s) ||
	    ((what & KPPTP_FILL_CONFIG) &&
	     kpptp_nl_put_config(skb, s, kpptp_nl_reader(req))) ||
	    ((what & KPPTP_FILL_STATS) && kpptp_nl_put_stats(skb, s))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static void kpptp_nl_apply_tunables(struct kpptp_session *s, struct nlattr **tb)
{
	if (tb[KPPTP_A_REORDER_WINDOW])
		WRITE_ONCE(s->reorder_window, nla_get_u32(tb[KPPTP_A_REORDER_WINDOW]));
	if (tb[KPPTP_A_REORDER_TIMEOUT])
		WRITE_ONCE(s->reorder_timeout_ms,
			   nla_get_u32(tb[KPPTP_A_REORDER_TIMEOUT]));
	if (tb[KPPTP_A_ACK_DELAY])
		WRITE_ONCE(s->ack_delay,
			   msecs_to_jiffies(nla_get_u32(tb[KPPTP_A_ACK_DELAY])));
	if (tb[KPPTP_A_PEER_RECV_WINDOW])
		WRITE_ONCE(s->peer_recv_window,
			   nla_get_u16(tb[KPPTP_A_PEER_RECV_WINDOW]));
	if (tb[KPPTP_A_COOKIE])
		WRITE_ONCE(s->cookie, nla_get_u64(tb[KPPTP_A_COOKIE]));
	if (tb[KPPTP_A_STALL_TIMEOUT])
		WRITE_ONCE(s->stall_timeout, nla_get_u32(tb[KPPTP_A_STALL_TIMEOUT]));
	if (tb[KPPTP_A_ANOMALY_THRESHOLD])
		WRITE_ONCE(s->anomaly_threshold,
			   nla_get_u32(tb[KPPTP_A_ANOMALY_THRESHOLD]));
	if (tb[KPPTP_A_FASTPATH])	/* 0: the policy */
		kpptp_fp_off(s);
	kpptp_watch_update(s);
}

/* A session's addresses: unicast IPv4 only. */
static bool kpptp_nl_bad_addr(const struct nlattr *a)
{
	__be32 addr = nla_get_in_addr(a);

	return ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
	       ipv4_is_lbcast(addr);
}

/* Reply to a doit with one session. */
static int kpptp_nl_reply(struct sk_buff *req, struct genl_info *info,
			  struct kpptp_session *s, u8 cmd, int what)
{
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = kpptp_nl_fill(msg, s, req, info->snd_seq, 0, cmd, what);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Why kpptp_session_create() refused, in the words of the spec's names. */
static void kpptp_nl_create_error(struct netlink_ext_ack *extack, long err)
{
	switch (err) {
	case -EADDRINUSE:
		NL_SET_ERR_MSG(extack,
			       "local-call-id is bound by a socket that has no peer yet");
		break;
	case -EADDRNOTAVAIL:
		NL_SET_ERR_MSG(extack, "no call ID is free towards this peer");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG(extack,
			       "local-call-id is in use towards this peer-addr");
		break;
	case -EALREADY:
		NL_SET_ERR_MSG(extack,
			       "peer-call-id of this peer-addr is served by another session made with CAP_NET_ADMIN");
		break;
	}
}

static int kpptp_nl_session_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct kpptp_session_cfg cfg = {
		.origin = KPPTP_ORIGIN_NETLINK,
		/* session-new is GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN here. */
		.privileged = true,
		.uid = sk_uid(NETLINK_CB(skb).sk),
	};
	struct kpptp_session *s;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KPPTP_A_PEER_CALL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, KPPTP_A_LOCAL_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, KPPTP_A_PEER_ADDR))
		return -EINVAL;
	if (tb[KPPTP_A_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KPPTP_A_ID],
				    "id is given by the kernel, not taken");
		return -EINVAL;
	}
	if (kpptp_nl_bad_addr(tb[KPPTP_A_LOCAL_ADDR])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KPPTP_A_LOCAL_ADDR],
				    "local-addr must be a unicast IPv4 address");
		return -EINVAL;
	}
	if (kpptp_nl_bad_addr(tb[KPPTP_A_PEER_ADDR])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KPPTP_A_PEER_ADDR],
				    "peer-addr must be a unicast IPv4 address");
		return -EINVAL;
	}

	cfg.local_addr = nla_get_in_addr(tb[KPPTP_A_LOCAL_ADDR]);
	cfg.peer_addr = nla_get_in_addr(tb[KPPTP_A_PEER_ADDR]);
	cfg.peer_call_id = nla_get_u16(tb[KPPTP_A_PEER_CALL_ID]);
	if (tb[KPPTP_A_LOCAL_CALL_ID])
		cfg.call_id = nla_get_u16(tb[KPPTP_A_LOCAL_CALL_ID]);
	if (nla_get_flag(tb[KPPTP_A_OWNED]))
		cfg.owner_portid = info->snd_portid;

	s = kpptp_session_create(genl_info_net(info), &cfg, NULL);
	if (IS_ERR(s)) {
		kpptp_nl_create_error(info->extack, PTR_ERR(s));
		return PTR_ERR(s);
	}
	kpptp_nl_apply_tunables(s, tb);
	/* After the tunables: the event carries the cookie. */
	kpptp_session_announce(s);
	err = kpptp_nl_reply(skb, info, s, KPPTP_CMD_SESSION_NEW, KPPTP_FILL_CONFIG);
	kpptp_session_put(s);
	return err;
}

/*
 * The session a request names: by handle, or by our call ID and the peer's
 * address, or by our call ID alone when only one session uses it (a bound
 * socket has no peer). Sessions the requester may not see do not exist for
 * it: same error, same message. Caller holds kn->lock, which keeps the
 * result alive.
 */
static struct kpptp_session *kpptp_nl_find_session(struct kpptp_net *kn,
						   const struct sk_buff *req,
						   struct netlink_ext_ack *extack,
						   u32 index, u16 call_id,
						   __be32 peer)
{
	struct kpptp_session *s, *found = NULL;

	lockdep_assert_held(&kn->lock);
	if (index) {
		s = xa_load(&kn->index, index);
		if (!s || !kpptp_nl_may_see(req, s)) {
			NL_SET_ERR_MSG(extack, "no session has this id");
			return ERR_PTR(-ENOENT);
		}
		return s;
	}
	if (peer) {
		s = kpptp_session_by_key(kn, peer, call_id);
		if (!s || !kpptp_nl_may_see(req, s)) {
			NL_SET_ERR_MSG(extack,
				       "no session has this local-call-id towards this peer-addr");
			return ERR_PTR(-ENOENT);
		}
		return s;
	}
	list_for_each_entry(s, &kn->sessions, list) {
		if (s->local_key.call_id != call_id || !kpptp_nl_may_see(req, s))
			continue;
		if (found) {
			NL_SET_ERR_MSG(extack,
				       "local-call-id is used towards several peers: give peer-addr");
			return ERR_PTR(-ENOTUNIQ);
		}
		found = s;
	}
	if (!found) {
		NL_SET_ERR_MSG(extack, "no session has this local-call-id");
		return ERR_PTR(-ENOENT);
	}
	return found;
}

/* Find the session a request names, with a reference for the caller. */
static struct kpptp_session *kpptp_nl_get_session(struct sk_buff *skb,
						  struct genl_info *info,
						  bool need_key)
{
	struct kpptp_net *kn = kpptp_pernet(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	struct kpptp_session *s;
	u32 index = 0;
	u16 call_id = 0;
	__be32 peer = 0;

	if (tb[KPPTP_A_ID]) {
		index = nla_get_u32(tb[KPPTP_A_ID]);	/* >= 1: the policy */
	} else if (tb[KPPTP_A_LOCAL_CALL_ID]) {
		call_id = nla_get_u16(tb[KPPTP_A_LOCAL_CALL_ID]);
		if (tb[KPPTP_A_PEER_ADDR])
			peer = nla_get_in_addr(tb[KPPTP_A_PEER_ADDR]);
	} else if (need_key) {
		NL_SET_ERR_MSG(info->extack, "give id, or local-call-id (and peer-addr)");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, KPPTP_A_ID);
		return ERR_PTR(-EINVAL);
	} else {
		return NULL;
	}

	mutex_lock(&kn->lock);
	s = kpptp_nl_find_session(kn, skb, info->extack, index, call_id, peer);
	if (!IS_ERR(s))
		refcount_inc(&s->refs);
	mutex_unlock(&kn->lock);
	return s;
}

static int kpptp_nl_session_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_session *s = kpptp_nl_get_session(skb, info, true);

	if (IS_ERR(s))
		return PTR_ERR(s);
	kpptp_session_close(s, KPPTP_DOWN_DELETED);
	kpptp_session_put(s);
	return 0;
}

static int kpptp_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_session *s = kpptp_nl_get_session(skb, info, true);
	int err;

	if (IS_ERR(s))
		return PTR_ERR(s);
	err = kpptp_nl_reply(skb, info, s, KPPTP_CMD_SESSION_GET, KPPTP_FILL_CONFIG);
	kpptp_session_put(s);
	return err;
}

static int kpptp_nl_session_set(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_session *s;

	if (info->attrs[KPPTP_A_OWNED]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KPPTP_A_OWNED],
				    "owned is set at creation only");
		return -EINVAL;
	}
	s = kpptp_nl_get_session(skb, info, true);
	if (IS_ERR(s))
		return PTR_ERR(s);
	kpptp_nl_apply_tunables(s, info->attrs);
	kpptp_session_put(s);
	return 0;
}

static int kpptp_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_net *kn = kpptp_pernet(genl_info_net(info));
	struct kpptp_session *s = kpptp_nl_get_session(skb, info, false);
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (s) {
		err = kpptp_nl_reply(skb, info, s, KPPTP_CMD_STATS_GET, KPPTP_FILL_STATS);
		kpptp_session_put(s);
		return err;
	}
	if (!netlink_net_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "the namespace's counters need CAP_NET_ADMIN");
		return -EPERM;
	}
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kpptp_family, 0, KPPTP_CMD_STATS_GET);
	if (!hdr || kpptp_nl_put_net_stats(msg, kn)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Dumps resume from the handle after the last one sent (cb->args[0]). */
static int kpptp_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd, int what)
{
	struct kpptp_net *kn = kpptp_pernet(sock_net(skb->sk));
	unsigned long index = cb->args[0];
	struct kpptp_session *s;
	bool admin;
	int err = 0;

	/*
	 * The capability is asked once per request (cb->args[1]: 0 not yet,
	 * 1 no, 2 yes), not per session: each question is an audit record.
	 */
	if (!cb->args[1])
		cb->args[1] = netlink_net_capable(cb->skb, CAP_NET_ADMIN) ? 2 : 1;
	admin = cb->args[1] == 2;
	mutex_lock(&kn->lock);
	xa_for_each_start(&kn->index, index, s, index) {
		if (!admin && !kpptp_nl_made_by(cb->skb, s))
			continue;
		err = kpptp_nl_fill(skb, s, cb->skb, cb->nlh->nlmsg_seq,
				    NLM_F_MULTI, cmd, what);
		if (err)
			break;
		cb->args[0] = index + 1;
	}
	mutex_unlock(&kn->lock);
	/* A full skb ends this part; an empty one with an error is real. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int kpptp_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kpptp_nl_dump(skb, cb, KPPTP_CMD_SESSION_GET, KPPTP_FILL_CONFIG);
}

static int kpptp_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kpptp_nl_dump(skb, cb, KPPTP_CMD_STATS_GET, KPPTP_FILL_STATS);
}

static const struct genl_small_ops kpptp_nl_ops[] = {
	{
		.cmd = KPPTP_CMD_SESSION_NEW,
		.doit = kpptp_nl_session_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KPPTP_CMD_SESSION_DEL,
		.doit = kpptp_nl_session_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KPPTP_CMD_SESSION_GET,
		.doit = kpptp_nl_session_get,
		.dumpit = kpptp_nl_session_dump,
	},
	{
		.cmd = KPPTP_CMD_SESSION_SET,
		.doit = kpptp_nl_session_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KPPTP_CMD_STATS_GET,
		.doit = kpptp_nl_stats_get,
		.dumpit = kpptp_nl_stats_dump,
	},
};

static struct genl_family kpptp_family __ro_after_init = {
	.name		= KPPTP_GENL_NAME,
	.version	= KPPTP_GENL_VERSION,
	.maxattr	= KPPTP_A_MAX,
	.policy		= kpptp_nl_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.small_ops	= kpptp_nl_ops,
	.n_small_ops	= ARRAY_SIZE(kpptp_nl_ops),
	/* Every command validates strictly: unknown attributes are errors. */
	.resv_start_op	= KPPTP_CMD_STATS_GET + 1,
	.mcgrps		= kpptp_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kpptp_mcgrps),
};

/*
 * Events. Built only when someone listens in the session's namespace, so
 * a busy host with no monitor pays nothing. ICMP and watch events come
 * from softirq context: GFP_ATOMIC.
 */
static struct sk_buff *kpptp_nl_event_begin(struct kpptp_session *s, u8 cmd,
					    gfp_t gfp, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&kpptp_family, s->net, KPPTP_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &kpptp_family, 0, cmd);
	if (!*hdr || kpptp_nl_put_key(msg, s) ||
	    nla_put_u64_64bit(msg, KPPTP_A_COOKIE, READ_ONCE(s->cookie), KPPTP_A_PAD)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send the event, or drop it if its details did not fit (err). */
static void kpptp_nl_event_end(struct kpptp_session *s, struct sk_buff *msg,
			       void *hdr, int err, gfp_t gfp)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kpptp_family, s->net, msg, 0,
				KPPTP_MCGRP_EVENTS, gfp);
}

void kpptp_nl_notify_up(struct kpptp_session *s)
{
	struct sk_buff *msg;
	void *hdr;

	msg = kpptp_nl_event_begin(s, KPPTP_CMD_SESSION_UP_NTF, GFP_KERNEL, &hdr);
	if (!msg)
		return;
	kpptp_nl_event_end(s, msg, hdr,
			   kpptp_nl_put_config(msg, s, s->net->user_ns),
			   GFP_KERNEL);
}

void kpptp_nl_notify_down(struct kpptp_session *s)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = kpptp_nl_event_begin(s, KPPTP_CMD_SESSION_DOWN_NTF, GFP_KERNEL, &hdr);
	if (!msg)
		return;
	err = nla_put_u8(msg, KPPTP_A_DOWN_REASON, s->down_reason) ?:
	      kpptp_nl_put_stats(msg, s);
	kpptp_nl_event_end(s, msg, hdr, err, GFP_KERNEL);
}

void kpptp_nl_notify_icmp(struct kpptp_session *s)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = kpptp_nl_event_begin(s, KPPTP_CMD_ICMP_ERROR_NTF, GFP_ATOMIC, &hdr);
	if (!msg)
		return;
	err = nla_put_u8(msg, KPPTP_A_ICMP_TYPE, READ_ONCE(s->icmp_type)) ?:
	      nla_put_u8(msg, KPPTP_A_ICMP_CODE, READ_ONCE(s->icmp_code)) ?:
	      nla_put_in_addr(msg, KPPTP_A_ICMP_ROUTER, READ_ONCE(s->icmp_router));
	kpptp_nl_event_end(s, msg, hdr, err, GFP_ATOMIC);
}

/* An event whose only detail is one u32 attribute. */
static void kpptp_nl_notify_u32(struct kpptp_session *s, u8 cmd, int attr,
				u32 val)
{
	struct sk_buff *msg;
	void *hdr;

	msg = kpptp_nl_event_begin(s, cmd, GFP_ATOMIC, &hdr);
	if (!msg)
		return;
	kpptp_nl_event_end(s, msg, hdr, nla_put_u32(msg, attr, val), GFP_ATOMIC);
}

void kpptp_nl_notify_stall(struct kpptp_session *s, u32 idle_ms)
{
	kpptp_nl_notify_u32(s, KPPTP_CMD_RX_STALL_NTF, KPPTP_A_RX_IDLE, idle_ms);
}

void kpptp_nl_notify_anomaly(struct kpptp_session *s, u32 anomalies)
{
	kpptp_nl_notify_u32(s, KPPTP_CMD_SEQ_ANOMALY_NTF, KPPTP_A_ANOMALIES,
			    anomalies);
}

/* Owned sessions go when the netlink socket that made them closes. */
static int kpptp_nl_release(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		kpptp_owner_release(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block kpptp_nl_notifier = {
	.notifier_call = kpptp_nl_release,
};

int kpptp_nl_init(void)
{
	int err;

	err = netlink_register_notifier(&kpptp_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&kpptp_family);
	if (err)
		netlink_unregister_notifier(&kpptp_nl_notifier);
	return err;
}

void kpptp_nl_exit(void)
{
	genl_unregister_family(&kpptp_family);
	netlink_unregister_notifier(&kpptp_nl_notifier);
}
