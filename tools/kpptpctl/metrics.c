// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl metrics: everything an admin graphs or alerts on, in the
 * Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector or any scraper that runs a command:
 *
 *   kpptp_sessions                      kernel sessions in this namespace
 *   kpptp_namespace_<counter>_total     GRE and ICMP that matched no session
 *   kpptp_session_<counter>_total{...}  every per-session counter, labelled
 *                                       session, local_call, peer, peer_call
 *   kpptpd_up                           1 when kpptpd's control socket answers
 *   kpptpd_calls                        its calls
 *   kpptpd_call_info{...} 1             call, peer, user, ifname, address, address6,
 *                                       health, session
 *   kpptpd_call_uptime_seconds{call}
 *   kpptpd_call_healthy{call}           1 ok, 0 stalled / icmp-errors / lossy
 *   kpptpd_sources, kpptpd_starting_calls, kpptpd_exiting_pppds
 *   kpptpd_limit_refused_total{limit}   what each limit refused (kpptpctl limits)
 *   kpptpd_closed_idle_total, kpptpd_failed_logins_total,
 *   kpptpd_backoffs_total, kpptpd_users, kpptpd_user_backoffs_total,
 *   kpptpd_log_suppressed_total, kpptpd_pppd_killed_total,
 *   kpptpd_dhcp_answered_total, kpptpd_dhcp_ignored_total{reason},
 *   kpptpd_dhcp_send_failed_total, kpptpd_dhcp_no_socket_total
 *
 * Counter names are the netlink spec's (Documentation/netlink/specs/
 * kpptp.yaml) with '-' as '_'. Label values are escaped as the format
 * says (backslash, quote, newline; other control and non-ASCII octets as
 * '?'), so a peer's user name cannot break a line or the scrape. Without kpptp.ko the kernel part is left out and said on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kpptpctl.h"

/* name with '-' turned into '_', into buf. */
static const char *metric_name(const char *name, char *buf, size_t cap)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < cap; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
	return buf;
}

/*
 * A label value: the format's escapes for backslash, quote and newline;
 * other control octets and non-ASCII ones (a peer's user name can hold
 * anything, and the format wants UTF-8) become '?'.
 */
static void label_value(const char *v)
{
	putchar('"');
	for (; *v; v++) {
		unsigned char ch = (unsigned char)*v;

		if (ch == '\\' || ch == '"')
			printf("\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", stdout);
		else if (ch < 0x20 || ch >= 0x7f)
			putchar('?');
		else
			putchar(ch);
	}
	putchar('"');
}

/* The sessions' counters, gathered first: each metric's lines go together. */
struct sessions {
	struct kpptp_session_msg *m;
	size_t n, cap;
	bool oom;
};

static int session_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sessions *s = data;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct kpptp_session_msg *m = realloc(s->m, cap * sizeof(*m));

		if (!m) {
			s->oom = true;
			return MNL_CB_ERROR;
		}
		s->m = m;
		s->cap = cap;
	}
	if (kpptp_session_parse(nlh, &s->m[s->n]) < 0)
		return MNL_CB_ERROR;
	s->n++;
	return MNL_CB_OK;
}

static void session_labels(const struct kpptp_session_msg *m)
{
	char peer[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &m->peer_addr, peer, sizeof(peer));
	printf("{session=\"%u\",local_call=\"%u\",peer=\"%s\",peer_call=\"%u\"}", m->id,
	       m->local_call_id, peer, m->peer_call_id);
}

