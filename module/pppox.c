// SPDX-License-Identifier: GPL-2.0
/*
 * The PX_PROTO_PPTP socket: the in-tree pptp ABI, so that existing daemons
 * (pppd plugins, accel-ppp) run unchanged.
 *
 *   socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP)
 *   bind()     local address + our call ID (0: allocate; getsockname tells)
 *   connect()  peer address + peer call ID: registers the PPP channel
 *   ioctl(PPPIOCGCHAN) and the channel's PPPIOC[GS]FLAGS
 *
 * Errors are the in-tree ones: bind -EBUSY when the ID is in use, connect
 * -EALREADY when the peer's call is already served, -EHOSTUNREACH without a
 * route. One exception, for daemons that make the session over netlink
 * and hand pppd the socket (as pppol2tp does): a caller with CAP_NET_ADMIN
 * over the namespace may bind an ID that connected sessions use, and
 * connect then attaches to the netlink-made session with those call IDs
 * (if it is the creator's UID or has CAP_NET_ADMIN), or makes a session
 * of its own if the ID is free towards that peer; else -EADDRINUSE.
 * Documentation/design.rst says why each choice was made.
 *
 * The channel is registered last, once the socket has its session, so
 * that a process attaching to the channel by index (PPPIOCATTCHAN) never
 * finds it without one.
 *
 * The socket holds the session; the session holds the socket while its
 * channel is registered, until kpptp_session_close() breaks the cycle.
 */

#include <linux/if_pppox.h>
#include <linux/kpptp.h>
#include <linux/module.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "gre.h"
#include "kpptp.h"

static struct proto kpptp_sk_proto __read_mostly = {
	.name	  = "KPPTP",
	.owner	  = THIS_MODULE,
	.obj_size = sizeof(struct kpptp_sock),
};

static int kpptp_chan_ioctl(struct ppp_channel *chan, unsigned int cmd,
			    unsigned long arg)
{
	struct kpptp_session *s = kpptp_sk(chan->private)->session;
	int __user *p = (int __user *)arg;
	int val;

	switch (cmd) {
	case PPPIOCGFLAGS:
		return put_user(READ_ONCE(s->ppp_flags), p) ? -EFAULT : 0;
	case PPPIOCSFLAGS:
		if (get_user(val, p))
			return -EFAULT;
		WRITE_ONCE(s->ppp_flags, val &
			   ~(SC_RCV_B7_1 | SC_RCV_B7_0 | SC_RCV_ODDP | SC_RCV_EVNP));
		return 0;
	}
	return -ENOTTY;
}

static const struct ppp_channel_ops kpptp_chan_ops = {
	.start_xmit = kpptp_xmit,
	.ioctl	    = kpptp_chan_ioctl,
};

static int kpptp_bind(struct socket *sock, struct kpptp_sockaddr *uaddr,
		      int addr_len)
{
	struct sockaddr_pppox *sp = (struct sockaddr_pppox *)uaddr;
	struct sock *sk = sock->sk;
	struct kpptp_session *s;
	u16 call_id;
	int err = 0;

	if (addr_len < (int)sizeof(struct sockaddr_pppox))
		return -EINVAL;

	lock_sock(sk);
	if (sk->sk_state & PPPOX_DEAD) {
		err = -EALREADY;
		goto out;
	}
	if (kpptp_sk(sk)->session || (sk->sk_state & PPPOX_BOUND)) {
		err = -EBUSY;
		goto out;
	}
	call_id = sp->sa_addr.pptp.call_id;
	s = kpptp_session_bind(sock_net(sk), sp->sa_addr.pptp.sin_addr.s_addr,
			       &call_id, sk_uid(sk));
	if (PTR_ERR_OR_ZERO(s) == -EEXIST &&
	    ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN)) {
		/* Shared with connected sessions: connect decides. */
		kpptp_sk(sk)->shared_call_id = call_id;
		kpptp_sk(sk)->shared_local = sp->sa_addr.pptp.sin_addr.s_addr;
		sk->sk_state |= PPPOX_BOUND;
		goto out;
	}
	if (IS_ERR(s)) {
		err = PTR_ERR(s) == -ENOMEM ? -ENOMEM : -EBUSY;
		goto out;
	}
	kpptp_sk(sk)->session = s;
	sk->sk_state |= PPPOX_BOUND;
