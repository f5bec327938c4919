// SPDX-License-Identifier: GPL-2.0
/*
 * Live call health: what kpptp.ko's events say about a call that is up.
 *
 *  - rx-stall: no GRE from the peer for gre-stall-timeout seconds while
 *    we send (the control connection is alive, or the call would have
 *    ended): GRE is blocked between us, the article's error 619/806 on a
 *    call that worked;
 *  - icmp-error: a router (named) sends ICMP errors about our GRE;
 *  - seq-anomaly: at least anomaly-threshold packets lost, late or out of
 *    order in one second: the path loses or reorders GRE.
 *
 * Each gets one log line naming the call, the peer, the user, the
 * evidence and the likely cause, and becomes the call's health in
 * kpptpctl calls. A stalled or ICMP-hit call goes back to "ok" once the
 * kernel counts GRE from the peer again (checked every few seconds,
 * only for calls that are not ok).
 *
 * Events come on their own netlink socket (replies to kpptpd's requests
 * never mix with them). Lost events (ENOBUFS) are said in the log; the
 * kernel raises a stall again only after GRE flowed, so nothing is
 * repeated for ever.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <libmnl/libmnl.h>
#include <linux/icmp.h>
#include <sys/epoll.h>

#include "kpptpd.h"

#define HEALTH_RECHECK_MS	3000

static void health_events(struct daemon *d, struct io *io, uint32_t events);
static struct io events_io = { .cb = health_events };

const char *health_str(enum call_health h)
{
	switch (h) {
	case HEALTH_OK: return "ok";
	case HEALTH_STALLED: return "stalled";
	case HEALTH_ICMP: return "icmp-errors";
	case HEALTH_LOSSY: return "lossy";
	}
	return "?";
}

int health_start(struct daemon *d)
{
	if (!d->have_nl)
		return 0;
	if (kpptp_nl_open(&d->events) || kpptp_nl_subscribe(&d->events)) {
		logmsg(LOG_WARNING, "live call health is off: %s", d->events.err);
		kpptp_nl_close(&d->events);
		return 0;
	}
	if (io_add(&d->loop, kpptp_nl_fd(&d->events), EPOLLIN, &events_io)) {
		kpptp_nl_close(&d->events);
		return -1;
	}
	d->have_events = true;
	return 0;
}

void health_stop(struct daemon *d)
{
	if (!d->have_events)
		return;
	io_del(&d->loop, kpptp_nl_fd(&d->events));
	kpptp_nl_close(&d->events);
	d->have_events = false;
}

/*
 * The call an event is about, by the session's ID: kpptp.ko puts it in
 * every event, and every call it carries has one (kpptpd makes each
 * session over netlink). A call ID and peer would not do: once our
 * session is gone, a newer one (another daemon's) may have that pair.
 */
static struct call *event_call(const struct kpptp_session_msg *m)
{
	struct call *call;

	if (!m->has[KPPTP_A_ID])
		return NULL;
	call = ksession_call(m->id);
	return call && call->conn ? call : NULL;
}

/* call_rx_packets, with "cannot tell" as 0: recovery needs a count that grows. */
static uint64_t rx_packets(struct daemon *d, const struct call *call)
{
	int64_t n = call_rx_packets(d, call);

	return n < 0 ? 0 : (uint64_t)n;
}

