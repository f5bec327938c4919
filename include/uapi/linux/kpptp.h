/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * kpptp: userspace API of the PPTP (RFC 2637) GRE data path.
 *
 * The PPPoX socket ABI is the in-tree pptp one and is not repeated here:
 * socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP), bind() and connect() with
 * struct sockaddr_pppox / sa_addr.pptp (linux/if_pppox.h).
 *
 * What kpptp adds on the socket: per-session tuning through setsockopt()
 * at level SOL_KPPTP. All values are __u32.
 */
#ifndef _UAPI_LINUX_KPPTP_H
#define _UAPI_LINUX_KPPTP_H

#include <linux/types.h>

/* Socket option level of kpptp's PPPoX sockets (not a SOL_* of the kernel). */
#define SOL_KPPTP			0x4b50

enum kpptp_sockopt {
	/* packets held while waiting for a missing one; 0 = no reordering */
	KPPTP_SO_REORDER_WINDOW = 1,
	/* how long a gap is waited for, in milliseconds (1..10000) */
	KPPTP_SO_REORDER_TIMEOUT,
	/* delay before an ack-only packet is sent, in milliseconds (1..10000) */
	KPPTP_SO_ACK_DELAY,
	/*
	 * Read only, on a connected socket: the largest PPP information field
	 * (the protocol field not counted: an LCP MRU) whose GRE packet fits
	 * the route to the peer as it was at connect(), with the address and
	 * control field and an ack. A larger MTU is fragmented outside.
	 */
	KPPTP_SO_PPP_MTU,
	/*
	 * Set: struct kpptp_fastpath. Frames of the NCPs in ncp go from the
	 * sequence engine straight to GRO on the PPP unit ifindex, which
	 * must be this socket's channel's (pppd's kpptp.so asks at ip-up,
	 * only with no CCP, VJ, filter, demand, multilink or idle limit);
	 * ncp 0 turns it off. Needs CAP_NET_ADMIN and the module parameter
	 * fastpath=1 (EOPNOTSUPP without). The module turns it off by itself
	 * when pppN goes, the call ends, or LCP, an NCP or CCP renegotiate.
	 * Get: a __u32, the NCP bits on now (0: off).
	 */
	KPPTP_SO_FASTPATH,
	/*
	 * Read only: struct kpptp_fastpath_idle, the seconds since the fast
	 * path last moved a data packet each way (since the session began if
	 * it never did). pppd reads its idle time from ppp_generic, which
	 * fast packets go around: kpptp.so's idle_time_hook takes the smaller
	 * of the two, so an idle limit works on a fast call.
	 */
	KPPTP_SO_FASTPATH_IDLE,
};

struct kpptp_fastpath_idle {
	__u32 xmit_idle;	/* seconds */
	__u32 recv_idle;
};

struct kpptp_fastpath {
	__u32 ifindex;
	__u32 ncp;		/* KPPTP_FP_* */
};

#define KPPTP_FP_IPV4			1
#define KPPTP_FP_IPV6			2

/* Upper bound of KPPTP_SO_REORDER_WINDOW. */
#define KPPTP_REORDER_WINDOW_MAX	256
#define KPPTP_TIMEOUT_MAX_MS		10000

/*
 * Generic netlink family "kpptp" (Documentation/netlink/specs/kpptp.yaml
 * is the definition; this header matches it, a test checks that).
 */
#define KPPTP_GENL_NAME			"kpptp"
#define KPPTP_GENL_VERSION		1
#define KPPTP_GENL_MCGRP_EVENTS		"events"