out:
	release_sock(sk);
	return err;
}

/* The route to the peer now tells the caller at once, and sizes the channel. */
static int kpptp_chan_size(struct sock *sk, __be32 local, __be32 peer)
{
	struct pppox_sock *po = pppox_sk(sk);
	int overhead = sizeof(struct iphdr) + KPPTP_GRE_MAX_LEN + 2;
	struct net_device *dev;
	struct rtable *rt;
	struct flowi4 fl4;

	rt = kpptp_route_output(sock_net(sk), sk, peer, local, &fl4);
	if (IS_ERR(rt))
		return -EHOSTUNREACH;
	dev = rt->dst.dev;
	po->chan.hdrlen = LL_RESERVED_SPACE(dev) + overhead;
	/* A route MTU below our headers leaves nothing: say 0, not < 0. */
	po->chan.mtu = max_t(int, dst_mtu(&rt->dst) - overhead, 0);
	ip_rt_put(rt);
	return 0;
}

/*
 * KPPTP_SO_PPP_MTU: chan.mtu counts from the protocol field on (connect
 * sized it); an MRU does not count the protocol field. Caller holds the
 * socket lock.
 */
static int kpptp_ppp_mtu(struct sock *sk, u32 *val)
{
	int mtu = pppox_sk(sk)->chan.mtu;

	if (!(sk->sk_state & PPPOX_CONNECTED))
		return -ENOTCONN;
	*val = max(mtu - 2, 0);
	return 0;
}

static int kpptp_connect(struct socket *sock, struct kpptp_sockaddr *uaddr,
			 int addr_len, int flags)
{
	struct sockaddr_pppox *sp = (struct sockaddr_pppox *)uaddr;
	struct sock *sk = sock->sk;
	struct pppox_sock *po = pppox_sk(sk);
	struct kpptp_session *s;
	__be32 peer, local;
	int err;

	if (addr_len < (int)sizeof(struct sockaddr_pppox))
		return -EINVAL;
	if (sp->sa_protocol != PX_PROTO_PPTP)
		return -EINVAL;
	peer = sp->sa_addr.pptp.sin_addr.s_addr;

	lock_sock(sk);
	s = kpptp_sk(sk)->session;
	if (sk->sk_state & PPPOX_CONNECTED) {
		err = -EBUSY;
		goto out;
	}
	if (sk->sk_state & PPPOX_DEAD) {
		err = -EALREADY;
		goto out;
	}
	local = s ? s->local_addr : kpptp_sk(sk)->shared_local;
	if (!(sk->sk_state & PPPOX_BOUND) || !local || !peer) {
		err = -EINVAL;
		goto out;
	}
	err = kpptp_chan_size(sk, local, peer);
	if (err)
		goto out;

	if (s) {
		err = kpptp_session_connect(s, peer, sp->sa_addr.pptp.call_id, sk);
	} else {
		/* Attach to a netlink-made session, or make one for this peer. */
		struct kpptp_session_cfg cfg = {
			.local_addr = local,
			.peer_addr = peer,
			.call_id = kpptp_sk(sk)->shared_call_id,
			.peer_call_id = sp->sa_addr.pptp.call_id,
			.origin = KPPTP_ORIGIN_SOCKET,
			.uid = sk_uid(sk),
			.privileged = sk_net_capable(sk, CAP_NET_ADMIN),
		};

		s = kpptp_session_create(sock_net(sk), &cfg, sk);
		err = PTR_ERR_OR_ZERO(s);
		if (err == -EEXIST)	/* this call ID towards this peer */
			err = -EADDRINUSE;
		if (!err)
			kpptp_sk(sk)->session = s;
	}
	if (err)
		goto out;

	/* Last: from here on the channel can be used, and has its session. */
	po->chan.private = sk;
	po->chan.ops = &kpptp_chan_ops;
#ifdef KPPTP_HAVE_DIRECT_XMIT
	po->chan.direct_xmit = true;
#endif
	err = ppp_register_net_channel(sock_net(sk), &po->chan);
	if (err) {
		/* The session goes (or is left as it was found), the socket dies. */
		if (s->origin == KPPTP_ORIGIN_NETLINK)
			kpptp_session_detach(s, sk);
		else
			kpptp_session_close(s, KPPTP_DOWN_SOCKET_CLOSED);
		goto out;
	}
	kpptp_session_set_channel(s, sk, ppp_channel_index(&po->chan));
	/* A netlink-made session it attached to is up already. */
	if (s->origin == KPPTP_ORIGIN_SOCKET)
		kpptp_session_announce(s);
	sk->sk_state |= PPPOX_CONNECTED;
out:
	release_sock(sk);
	return err;
}

