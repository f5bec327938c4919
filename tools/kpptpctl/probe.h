/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpctl probe: the walk of the Windows PPTP troubleshooting article as
 * one command. Route and ping, TCP 1723, Start-Control-Connection,
 * Outgoing-Call, GRE both ways through a kernel session, and optionally
 * PPP authentication through pppd; it stops at the first failure with a
 * verdict, its evidence and the one thing to change.
 *
 * The control connection is lib/conn.c's client role and lib/ctrl.c's
 * codec, the same code kpptpd --client runs: the probe only watches what
 * they decode.
 */
#ifndef KPPTPCTL_PROBE_H
#define KPPTPCTL_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "kpptp/conn.h"
#include "kpptpctl.h"

/* pppd's plugin directory for the pppd built against (the Makefile says). */
#ifndef KPPTP_PLUGIN
#define KPPTP_PLUGIN "/usr/lib/pppd/kpptp.so"
#endif

struct ppp_run;

/*
 * One exit status per verdict (kpptpctl(8), PROBE VERDICTS). 0 is "every
 * step passed"; 1 and 2 keep kpptpctl's meaning (could not run, bad
 * command line); the verdicts start at 10 so that scripts can tell them
 * from those.
 */
enum probe_verdict {
	PV_OK = 0,
	PV_LOCAL = 1,		/* the probe itself could not run */
	PV_USAGE = 2,
	PV_RESOLVE = 10,	/* the name does not resolve */
	PV_NO_ROUTE,		/* no route to the server */
	PV_TCP_REFUSED,		/* RST: nothing listens on 1723 (678) */
	PV_TCP_REJECTED,	/* an ICMP error about our SYN: names the router */
	PV_TCP_NO_ANSWER,	/* filtered silently (678) */
	PV_NOT_PPTP,		/* something else answers on 1723 */
	PV_CTRL_NO_REPLY,	/* no Start-Control-Connection-Reply */
	PV_CTRL_REFUSED,	/* SCCRP with a refusal (its code explained) */
	PV_CALL_NO_REPLY,	/* no Outgoing-Call-Reply */
	PV_CALL_REFUSED,	/* OCRP with a refusal */
	PV_GRE_REJECTED,	/* ICMP about our GRE: names the router (619/806) */
	PV_GRE_DROPPED,		/* nothing came back (619/806, 650) */
	PV_GRE_ONE_WAY,		/* the server's GRE arrives, ours is not answered */
	PV_AUTH_FAILED,		/* 691 (or the server's own E= code) */
	PV_ENCRYPTION,		/* 741/742: MPPE required by one side only */
	PV_PPP_TIMEOUT,		/* 718 */
	PV_PPP_FAILED,		/* PPP ended otherwise: pppd's words say why */
	PV_SERVER_ENDED,	/* the server cleared the call or the connection */
	PV_MTU_BLACK_HOLE,	/* big packets vanish, no ICMP says why */
};

enum step_result { STEP_PASS, STEP_WARN, STEP_FAIL, STEP_SKIP };

#define PROBE_MAX_EVIDENCE	12
#define PROBE_EVIDENCE_LEN	240

struct probe_step {
	const char *name;		/* "route", "ping", "tcp", ... */
	enum step_result result;
	uint64_t ms;			/* how long it took */
	unsigned int nevidence;
	char evidence[PROBE_MAX_EVIDENCE][PROBE_EVIDENCE_LEN];
};

#define PROBE_MAX_STEPS		9

struct probe_opts {
	const char *server;
	uint16_t port;
	const char *user, *password_file;
	unsigned int timeout_s;		/* per step */
	unsigned int gre_timeout_s;
	int mppe;			/* -1 refuse, 0 Windows' default, 1 128-bit only */
	const char *pppd, *plugin;
	bool json;
};

struct probe {
	struct probe_opts o;
	struct sockaddr_in server;
	char server_str[INET_ADDRSTRLEN + 8];
	struct in_addr local;		/* our source address towards it */
	struct probe_step steps[PROBE_MAX_STEPS];
	unsigned int nsteps;
	struct probe_step *cur;
	uint64_t t0, step_t0;
	enum probe_verdict verdict;
	char summary[PROBE_EVIDENCE_LEN], remedy[2 * PROBE_EVIDENCE_LEN];

	/* the control connection: lib/conn.c's client role */
	int tcp;
	struct pptp_conn pc;
	bool pc_inited, established, closed;
	enum pptp_end closed_why;
	uint8_t rx[PPTP_MSG_MAX_LEN];
	size_t rx_len;
	uint8_t first_octets[32];	/* what the server said first, for "not PPTP" */
	size_t nfirst;
	bool got_sccrp, got_ocrp;
	struct pptp_msg sccrp, ocrp;
	struct pptp_call *call;
	bool call_up, call_down;
	enum pptp_end call_why;

	/* the kernel session and its channel */
	struct kpptp_nl nl, events;
	bool have_nl, have_events;
	int sock;			/* PPPoX socket: the session is its */
	uint16_t local_call_id;
	int chan_fd;			/* /dev/ppp attached to its channel */

	/* pppd (step 6) */
	pid_t pppd;
	struct ppp_run *ppp;		/* probe-ppp.c's: its pipes and log */
};

/* probe.c: steps record what they saw. */
void probe_evidence(struct probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void probe_step_begin(struct probe *p, const char *name);
void probe_step_end(struct probe *p, enum step_result r);
/* Fail the current step with a verdict; returns the verdict. */
int probe_fail(struct probe *p, enum probe_verdict v, const char *summary,
	       const char *remedy);
uint64_t probe_now(void);

/* probe-gre.c: the session's counters (session) or the namespace's. */
int probe_kernel_stats(struct probe *p, bool session, struct kpptp_session_msg *m);
/* probe-ppp.c: step 7, what the path carries, once PPP is up. */
int probe_mtu(struct probe *p);
/* probe-ppp.c: the pppd option of o.mppe. */
const char *probe_mppe_option(const struct probe *p);

/* probe-net.c: steps 1 and 2. */
int probe_route(struct probe *p);
void probe_ping(struct probe *p);
int probe_tcp(struct probe *p);

/* probe-ctrl.c: steps 3 and 4, and the control connection while the
 * later steps run. */
int probe_ctrl_start(struct probe *p);
int probe_call(struct probe *p);
/*
 * Serve the control connection until deadline (ms, probe_now's clock),
 * until one of fds (n of them, may be 0) is readable, or until a message
 * from the server was handled: 1 then (the caller looks at what changed
 * and reads its fds without blocking), 0 at the deadline, -1 once the
 * connection is gone (p->closed).
 */
int probe_wait(struct probe *p, uint64_t deadline, const int *fds, int n);
/* Call-Clear-Request, Stop-Control-Connection, bounded; close TCP. */
void probe_ctrl_finish(struct probe *p);

/* probe-gre.c: step 5, and the kernel session's end. */
int probe_gre(struct probe *p);
void probe_gre_close(struct probe *p);

/* probe-ppp.c: step 6. */
int probe_ppp(struct probe *p);
void probe_ppp_stop(struct probe *p);

/* probe-report.c */
const char *probe_verdict_name(enum probe_verdict v);
void probe_report(const struct probe *p);

#endif /* KPPTPCTL_PROBE_H */
