/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters. Each list is one X-macro so that /proc, netlink and the tests
 * all name a counter the same way. Every drop in the data path increments
 * exactly one of these.
 */
#ifndef _KPPTP_STATS_H
#define _KPPTP_STATS_H

#include <linux/u64_stats_sync.h>
#include <linux/atomic.h>

/* Receive side of a session: written under session->rx_lock only. */
#define KPPTP_RX_STATS(X)						\
	X(rx_packets)		/* data packets handed to PPP */	\
	X(rx_bytes)		/* their PPP payload bytes */		\
	X(rx_acks)		/* acks received (alone or piggybacked) */ \
	X(rx_ack_only)		/* ack-only packets (S clear) */	\
	X(rx_out_of_order)	/* arrived ahead of a gap */		\
	X(rx_reordered)		/* held, then delivered in order */	\
	X(rx_lost)		/* sequence numbers given up on */	\
	X(rx_late)		/* duplicate or behind: dropped */	\
	X(rx_late_lcp)		/* behind, but LCP echo: delivered */	\
	X(rx_bad_length)	/* payload length beyond the packet */	\
	X(rx_no_payload)	/* S set but payload length 0 */	\
	X(rx_no_channel)	/* no PPP channel attached yet */	\
	X(rx_reorder_overflow)	/* reorder buffer full: gap skipped */

/* Transmit side: written with the PPP channel's xmit lock held. */
#define KPPTP_TX_STATS(X)						\
	X(tx_packets)							\
	X(tx_bytes)							\
	X(tx_acks_piggybacked)						\
	X(tx_drop_dead)		/* session closing */			\
	X(tx_drop_no_route)						\
	X(tx_drop_nomem)						\
	X(tx_drop_short)	/* no PPP protocol field */		\
	X(tx_headroom_realloc)	/* had to grow the headroom */		\
	X(tx_errors)		/* ip_local_out() refused */

/* Events from timers and ICMP: any context, atomic. */
#define KPPTP_EV_STATS(X)						\
	X(tx_ack_only)		/* standalone acks sent */		\
	X(tx_ack_only_fail)	/* standalone ack not sent */		\
	X(icmp_unreachable)	/* dest/proto/host unreachable, admin prohibited */ \
	X(icmp_frag_needed)	/* path MTU lowered */			\
	X(icmp_time_exceeded)						\
	X(icmp_other)

/* Per network namespace: packets that never reached a session. */
#define KPPTP_NET_STATS(X)						\
	X(rx_not_host)		/* not addressed to this host */	\
	X(rx_truncated)		/* shorter than its own header */	\
	X(rx_bad_protocol)	/* protocol is not 0x880B */		\
	X(rx_bad_flags)		/* C, R, s or recursion set */		\
	X(rx_no_key)		/* K clear */				\
	X(rx_no_seq_no_ack)	/* neither S nor A: carries nothing */	\
	X(rx_no_session)	/* unknown (call ID, peer) */		\
	X(icmp_no_session)	/* ICMP about a GRE packet of no session */

#define KPPTP_ENUM(name) KPPTP_STAT_##name,
enum { KPPTP_RX_STATS(KPPTP_ENUM) KPPTP_RX_NSTATS };
enum { KPPTP_TX_STATS(KPPTP_ENUM) KPPTP_TX_NSTATS };
enum { KPPTP_EV_STATS(KPPTP_ENUM) KPPTP_EV_NSTATS };
enum { KPPTP_NET_STATS(KPPTP_ENUM) KPPTP_NET_NSTATS };
#undef KPPTP_ENUM

struct kpptp_rx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t cnt[KPPTP_RX_NSTATS];
};

struct kpptp_tx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t cnt[KPPTP_TX_NSTATS];
};

struct kpptp_session;

/* A consistent copy of every counter of a session, for readers. */
struct kpptp_session_stats {
	u64 rx[KPPTP_RX_NSTATS];
	u64 tx[KPPTP_TX_NSTATS];
	u64 ev[KPPTP_EV_NSTATS];
};

extern const char *const kpptp_rx_stat_names[KPPTP_RX_NSTATS];
extern const char *const kpptp_tx_stat_names[KPPTP_TX_NSTATS];
extern const char *const kpptp_ev_stat_names[KPPTP_EV_NSTATS];
extern const char *const kpptp_net_stat_names[KPPTP_NET_NSTATS];

void kpptp_session_stats_read(const struct kpptp_session *s,
			      struct kpptp_session_stats *out);

#endif /* _KPPTP_STATS_H */
