// SPDX-License-Identifier: GPL-2.0
/*
 * Step 6 of the probe: authenticate through pppd over the call, and let
 * pppd's own words say what went wrong. pppd runs as kpptpd runs it:
 * kpptp.so with the call's connected socket (kpptp-fd) and the status
 * pipe (kpptp-status-fd), which says when IPCP is up. The password goes
 * through a pipe read as an options file, never onto a command line.
 *
 * The verdicts come from the lines pppd logs (its log goes to a pipe of
 * ours, and so does its standard output: pppd prints "Plugin ... loaded."
 * there before it reads logfd, which must never reach ours) and from its
 * exit status:
 *   "... authentication failed: E=691 ..."  -> 691 (or the E= the server sent)
 *   "LCP terminated by peer (MPPE required ...)" when this side refused
 *     MPPE (--no-mppe) -> 742: the server wants it. With MPPE allowed here
 *     the server ended PPP for a reason of its own: "PPP failed".
 *   "MPPE required but peer refused" from our own pppd -> 741
 *   "MPPE required, but kernel has no support" -> this host (ppp_mppe)
 *   "LCP: timeout sending Config-Requests" -> 718
 *
 * MPPE: by default as Windows' client does (require-mppe: 128-bit or
 * 40-bit, 128 preferred: what "Require encryption", Windows' default for
 * PPTP, offers); --require-mppe asks for 128-bit only, --no-mppe refuses it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <libmnl/libmnl.h>
#include <sys/wait.h>

#include "probe.h"

#define PPP_LINES	48

struct ppp_run {
	int log_fd, status_fd;
	char logbuf[1024], stbuf[256];
	size_t loglen, stlen;
	char lines[PPP_LINES][160];	/* pppd's log, the last PPP_LINES lines */
	unsigned int nlines;
	bool up, mppe_on;
	int pmtu, pmtu_had;		/* kpptp.so's "path-mtu": -1 none, 0 not yet */
	char ipup[160], user[64];
	int status;			/* pppd's exit status, -1 while it runs */
};

/* The password, as a pppd options file: password "...", escaped. */
static int password_pipe(const char *path)
{
	char pw[256], buf[600];
	size_t n = 0;
	int p[2];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(pw, sizeof(pw), f))
		pw[0] = '\0';
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
	n = (size_t)snprintf(buf, sizeof(buf), "password \"");
	for (const char *c = pw; *c && n < sizeof(buf) - 4; c++) {
		if (*c == '"' || *c == '\\')
			buf[n++] = '\\';
		buf[n++] = *c;
	}
	buf[n++] = '"';
	buf[n++] = '\n';
	explicit_bzero(pw, sizeof(pw));
	/* A pipe holds 64 KiB: the write never blocks. */
	if (pipe2(p, O_CLOEXEC))
		return -1;
	if (write(p[1], buf, n) != (ssize_t)n) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	explicit_bzero(buf, sizeof(buf));
	close(p[1]);
	return p[0];
}

static void exec_pppd(struct probe *p, int pw, int log_w, int st_w)
{
	const char *argv[40];
	int n = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGTERM))
		_exit(127);
	/* fds: 3 the call's socket, 4 status, 5 password; log on 1 and 2. */
	if (dup2(p->sock, 3) < 0 || dup2(st_w, 4) < 0 || dup2(pw, 5) < 0 ||
	    dup2(log_w, 2) < 0 || dup2(log_w, 1) < 0)
		_exit(127);
	close_range(6, ~0u, 0);
	argv[n++] = p->o.pppd;
	argv[n++] = "plugin";
	argv[n++] = p->o.plugin;
	argv[n++] = "kpptp-fd";
	argv[n++] = "3";
	argv[n++] = "kpptp-status-fd";
	argv[n++] = "4";
	argv[n++] = "nodetach";
	argv[n++] = "logfd";
	argv[n++] = "2";
	argv[n++] = "user";
	argv[n++] = p->o.user;
	argv[n++] = "file";
	argv[n++] = "/proc/self/fd/5";	/* /dev/fd may not exist */
	argv[n++] = "noauth";		/* we test the server's check of us */
	argv[n++] = "noipdefault";
	argv[n++] = "nodefaultroute";
	argv[n++] = "ipparam";
	argv[n++] = "kpptpctl-probe";
	/* pppd gives up by itself, so that "timed out" is its finding. */
	argv[n++] = "lcp-max-configure";
	argv[n++] = "4";
	argv[n++] = "ipcp-max-configure";
	argv[n++] = "4";
	argv[n++] = "lcp-echo-interval";
	argv[n++] = "0";
	argv[n++] = probe_mppe_option(p);
	/* Step 7: kpptp.so finds what the path carries once IPCP is up. */
	argv[n++] = "kpptp-pmtu-probe";
	argv[n] = NULL;
	execv(p->o.pppd, (char *const *)argv);
	_exit(127);
}