enum kpptp_cmd {
	KPPTP_CMD_UNSPEC,
	KPPTP_CMD_SESSION_NEW,
	KPPTP_CMD_SESSION_DEL,
	KPPTP_CMD_SESSION_GET,
	KPPTP_CMD_SESSION_SET,
	KPPTP_CMD_STATS_GET,
	/* notifications, multicast to "events" */
	KPPTP_CMD_SESSION_UP_NTF,
	KPPTP_CMD_SESSION_DOWN_NTF,
	KPPTP_CMD_ICMP_ERROR_NTF,
	KPPTP_CMD_RX_STALL_NTF,
	KPPTP_CMD_SEQ_ANOMALY_NTF,

	__KPPTP_CMD_MAX,
	KPPTP_CMD_MAX = (__KPPTP_CMD_MAX - 1)
};

/* How a session was made. */
enum kpptp_origin {
	KPPTP_ORIGIN_SOCKET = 1,	/* bind + connect of a PPPoX socket */
	KPPTP_ORIGIN_NETLINK,		/* session-new */
};

enum kpptp_state {
	KPPTP_STATE_BOUND = 1,		/* socket bound, no peer yet */
	KPPTP_STATE_CONNECTED,		/* carries data */
	KPPTP_STATE_CLOSING,		/* deleted, its last users are letting go */
};

/* Why a session went down (KPPTP_A_DOWN_REASON). */
enum kpptp_down_reason {
	KPPTP_DOWN_DELETED = 1,		/* session-del */
	KPPTP_DOWN_SOCKET_CLOSED,	/* its PPPoX socket closed (pppd exited) */
	KPPTP_DOWN_OWNER_GONE,		/* the netlink socket that owned it closed */
	KPPTP_DOWN_REPLACED,		/* an admin's session took its peer call */
};

enum kpptp_a {
	KPPTP_A_UNSPEC,
	KPPTP_A_PAD,
	KPPTP_A_LOCAL_CALL_ID,		/* u16 */
	KPPTP_A_PEER_CALL_ID,		/* u16 */
	KPPTP_A_LOCAL_ADDR,		/* u32, network order (IPv4) */
	KPPTP_A_PEER_ADDR,		/* u32, network order (IPv4) */
	KPPTP_A_OWNED,			/* flag: deleted when its creator closes */
	KPPTP_A_ORIGIN,			/* u8, enum kpptp_origin */
	KPPTP_A_STATE,			/* u8, enum kpptp_state */
	KPPTP_A_CHANNEL,		/* u32: PPP channel index, if attached */
	KPPTP_A_REORDER_WINDOW,		/* u32, packets, 0..256 */
	KPPTP_A_REORDER_TIMEOUT,	/* u32, ms, 1..10000 */
	KPPTP_A_ACK_DELAY,		/* u32, ms, 1..10000 */
	KPPTP_A_PEER_RECV_WINDOW,	/* u16, the peer's Call-Reply window */
	KPPTP_A_COOKIE,			/* u64, the daemon's own tag */
	KPPTP_A_STALL_TIMEOUT,		/* u32, s, 0 = off: rx-stall event after */
	KPPTP_A_ANOMALY_THRESHOLD,	/* u32, per s, 0 = off: seq-anomaly event */
	KPPTP_A_PMTU,			/* u32, from ICMP frag-needed, 0 = none */
	KPPTP_A_UID,			/* u32: who made it (socket or netlink) */
	KPPTP_A_STATS,			/* nest, enum kpptp_a_stats */
	KPPTP_A_NET_STATS,		/* nest, enum kpptp_a_net_stats */
	KPPTP_A_DOWN_REASON,		/* u8, enum kpptp_down_reason */
	KPPTP_A_ICMP_TYPE,		/* u8 */
	KPPTP_A_ICMP_CODE,		/* u8 */
	KPPTP_A_ICMP_ROUTER,		/* u32, network order: who sent it */
	KPPTP_A_RX_IDLE,		/* u32, ms since the peer's last GRE */
	KPPTP_A_ANOMALIES,		/* u32: lost + late + out-of-order, last s */
	KPPTP_A_ID,			/* u32: the session's handle in its netns */
	/*
	 * u8: the receive fast path's NCPs (KPPTP_FP_*), 0 = off. session-set
	 * takes only 0: the admin turns it off; pppd turns it on.
	 */
	KPPTP_A_FASTPATH,

