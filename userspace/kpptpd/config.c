// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd.conf: one "key value" per line, '#' comments. Every error names
 * the file, the line and what is wrong; unknown keys are errors (a typo
 * must not silently leave a default in place). Documentation/man/
 * kpptpd.conf.5 describes each key.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kpptp.h>

#include "kpptpd.h"

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen.sin_family = AF_INET;
	cfg->listen.sin_port = htons(PPTP_PORT);
	snprintf(cfg->pppd, sizeof(cfg->pppd), "/usr/sbin/pppd");
	snprintf(cfg->plugin, sizeof(cfg->plugin), "%s", KPPTPD_PLUGIN);
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "%s",
		 KPPTPD_CONTROL_SOCKET);
	if (gethostname(cfg->hostname, sizeof(cfg->hostname) - 1))
		snprintf(cfg->hostname, sizeof(cfg->hostname), "kpptpd");
	cfg->dhcp_inform = true;
	cfg->max_connections = 1024;
	cfg->max_calls = 1024;
	cfg->max_calls_per_conn = 4;
	/*
	 * Per source, for the open internet (kpptpd.conf(5) gives the reasons):
	 * an office NAT puts a few dozen clients behind one address, a scanner
	 * or a brute-forcer is one address too.
	 */
	cfg->connect_rate = 5;
	cfg->connect_burst = 20;
	cfg->max_sources = 65536;
	cfg->max_conns_per_source = 32;
	cfg->max_calls_per_source = 32;
	cfg->max_starting = 64;
	cfg->max_starting_per_source = 8;
	cfg->idle_timeout = 30;
	cfg->auth_fail_limit = 5;
	cfg->auth_fail_window = 300;
	cfg->auth_fail_backoff = 60;
	cfg->auth_fail_backoff_max = 3600;
	cfg->auth_fail_user_limit = 20;
	cfg->max_users = 65536;
	cfg->log_rate = 60;
	cfg->log_burst = 20;
	cfg->pppd_kill_timeout = 10;
	cfg->echo_interval = 60;
	cfg->echo_failures = 3;
	cfg->setup_timeout = 60;
	cfg->stop_timeout = 5;
	cfg->hello_timeout = 10;
	cfg->message_timeout = 10;
	cfg->recv_window = 64;
	cfg->gre_stall_timeout = 10;
	cfg->anomaly_threshold = 50;
}

struct parse {
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int bad(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct parse *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, what);
	return -1;
}

bool parse_uint(const char *v, unsigned int lo, unsigned int hi, unsigned int *out)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < lo || n > hi)
		return false;
	*out = (unsigned int)n;
	return true;
}

static int num(struct parse *p, const char *key, const char *v, unsigned int lo,
	       unsigned int hi, unsigned int *out)
{
	if (!parse_uint(v, lo, hi, out))
		return bad(p, "%s needs a number %u..%u, not '%s'", key, lo, hi, v);
	return 0;
}

static int ip(struct parse *p, const char *key, const char *v, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) != 1)
		return bad(p, "%s: '%s' is not an IPv4 address", key, v);
	*out = ntohl(a.s_addr);
	return 0;
}

/* 203.0.113.10-200, 203.0.113.10-203.0.113.200 or one address. */
static int range(struct parse *p, struct config *cfg, char *v)
{
	struct range r;
	char *dash = strchr(v, '-');
	unsigned int last;

	if (cfg->nranges == KPPTPD_MAX_RANGES)
		return bad(p, "remote-ip: at most %d ranges", KPPTPD_MAX_RANGES);
	if (dash)
		*dash = '\0';
	if (ip(p, "remote-ip", v, &r.first))
		return -1;
	r.last = r.first;
	if (dash) {
		if (strchr(dash + 1, '.')) {
			if (ip(p, "remote-ip", dash + 1, &r.last))
				return -1;
		} else {
			if (num(p, "remote-ip (last octet)", dash + 1, 0, 255, &last))
				return -1;
			r.last = (r.first & ~0xffu) | last;
		}
	}
	if (r.last < r.first)
		return bad(p, "remote-ip: range ends before it starts");
	if (r.last - r.first >= 1u << 20)
		return bad(p, "remote-ip: a range holds at most %u addresses", 1u << 20);
	for (unsigned int i = 0; i < cfg->nranges; i++)
		if (r.first <= cfg->ranges[i].last && cfg->ranges[i].first <= r.last)
			return bad(p, "remote-ip: ranges overlap");
	cfg->ranges[cfg->nranges++] = r;
	return 0;
}