/* The pppd option this probe's MPPE setting is. */
const char *probe_mppe_option(const struct probe *p)
{
	return p->o.mppe > 0 ? "require-mppe-128" : p->o.mppe < 0 ? "nomppe" : "require-mppe";
}

static void keep_line(struct ppp_run *r, const char *line)
{
	if (r->nlines == PPP_LINES) {
		memmove(r->lines[0], r->lines[1], sizeof(r->lines[0]) * (PPP_LINES - 1));
		r->nlines--;
	}
	snprintf(r->lines[r->nlines++], sizeof(r->lines[0]), "%s", line);
	if (strstr(line, "MPPE") && strstr(line, "enabled"))
		r->mppe_on = true;
}

static void status_line(struct ppp_run *r, const char *line)
{
	if (!strncmp(line, "ip-up ", 6)) {
		r->up = true;
		snprintf(r->ipup, sizeof(r->ipup), "%s", line + 6);
	} else if (!strncmp(line, "auth ", 5)) {
		snprintf(r->user, sizeof(r->user), "%s", line + 5);
	} else if (sscanf(line, "path-mtu none %d", &r->pmtu_had) == 1) {
		r->pmtu = -1;
	} else if (!strncmp(line, "path-mtu ", 9) &&
		   (sscanf(line, "path-mtu %d %d", &r->pmtu, &r->pmtu_had) != 2 || r->pmtu < 1)) {
		r->pmtu = -1;
	}
}

/* Lines from fd into buf; each to fn. -1 at EOF. */
static int read_lines(int fd, char *buf, size_t cap, size_t *len, struct ppp_run *r,
		      void (*fn)(struct ppp_run *, const char *))
{
	ssize_t n = read(fd, buf + *len, cap - 1 - *len);

	if (n <= 0)
		return n == 0 || (errno != EAGAIN && errno != EINTR) ? -1 : 0;
	*len += (size_t)n;
	buf[*len] = '\0';
	for (char *nl; (nl = strchr(buf, '\n'));) {
		*nl = '\0';
		fn(r, buf);
		*len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, *len + 1);
	}
	if (*len == cap - 1)
		*len = 0;	/* a line too long: dropped */
	return 0;
}

/* Up to 200 ms for pppd's log and status lines (and extra_fd), read. */
static void pump(struct probe *p, struct ppp_run *r, int extra_fd)
{
	int f[3], n = 0;

	if (r->log_fd >= 0)
		f[n++] = r->log_fd;
	if (r->status_fd >= 0)
		f[n++] = r->status_fd;
	if (extra_fd >= 0)
		f[n++] = extra_fd;
	probe_wait(p, probe_now() + 200, f, n);
	if (r->log_fd >= 0 &&
	    read_lines(r->log_fd, r->logbuf, sizeof(r->logbuf), &r->loglen, r, keep_line)) {
		close(r->log_fd);
		r->log_fd = -1;
	}
	if (r->status_fd >= 0 &&
	    read_lines(r->status_fd, r->stbuf, sizeof(r->stbuf), &r->stlen, r, status_line)) {
		close(r->status_fd);
		r->status_fd = -1;
	}
}

static const char *find_line(const struct ppp_run *r, const char *what)
{
	for (unsigned int i = 0; i < r->nlines; i++)
		if (strstr(r->lines[i], what))
			return r->lines[i];
	return NULL;
}

static void quote_line(struct probe *p, const char *line)
{
	char esc[4 * 160 + 1];

	if (line)
		probe_evidence(p, "pppd: %s", pptp_printable(line, esc, sizeof(esc)));
}

