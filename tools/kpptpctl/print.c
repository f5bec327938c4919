// SPDX-License-Identifier: GPL-2.0
/*
 * Output of kpptpctl: text that reads like iproute2's (one block per
 * session, aligned, units), or JSON with the attribute names of the spec.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
	switch (s) {
	case KPPTP_STATE_BOUND:
		return "bound";
	case KPPTP_STATE_CONNECTED:
		return "connected";
	case KPPTP_STATE_CLOSING:
		return "closing";
	}
	return "?";
}

static const char *reason_name(uint8_t r)
{
	switch (r) {
	case KPPTP_DOWN_DELETED: return "deleted";
	case KPPTP_DOWN_SOCKET_CLOSED: return "socket-closed";
	case KPPTP_DOWN_OWNER_GONE: return "owner-gone";
	case KPPTP_DOWN_REPLACED: return "replaced";
	}
	return "?";
}

void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
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
		printf(",\"cookie\":%" PRIu64 ",\"stall-timeout\":%u,\"anomaly-threshold\":%u,\"pmtu\":%u",
		       m->cookie, m->stall_timeout, m->anomaly_threshold, m->pmtu);
		if (m->has[KPPTP_A_FASTPATH])
			printf(",\"fastpath\":%u", m->fastpath);
		putchar('}');
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
	printf("\n    stall-timeout %us anomaly-threshold %u/s cookie %" PRIu64,
	       m->stall_timeout, m->anomaly_threshold, m->cookie);
	if (m->fastpath)
		printf("\n    fastpath%s%s", m->fastpath & KPPTP_FP_IPV4 ? " ipv4" : "",
		       m->fastpath & KPPTP_FP_IPV6 ? " ipv6" : "");
	putchar('\n');
}

/* Counters as JSON members, by their spec names. */
static void json_counters(const bool *has, const uint64_t *val, unsigned int max,
			  const char *(*name)(unsigned int))
{
	unsigned int i;

	for (i = 0; i <= max; i++)
		if (has[i])
			printf(",\"%s\":%" PRIu64, name(i), val[i]);
}

/*
 * Text counters the way "ip -s link" prints them: a labelled row of names,
 * the values right-aligned under them. A group lists attribute types and
 * the column titles (the spec name without the group's prefix).
 */
struct counter_group {
	const char *label;
	unsigned int attr[10];
	const char *title[10];
};

static const struct counter_group session_groups[] = {
	{ "RX:", { KPPTP_A_STATS_RX_PACKETS, KPPTP_A_STATS_RX_BYTES, KPPTP_A_STATS_RX_ACKS,
		   KPPTP_A_STATS_RX_ACK_ONLY, KPPTP_A_STATS_RX_OUT_OF_ORDER,
		   KPPTP_A_STATS_RX_REORDERED, KPPTP_A_STATS_RX_LOST, KPPTP_A_STATS_RX_LATE,
		   KPPTP_A_STATS_RX_LATE_LCP },
	  { "packets", "bytes", "acks", "ack-only", "out-of-order", "reordered", "lost",
	    "late", "late-lcp" } },
	{ "RX drop:", { KPPTP_A_STATS_RX_BAD_LENGTH, KPPTP_A_STATS_RX_NO_PAYLOAD,
			KPPTP_A_STATS_RX_NO_CHANNEL, KPPTP_A_STATS_RX_REORDER_OVERFLOW },
	  { "bad-length", "no-payload", "no-channel", "reorder-overflow" } },
	{ "TX:", { KPPTP_A_STATS_TX_PACKETS, KPPTP_A_STATS_TX_BYTES,
		   KPPTP_A_STATS_TX_ACKS_PIGGYBACKED, KPPTP_A_STATS_TX_ACK_ONLY,
		   KPPTP_A_STATS_TX_ACK_ONLY_FAIL, KPPTP_A_STATS_TX_HEADROOM_REALLOC,
		   KPPTP_A_STATS_TX_ERRORS, KPPTP_A_STATS_TX_OVER_WINDOW },
	  { "packets", "bytes", "acks-piggybacked", "ack-only", "ack-only-fail",
	    "headroom-realloc", "errors", "over-window" } },
	{ "TX drop:", { KPPTP_A_STATS_TX_DROP_DEAD, KPPTP_A_STATS_TX_DROP_NO_ROUTE,
			KPPTP_A_STATS_TX_DROP_NOMEM, KPPTP_A_STATS_TX_DROP_SHORT,
			KPPTP_A_STATS_TX_DROP_TOO_BIG },
	  { "dead", "no-route", "nomem", "short", "too-big" } },
	{ "ICMP:", { KPPTP_A_STATS_ICMP_UNREACHABLE, KPPTP_A_STATS_ICMP_FRAG_NEEDED,
		     KPPTP_A_STATS_ICMP_TIME_EXCEEDED, KPPTP_A_STATS_ICMP_OTHER },
	  { "unreachable", "frag-needed", "time-exceeded", "other" } },
};

