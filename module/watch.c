// SPDX-License-Identifier: GPL-2.0
/*
 * The session watch: once a second, while the daemon asked for it, look for
 * the two symptoms an admin wants pushed rather than polled:
 *
 *  - receive stall: nothing from the peer for stall_timeout seconds while
 *    we kept sending. The classic "TCP 1723 passes, GRE is blocked" case:
 *    the call is up, LCP goes out, nothing comes back. Raised once, and
 *    again only after GRE flowed in between.
 *  - sequence anomalies: lost + late + out-of-order packets in the last
 *    second at or above anomaly_threshold.
 *
 * The timer exists per session but is armed only while one of the two is
 * set, so idle sessions cost nothing.
 */
#include "kpptp.h"
#include "netlink.h"

static u64 kpptp_anomaly_count(const struct kpptp_session *s)
{
	struct kpptp_session_stats st;

	kpptp_session_stats_read(s, &st);
	return st.rx[KPPTP_STAT_rx_lost] + st.rx[KPPTP_STAT_rx_late] +
	       st.rx[KPPTP_STAT_rx_out_of_order];
}

/*
 * Under rx_lock, as close sets rx_dead: a dead session's timer is never
 * re-armed. _bh: from process context and from the timer itself.
 */
static void kpptp_watch_arm(struct kpptp_session *s, unsigned long expires)
{
	spin_lock_bh(&s->rx_lock);
	if (!s->rx_dead)
		mod_timer(&s->watch_timer, expires);
	spin_unlock_bh(&s->rx_lock);
}

/* After the tunables changed (session-new, session-set). Process context. */
void kpptp_watch_update(struct kpptp_session *s)
{
	if (READ_ONCE(s->stall_timeout) || READ_ONCE(s->anomaly_threshold)) {
		if (!timer_pending(&s->watch_timer)) {
			/* Count anomalies from now on, not since creation. */
			s->anomaly_base = kpptp_anomaly_count(s);
			kpptp_watch_arm(s, jiffies + HZ);
		}
	} else {
		timer_delete_sync(&s->watch_timer);
	}
}

void kpptp_watch_timeout(struct timer_list *t)
{
	struct kpptp_session *s = timer_container_of(s, t, watch_timer);
	u32 stall = READ_ONCE(s->stall_timeout);
	u32 threshold = READ_ONCE(s->anomaly_threshold);
	unsigned long now = jiffies;
	u32 idle_ms = 0, anomalies = 0;

	if (stall) {
		unsigned long idle = now - READ_ONCE(s->last_rx);
		bool sending = time_before(now, READ_ONCE(s->last_tx) +
						stall * HZ);

		if (idle < stall * HZ) {
			s->stalled = false;
		} else if (sending && !s->stalled) {
			s->stalled = true;
			idle_ms = max_t(u32, jiffies_to_msecs(idle), 1);
		}
	}
	if (threshold) {
		u64 n = kpptp_anomaly_count(s);
		u64 delta = n - s->anomaly_base;

		s->anomaly_base = n;
		if (delta >= threshold)
			anomalies = min_t(u64, delta, U32_MAX);
	}
	/*
	 * Events and re-arming under rx_lock, and only while the session is
	 * live: once unhash has set rx_dead (and then sent session-down),
	 * nothing more about it goes out. Softirq: plain spin_lock.
	 */
	spin_lock(&s->rx_lock);
	if (!s->rx_dead) {
		if (idle_ms)
			kpptp_nl_notify_stall(s, idle_ms);
		if (anomalies)
			kpptp_nl_notify_anomaly(s, anomalies);
		if (stall || threshold)
			mod_timer(&s->watch_timer, now + HZ);
	}
	spin_unlock(&s->rx_lock);
}