/* What the server's E= code means (MS-CHAP failure packet, RFC 2759). */
static const char *mschap_error(int e)
{
	switch (e) {
	case 646: return "logins are not allowed at this time of day";
	case 647: return "the account is disabled";
	case 648: return "the password has expired";
	case 649: return "the user has no dial-in permission";
	case 691: return "wrong user name or password (or a user the server does not know)";
	case 709: return "the password could not be changed";
	default: return "authentication failed";
	}
}

static int verdict(struct probe *p, struct ppp_run *r)
{
	const char *l;
	char what[PROBE_EVIDENCE_LEN], fix[2 * PROBE_EVIDENCE_LEN];

	/* 742 only when this side refused MPPE and the server asked for it. */
	if (p->o.mppe < 0 && (l = find_line(r, "LCP terminated by peer")) && strstr(l, "MPPE")) {
		quote_line(p, l);
		return probe_fail(p, PV_ENCRYPTION,
				  "the server requires encryption (MPPE) that this side refuses "
				  "(Windows error 742)",
				  "this probe ran with --no-mppe (nomppe): allow MPPE on the client (drop "
				  "--no-mppe), or stop requiring it on the server");
	}
	/* ppp_mppe missing here: not the server's doing. */
	if ((l = find_line(r, "kernel has no support")) ||
	    (l = find_line(r, "not available in kernel"))) {
		quote_line(p, l);
		return probe_fail(p, PV_LOCAL, "this host's kernel cannot do MPPE",
				  "load ppp_mppe here (modprobe ppp_mppe), or give --no-mppe");
	}
	if ((l = find_line(r, "MS-CHAP[v2] nor EAP-TLS"))) {
		quote_line(p, l);
		return probe_fail(p, PV_ENCRYPTION,
				  "MPPE needs MS-CHAPv2 (its keys come from it), and the server "
				  "authenticated this side another way (Windows error 741)",
				  "require MS-CHAPv2 on the server (require-mschap-v2), or give --no-mppe");
	}
	/* "MPPE required but peer refused" / "... peer negotiation failed". */
	if ((l = find_line(r, "MPPE required"))) {
		quote_line(p, l);
		snprintf(fix, sizeof(fix), "enable MPPE-128 on the server (require-mppe-128 and "
			 "MS-CHAPv2), or stop requiring it here (this probe ran with %s%s)",
			 probe_mppe_option(p), p->o.mppe ? "" : ", Windows' default; --no-mppe "
			 "tests an unencrypted call");
		return probe_fail(p, PV_ENCRYPTION,
				  "this side requires encryption (MPPE) that the server does not offer "
				  "(Windows error 741)", fix);
	}
	if ((l = find_line(r, "authentication failed")) || r->status == 19) {
		const char *e = l ? strstr(l, "E=") : NULL;
		int code = e ? atoi(e + 2) : 691;

		quote_line(p, l);
		snprintf(what, sizeof(what), "the server rejected the login of '%s': %s (Windows "
			 "error %d)", p->o.user, mschap_error(code), code);
		return probe_fail(p, PV_AUTH_FAILED, what,
				  code == 691 ? "check the user name and password, and that the user "
				  "is in the server's chap-secrets (or RADIUS) with dial-in permission" :
				  "fix the account on the server");
	}
	if ((l = find_line(r, "timeout sending Config-Requests")) ||
	    (l = find_line(r, "timeout")) || r->status < 0) {
		quote_line(p, l);
		return probe_fail(p, PV_PPP_TIMEOUT,
				  "PPP negotiation timed out (Windows error 718)",
				  "look at the server's PPP log; GRE passed, so it is the server's PPP "
				  "(its options, or a PPP daemon that does not start)");
	}
	l = find_line(r, "LCP terminated by peer");
	quote_line(p, l);
	for (unsigned int i = r->nlines > 3 ? r->nlines - 3 : 0; i < r->nlines; i++)
		if (r->lines[i] != l)
			quote_line(p, r->lines[i]);
	if (l)
		snprintf(what, sizeof(what), "PPP failed: the server ended it (pppd exit %d, "
			 "Windows error 734)", r->status);
	else
		snprintf(what, sizeof(what), "PPP failed (pppd exit %d, Windows error 734)",
			 r->status);
	return probe_fail(p, PV_PPP_FAILED, what,
			  l ? "the server's PPP log says why it ended the call; pppd's words "
			  "above quote its reason" : "pppd's words above say why");
}

