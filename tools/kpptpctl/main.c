// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl: look at and manage kpptp sessions over the "kpptp" generic
 * netlink family. One file per subcommand, their helpers in util.c; this
 * one holds the command table, parses the global options, dispatches, and
 * runs batches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp-version.h"
#include "kpptpctl.h"

static const char usage_head[] =
"usage: kpptpctl [-j] [-b FILE] COMMAND [ARGS]\n"
"\n"
"Look at and manage the PPTP data-path sessions of kpptp.ko in this network\n"
"namespace, over the \"kpptp\" generic netlink family, and kpptpd's calls.\n"
"\n"
"commands:\n";

static const char usage_tail[] =
"\n"
"tunables:\n"
"  reorder-window N      packets held to undo reordering, 0..256 (0: off)\n"
"  reorder-timeout MS    the longest a gap is awaited, 1..10000 ms; below it\n"
"                        the wait adapts to the reordering seen\n"
"  ack-delay MS          wait before an ack goes out alone, 1..10000 ms\n"
"  peer-window N         the peer's receive window from its Call-Reply, 1..65535\n"
"  cookie N              a number of your own, kept with the session\n"
"  stall-timeout S       rx-stall event after S seconds without GRE from the peer\n"
"                        while sending, 0..3600 (0: off)\n"
"  fastpath off          turn the fast path off (pppd turns it on)\n"
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

/*
 * Every command: its name, what runs it, and its lines of --help (in the
 * order --help lists them). dispatch() and the usage text both read this
 * table, so a command cannot exist without help or the other way round.
 */
static const struct command {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "session", cmd_session,
	  "  session list                       every session, one block each\n"
	  "  session show ID                    one session (ID from 'list')\n"
	  "  session add local ADDR peer ADDR peer-call N [call N] [owned] [TUNABLE...]\n"
	  "                                     create a session (call 0 or none: pick one);\n"
	  "                                     prints it. A PPPoX socket that binds ADDR\n"
	  "                                     and call N and connects to the peer attaches\n"
	  "  session del ID | call N [peer ADDR]\n"
	  "  session set ID TUNABLE...          change tunables of a live session\n" },
	{ "stats", cmd_stats,
	  "  stats [ID]                         counters of one session, or with no ID\n"
	  "                                     the namespace's (packets that matched none)\n" },
	{ "monitor", cmd_monitor,
	  "  monitor                            print events as they come: session up and\n"
	  "                                     down, ICMP errors, receive stalls, sequence\n"
	  "                                     anomalies (needs CAP_NET_ADMIN); Ctrl-C ends\n" },
	{ "calls", cmd_calls,
	  "  calls                              kpptpd's calls: peer, user, address, pppN,\n"
	  "                                     uptime, bytes, state, kernel session (asks\n"
	  "                                     kpptpd on $KPPTPD_SOCKET, default\n"
	  "                                     /run/kpptpd.sock; needs root)\n" },
	{ "call", cmd_call,
	  "  call hangup ID | call hangup user NAME\n"
	  "                                     kpptpd ends that call, or every call of NAME\n"
	  "                                     (Call-Disconnect-Notify, Admin Shutdown)\n" },
	{ "metrics", cmd_metrics,
	  "  metrics                            sessions, counters and kpptpd's calls in the\n"
	  "                                     Prometheus text format (kpptpctl(8), METRICS)\n" },
	{ "sources", cmd_sources,
	  "  sources                            kpptpd's source addresses: connections, calls,\n"
	  "                                     calls still authenticating, failed logins and\n"
	  "                                     the back-off they earned\n" },
	{ "limits", cmd_limits,
	  "  limits                             kpptpd's per-source and total limits: what each\n"
	  "                                     refused or closed since it started\n" },
	{ "source", cmd_source,
	  "  source unblock ADDR|all            kpptpd forgets the failed logins of ADDR (or of\n"
	  "                                     every source) and accepts its calls again\n" },
	{ "users", cmd_users,
	  "  users                              login names kpptpd keeps: failed logins from\n"
	  "                                     any address, the back-off they earned, the\n"
	  "                                     addresses still let in (kpptpd.conf(5))\n" },
	{ "user", cmd_user,
	  "  user unblock NAME|all              kpptpd forgets the failed logins as NAME (or\n"
	  "                                     as any name) and checks its logins again\n" },
	{ "daemon", cmd_daemon,
	  "  daemon restart [--binary PATH]     kpptpd runs PATH (default: the file it was\n"
	  "                                     started from, e.g. after an upgrade) in its\n"
	  "                                     own process and hands it every connection\n"
	  "                                     and call: no call drops (kpptpd(8), RESTART)\n" },
	{ "probe", cmd_probe,
	  "  probe SERVER [--user U --password-file F] [--timeout S] [OPTION...]\n"
	  "                                     why a tunnel to SERVER does not come up:\n"
	  "                                     route, TCP 1723, control connection, call,\n"
	  "                                     GRE both ways, PPP login; stops at the first\n"
	  "                                     failure with a verdict and what to change\n"
	  "                                     (kpptpctl probe --help; needs root)\n" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs(usage_head, f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fputs(commands[i].help, f);
	fputs(usage_tail, f);
}

static int dispatch(struct ctl *c, int argc, char **argv)
{
	size_t i;

	if (argc < 1)
		return usage_error("%s", "no command given");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(c, argc - 1, argv + 1);
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
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (!batch && i == argc) {
		usage(stderr);
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
