// SPDX-License-Identifier: GPL-2.0
#include "kpptp.h"

#define KPPTP_NAME(name) #name,
const char *const kpptp_rx_stat_names[KPPTP_RX_NSTATS] = {
	KPPTP_RX_STATS(KPPTP_NAME)
};
const char *const kpptp_tx_stat_names[KPPTP_TX_NSTATS] = {
	KPPTP_TX_STATS(KPPTP_NAME)
};
const char *const kpptp_ev_stat_names[KPPTP_EV_NSTATS] = {
	KPPTP_EV_STATS(KPPTP_NAME)
};
const char *const kpptp_net_stat_names[KPPTP_NET_NSTATS] = {
	KPPTP_NET_STATS(KPPTP_NAME)
};
#undef KPPTP_NAME

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