static int kpptp_getname(struct socket *sock, struct sockaddr *uaddr,
			 int peer)
{
	struct sockaddr_pppox sp = {};
	struct sock *sk = sock->sk;
	struct kpptp_session *s;

	sp.sa_family = AF_PPPOX;
	sp.sa_protocol = PX_PROTO_PPTP;
	lock_sock(sk);
	s = kpptp_sk(sk)->session;
	if (peer) {
		if (!(sk->sk_state & PPPOX_CONNECTED) || !s) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sp.sa_addr.pptp.call_id = s->peer_key.call_id;
		sp.sa_addr.pptp.sin_addr.s_addr = s->peer_key.peer;
	} else if (s) {
		sp.sa_addr.pptp.call_id = s->local_key.call_id;
		sp.sa_addr.pptp.sin_addr.s_addr = s->local_addr;
	} else if (sk->sk_state & PPPOX_BOUND) {
		sp.sa_addr.pptp.call_id = kpptp_sk(sk)->shared_call_id;
		sp.sa_addr.pptp.sin_addr.s_addr = kpptp_sk(sk)->shared_local;
	}
	release_sock(sk);
	memcpy(uaddr, &sp, sizeof(sp));
	return sizeof(sp);
}

/* KPPTP_SO_FASTPATH: a struct, not a u32. Socket locked by the caller. */
static int kpptp_set_fastpath(struct sock *sk, sockptr_t optval,
			      unsigned int optlen)
{
	struct kpptp_session *s = kpptp_sk(sk)->session;
	struct kpptp_fastpath req;

	if (optlen < sizeof(req))
		return -EINVAL;
	if (copy_from_sockptr(&req, optval, sizeof(req)))
		return -EFAULT;
	if (!s || !(sk->sk_state & PPPOX_CONNECTED))
		return -ENOTCONN;
	return kpptp_fp_set(sk, s, req.ifindex, req.ncp);
}

static int kpptp_setsockopt(struct socket *sock, int level, int optname,
			    sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	u32 val;
	int err;

	if (level != SOL_KPPTP)
		return -ENOPROTOOPT;
	if (optname == KPPTP_SO_FASTPATH) {
		lock_sock(sk);
		err = kpptp_set_fastpath(sk, optval, optlen);
		release_sock(sk);
		return err;
	}
	if (optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	if (kpptp_sk(sk)->session)
		err = kpptp_session_set_opt(kpptp_sk(sk)->session, optname,
					    val);
	else
		err = -ENOTCONN;
	release_sock(sk);
	return err;
}

/* KPPTP_SO_FASTPATH_IDLE: a struct, as PPPIOCGIDLE's. */
static int kpptp_get_fastpath_idle(struct sock *sk, char __user *optval,
				   int __user *optlen)
{
	struct kpptp_fastpath_idle fi;
	struct kpptp_session *s;
	unsigned long now = jiffies;
	int len, err = 0;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(fi))
		return -EINVAL;
	lock_sock(sk);
	s = kpptp_sk(sk)->session;
	if (s) {
		fi.xmit_idle = (now - READ_ONCE(s->fp_last_tx)) / HZ;
		fi.recv_idle = (now - READ_ONCE(s->fp_last_rx)) / HZ;
	} else {
		err = -ENOTCONN;
	}
	release_sock(sk);
	if (err)
		return err;
	if (put_user((int)sizeof(fi), optlen) ||
	    copy_to_user(optval, &fi, sizeof(fi)))
		return -EFAULT;
	return 0;
}

