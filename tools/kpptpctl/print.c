// SPDX-License-Identifier: GPL-2.0
/*
 * Output of kpptpctl: text that reads like iproute2's (one block per
 * session, aligned, units), or JSON with the attribute names of the spec.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include "kpptpctl.h"

static const char *addr(uint32_t a, char *buf)
{
	struct in_addr in = { .s_addr = a };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static const char *origin_name(uint8_t o)
{
	return o == KPPTP_ORIGIN_SOCKET ? "socket" : o == KPPTP_ORIGIN_NETLINK ? "netlink" : "?";
}

static const char *state_name(uint8_t s)
{
	return s == KPPTP_STATE_BOUND ? "bound" : s == KPPTP_STATE_CONNECTED ? "connected" : "?";
}

static const char *reason_name(uint8_t r)
{
	switch (r) {
	case KPPTP_DOWN_DELETED: return "deleted";
	case KPPTP_DOWN_SOCKET_CLOSED: return "socket-closed";
	case KPPTP_DOWN_OWNER_GONE: return "owner-gone";
	}
	return "?";
}

void json_begin_list(struct ctl *c)
{
	c->first = true;
	putchar('[');
}

void json_end_list(struct ctl *c)
{
	(void)c;
	puts("]");
}

static void json_sep(struct ctl *c)
{
	if (!c->first)
		putchar(',');
	c->first = false;
}

/* The session's identity, as text or as the first JSON members. */
static void print_key(struct ctl *c, const struct kpptp_session_msg *m)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (c->json) {
		printf("\"id\":%u,\"local-call-id\":%u,\"local-addr\":\"%s\"", m->id,
		       m->local_call_id, addr(m->local_addr, a));
		if (m->has[KPPTP_A_PEER_ADDR])
			printf(",\"peer-call-id\":%u,\"peer-addr\":\"%s\"",
			       m->peer_call_id, addr(m->peer_addr, b));
		return;
	}
	printf("%u: call %u local %s", m->id, m->local_call_id, addr(m->local_addr, a));
	if (m->has[KPPTP_A_PEER_ADDR])
		printf(" -> peer %s call %u", addr(m->peer_addr, b), m->peer_call_id);
}

void print_session(struct ctl *c, const struct kpptp_session_msg *m)
{
	if (c->json) {
		json_sep(c);
		putchar('{');
		print_key(c, m);
		printf(",\"state\":\"%s\",\"origin\":\"%s\",\"owned\":%s,\"uid\":%u",
		       state_name(m->state), origin_name(m->origin),
		       m->owned ? "true" : "false", m->uid);
		if (m->has[KPPTP_A_CHANNEL])
			printf(",\"channel\":%u", m->channel);
		printf(",\"reorder-window\":%u,\"reorder-timeout\":%u,\"ack-delay\":%u",
		       m->reorder_window, m->reorder_timeout, m->ack_delay);
		if (m->has[KPPTP_A_PEER_RECV_WINDOW])
			printf(",\"peer-recv-window\":%u", m->peer_recv_window);
		printf(",\"cookie\":%" PRIu64 ",\"stall-timeout\":%u,\"anomaly-threshold\":%u,\"pmtu\":%u}",
		       m->cookie, m->stall_timeout, m->anomaly_threshold, m->pmtu);
		return;
	}
	print_key(c, m);
	printf(" %s\n", state_name(m->state));
	printf("    origin %s%s uid %u", origin_name(m->origin), m->owned ? " owned" : "", m->uid);
	if (m->has[KPPTP_A_CHANNEL])
		printf(" channel %u", m->channel);
	else
		printf(" no channel");
	if (m->pmtu)
		printf(" pmtu %u", m->pmtu);
	printf("\n    reorder-window %u reorder-timeout %ums ack-delay %ums",
	       m->reorder_window, m->reorder_timeout, m->ack_delay);
	if (m->has[KPPTP_A_PEER_RECV_WINDOW])
		printf(" peer-window %u", m->peer_recv_window);
	printf("\n    stall-timeout %us anomaly-threshold %u/s cookie %" PRIu64 "\n",
	       m->stall_timeout, m->anomaly_threshold, m->cookie);
}

/* Counters: JSON members by name; text in rows of four, aligned. */
static void print_counters(struct ctl *c, const bool *has, const uint64_t *val,
			   unsigned int max, const char *(*name)(unsigned int))
{
	unsigned int i, col = 0;

	for (i = 0; i <= max; i++) {
		if (!has[i])
			continue;
		if (c->json) {
			printf(",\"%s\":%" PRIu64, name(i), val[i]);
			continue;
		}
		printf("%s%-20s %12" PRIu64, col ? "   " : "    ", name(i), val[i]);
		if (++col == 3) {
			putchar('\n');
			col = 0;
		}
	}
	if (!c->json && col)
		putchar('\n');
}

void print_stats(struct ctl *c, const struct kpptp_session_msg *m)
{
	bool session = m->has[KPPTP_A_ID];

	if (c->json) {
		json_sep(c);
		putchar('{');
		if (session)
			print_key(c, m);
		else
			printf("\"namespace\":true");
	} else if (session) {
		print_key(c, m);
		putchar('\n');
	} else {
		printf("namespace: packets that reached no session, and the session count\n");
	}
	print_counters(c, m->has_stats, m->stats, KPPTP_A_STATS_MAX, kpptp_stat_name);
	print_counters(c, m->has_net_stats, m->net_stats, KPPTP_A_NET_STATS_MAX,
		       kpptp_net_stat_name);
	if (c->json)
		puts("}");
}

void print_event(struct ctl *c, const struct kpptp_session_msg *m)
{
	char a[INET_ADDRSTRLEN];

	if (c->json) {
		printf("{\"event\":\"%s\",", kpptp_cmd_name(m->cmd));
		print_key(c, m);
	} else {
		printf("%s ", kpptp_cmd_name(m->cmd));
		print_key(c, m);
	}
	switch (m->cmd) {
	case KPPTP_CMD_SESSION_DOWN_NTF:
		printf(c->json ? ",\"reason\":\"%s\"" : " reason %s", reason_name(m->down_reason));
		break;
	case KPPTP_CMD_ICMP_ERROR_NTF:
		printf(c->json ? ",\"icmp-type\":%u,\"icmp-code\":%u,\"icmp-router\":\"%s\"" :
		       " icmp type %u code %u from %s", m->icmp_type, m->icmp_code,
		       addr(m->icmp_router, a));
		break;
	case KPPTP_CMD_RX_STALL_NTF:
		printf(c->json ? ",\"rx-idle\":%u" : " nothing from the peer for %u ms",
		       m->rx_idle);
		break;
	case KPPTP_CMD_SEQ_ANOMALY_NTF:
		printf(c->json ? ",\"anomalies\":%u" : " %u lost/late/out-of-order in 1 s",
		       m->anomalies);
		break;
	}
	if (m->has[KPPTP_A_COOKIE] && m->cookie)
		printf(c->json ? ",\"cookie\":%" PRIu64 : " cookie %" PRIu64, m->cookie);
	puts(c->json ? "}" : "");
}
