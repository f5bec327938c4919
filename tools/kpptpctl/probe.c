// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl probe SERVER: the steps in order, stopping at the first that
 * fails, and always the same cleanup (pppd stopped, Call-Clear-Request,
 * Stop-Control-Connection, kernel session gone) whatever step it stopped
 * at. The steps live in probe-net.c, probe-ctrl.c, probe-gre.c and
 * probe-ppp.c; probe-report.c prints the outcome.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>

#include "probe.h"

uint64_t probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void probe_evidence(struct probe *p, const char *fmt, ...)
{
	struct probe_step *s = p->cur;
	va_list ap;

	if (!s || s->nevidence >= PROBE_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(s->evidence[s->nevidence++], PROBE_EVIDENCE_LEN, fmt, ap);
	va_end(ap);
}

void probe_step_begin(struct probe *p, const char *name)
{
	struct probe_step *s;

	if (p->nsteps >= PROBE_MAX_STEPS) {
		p->cur = NULL;
		return;
	}
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->result = STEP_PASS;
	p->cur = s;
	p->step_t0 = probe_now();
}

void probe_step_end(struct probe *p, enum step_result r)
{
	if (!p->cur)
		return;
	p->cur->result = r;
	p->cur->ms = probe_now() - p->step_t0;
	p->cur = NULL;
}

int probe_fail(struct probe *p, enum probe_verdict v, const char *summary,
	       const char *remedy)
{
	p->verdict = v;
	snprintf(p->summary, sizeof(p->summary), "%s", summary);
	snprintf(p->remedy, sizeof(p->remedy), "%s", remedy);
	probe_step_end(p, STEP_FAIL);
	return v;
}

static const char probe_usage[] =
"usage: kpptpctl [-j] probe SERVER [--port N] [--timeout S] [--gre-timeout S]\n"
"                [--user NAME --password-file FILE [--require-mppe | --no-mppe]\n"
"                [--pppd PATH] [--plugin PATH]]\n"
"\n"
"Walk the path to a PPTP server the way a troubleshooting guide does, and stop\n"
"at the first step that fails with a verdict, the evidence and what to change:\n"
"  1 route     which local address and interface reach SERVER; ping (reported,\n"
"              never fatal: many servers drop ping)\n"
"  2 tcp       TCP to port 1723: connected, refused (RST), rejected by a router\n"
"              (its ICMP error, naming it), or no answer (filtered)\n"
"  3 control   Start-Control-Connection: the reply's result code explained, no\n"
"              reply in time, or a reply that is not PPTP\n"
"  4 call      Outgoing-Call: result and error code, the server's call ID and\n"
"              receive window\n"
"  5 gre       GRE (IP protocol 47) both ways through a kpptp.ko session for the\n"
"              call: LCP Configure-Requests out, the server's GRE back. Passes,\n"
"              rejected (an ICMP error names the router that blocks it), dropped\n"
"              silently, or one way only\n"
"  6 ppp       with --user: pppd authenticates over the call (pppd's own words\n"
"              are the evidence): bad password or no permission (691),\n"
"              encryption required by one side only (741/742), timeout (718)\n"
"  7 mtu       with --user, the call up: the largest packet that passes both\n"
"              ways (padded LCP echoes with DF), and whether a router says so\n"
"              (ICMP fragmentation needed) or big packets just vanish: an MTU\n"
"              black hole, which stalls TCP; the remedy: tcp-mss auto\n"
"It always cleans up: pppd stopped, Call-Clear-Request, Stop-Control-\n"
"Connection, kernel session deleted.\n"
"\n"
"options:\n"
"  --port N            the server's TCP port (default 1723)\n"
"  --timeout S         how long each step waits for an answer, 1..120 s\n"
"                      (default 5)\n"
"  --gre-timeout S     how long step 5 waits for the server's GRE, 1..120 s\n"
"                      (default 6: pppd resends its Configure-Request every 3 s)\n"
"  --user NAME         run step 6 as NAME (pppd's 'user')\n"
"  --password-file F   the password, the file's first line; never on the\n"
"                      command line, where every user could read it\n"
"  --require-mppe      pppd requires MPPE-128 (require-mppe-128)\n"
"  --no-mppe           pppd refuses MPPE (nomppe)\n"
"                      neither: as Windows' client by default, MPPE required,\n"
"                      128-bit or 40-bit, 128 preferred (require-mppe)\n"
"  --pppd PATH         pppd to run (default /usr/sbin/pppd)\n"
"  --plugin PATH       kpptp.so (default " KPPTP_PLUGIN ")\n"
"  -j                  JSON: every step with its timing and evidence\n"
"\n"
"Needs root (a kernel session and raw ICMP) and kpptp.ko loaded.\n"
"exit status: 0 every step passed, 1 the probe could not run, 2 bad command\n"
"line, 10..29 one per verdict (kpptpctl(8), PROBE VERDICTS).\n";

static bool parse_secs(const char *v, unsigned int *out)
{
	uint32_t n;

	if (!v || !parse_u32(v, 120, &n) || n < 1)
		return false;
	*out = n;
	return true;
}

static int parse_opts(struct probe_opts *o, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t n;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(probe_usage, stdout);
			exit(EXIT_OK);
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--require-mppe")) {
			o->mppe = 1;
		} else if (!strcmp(a, "--no-mppe")) {
			o->mppe = -1;
		} else if (!strcmp(a, "--port")) {
			if (!v || !parse_u32(v, 65535, &n) || !n)
				return usage_error("--port wants 1..65535, not '%s'", v ? v : "");
			o->port = (uint16_t)n;
			i++;
		} else if (!strcmp(a, "--timeout")) {
			if (!parse_secs(v, &o->timeout_s))
				return usage_error("--timeout wants 1..120 s, not '%s'", v ? v : "");
			i++;
		} else if (!strcmp(a, "--gre-timeout")) {
			if (!parse_secs(v, &o->gre_timeout_s))
				return usage_error("--gre-timeout wants 1..120 s, not '%s'",
						   v ? v : "");
			i++;
		} else if (!strcmp(a, "--user") || !strcmp(a, "--password-file") ||
			   !strcmp(a, "--pppd") || !strcmp(a, "--plugin")) {
			if (!v || !*v)
				return usage_error("%s wants a value", a);
			if (!strcmp(a, "--user"))
				o->user = v;
			else if (!strcmp(a, "--password-file"))
				o->password_file = v;
			else if (!strcmp(a, "--pppd"))
				o->pppd = v;
			else
				o->plugin = v;
			i++;
		} else if (a[0] == '-') {
			return usage_error("probe: unknown option '%s'", a);
		} else if (!o->server) {
			o->server = a;
		} else {
			return usage_error("probe takes one SERVER, not also '%s'", a);
		}
	}
	if (!o->server)
		return usage_error("probe wants a SERVER");
	if (!o->user != !o->password_file)
		return usage_error("--user and --password-file go together");
	if (o->mppe && !o->user)
		return usage_error("--require-mppe and --no-mppe are for step 6: give --user");
	return 0;
}