static const struct counter_group net_groups[] = {
	{ "RX drop:", { KPPTP_A_NET_STATS_RX_NOT_HOST, KPPTP_A_NET_STATS_RX_TRUNCATED,
			KPPTP_A_NET_STATS_RX_BAD_PROTOCOL, KPPTP_A_NET_STATS_RX_BAD_FLAGS,
			KPPTP_A_NET_STATS_RX_NO_KEY, KPPTP_A_NET_STATS_RX_NO_SEQ_NO_ACK,
			KPPTP_A_NET_STATS_RX_NO_SESSION },
	  { "not-host", "truncated", "bad-protocol", "bad-flags", "no-key",
	    "no-seq-no-ack", "no-session" } },
	{ "ICMP drop:", { KPPTP_A_NET_STATS_ICMP_NO_SESSION }, { "no-session" } },
	{ "sessions:", { KPPTP_A_NET_STATS_SESSIONS }, { "count" } },
};

static void text_counters(const struct counter_group *g, size_t ngroups,
			  const bool *has, const uint64_t *val)
{
	char num[10][21];
	int w[10];
	size_t i, j, n;

	for (i = 0; i < ngroups; i++, g++) {
		/* A column is as wide as its title or its value. */
		for (n = 0; n < 10 && g->title[n]; n++) {
			if (has[g->attr[n]])
				snprintf(num[n], sizeof(num[n]), "%" PRIu64, val[g->attr[n]]);
			else
				snprintf(num[n], sizeof(num[n]), "-");
			w[n] = (int)strlen(g->title[n]);
			if ((int)strlen(num[n]) > w[n])
				w[n] = (int)strlen(num[n]);
		}
		printf("    %-10s", g->label);
		for (j = 0; j < n; j++)
			printf(" %*s", w[j], g->title[j]);
		printf("\n    %-10s", "");
		for (j = 0; j < n; j++)
			printf(" %*s", w[j], num[j]);
		putchar('\n');
	}
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

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
	if (c->json) {
		json_counters(m->has_stats, m->stats, KPPTP_A_STATS_MAX, kpptp_stat_name);
		json_counters(m->has_net_stats, m->net_stats, KPPTP_A_NET_STATS_MAX,
			      kpptp_net_stat_name);
		puts("}");
		return;
	}
	if (m->has[KPPTP_A_STATS])
		text_counters(session_groups, ARRAY_LEN(session_groups), m->has_stats,
			      m->stats);
	if (m->has[KPPTP_A_NET_STATS])
		text_counters(net_groups, ARRAY_LEN(net_groups), m->has_net_stats,
			      m->net_stats);
}

void print_event(struct ctl *c, const struct kpptp_session_msg *m)
{
	char a[INET_ADDRSTRLEN];

	printf(c->json ? "{\"event\":\"%s\"," : "%s ", kpptp_cmd_name(m->cmd));
	print_key(c, m);
	switch (m->cmd) {
	case KPPTP_CMD_SESSION_DOWN_NTF:
		printf(c->json ? ",\"reason\":\"%s\"" : " reason %s", reason_name(m->down_reason));
		break;
	case KPPTP_CMD_ICMP_ERROR_NTF:
		if (c->json)
			printf(",\"icmp-type\":%u,\"icmp-code\":%u,\"icmp-router\":\"%s\"",
			       m->icmp_type, m->icmp_code, addr(m->icmp_router, a));
		else
			printf(" icmp %s (type %u code %u) from %s",
			       kpptp_icmp_str(m->icmp_type, m->icmp_code), m->icmp_type,
			       m->icmp_code, addr(m->icmp_router, a));
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