static int kernel_metrics(struct ctl *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], name[64];
	struct kpptp_session_msg net;
	struct sessions s = { 0 };
	struct nlmsghdr *nlh;

	memset(&net, 0, sizeof(net));
	nlh = kpptp_nl_request(&c->nl, buf, KPPTP_CMD_STATS_GET, 0);
	if (kpptp_nl_talk(&c->nl, nlh, kpptp_session_parse_cb, &net))
		return -1;
	nlh = kpptp_nl_request(&c->nl, buf, KPPTP_CMD_STATS_GET, NLM_F_DUMP);
	if (kpptp_nl_talk(&c->nl, nlh, session_cb, &s) || s.oom) {
		free(s.m);
		return -1;
	}
	for (unsigned int i = 1; i <= KPPTP_A_NET_STATS_MAX; i++) {
		if (!net.has_net_stats[i] || !strcmp(kpptp_net_stat_name(i), "?"))
			continue;
		metric_name(kpptp_net_stat_name(i), name, sizeof(name));
		if (i == KPPTP_A_NET_STATS_SESSIONS) {
			printf("# HELP kpptp_sessions Kernel PPTP sessions in this network namespace.\n"
			       "# TYPE kpptp_sessions gauge\nkpptp_sessions %llu\n",
			       (unsigned long long)net.net_stats[i]);
			continue;
		}
		printf("# HELP kpptp_namespace_%s_total Namespace counter %s (kpptp.yaml).\n"
		       "# TYPE kpptp_namespace_%s_total counter\nkpptp_namespace_%s_total %llu\n",
		       name, kpptp_net_stat_name(i), name, name,
		       (unsigned long long)net.net_stats[i]);
	}
	for (unsigned int i = 1; i <= KPPTP_A_STATS_MAX; i++) {
		if (!strcmp(kpptp_stat_name(i), "?") || i == KPPTP_A_STATS_PAD)
			continue;
		metric_name(kpptp_stat_name(i), name, sizeof(name));
		printf("# HELP kpptp_session_%s_total Session counter %s (kpptp.yaml).\n"
		       "# TYPE kpptp_session_%s_total counter\n", name, kpptp_stat_name(i), name);
		for (size_t k = 0; k < s.n; k++) {
			if (!s.m[k].has_stats[i])
				continue;
			printf("kpptp_session_%s_total", name);
			session_labels(&s.m[k]);
			printf(" %llu\n", (unsigned long long)s.m[k].stats[i]);
		}
	}
	free(s.m);
	return 0;
}