/* push-route CIDR: one more route for DHCPINFORM answers (inform.c). */
static int push_route(struct parse *p, struct config *cfg, const char *v)
{
	struct dhcp_route r;

	if (!dhcp_route_parse(v, &r))
		return bad(p, "push-route needs a network like 198.51.100.0/24 (no host bits), not '%s'", v);
	if (cfg->npush_routes == DHCP_MAX_ROUTES)
		return bad(p, "push-route: at most %d routes", DHCP_MAX_ROUTES);
	cfg->push_routes[cfg->npush_routes] = r;
	if (dhcp_routes_len(cfg->push_routes, cfg->npush_routes + 1) > 255)
		return bad(p, "push-route: the routes no longer fit one DHCP option (255 octets)");
	cfg->npush_routes++;
	return 0;
}

static int allow(struct parse *p, struct config *cfg, char *v)
{
	char *slash = strchr(v, '/');
	unsigned int bits = 32;
	uint32_t a = 0;

	if (cfg->nallow == KPPTPD_MAX_ALLOW)
		return bad(p, "allow: at most %d networks", KPPTPD_MAX_ALLOW);
	if (slash) {
		*slash = '\0';
		if (num(p, "allow (prefix length)", slash + 1, 0, 32, &bits))
			return -1;
	}
	if (ip(p, "allow", v, &a))
		return -1;
	cfg->allow[cfg->nallow].mask = bits ? ~0u << (32 - bits) : 0;
	cfg->allow[cfg->nallow].addr = a & cfg->allow[cfg->nallow].mask;
	cfg->nallow++;
	return 0;
}

static int listen_on(struct parse *p, struct config *cfg, char *v)
{
	char *colon = strchr(v, ':');
	unsigned int port = PPTP_PORT;
	uint32_t a = 0;

	if (colon) {
		*colon = '\0';
		if (num(p, "listen (port)", colon + 1, 1, 65535, &port))
			return -1;
	}
	if (ip(p, "listen", v, &a))
		return -1;
	cfg->listen.sin_addr.s_addr = htonl(a);
	cfg->listen.sin_port = htons((uint16_t)port);
	return 0;
}

