/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters. Every drop in the data path increments exactly one of them.
 * /proc and netlink print them by the names in stats.c, which the tests
 * use too: a counter is renamed in both places or not at all.
 */
#ifndef _KPPTP_STATS_H
#define _KPPTP_STATS_H

#include <linux/u64_stats_sync.h>
#include <linux/atomic.h>

/* Receive side of a session: written under session->rx_lock only. */
enum kpptp_rx_stat {
	KPPTP_STAT_rx_packets,			/* data packets handed to PPP */
	KPPTP_STAT_rx_bytes,			/* their bytes as carried in GRE */
	KPPTP_STAT_rx_acks,			/* acks received, alone or piggybacked */
	KPPTP_STAT_rx_ack_only,			/* ack-only packets (S clear) */
	KPPTP_STAT_rx_out_of_order,		/* arrived ahead of a gap */
	KPPTP_STAT_rx_reordered,		/* held, then delivered in order */
	KPPTP_STAT_rx_lost,			/* sequence numbers given up on */
	KPPTP_STAT_rx_late,			/* duplicate or behind: dropped */
	KPPTP_STAT_rx_late_lcp,			/* behind, but LCP echo: delivered */
	KPPTP_STAT_rx_bad_length,		/* payload length beyond the packet */
	KPPTP_STAT_rx_no_payload,		/* S set but payload length 0 */
	KPPTP_STAT_rx_no_channel,		/* no PPP channel attached */
	KPPTP_STAT_rx_reorder_overflow,		/* reorder buffer full or far jump: gap skipped */
	KPPTP_RX_NSTATS
};

/* Transmit side: written with the PPP channel's xmit lock held. */
enum kpptp_tx_stat {
	KPPTP_STAT_tx_packets,
	KPPTP_STAT_tx_bytes,			/* PPP frame bytes as carried in GRE */
	KPPTP_STAT_tx_acks_piggybacked,
	KPPTP_STAT_tx_drop_dead,		/* session closing */
	KPPTP_STAT_tx_drop_no_route,
	KPPTP_STAT_tx_drop_nomem,
	KPPTP_STAT_tx_drop_short,		/* no PPP protocol field */
	KPPTP_STAT_tx_drop_too_big,		/* DF, beyond the path MTU: ICMP sent */
	KPPTP_STAT_tx_headroom_realloc,		/* had to grow the headroom */
	KPPTP_STAT_tx_errors,			/* ip_local_out() refused */
	KPPTP_STAT_tx_over_window,		/* sent with the peer's window full */
	KPPTP_TX_NSTATS
};

/* Events from timers and ICMP: any context, atomic. */
enum kpptp_ev_stat {
	KPPTP_STAT_tx_ack_only,			/* standalone acks sent */
	KPPTP_STAT_tx_ack_only_fail,		/* standalone ack not sent */
	KPPTP_STAT_icmp_unreachable,		/* net/host/proto unreachable, prohibited */
	KPPTP_STAT_icmp_frag_needed,		/* path MTU lowered */
	KPPTP_STAT_icmp_time_exceeded,
	KPPTP_STAT_icmp_other,
	KPPTP_EV_NSTATS
};

/* Per network namespace: packets that never reached a session. */
enum kpptp_net_stat {
	KPPTP_STAT_rx_not_host,			/* not addressed to this host */
	KPPTP_STAT_rx_truncated,		/* shorter than its own header */
	KPPTP_STAT_rx_bad_protocol,		/* protocol is not 0x880B */
	KPPTP_STAT_rx_bad_flags,		/* C, R, s or recursion set */
	KPPTP_STAT_rx_no_key,			/* K clear */
	KPPTP_STAT_rx_no_seq_no_ack,		/* neither S nor A: carries nothing */
	KPPTP_STAT_rx_no_session,		/* unknown (peer, call ID) */
	KPPTP_STAT_icmp_no_session,		/* ICMP about GRE of no session */
	KPPTP_NET_NSTATS
};

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
