// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl sources | limits | source unblock | users | user unblock: what
 * kpptpd's per-source and per-name limits hold and refused (kpptpd.conf(5),
 * LIMITS PER SOURCE), through its control socket, and the admin's way to
 * lift a back-off for failed logins before it runs out.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/authname.h"
#include "kpptpctl.h"

/*
 * A list kpptpd answers with one KIND line per entry: a JSON list, or
 * the table (header, then row for each), or NONE when it is empty.
 */
static int list_records(struct ctl *c, const char *req, const char *kind, const char *none,
			void (*header)(void), void (*row)(const struct call_fields *r))
{
	struct call_fields *v;
	size_t n;
	int rc = records_read(req, kind, &v, &n);

	if (rc) {
		if (c->json)
			puts("[]");
		return rc;
	}
	if (c->json) {
		json_begin_list(c);
		for (size_t i = 0; i < n; i++)
			json_fields(c, &v[i]);
		json_end_list(c);
	} else if (!n) {
		puts(none);
	} else {
		header();
		for (size_t i = 0; i < n; i++)
			row(&v[i]);
	}
	calls_free(v, n);
	return EXIT_OK;
}

/* "12s", or "-" when not blocked. */
static const char *blocked_str(const struct call_fields *r, char *buf, size_t len)
{
	const char *s = call_field(r, "blocked-s");

	if (!strcmp(s, "0"))
		return "-";
	snprintf(buf, len, "%ss", s);
	return buf;
}

static void source_header(void)
{
	printf("%-15s %6s %6s %8s %13s %9s %9s %10s  %s\n", "SOURCE", "CONNS", "CALLS",
	       "STARTING", "FAILED-LOGINS", "BACK-OFFS", "BLOCKED", "SUPPRESSED", "LAST-USER");
}

static void source_row(const struct call_fields *r)
{
	char blocked[32];

	printf("%-15s %6s %6s %8s %13s %9s %9s %10s  %s\n", call_field(r, "addr"),
	       call_field(r, "connections"), call_field(r, "calls"), call_field(r, "starting"),
	       call_field(r, "failed-logins"), call_field(r, "back-offs"),
	       blocked_str(r, blocked, sizeof(blocked)), call_field(r, "log-suppressed"),
	       call_field(r, "last-user"));
}

int cmd_sources(struct ctl *c, int argc, char **argv)
{
	if (argc)
		return usage_error("sources takes no argument, not '%s'", argv[0]);
	return list_records(c, "sources\n", "source", "no sources", source_header, source_row);
}

int cmd_limits(struct ctl *c, int argc, char **argv)
{
	struct call_fields *v;
	size_t n;
	int rc;

	if (argc)
		return usage_error("limits takes no argument, not '%s'", argv[0]);
	rc = records_read("limits\n", "limits", &v, &n);
	if (rc) {
		if (c->json)
			puts("{}");
		return rc;
	}
	if (n != 1) {
		fprintf(stderr, "kpptpctl: kpptpd answered %zu limits lines, not 1\n", n);
		calls_free(v, n);
		return EXIT_FAIL;
	}
	if (c->json) {
		json_fields(c, &v[0]);
		putchar('\n');
	} else {
		for (int i = 0; i < v[0].n; i++)
			printf("%-34s %s\n", v[0].f[i].key, v[0].f[i].val);
	}
	calls_free(v, n);
	return EXIT_OK;
}

/* source unblock ADDR|all */
int cmd_source(struct ctl *c, int argc, char **argv)
{
	char req[64];
	struct in_addr a;

	(void)c;
	if (argc != 2 || strcmp(argv[0], "unblock"))
		return usage_error("%s", "source needs 'unblock ADDR' or 'unblock all'");
	if (strcmp(argv[1], "all") && inet_pton(AF_INET, argv[1], &a) != 1)
		return usage_error("source unblock needs an IPv4 address or 'all', not '%s'",
				   argv[1]);
	snprintf(req, sizeof(req), "unblock %s\n", argv[1]);
	return ask_done(req, "unblocked");
}

static void user_header(void)
{
	printf("%-20s %13s %9s %9s %-15s  %s\n", "USER", "FAILED-LOGINS", "BACK-OFFS",
	       "BLOCKED", "LAST-FAILED", "KNOWN-SOURCES");
}

static void user_row(const struct call_fields *r)
{
	char blocked[32];

	printf("%-20s %13s %9s %9s %-15s  %s\n", call_field(r, "name"),
	       call_field(r, "failed-logins"), call_field(r, "back-offs"),
	       blocked_str(r, blocked, sizeof(blocked)), call_field(r, "last-failed-from"),
	       call_field(r, "known-sources"));
}

int cmd_users(struct ctl *c, int argc, char **argv)
{
	if (argc)
		return usage_error("users takes no argument, not '%s'", argv[0]);
	return list_records(c, "users\n", "user", "no users", user_header, user_row);
}

/* user unblock NAME|all: NAME as kpptpctl users shows it. */
int cmd_user(struct ctl *c, int argc, char **argv)
{
	char req[AUTHNAME_ESCAPED + 32];

	(void)c;
	if (argc != 2 || strcmp(argv[0], "unblock"))
		return usage_error("%s", "user needs 'unblock NAME' or 'unblock all'");
	for (const char *p = argv[1]; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return usage_error("%s", "user unblock: a name as 'kpptpctl users' shows it (printable, no blanks)");
	if (strlen(argv[1]) >= AUTHNAME_ESCAPED)
		return usage_error("user unblock: '%.40s...' is longer than any name kpptpd keeps",
				   argv[1]);
	snprintf(req, sizeof(req), "unblock-user %s\n", argv[1]);
	return ask_done(req, "unblocked");
}