	__KPPTP_A_MAX,
	KPPTP_A_MAX = (__KPPTP_A_MAX - 1)
};

/* Per-session counters (u64 each), in KPPTP_A_STATS. */
enum kpptp_a_stats {
	KPPTP_A_STATS_UNSPEC,
	KPPTP_A_STATS_PAD,
	KPPTP_A_STATS_RX_PACKETS,
	KPPTP_A_STATS_RX_BYTES,
	KPPTP_A_STATS_RX_ACKS,
	KPPTP_A_STATS_RX_ACK_ONLY,
	KPPTP_A_STATS_RX_OUT_OF_ORDER,
	KPPTP_A_STATS_RX_REORDERED,
	KPPTP_A_STATS_RX_LOST,
	KPPTP_A_STATS_RX_LATE,
	KPPTP_A_STATS_RX_LATE_LCP,
	KPPTP_A_STATS_RX_BAD_LENGTH,
	KPPTP_A_STATS_RX_NO_PAYLOAD,
	KPPTP_A_STATS_RX_NO_CHANNEL,
	KPPTP_A_STATS_RX_REORDER_OVERFLOW,
	KPPTP_A_STATS_TX_PACKETS,
	KPPTP_A_STATS_TX_BYTES,
	KPPTP_A_STATS_TX_ACKS_PIGGYBACKED,
	KPPTP_A_STATS_TX_DROP_DEAD,
	KPPTP_A_STATS_TX_DROP_NO_ROUTE,
	KPPTP_A_STATS_TX_DROP_NOMEM,
	KPPTP_A_STATS_TX_DROP_SHORT,
	KPPTP_A_STATS_TX_DROP_TOO_BIG,
	KPPTP_A_STATS_TX_HEADROOM_REALLOC,
	KPPTP_A_STATS_TX_ERRORS,
	KPPTP_A_STATS_TX_OVER_WINDOW,
	KPPTP_A_STATS_TX_ACK_ONLY,
	KPPTP_A_STATS_TX_ACK_ONLY_FAIL,
	KPPTP_A_STATS_ICMP_UNREACHABLE,
	KPPTP_A_STATS_ICMP_FRAG_NEEDED,
	KPPTP_A_STATS_ICMP_TIME_EXCEEDED,
	KPPTP_A_STATS_ICMP_OTHER,

	__KPPTP_A_STATS_MAX,
	KPPTP_A_STATS_MAX = (__KPPTP_A_STATS_MAX - 1)
};

/* Namespace-wide counters (u64 each), in KPPTP_A_NET_STATS. */
enum kpptp_a_net_stats {
	KPPTP_A_NET_STATS_UNSPEC,
	KPPTP_A_NET_STATS_PAD,
	KPPTP_A_NET_STATS_RX_NOT_HOST,
	KPPTP_A_NET_STATS_RX_TRUNCATED,
	KPPTP_A_NET_STATS_RX_BAD_PROTOCOL,
	KPPTP_A_NET_STATS_RX_BAD_FLAGS,
	KPPTP_A_NET_STATS_RX_NO_KEY,
	KPPTP_A_NET_STATS_RX_NO_SEQ_NO_ACK,
	KPPTP_A_NET_STATS_RX_NO_SESSION,
	KPPTP_A_NET_STATS_ICMP_NO_SESSION,
	KPPTP_A_NET_STATS_SESSIONS,

	__KPPTP_A_NET_STATS_MAX,
	KPPTP_A_NET_STATS_MAX = (__KPPTP_A_NET_STATS_MAX - 1)
};

/* Bounds of the attributes above that have them. */
#define KPPTP_STALL_TIMEOUT_MAX_S	3600

#endif /* _UAPI_LINUX_KPPTP_H */
