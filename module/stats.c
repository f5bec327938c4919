// SPDX-License-Identifier: GPL-2.0
#include "kpptp.h"

const char *const kpptp_rx_stat_names[KPPTP_RX_NSTATS] = {
	[KPPTP_STAT_rx_packets] = "rx_packets",
	[KPPTP_STAT_rx_bytes] = "rx_bytes",
	[KPPTP_STAT_rx_acks] = "rx_acks",
	[KPPTP_STAT_rx_ack_only] = "rx_ack_only",
	[KPPTP_STAT_rx_out_of_order] = "rx_out_of_order",
	[KPPTP_STAT_rx_reordered] = "rx_reordered",
	[KPPTP_STAT_rx_lost] = "rx_lost",
	[KPPTP_STAT_rx_late] = "rx_late",
	[KPPTP_STAT_rx_late_lcp] = "rx_late_lcp",
	[KPPTP_STAT_rx_bad_length] = "rx_bad_length",
	[KPPTP_STAT_rx_no_payload] = "rx_no_payload",
	[KPPTP_STAT_rx_no_channel] = "rx_no_channel",
	[KPPTP_STAT_rx_reorder_overflow] = "rx_reorder_overflow",
};

const char *const kpptp_tx_stat_names[KPPTP_TX_NSTATS] = {
	[KPPTP_STAT_tx_packets] = "tx_packets",
	[KPPTP_STAT_tx_bytes] = "tx_bytes",
	[KPPTP_STAT_tx_acks_piggybacked] = "tx_acks_piggybacked",
	[KPPTP_STAT_tx_drop_dead] = "tx_drop_dead",
	[KPPTP_STAT_tx_drop_no_route] = "tx_drop_no_route",
	[KPPTP_STAT_tx_drop_nomem] = "tx_drop_nomem",
	[KPPTP_STAT_tx_drop_short] = "tx_drop_short",
	[KPPTP_STAT_tx_drop_too_big] = "tx_drop_too_big",
	[KPPTP_STAT_tx_headroom_realloc] = "tx_headroom_realloc",
	[KPPTP_STAT_tx_errors] = "tx_errors",
	[KPPTP_STAT_tx_over_window] = "tx_over_window",
};

const char *const kpptp_ev_stat_names[KPPTP_EV_NSTATS] = {
	[KPPTP_STAT_tx_ack_only] = "tx_ack_only",
	[KPPTP_STAT_tx_ack_only_fail] = "tx_ack_only_fail",
	[KPPTP_STAT_icmp_unreachable] = "icmp_unreachable",
	[KPPTP_STAT_icmp_frag_needed] = "icmp_frag_needed",
	[KPPTP_STAT_icmp_time_exceeded] = "icmp_time_exceeded",
	[KPPTP_STAT_icmp_other] = "icmp_other",
};

const char *const kpptp_net_stat_names[KPPTP_NET_NSTATS] = {
	[KPPTP_STAT_rx_not_host] = "rx_not_host",
	[KPPTP_STAT_rx_truncated] = "rx_truncated",
	[KPPTP_STAT_rx_bad_protocol] = "rx_bad_protocol",
	[KPPTP_STAT_rx_bad_flags] = "rx_bad_flags",
	[KPPTP_STAT_rx_no_key] = "rx_no_key",
	[KPPTP_STAT_rx_no_seq_no_ack] = "rx_no_seq_no_ack",
	[KPPTP_STAT_rx_no_session] = "rx_no_session",
	[KPPTP_STAT_icmp_no_session] = "icmp_no_session",
};

void kpptp_session_stats_read(const struct kpptp_session *s,
			      struct kpptp_session_stats *out)
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&s->rx_stats.syncp);
		for (i = 0; i < KPPTP_RX_NSTATS; i++)
			out->rx[i] = u64_stats_read(&s->rx_stats.cnt[i]);
	} while (u64_stats_fetch_retry(&s->rx_stats.syncp, start));
	do {
		start = u64_stats_fetch_begin(&s->tx_stats.syncp);
		for (i = 0; i < KPPTP_TX_NSTATS; i++)
			out->tx[i] = u64_stats_read(&s->tx_stats.cnt[i]);
	} while (u64_stats_fetch_retry(&s->tx_stats.syncp, start));
	for (i = 0; i < KPPTP_EV_NSTATS; i++)
		out->ev[i] = atomic_long_read(&s->ev_stats[i]);
}