static int text(struct parse *p, const char *key, const char *v, char *out, size_t len)
{
	if (strlen(v) >= len)
		return bad(p, "%s: longer than %zu characters", key, len - 1);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int one(struct parse *p, struct config *cfg, char *key, char *v)
{
	static const struct {
		const char *key;
		size_t off;
		unsigned int lo, hi;
	} nums[] = {
#define N(k, f, lo, hi) { k, offsetof(struct config, f), lo, hi }
		N("max-connections", max_connections, 1, 100000),
		N("max-calls", max_calls, 1, 65535),
		N("max-calls-per-connection", max_calls_per_conn, 1, 65535),
		N("connect-rate", connect_rate, 0, 100000),
		N("connect-burst", connect_burst, 1, 100000),
		N("max-sources", max_sources, 16, 10000000),
		N("max-connections-per-source", max_conns_per_source, 1, 100000),
		N("max-calls-per-source", max_calls_per_source, 1, 65535),
		N("max-starting", max_starting, 1, 65535),
		N("max-starting-per-source", max_starting_per_source, 1, 65535),
		N("idle-timeout", idle_timeout, 0, 86400),
		N("auth-fail-limit", auth_fail_limit, 0, 1000),
		N("auth-fail-window", auth_fail_window, 1, 86400),
		N("auth-fail-backoff", auth_fail_backoff, 1, 86400),
		N("auth-fail-backoff-max", auth_fail_backoff_max, 1, 604800),
		N("auth-fail-user-limit", auth_fail_user_limit, 0, 100000),
		N("max-users", max_users, 16, 10000000),
		N("log-rate", log_rate, 0, 600000),
		N("log-burst", log_burst, 1, 100000),
		N("pppd-kill-timeout", pppd_kill_timeout, 1, 600),
		N("echo-interval", echo_interval, 0, 3600),
		N("echo-failures", echo_failures, 1, 100),
		N("setup-timeout", setup_timeout, 1, 600),
		N("stop-timeout", stop_timeout, 1, 600),
		N("hello-timeout", hello_timeout, 1, 600),
		N("message-timeout", message_timeout, 1, 600),
		N("tcp-timeout", tcp_timeout, 0, 3600),
		N("recv-window", recv_window, 1, 65535),
		N("gre-stall-timeout", gre_stall_timeout, 0, KPPTP_STALL_TIMEOUT_MAX_S),
		N("anomaly-threshold", anomaly_threshold, 0, 1000000),
#undef N
	};

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (!strcmp(key, nums[i].key))
			return num(p, key, v, nums[i].lo, nums[i].hi,
				   (unsigned int *)((char *)cfg + nums[i].off));
	if (!strcmp(key, "listen"))
		return listen_on(p, cfg, v);
	if (!strcmp(key, "local-ip"))
		return ip(p, key, v, &cfg->local_ip);
	if (!strcmp(key, "remote-ip")) {
		if (!strcmp(v, "none")) {
			if (cfg->nranges)
				return bad(p, "remote-ip none: ranges were given already");
			cfg->no_pool = true;
			return 0;
		}
		if (cfg->no_pool)
			return bad(p, "remote-ip: ranges after remote-ip none");
		for (char *save = NULL, *r = strtok_r(v, ",", &save); r;
		     r = strtok_r(NULL, ",", &save))
			if (range(p, cfg, r))
				return -1;
		return 0;
	}
	if (!strcmp(key, "allow"))
		return allow(p, cfg, v);
	if (!strcmp(key, "push-route"))
		return push_route(p, cfg, v);
	if (!strcmp(key, "dns-domain")) {
		if (!dhcp_domain_ok(v))
			return bad(p, "dns-domain needs a DNS name (letters, digits, hyphens, dots), not '%s'", v);
		return text(p, key, v, cfg->dns_domain, sizeof(cfg->dns_domain));
	}
	if (!strcmp(key, "dhcp-inform")) {
		if (strcmp(v, "on") && strcmp(v, "off"))
			return bad(p, "dhcp-inform needs on or off, not '%s'", v);
		cfg->dhcp_inform = !strcmp(v, "on");
		return 0;
	}
	if (!strcmp(key, "tcp-mss")) {
		unsigned int n;

		if (!strcmp(v, "off") || !strcmp(v, "auto")) {
			cfg->tcp_mss = !strcmp(v, "auto") ? TCP_MSS_AUTO : 0;
			return 0;
		}
		if (!parse_uint(v, 536, 1460, &n))
			return bad(p, "tcp-mss needs auto, off or an MSS 536..1460, not '%s'", v);
		cfg->tcp_mss = n;
		return 0;
	}
	if (!strcmp(key, "access")) {
		for (enum access_mode m = ACCESS_ROUTED; m <= ACCESS_NETWORK; m++)
			if (!strcmp(v, access_str(m))) {
				cfg->access = m;
				return 0;
			}
		return bad(p, "access needs local, network or routed, not '%s'", v);
	}
	if (!strcmp(key, "pppd"))
		return text(p, key, v, cfg->pppd, sizeof(cfg->pppd));
	if (!strcmp(key, "plugin"))
		return text(p, key, v, cfg->plugin, sizeof(cfg->plugin));
	if (!strcmp(key, "ppp-options"))
		return text(p, key, v, cfg->ppp_options, sizeof(cfg->ppp_options));
	if (!strcmp(key, "control-socket")) {
		if (!strcmp(v, "none")) {
			cfg->control_socket[0] = '\0';
			return 0;
		}
		if (v[0] != '/')
			return bad(p, "control-socket needs an absolute path or 'none'");
		return text(p, key, v, cfg->control_socket, sizeof(cfg->control_socket));
	}
	if (!strcmp(key, "hostname"))
		return text(p, key, v, cfg->hostname, sizeof(cfg->hostname));
	return bad(p, "unknown key '%s'", key);
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct parse p = { .path = path, .err = err, .errlen = errlen };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	config_defaults(cfg);
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		char *key, *v, *end;

		p.line++;
		if (n > 1024) {
			rc = bad(&p, "line longer than 1024 characters");
			break;
		}
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		key = line + strspn(line, " \t\r\n");
		if (!*key)
			continue;
		v = key + strcspn(key, " \t\r\n");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		end = v + strlen(v);
		while (end > v && strchr(" \t\r\n", end[-1]))
			*--end = '\0';
		if (!*v)
			rc = bad(&p, "%s needs a value", key);
		else
			rc = one(&p, cfg, key, v);
	}
	free(line);
	fclose(f);
	if (rc)
		return rc;
	p.line = 0;
	if (cfg->auth_fail_backoff > cfg->auth_fail_backoff_max)
		return snprintf(err, errlen, "%s: auth-fail-backoff (%u) is above auth-fail-backoff-max (%u)",
				path, cfg->auth_fail_backoff, cfg->auth_fail_backoff_max), -1;
	if (cfg->max_starting_per_source > cfg->max_starting)
		return snprintf(err, errlen, "%s: max-starting-per-source (%u) is above max-starting (%u)",
				path, cfg->max_starting_per_source, cfg->max_starting), -1;
	if (cfg->no_pool) {
		/* Nothing to check here: pppd's options, chap-secrets or RADIUS give addresses. */
		if (cfg->access == ACCESS_LOCAL)
			return snprintf(err, errlen,
					"%s: access local needs remote-ip ranges (each call's address is ruled before pppd starts)",
					path), -1;
		return 0;
	}
	if (!cfg->local_ip)
		return snprintf(err, errlen, "%s: local-ip is required (or remote-ip none)", path), -1;
	if (!cfg->nranges)
		return snprintf(err, errlen, "%s: remote-ip is required (ranges, or none)", path), -1;
	for (unsigned int i = 0; i < cfg->nranges; i++)
		if (cfg->local_ip >= cfg->ranges[i].first && cfg->local_ip <= cfg->ranges[i].last)
			return snprintf(err, errlen, "%s: local-ip is inside remote-ip", path), -1;
	return 0;
}
