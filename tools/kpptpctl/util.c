// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl: what every subcommand uses: its errors, said the same way with
 * the same exit codes, the netlink round trip, and the number and address
 * parsers that refuse what strtoul() and inet_addr() would quietly accept.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptpctl.h"

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kpptpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see kpptpctl --help)\n", stderr);
	return EXIT_USAGE;
}

int nl_error(struct ctl *c, const char *what)
{
	fprintf(stderr, "kpptpctl: %s: %s\n", what, c->nl.err);
	if (c->nl.no_module)
		return EXIT_NOMODULE;
	if (errno == ENOENT && (strstr(c->nl.err, "no session") ||
				strstr(c->nl.err, "no such session")))
		return EXIT_NOTFOUND;
	return EXIT_FAIL;
}

int query(struct ctl *c, struct nlmsghdr *req, kpptp_nl_cb print, const char *what)
{
	bool list = print && c->json;
	int rc = EXIT_OK;

	if (list)
		json_begin_list(c);
	if (kpptp_nl_talk(&c->nl, req, print, c) < 0)
		rc = nl_error(c, what);
	/* Even after an error: a script's JSON parser gets a whole array. */
	if (list)
		json_end_list(c);
	return rc;
}

bool parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would take "-1" as 2^64 - 1. */
	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(s, &v) || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return false;
	*out = a.s_addr;
	return true;
}