static int kpptp_getsockopt(struct socket *sock, int level, int optname,
			    char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	int len, err;
	u32 val;

	if (level != SOL_KPPTP)
		return -ENOPROTOOPT;
	if (optname == KPPTP_SO_FASTPATH_IDLE)
		return kpptp_get_fastpath_idle(sk, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(val))
		return -EINVAL;
	lock_sock(sk);
	if (!kpptp_sk(sk)->session) {
		err = -ENOTCONN;
	} else if (optname == KPPTP_SO_PPP_MTU) {
		err = kpptp_ppp_mtu(sk, &val);
	} else if (optname == KPPTP_SO_FASTPATH) {
		val = kpptp_fp_state(kpptp_sk(sk)->session);
		err = 0;
	} else {
		err = kpptp_session_get_opt(kpptp_sk(sk)->session, optname,
					    &val);
	}
	release_sock(sk);
	if (err)
		return err;
	if (put_user((int)sizeof(val), optlen) ||
	    copy_to_user(optval, &val, sizeof(val)))
		return -EFAULT;
	return 0;
}

static int kpptp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct kpptp_session *s;

	if (!sk)
		return 0;

	lock_sock(sk);
	if (sock_flag(sk, SOCK_DEAD)) {
		release_sock(sk);
		return -EBADF;
	}
	s = kpptp_sk(sk)->session;
	/*
	 * A session the socket made goes with it (its channel after an RCU
	 * grace period, session.c); a netlink-made one only loses the socket.
	 */
	if (s && s->origin == KPPTP_ORIGIN_NETLINK)
		kpptp_session_detach(s, sk);
	else if (s)
		kpptp_session_close(s, KPPTP_DOWN_SOCKET_CLOSED);
	if (!(sk->sk_state & PPPOX_CONNECTED))
		sk->sk_state = PPPOX_DEAD;
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);
	sock_put(sk);
	return 0;
}

static void kpptp_sock_destruct(struct sock *sk)
{
	struct kpptp_session *s = kpptp_sk(sk)->session;

	skb_queue_purge(&sk->sk_receive_queue);
	if (s) {
		kpptp_sk(sk)->session = NULL;
		kpptp_session_put(s);
	}
}

static const struct proto_ops kpptp_ops = {
	.family		= AF_PPPOX,
	.owner		= THIS_MODULE,
	.release	= kpptp_release,
	.bind		= kpptp_bind,
	.connect	= kpptp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= kpptp_getname,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= kpptp_setsockopt,
	.getsockopt	= kpptp_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
	.ioctl		= pppox_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= pppox_compat_ioctl,
#endif
};

static int kpptp_create(struct net *net, struct socket *sock, int kern)
{
	struct sock *sk;

	sk = sk_alloc(net, PF_PPPOX, GFP_KERNEL, &kpptp_sk_proto, kern);
	if (!sk)
		return -ENOMEM;

	sock_init_data(sock, sk);
	sock->state = SS_UNCONNECTED;
	sock->ops = &kpptp_ops;
	sk->sk_state = PPPOX_NONE;
	sk->sk_type = SOCK_STREAM;
	sk->sk_family = PF_PPPOX;
	sk->sk_protocol = PX_PROTO_PPTP;
	sk->sk_destruct = kpptp_sock_destruct;
	return 0;
}

static const struct pppox_proto kpptp_pppox_proto = {
	.create = kpptp_create,
	.owner	= THIS_MODULE,
};

int kpptp_pppox_init(void)
{
	int err;

	/* A slab of its own: SLAB_ACCOUNT charges each socket to its memcg. */
	err = proto_register(&kpptp_sk_proto, 1);
	if (err)
		return err;
	err = register_pppox_proto(PX_PROTO_PPTP, &kpptp_pppox_proto);
	if (err) {
		if (err == -EALREADY)
			pr_err("PPPoX protocol PX_PROTO_PPTP is taken by another module (the in-tree pptp?): run 'rmmod pptp' and add 'blacklist pptp' to /etc/modprobe.d/kpptp.conf\n");
		proto_unregister(&kpptp_sk_proto);
	}
	return err;
}

void kpptp_pppox_exit(void)
{
	unregister_pppox_proto(PX_PROTO_PPTP);
	proto_unregister(&kpptp_sk_proto);
}