static bool reap(struct probe *p, struct ppp_run *r, int wait_ms)
{
	int st;

	for (int i = 0; i <= wait_ms / 20; i++) {
		pid_t w = waitpid(p->pppd, &st, WNOHANG);

		if (w == p->pppd) {
			r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			p->pppd = 0;
			return true;
		}
		if (wait_ms)
			nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	}
	return false;
}

int probe_ppp(struct probe *p)
{
	int pw, lp[2], sp[2], v;
	uint64_t end;
	struct ppp_run *r;

	probe_step_begin(p, "ppp");
	if (access(p->o.pppd, X_OK) || access(p->o.plugin, R_OK)) {
		probe_evidence(p, "%s: %s", access(p->o.pppd, X_OK) ? p->o.pppd : p->o.plugin,
			       strerror(errno));
		return probe_fail(p, PV_LOCAL, "pppd or kpptp.so is missing",
				  "install ppp and kpptp, or give --pppd and --plugin");
	}
	/* The GRE test's channel goes: pppd attaches its own. */
	if (p->chan_fd >= 0)
		close(p->chan_fd);
	p->chan_fd = -1;
	r = calloc(1, sizeof(*r));
	pw = password_pipe(p->o.password_file);
	if (!r || pw < 0 || pipe2(lp, O_CLOEXEC) || pipe2(sp, O_CLOEXEC)) {
		probe_evidence(p, "%s: %s", p->o.password_file, strerror(errno));
		free(r);
		if (pw >= 0)
			close(pw);
		return probe_fail(p, PV_LOCAL, "could not start pppd", "see the evidence");
	}
	r->status = -1;
	p->pppd = fork();
	if (p->pppd == 0)
		exec_pppd(p, pw, lp[1], sp[1]);
	close(pw);
	close(lp[1]);
	close(sp[1]);
	if (p->pppd < 0) {
		p->pppd = 0;
		close(lp[0]);
		close(sp[0]);
		free(r);
		return probe_fail(p, PV_LOCAL, "could not start pppd", "fork failed");
	}
	p->ppp = r;
	r->log_fd = lp[0];
	r->status_fd = sp[0];
	fcntl(lp[0], F_SETFL, O_NONBLOCK);
	fcntl(sp[0], F_SETFL, O_NONBLOCK);
	probe_evidence(p, "pppd %d: user '%s', %s%s", (int)p->pppd, p->o.user,
		       probe_mppe_option(p), p->o.mppe ? "" :
		       " (MPPE 128- or 40-bit, 128 preferred: Windows' default)");
	/* pppd's own limits end a failing run first (4 tries of 3 s per layer). */
	end = probe_now() + 45000;
	while (!r->up && probe_now() < end) {
		if (r->log_fd < 0 && r->status_fd < 0 && reap(p, r, 0))
			break;
		pump(p, r, -1);
		if (!r->up && reap(p, r, 0)) {
			/* The last lines may still be in the pipe. */
			if (r->log_fd >= 0)
				read_lines(r->log_fd, r->logbuf, sizeof(r->logbuf), &r->loglen, r,
					   keep_line);
			break;
		}
	}
	if (r->up) {
		char esc[4 * sizeof(r->user) + 1];

		probe_evidence(p, "authenticated as '%s'; IPCP up: %s",
			       r->user[0] ? pptp_printable(r->user, esc, sizeof(esc)) : p->o.user,
			       r->ipup);
		quote_line(p, find_line(r, "MPPE"));
		probe_evidence(p, "encryption: %s", r->mppe_on ? "MPPE on" : "none");
		probe_step_end(p, STEP_PASS);
		return 0;
	}
	if (p->pppd)
		probe_evidence(p, "pppd did not finish within 45 s");
	else
		probe_evidence(p, "pppd exited with status %d", r->status);
	v = verdict(p, r);
	return v;
}

/* A router's "fragmentation needed" about our GRE, during step 7. */
struct frag_seen {
	struct probe *p;
	bool seen;
	uint32_t router;
};