/* Whatever step it stopped at: nothing is left on either side. */
static void cleanup(struct probe *p)
{
	probe_ppp_stop(p);
	probe_gre_close(p);
	probe_ctrl_finish(p);
	if (p->have_events)
		kpptp_nl_close(&p->events);
	if (p->have_nl)
		kpptp_nl_close(&p->nl);
}

static int run_steps(struct probe *p)
{
	int v;

	v = probe_route(p);
	if (v)
		return v;
	probe_ping(p);
	v = probe_tcp(p);
	if (v)
		return v;
	v = probe_ctrl_start(p);
	if (v)
		return v;
	v = probe_call(p);
	if (v)
		return v;
	v = probe_gre(p);
	if (v)
		return v;
	if (!p->o.user)
		return PV_OK;
	v = probe_ppp(p);
	if (v)
		return v;
	return probe_mtu(p);
}

int cmd_probe(struct ctl *c, int argc, char **argv)
{
	struct probe *p;
	int v;

	p = calloc(1, sizeof(*p));
	if (!p) {
		perror("kpptpctl");
		return EXIT_FAIL;
	}
	p->o = (struct probe_opts){
		.port = 1723, .timeout_s = 5, .gre_timeout_s = 6, .json = c->json,
		.pppd = "/usr/sbin/pppd", .plugin = KPPTP_PLUGIN,
	};
	v = parse_opts(&p->o, argc, argv);
	if (v) {
		free(p);
		return v;
	}
	if (p->o.password_file && access(p->o.password_file, R_OK)) {
		fprintf(stderr, "kpptpctl: --password-file %s: %s\n", p->o.password_file,
			strerror(errno));
		free(p);
		return EXIT_USAGE;
	}
	/* A server that closes on us must not kill the probe before cleanup. */
	signal(SIGPIPE, SIG_IGN);
	p->tcp = -1;
	p->sock = -1;
	p->chan_fd = -1;
	p->t0 = probe_now();
	v = run_steps(p);
	if (!v)
		p->verdict = PV_OK;
	cleanup(p);
	probe_report(p);
	v = (int)p->verdict;
	free(p);
	return v;
}
