// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's outcome: a human summary that ends with the one thing to
 * change, or JSON with every step's timing and evidence. The verdict
 * names here are the JSON's and the man page's (kpptpctl(8)).
 */
#include <stdio.h>

#include "probe.h"

static const struct {
	enum probe_verdict v;
	const char *name;
} verdicts[] = {
	{ PV_OK, "ok" },
	{ PV_LOCAL, "local-error" },
	{ PV_USAGE, "usage" },
	{ PV_RESOLVE, "name-not-resolved" },
	{ PV_NO_ROUTE, "no-route" },
	{ PV_TCP_REFUSED, "tcp-refused" },
	{ PV_TCP_REJECTED, "tcp-rejected" },
	{ PV_TCP_NO_ANSWER, "tcp-no-answer" },
	{ PV_NOT_PPTP, "not-pptp" },
	{ PV_CTRL_NO_REPLY, "control-no-reply" },
	{ PV_CTRL_REFUSED, "control-refused" },
	{ PV_CALL_NO_REPLY, "call-no-reply" },
	{ PV_CALL_REFUSED, "call-refused" },
	{ PV_GRE_REJECTED, "gre-rejected" },
	{ PV_GRE_DROPPED, "gre-dropped" },
	{ PV_GRE_ONE_WAY, "gre-one-way" },
	{ PV_AUTH_FAILED, "auth-failed" },
	{ PV_ENCRYPTION, "encryption-mismatch" },
	{ PV_PPP_TIMEOUT, "ppp-timeout" },
	{ PV_PPP_FAILED, "ppp-failed" },
	{ PV_SERVER_ENDED, "server-ended" },
	{ PV_MTU_BLACK_HOLE, "mtu-black-hole" },
};

const char *probe_verdict_name(enum probe_verdict v)
{
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (verdicts[i].v == v)
			return verdicts[i].name;
	return "?";
}

static const char *result_name(enum step_result r)
{
	switch (r) {
	case STEP_PASS: return "pass";
	case STEP_WARN: return "warn";
	case STEP_FAIL: return "fail";
	case STEP_SKIP: return "skip";
	}
	return "?";
}

static void report_json(const struct probe *p)
{
	printf("{\"server\":");
	json_string(p->o.server);
	printf(",\"port\":%u,\"verdict\":\"%s\",\"exit\":%d,\"ms\":%llu",
	       p->o.port, probe_verdict_name(p->verdict), (int)p->verdict,
	       (unsigned long long)(probe_now() - p->t0));
	printf(",\"summary\":");
	json_string(p->verdict ? p->summary : "every step passed");
	printf(",\"remedy\":");
	json_string(p->verdict ? p->remedy : "");
	printf(",\"steps\":[");
	for (unsigned int i = 0; i < p->nsteps; i++) {
		const struct probe_step *s = &p->steps[i];

		printf("%s{\"step\":\"%s\",\"result\":\"%s\",\"ms\":%llu,\"evidence\":[",
		       i ? "," : "", s->name, result_name(s->result),
		       (unsigned long long)s->ms);
		for (unsigned int k = 0; k < s->nevidence; k++) {
			if (k)
				putchar(',');
			json_string(s->evidence[k]);
		}
		printf("]}");
	}
	printf("]}\n");
}

void probe_report(const struct probe *p)
{
	if (p->o.json) {
		report_json(p);
		return;
	}
	printf("probe of %s\n", p->server_str[0] ? p->server_str : p->o.server);
	for (unsigned int i = 0; i < p->nsteps; i++) {
		const struct probe_step *s = &p->steps[i];

		printf("  %-8s %-4s %6llu ms\n", s->name, result_name(s->result),
		       (unsigned long long)s->ms);
		for (unsigned int k = 0; k < s->nevidence; k++)
			printf("             %s\n", s->evidence[k]);
	}
	if (p->verdict == PV_OK) {
		printf("verdict: ok: every step passed%s\n",
		       p->o.user ? ", the login included" :
		       " (give --user and --password-file to test the login too)");
		return;
	}
	printf("verdict: %s: %s\n", probe_verdict_name(p->verdict), p->summary);
	printf("change:  %s\n", p->remedy);
}