static int frag_cb(const struct nlmsghdr *nlh, void *data)
{
	struct frag_seen *f = data;
	struct kpptp_session_msg m;

	if (kpptp_session_parse(nlh, &m) < 0 || m.cmd != KPPTP_CMD_ICMP_ERROR_NTF ||
	    m.local_call_id != f->p->local_call_id || m.icmp_type != 3 || m.icmp_code != 4)
		return 1;
	f->seen = true;
	f->router = m.icmp_router;
	return 1;
}

int probe_mtu(struct probe *p)
{
	struct ppp_run *r = p->ppp;
	struct frag_seen f = { .p = p };
	struct kpptp_session_msg m;
	char who[INET_ADDRSTRLEN], what[PROBE_EVIDENCE_LEN], fix[2 * PROBE_EVIDENCE_LEN];
	uint64_t end = probe_now() + 45000, frags = 0;

	probe_step_begin(p, "mtu");
	/* kpptp.so: at most two tries of 1 s for each of about ten sizes. */
	while (r && !r->pmtu && p->pppd && probe_now() < end) {
		pump(p, r, p->have_events ? kpptp_nl_fd(&p->events) : -1);
		if (p->have_events)
			(void)kpptp_nl_events(&p->events, frag_cb, &f);
		if (r->status_fd < 0 && reap(p, r, 0))
			break;
	}
	if (!r || !r->pmtu) {
		probe_evidence(p, "kpptp.so said nothing of the path MTU within 45 s (%s)",
			       p->o.plugin);
		probe_step_end(p, STEP_WARN);
		return 0;
	}
	quote_line(p, find_line(r, "path MTU"));
	if (r->pmtu < 0) {
		probe_evidence(p, "the server returns no padded LCP echo: the path MTU is not known");
		probe_step_end(p, STEP_WARN);
		return 0;
	}
	if (r->pmtu >= r->pmtu_had) {
		probe_evidence(p, "%d-octet packets (the interface's MTU) pass both ways", r->pmtu);
		probe_step_end(p, STEP_PASS);
		return 0;
	}
	if (probe_kernel_stats(p, true, &m) == 0 && m.has_stats[KPPTP_A_STATS_ICMP_FRAG_NEEDED])
		frags = m.stats[KPPTP_A_STATS_ICMP_FRAG_NEEDED];
	if (f.seen || frags) {
		if (f.seen)
			inet_ntop(AF_INET, &f.router, who, sizeof(who));
		probe_evidence(p, "the path carries %d-octet packets, not %d; %s says so (ICMP "
			       "fragmentation needed, %llu): path MTU discovery works", r->pmtu,
			       r->pmtu_had, f.seen ? who : "a router",
			       (unsigned long long)frags);
		probe_step_end(p, STEP_WARN);
		return 0;
	}
	probe_evidence(p, "packets over %d octets (the interface has %d) do not come back, and no "
		       "router sent ICMP fragmentation-needed about them", r->pmtu, r->pmtu_had);
	snprintf(what, sizeof(what), "an MTU black hole: the path carries %d-octet packets, "
		 "bigger ones vanish without an ICMP error; the call comes up, then TCP stalls",
		 r->pmtu);
	snprintf(fix, sizeof(fix), "tcp-mss auto in the server's kpptpd.conf (and --tcp-mss auto "
		 "for kpptpd --client), or pppd's mtu %d here; or let ICMP type 3 code 4 "
		 "(fragmentation needed) through the routers", r->pmtu);
	return probe_fail(p, PV_MTU_BLACK_HOLE, what, fix);
}

void probe_ppp_stop(struct probe *p)
{
	struct ppp_run *r = p->ppp;
	struct ppp_run dummy = { .status = -1 };

	if (p->pppd) {
		kill(p->pppd, SIGTERM);
		if (!reap(p, r ? r : &dummy, 5000)) {
			kill(p->pppd, SIGKILL);
			reap(p, r ? r : &dummy, 2000);
		}
	}
	if (r) {
		if (r->log_fd >= 0)
			close(r->log_fd);
		if (r->status_fd >= 0)
			close(r->status_fd);
		free(r);
		p->ppp = NULL;
	}
}
