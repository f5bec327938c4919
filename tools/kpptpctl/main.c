// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl: look at and manage kpptp sessions over the "kpptp" generic
 * netlink family. One file per subcommand; this one parses the global
 * options, dispatches, and runs batches.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp-version.h"
#include "kpptpctl.h"

static const char usage_text[] =
"usage: kpptpctl [-j] [-b FILE] COMMAND [ARGS]\n"
"\n"
"Look at and manage the PPTP data-path sessions of kpptp.ko in this network\n"
"namespace, over the \"kpptp\" generic netlink family, and kpptpd's calls.\n"
"\n"
"commands:\n"
"  session list                       every session, one block each\n"
"  session show ID                    one session (ID from 'list')\n"
"  session add local ADDR peer ADDR peer-call N [call N] [owned] [TUNABLE...]\n"
"                                     create a session (call 0 or none: pick one);\n"
"                                     prints it. A PPPoX socket that binds ADDR\n"
"                                     and call N and connects to the peer attaches\n"
"  session del ID | call N [peer ADDR]\n"
"  session set ID TUNABLE...          change tunables of a live session\n"
"  stats [ID]                         counters of one session, or with no ID\n"
"                                     the namespace's (packets that matched none)\n"
"  monitor                            print events as they come: session up and\n"
"                                     down, ICMP errors, receive stalls, sequence\n"
"                                     anomalies (needs CAP_NET_ADMIN); Ctrl-C ends\n"
"  calls                              kpptpd's calls: peer, user, address, pppN,\n"
"                                     uptime, bytes, state, kernel session (asks\n"
"                                     kpptpd on $KPPTPD_SOCKET, default\n"
"                                     /run/kpptpd.sock; needs root)\n"
"  call hangup ID | call hangup user NAME\n"
"                                     kpptpd ends that call, or every call of NAME\n"
"                                     (Call-Disconnect-Notify, Admin Shutdown)\n"
"  metrics                            sessions, counters and kpptpd's calls in the\n"
"                                     Prometheus text format (kpptpctl(8), METRICS)\n"
"  sources                            kpptpd's source addresses: connections, calls,\n"
"                                     calls still authenticating, failed logins and\n"
"                                     the back-off they earned\n"
"  limits                             kpptpd's per-source and total limits: what each\n"
"                                     refused or closed since it started\n"
"  source unblock ADDR|all            kpptpd forgets the failed logins of ADDR (or of\n"
"                                     every source) and accepts its calls again\n"
"  users                              login names kpptpd keeps: failed logins from\n"
"                                     any address, the back-off they earned, the\n"
"                                     addresses still let in (kpptpd.conf(5))\n"
"  user unblock NAME|all              kpptpd forgets the failed logins as NAME (or\n"
"                                     as any name) and checks its logins again\n"
"  probe SERVER [--user U --password-file F] [--timeout S] [OPTION...]\n"
"                                     why a tunnel to SERVER does not come up:\n"
"                                     route, TCP 1723, control connection, call,\n"
"                                     GRE both ways, PPP login; stops at the first\n"
"                                     failure with a verdict and what to change\n"
"                                     (kpptpctl probe --help; needs root)\n"
"\n"
"tunables:\n"
"  reorder-window N      packets held to undo reordering, 0..256 (0: off)\n"
"  reorder-timeout MS    how long a gap is awaited, 1..10000 ms\n"
"  ack-delay MS          wait before an ack goes out alone, 1..10000 ms\n"
"  peer-window N         the peer's receive window from its Call-Reply, 1..65535\n"
"  cookie N              a number of your own, kept with the session\n"
"  stall-timeout S       rx-stall event after S seconds without GRE from the peer\n"
"                        while sending, 0..3600 (0: off)\n"
"  anomaly-threshold N   seq-anomaly event when lost + late + out-of-order\n"
"                        packets reach N in a second (0: off)\n"
"\n"
"options:\n"
"  -j, --json            JSON output (read commands and monitor)\n"
"  -b, --batch FILE      run the commands in FILE ('-': stdin), one per line,\n"
"                        on one netlink socket; stops at the first failure.\n"
"                        Sessions added 'owned' in a batch are deleted by the\n"
"                        kernel when the batch ends or kpptpctl is killed\n"
"  -h, --help            this text\n"
"  -V, --version         print kpptpctl's version and exit\n"
"\n"
"exit status: 0 success, 1 the kernel refused (its reason is printed),\n"
"2 bad command line, 3 kpptp.ko not loaded, 4 no such session or call\n"
"(or a source or user with no failed logins), 5 kpptpd is not running\n"
"(calls, call, sources, limits, source, users, user); probe: 10..29, one per\n"
"verdict.\n"
"See kpptpctl(8).\n";

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

static int dispatch(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		return usage_error("%s", "no command given");
	if (!strcmp(argv[0], "session"))
		return cmd_session(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "stats"))
		return cmd_stats(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "monitor"))
		return cmd_monitor(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "calls"))
		return cmd_calls(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "call"))
		return cmd_call(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "probe"))
		return cmd_probe(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "metrics"))
		return cmd_metrics(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "sources"))
		return cmd_sources(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "limits"))
		return cmd_limits(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "source"))
		return cmd_source(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "users"))
		return cmd_users(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "user"))
		return cmd_user(c, argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[0]);
}

/* Split a batch line on blanks; '#' starts a comment. */
static int split(char *line, char **argv, int max)
{
	int n = 0;
	char *tok, *save = NULL;

	line[strcspn(line, "#\n")] = '\0';
	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		argv[n++] = tok;
	}
	return n;
}

static int run_batch(struct ctl *c, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[1024], *argv[64];
	unsigned long lineno = 0;
	int argc, rc = EXIT_OK;

	if (!f) {
		fprintf(stderr, "kpptpctl: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "kpptpctl: %s:%lu: line too long\n", path, lineno);
			rc = EXIT_USAGE;
			break;
		}
		argc = split(line, argv, 64);
		if (argc < 0) {
			fprintf(stderr, "kpptpctl: %s:%lu: too many words\n", path, lineno);
			rc = EXIT_USAGE;
			break;
		}
		if (!argc)
			continue;
		rc = dispatch(c, argc, argv);
		if (rc != EXIT_OK) {
			fprintf(stderr, "kpptpctl: %s:%lu: command failed\n", path, lineno);
			break;
		}
		fflush(stdout);
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	struct ctl c = { .first = true };
	const char *batch = NULL;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "--batch")) {
			if (++i == argc)
				return usage_error("%s", "-b needs a file");
			batch = argv[i];
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			puts("kpptpctl " KPPTP_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (!batch && i == argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (batch && i != argc)
		return usage_error("%s", "-b takes no command on the command line");
	if (kpptp_nl_open(&c.nl) < 0) {
		fprintf(stderr, "kpptpctl: %s\n", c.nl.err);
		return EXIT_FAIL;
	}
	rc = batch ? run_batch(&c, batch) : dispatch(&c, argc - i, argv + i);
	kpptp_nl_close(&c.nl);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_FAIL;
	return rc;
}