static void set_health(struct daemon *d, struct call *call, enum call_health h,
		       const char *why)
{
	char user[4 * sizeof(call->user)];

	/* One line per change: a flood of events is one state. */
	if (call->health == h && h != HEALTH_LOSSY)
		return;
	call->health = h;
	timer_arm(&d->loop, &call->health_timer, now_ms() + HEALTH_RECHECK_MS);
	call->health_rx = rx_packets(d, call);
	snprintf(call->health_why, sizeof(call->health_why), "%s", why);
	logmsg(LOG_WARNING, "%s: call %u/%u user '%s' %s: %s", call->conn_name,
	       call->local_id, call->peer_id,
	       call->user[0] ? pptp_printable(call->user, user, sizeof(user)) : "(none)",
	       call->ifname[0] ? call->ifname : "-", why);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct daemon *d = data;
	struct kpptp_session_msg m;
	struct call *call;
	char why[sizeof(call->health_why)], peer[INET_ADDRSTRLEN], router[INET_ADDRSTRLEN];

	if (kpptp_session_parse(nlh, &m) < 0) {
		logmsg(LOG_ERR, "a malformed kpptp event was skipped");
		return 1;
	}
	call = event_call(&m);
	if (!call)
		return 1;	/* another daemon's session, or one of ours that just went */
	inet_ntop(AF_INET, &m.peer_addr, peer, sizeof(peer));
	switch (m.cmd) {
	case KPPTP_CMD_RX_STALL_NTF:
		snprintf(why, sizeof(why), "no GRE from %s for %u s while we send: GRE (IP protocol "
			 "47) is blocked between us, or the peer's PPP is stuck", peer,
			 m.rx_idle / 1000);
		set_health(d, call, HEALTH_STALLED, why);
		break;
	case KPPTP_CMD_ICMP_ERROR_NTF:
		inet_ntop(AF_INET, &m.icmp_router, router, sizeof(router));
		if (m.icmp_type == ICMP_DEST_UNREACH && m.icmp_code == ICMP_FRAG_NEEDED) {
			/* Not a failure: the kernel lowered the path MTU. */
			logmsg(LOG_INFO, "%s: call %u/%u: %s says our GRE is too big; path MTU "
			       "lowered", call->conn_name, call->local_id, call->peer_id, router);
			break;
		}
		snprintf(why, sizeof(why), "ICMP %s (type %u code %u) from %s about our GRE to %s: "
			 "%s blocks GRE (IP protocol 47)", kpptp_icmp_str(m.icmp_type, m.icmp_code),
			 m.icmp_type, m.icmp_code, router, peer,
			 m.icmp_router == m.peer_addr ? "the peer itself" : "that router");
		set_health(d, call, HEALTH_ICMP, why);
		break;
	case KPPTP_CMD_SEQ_ANOMALY_NTF:
		call->anomalies += m.anomalies;
		snprintf(why, sizeof(why), "%u GRE packets lost, late or out of order in one second "
			 "(%llu in this call): the path to %s loses or reorders packets", m.anomalies,
			 (unsigned long long)call->anomalies, peer);
		/* Logged at most once a minute per call. */
		if (call->health != HEALTH_LOSSY || now_ms() >= call->lossy_logged_ms + 60000) {
			call->lossy_logged_ms = now_ms();
			set_health(d, call, HEALTH_LOSSY, why);
		}
		break;
	default:
		break;
	}
	return 1;
}

static void health_events(struct daemon *d, struct io *io, uint32_t events)
{
	(void)io;
	(void)events;
	if (!d->have_events)
		return;
	if (kpptp_nl_events(&d->events, event_cb, d) < 0)
		logmsg(LOG_WARNING, "kpptp events: %s", d->events.err);
}

/* Ask the kernel to watch a call that just started: stall and anomalies. */
void health_watch(struct daemon *d, struct call *call)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (!d->have_nl || !call->session_id ||
	    (!d->cfg.gre_stall_timeout && !d->cfg.anomaly_threshold))
		return;
	nlh = kpptp_nl_request(&d->nl, buf, KPPTP_CMD_SESSION_SET, 0);
	mnl_attr_put_u32(nlh, KPPTP_A_ID, call->session_id);
	mnl_attr_put_u32(nlh, KPPTP_A_STALL_TIMEOUT, d->cfg.gre_stall_timeout);
	mnl_attr_put_u32(nlh, KPPTP_A_ANOMALY_THRESHOLD, d->cfg.anomaly_threshold);
	if (kpptp_nl_talk(&d->nl, nlh, NULL, NULL))
		logmsg(LOG_WARNING, "%s: call %u/%u: live health off: %s", call->conn_name,
		       call->local_id, call->peer_id, d->nl.err);
}

/*
 * An unhealthy call, every few seconds: back to ok once GRE from the peer
 * is counted again (only such calls have this timer armed).
 */
void health_recheck(struct daemon *d, struct timer *t, uint64_t now)
{
	struct call *call = container_of(t, struct call, health_timer);
	uint64_t rx;

	if (call->health == HEALTH_OK || !call->conn)
		return;
	if (call->health == HEALTH_LOSSY) {
		/*
		 * A minute after "lossy" was logged the call counts as ok;
		 * the next anomaly event logs it again (once a minute).
		 */
		if (now >= call->lossy_logged_ms + 60000)
			call->health = HEALTH_OK;
		else
			timer_arm(&d->loop, t, now + HEALTH_RECHECK_MS);
		return;
	}
	rx = rx_packets(d, call);
	if (rx > call->health_rx) {
		logmsg(LOG_NOTICE, "%s: call %u/%u: GRE from the peer again (%llu packets); "
		       "health ok", call->conn_name, call->local_id, call->peer_id,
		       (unsigned long long)(rx - call->health_rx));
		call->health = HEALTH_OK;
		call->health_why[0] = '\0';
		return;
	}
	timer_arm(&d->loop, t, now + HEALTH_RECHECK_MS);
}