static void call_labels(const struct call_fields *f)
{
	static const char *const keys[] = {
		"peer", "user", "ifname", "address", "address6", "health", "session",
	};

	printf("{call=");
	label_value(call_field(f, "id"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		printf(",%s=", keys[i]);
		label_value(call_field(f, keys[i]));
	}
	putchar('}');
}

/* kpptpctl limits' counters: refusals labelled by the limit that bit. */
static void limit_metrics(void)
{
	static const struct {
		const char *field, *metric, *type, *help;
	} one[] = {
		{ "sources", "kpptpd_sources", "gauge", "Source addresses kpptpd keeps." },
		{ "starting", "kpptpd_starting_calls", "gauge", "Calls not authenticated yet." },
		{ "pppds-exiting", "kpptpd_exiting_pppds", "gauge",
		  "pppds of ended calls not reaped yet." },
		{ "closed-idle", "kpptpd_closed_idle_total", "counter",
		  "Control connections stopped for placing no call (idle-timeout)." },
		{ "failed-logins", "kpptpd_failed_logins_total", "counter",
		  "Calls whose peer failed to authenticate." },
		{ "back-offs", "kpptpd_backoffs_total", "counter",
		  "Sources refused for failed logins (auth-fail-limit)." },
		{ "users", "kpptpd_users", "gauge", "Login names kpptpd keeps (failed or known)." },
		{ "user-back-offs", "kpptpd_user_backoffs_total", "counter",
		  "Login names refused for failed logins (auth-fail-user-limit)." },
		{ "log-suppressed", "kpptpd_log_suppressed_total", "counter",
		  "Log lines held back by log-rate." },
		{ "pppd-killed", "kpptpd_pppd_killed_total", "counter",
		  "pppds that needed SIGKILL after SIGTERM." },
		{ "dhcp-answered", "kpptpd_dhcp_answered_total", "counter",
		  "DHCPINFORMs of calls answered with their routes and domain." },
		{ "dhcp-send-failed", "kpptpd_dhcp_send_failed_total", "counter",
		  "DHCPACKs that could not be sent." },
		{ "dhcp-no-socket", "kpptpd_dhcp_no_socket_total", "counter",
		  "Calls whose interface could not get a port 67 socket (no DHCPINFORM answers)." },
	};
	struct call_fields *v = NULL;
	size_t n = 0;

	if (records_read("limits\n", "limits", &v, &n) != EXIT_OK || n != 1) {
		calls_free(v, n);
		return;
	}
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		printf("# HELP %s %s\n# TYPE %s %s\n%s %s\n", one[i].metric, one[i].help,
		       one[i].metric, one[i].type, one[i].metric, call_field(&v[0], one[i].field));
	printf("# HELP kpptpd_limit_refused_total Connections and calls refused, by the limit that bit.\n"
	       "# TYPE kpptpd_limit_refused_total counter\n");
	for (int i = 0; i < v[0].n; i++)
		if (!strncmp(v[0].f[i].key, "refused-", 8))
			printf("kpptpd_limit_refused_total{limit=\"%s\"} %s\n", v[0].f[i].key + 8,
			       v[0].f[i].val);
	printf("# HELP kpptpd_dhcp_ignored_total DHCP messages on call interfaces not answered, by why.\n"
	       "# TYPE kpptpd_dhcp_ignored_total counter\n");
	for (int i = 0; i < v[0].n; i++)
		if (!strncmp(v[0].f[i].key, "dhcp-ignored-", 13))
			printf("kpptpd_dhcp_ignored_total{reason=\"%s\"} %s\n", v[0].f[i].key + 13,
			       v[0].f[i].val);
	calls_free(v, n);
}

static void daemon_metrics(void)
{
	struct call_fields *calls = NULL;
	size_t n = 0;
	int rc = calls_read(&calls, &n);

	printf("# HELP kpptpd_up 1 when kpptpd answers on its control socket.\n"
	       "# TYPE kpptpd_up gauge\nkpptpd_up %d\n", rc == EXIT_OK);
	if (rc != EXIT_OK)
		return;
	printf("# HELP kpptpd_calls Calls kpptpd carries.\n"
	       "# TYPE kpptpd_calls gauge\nkpptpd_calls %zu\n", n);
	printf("# HELP kpptpd_call_info One per call; the labels describe it.\n"
	       "# TYPE kpptpd_call_info gauge\n");
	for (size_t i = 0; i < n; i++) {
		printf("kpptpd_call_info");
		call_labels(&calls[i]);
		printf(" 1\n");
	}
	printf("# HELP kpptpd_call_uptime_seconds How long each call has been up.\n"
	       "# TYPE kpptpd_call_uptime_seconds gauge\n");
	for (size_t i = 0; i < n; i++) {
		printf("kpptpd_call_uptime_seconds{call=");
		label_value(call_field(&calls[i], "id"));
		printf("} %s\n", call_field(&calls[i], "uptime"));
	}
	printf("# HELP kpptpd_call_healthy 1 when a call's health is ok (kpptpctl calls).\n"
	       "# TYPE kpptpd_call_healthy gauge\n");
	for (size_t i = 0; i < n; i++) {
		printf("kpptpd_call_healthy{call=");
		label_value(call_field(&calls[i], "id"));
		printf("} %d\n", !strcmp(call_field(&calls[i], "health"), "ok"));
	}
	calls_free(calls, n);
	limit_metrics();
}

int cmd_metrics(struct ctl *c, int argc, char **argv)
{
	int rc = EXIT_OK;

	if (argc)
		return usage_error("metrics takes no argument, not '%s'", argv[0]);
	if (kernel_metrics(c)) {
		/* The daemon's part is still worth a scrape. */
		fprintf(stderr, "kpptpctl: metrics: %s\n", c->nl.err);
		rc = c->nl.no_module ? EXIT_NOMODULE : EXIT_FAIL;
	}
	daemon_metrics();
	return rc;
}
