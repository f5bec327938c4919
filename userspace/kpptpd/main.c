// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd: options, start-up and the event loop.
 *
 * One loop (eloop.h) serves the listener, every control connection, each
 * call's pppd pipes, the control socket, kpptp.ko's events and a
 * signalfd (SIGCHLD, SIGTERM, SIGINT, SIGHUP); each object owns its
 * timers, and the loop sleeps until the nearest, so no peer's timer
 * waits on another's traffic and a wakeup never walks every connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "kpptp-version.h"
#include "kpptpd.h"
#include "state.h"

static const char usage_text[] =
"usage: kpptpd [-f] [-v] [-c FILE]\n"
"       kpptpd --check-config [-c FILE]\n"
"       kpptpd --client SERVER[:PORT] [--persist] [client options] [-- PPPD-OPTIONS]\n"
"\n"
"The PPTP server (RFC 2637) of kpptp: answers PPTP control connections on\n"
"TCP 1723, runs one pppd per call over the kernel data path (kpptp.ko, or\n"
"the in-tree pptp.ko) and gives each client an address from its pool.\n"
"With --client it dials SERVER instead, places one call and runs pppd with\n"
"PPPD-OPTIONS over it (name, password or chap-secrets, require-mppe-128...),\n"
"in the foreground, logging to stderr.\n"
"\n"
"  -c, --config FILE   configuration (default " KPPTPD_CONF "),\n"
"                      see kpptpd.conf(5)\n"
"      --check-config  check FILE, print the first bad line, exit 0 or 1\n"
"      --state-format  print the restart-in-place state format this kpptpd\n"
"                      reads (\"kpptpd-state N\") and exit\n"
"  -f, --foreground    stay in the foreground and log to stderr\n"
"  -v, --verbose       log debug lines too\n"
"  -h, --help          this text\n"
"  -V, --version       print kpptpd's version and exit\n"
"\n"
"Client options:\n"
"      --client SERVER[:PORT]  dial SERVER (an IPv4 address; port 1723)\n"
"      --persist              redial after a failure or hang-up, 1 s, 2 s ...\n"
"                             up to 60 s apart, from 1 s again after a call\n"
"                             that stayed up 60 s (not after a refusal, an\n"
"                             authentication failure or another version)\n"
"      --connect-timeout S    wait S seconds for TCP (1..600, default 10)\n"
"      --max-protocol-tries N give up after N attempts at a server that does\n"
"                             not speak PPTP (1..100, default 3)\n"
"      --tcp-mss auto|off|N   clamp the TCP MSS of connections through the\n"
"                             call: to what the path carries (auto: found\n"
"                             with padded LCP echoes), or to N (536..1460);\n"
"                             default off (kpptpd.conf(5), tcp-mss)\n"
"      --pppd PATH            default /usr/sbin/pppd\n"
"      --plugin PATH          default " KPPTPD_PLUGIN "\n"
"\n"
"Signals: SIGTERM and SIGINT send Stop-Control-Connection to every peer\n"
"and exit once the calls have cleared (at most stop-timeout seconds).\n"
"SIGHUP reads FILE again: new connections and calls get the new settings,\n"
"live calls stay up; a file with an error changes nothing (logged).\n"
"'kpptpctl daemon restart' runs a new kpptpd binary in this process with\n"
"every connection and call handed over (--resume, internal): no peer\n"
"notices; a binary that cannot take them is not run (kpptpd(8), RESTART).\n"
"\n"
"Exit status: 0 stopped cleanly; 1 could not start (the log says why);\n"
"2 bad command line. The client also: 3 no answer on TCP 1723, 4 TCP\n"
"connection refused, 5 not a PPTP server, 6 control connection refused,\n"
"7 call refused, 8 authentication failed, 9 no GRE ever arrived from the\n"
"server, 10 PPP failed, 11 the server ended the call, 12 the server speaks\n"
"another PPTP version, 13 no answer to the call request (setup-timeout).\n";

static int client_num(const char *opt, const char *v, unsigned int lo, unsigned int hi,
		      unsigned int *out)
{
	if (parse_uint(v, lo, hi, out))
		return 0;
	fprintf(stderr, "kpptpd: %s needs a number %u..%u, not '%s'\n", opt, lo, hi, v);
	return -1;
}

/* ADDR[:PORT] */
static int parse_server(const char *arg, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strchr(arg, ':');
	unsigned int port = PPTP_PORT;
	size_t hl = colon ? (size_t)(colon - arg) : strlen(arg);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (hl >= sizeof(host) || (colon && client_num("--client (port)", colon + 1, 1, 65535, &port)))
		return -1;
	memcpy(host, arg, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "kpptpd: --client: '%s' is not an IPv4 address\n", host);
		return -1;
	}
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

static int open_netlink(struct daemon *d)
{
	if (kpptp_nl_open(&d->nl)) {
		logmsg(LOG_ERR, "netlink: %s", d->nl.err);
		return -1;
	}
	if (kpptp_nl_resolve(&d->nl)) {
		if (!d->nl.no_module) {
			logmsg(LOG_ERR, "netlink: %s", d->nl.err);
			return -1;
		}
		logmsg(LOG_WARNING, "the kpptp netlink family is missing (in-tree pptp.ko?): "
		       "calls use PPTP sockets alone, so a crashed kpptpd leaves its "
		       "sessions to pppd, kpptpctl shows no kernel counters, and there is no "
		       "live call health (GRE stall and ICMP error events)");
		kpptp_nl_close(&d->nl);
		return 0;
	}
	d->have_nl = true;
	return 0;
}

static void stop(struct daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = true;
	d->stop_deadline = now_ms() + d->cfg.stop_timeout * 1000ull + 1000;
	logmsg(LOG_NOTICE, "stopping: %u connections, %u calls", d->nconns, d->ncalls);
	if (d->listen_fd >= 0) {
		io_del(&d->loop, d->listen_fd);
		close(d->listen_fd);
		d->listen_fd = -1;
	}
	if (d->cl.connect_fd >= 0) {
		io_del(&d->loop, d->cl.connect_fd);
		close(d->cl.connect_fd);
		d->cl.connect_fd = -1;
	}
	d->cl.redial_at = 0;
	for (struct conn *c = d->conns; c; c = c->next)
		pptp_conn_stop(&c->pc, PPTP_STOP_SHUTDOWN);
}

/* For the log: the pool's size, or that there is none. */
static const char *pool_desc(const struct daemon *d, char *buf, size_t len)
{
	if (d->cfg.no_pool)
		snprintf(buf, len, "no address pool (remote-ip none: pppd assigns)");
	else
		snprintf(buf, len, "%llu pool addresses", (unsigned long long)d->pool.size);
	return buf;
}

/*
 * SIGHUP: read the configuration again. A file with an error changes
 * nothing (the old one stays, the log names the line). New connections
 * and calls get the new settings; live calls keep their address even
 * when the pool no longer holds it (it is not handed out again until
 * it is back in a pool and free).
 */
static void reload(struct daemon *d)
{
	char desc[64];
	unsigned int kept = 0;
	struct config cfg;
	struct pool pool;
	char err[512];

	if (d->stopping)
		return;
	if (config_load(d->conf_path, &cfg, err, sizeof(err))) {
		logmsg(LOG_ERR, "reload: %s: keeping the running configuration", err);
		return;
	}
	if (memcmp(&cfg.listen, &d->cfg.listen, sizeof(cfg.listen))) {
		struct config old = d->cfg;
		int old_fd = d->listen_fd;

		d->cfg.listen = cfg.listen;
		if (server_listen(d)) {
			logmsg(LOG_ERR, "reload: cannot listen on the new address: keeping the running configuration");
			d->cfg = old;
			d->listen_fd = old_fd;
			return;
		}
		io_del(&d->loop, old_fd);
		close(old_fd);
	}
	if (strcmp(cfg.control_socket, d->cfg.control_socket)) {
		ctl_close(d);
		memcpy(d->cfg.control_socket, cfg.control_socket, sizeof(cfg.control_socket));
		if (ctl_listen(d))
			logmsg(LOG_ERR, "reload: no control socket now");
	}
	if (pool_init(&pool, cfg.ranges, cfg.nranges)) {
		logmsg(LOG_ERR, "reload: address pool: out of memory: the old pool stays");
		memcpy(cfg.ranges, d->cfg.ranges, sizeof(cfg.ranges));
		cfg.nranges = d->cfg.nranges;
		d->cfg = cfg;
	} else {
		d->cfg = cfg;
		pool.ranges = d->cfg.ranges;	/* the pool reads the live config */
		for (struct call *call = d->calls; call; call = call->next)
			kept += call->remote_ip && pool_take(&pool, call->remote_ip);
		/* Ended calls whose pppd still runs keep theirs until it is reaped. */
		for (struct call *call = d->exiting; call; call = call->next)
			if (call->remote_ip)
				(void)pool_take(&pool, call->remote_ip);
		pool_free(&d->pool);
		d->pool = pool;
	}
	logmsg(LOG_NOTICE, "reloaded %s: %s; %u live calls stay up, %u of their addresses in the new pool",
	       d->conf_path, pool_desc(d, desc, sizeof(desc)), d->ncalls, kept);
}

static void on_signal(struct daemon *d, struct io *io, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)io;
	(void)events;
	while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			calls_reap_children(d);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			stop(d);
		else if (si.ssi_signo == SIGHUP && !d->client)
			reload(d);
	}
}

static struct io signal_io = { .cb = on_signal };

/* Every few seconds: suppressed-line summaries, forgotten sources. */
static void sweep(struct daemon *d, struct timer *t, uint64_t now)
{
	sources_sweep(&d->cfg, now);
	users_sweep(&d->cfg, now);
	timer_arm(&d->loop, t, now + 5000);
}

/* stop-timeout has passed: whatever is left is ended now. */
static void stop_now(struct daemon *d)
{
	logmsg(LOG_NOTICE, "stop-timeout: closing %u connections", d->nconns);
	for (struct conn *c = d->conns; c; c = c->next)
		pptp_conn_abort(&c->pc, PPTP_END_LOCAL);
	conns_settle(d);
	calls_kill_exiting(d);
	for (int i = 0; i < 50 && d->nexiting; i++) {
		calls_reap_children(d);
		if (d->nexiting)
			usleep(100 * 1000);
	}
}

/* A restart's new binary that cannot start goes back to the old one. */
static int start_failed(int resume_fd, int fallback_fd, char **argv)
{
	if (resume_fd >= 0)
		handover_fallback(fallback_fd, argv, "start-up failed (see above)");
	return 1;
}

static int run(struct daemon *d)
{
	for (;;) {
		uint64_t now = now_ms(), dl = timers_next(&d->loop);
		int timeout;

		if (d->client) {
			uint64_t c = client_deadline(d);

			dl = c < dl ? c : dl;
			if (d->cl.exit_now && !d->nconns && !d->ncalls && !d->nexiting &&
			    d->cl.connect_fd < 0)
				return 0;
		}
		if (d->stopping) {
			if (!d->nconns && !d->ncalls && !d->nexiting && d->cl.connect_fd < 0)
				return 0;
			if (now >= d->stop_deadline) {
				stop_now(d);
				return 0;
			}
			dl = dl < d->stop_deadline ? dl : d->stop_deadline;
		}
		timeout = dl == UINT64_MAX ? -1 : dl <= now ? 0 :
			  dl - now > 60000 ? 60000 : (int)(dl - now);
		if (eloop_wait(&d->loop, d, timeout)) {
			logmsg(LOG_ERR, "epoll_wait: %m");
			return 1;
		}
		timers_run(&d->loop, d, now_ms());
		if (d->client)
			client_tick(d, now_ms());
		/* After the callbacks: timers re-armed, what they ended freed. */
		conns_settle(d);
		calls_free_dead(d);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "client", required_argument, NULL, 'K' },
		{ "persist", no_argument, NULL, 'P' },
		{ "connect-timeout", required_argument, NULL, 'T' },
		{ "max-protocol-tries", required_argument, NULL, 'M' },
		{ "pppd", required_argument, NULL, 'D' },
		{ "plugin", required_argument, NULL, 'L' },
		{ "state-format", no_argument, NULL, 'S' },
		{ "tcp-mss", required_argument, NULL, 'm' },
		{ "resume", required_argument, NULL, 'R' },
		{ "resume-fallback", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = KPPTPD_CONF, *server = NULL, *pppd = NULL, *plugin = NULL;
	bool check = false, fg = false, conf_given = false;
	int resume_fd = -1, fallback_fd = -1;
	const char *tcp_mss = NULL;
	static struct daemon d;
	char err[512];
	sigset_t mask;
	int o, rc;

	while ((o = getopt_long(argc, argv, "c:fvhV", opts, NULL)) != -1) {
		switch (o) {
		case 'c': path = optarg; conf_given = true; break;
		case 'K': server = optarg; break;
		case 'P': d.cl.opts.persist = true; break;
		case 'T':
			if (client_num("--connect-timeout", optarg, 1, 600, &d.cl.opts.connect_timeout))
				return 2;
			break;
		case 'M':
			if (client_num("--max-protocol-tries", optarg, 1, 100,
				       &d.cl.opts.max_protocol_tries))
				return 2;
			break;
		case 'D': pppd = optarg; break;
		case 'm': tcp_mss = optarg; break;
		case 'L': plugin = optarg; break;
		case 'C': check = true; break;
		case 'S': printf("kpptpd-state %d %s\n", STATE_FORMAT, KPPTP_VERSION); return 0;
		case 'R':
		case 'B': {
			unsigned int v;

			if (!parse_uint(optarg, 0, 65535, &v)) {
				fprintf(stderr, "kpptpd: --resume needs a descriptor number\n");
				return 2;
			}
			*(o == 'R' ? &resume_fd : &fallback_fd) = (int)v;
			break;
		}
		case 'f': fg = true; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': puts("kpptpd " KPPTP_VERSION); return 0;
		default:
			fprintf(stderr, "kpptpd: see 'kpptpd --help'\n");
			return 2;
		}
	}
	if (resume_fd >= 0 && (server || check)) {
		fprintf(stderr, "kpptpd: --resume is the server's (see kpptpctl daemon restart)\n");
		return 2;
	}
	if (server) {
		if (check || conf_given) {
			fprintf(stderr, "kpptpd: --client takes no configuration file\n");
			return 2;
		}
		if (parse_server(server, &d.cl.opts.server))
			return 2;
		/* getopt stopped at "--": the rest is pppd's. */
		d.cl.opts.pppd_args = argv + optind;
		d.cl.opts.npppd_args = argc - optind;
		config_defaults(&d.cfg);
		if (pppd)
			snprintf(d.cfg.pppd, sizeof(d.cfg.pppd), "%s", pppd);
		if (plugin)
			snprintf(d.cfg.plugin, sizeof(d.cfg.plugin), "%s", plugin);
		if (tcp_mss && !strcmp(tcp_mss, "auto")) {
			d.cfg.tcp_mss = TCP_MSS_AUTO;
		} else if (tcp_mss && strcmp(tcp_mss, "off") &&
			   (!parse_uint(tcp_mss, 536, 1460, &d.cfg.tcp_mss))) {
			fprintf(stderr, "kpptpd: --tcp-mss needs auto, off or an MSS 536..1460, not '%s'\n",
				tcp_mss);
			return 2;
		}
		d.cfg.max_calls_per_conn = 1;
		d.client = true;
		mss_client();
		fg = true;
	} else if (optind < argc) {
		fprintf(stderr, "kpptpd: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	} else if (d.cl.opts.persist || pppd || plugin || tcp_mss || d.cl.opts.connect_timeout ||
		   d.cl.opts.max_protocol_tries) {
		fprintf(stderr, "kpptpd: client options need --client (see --help)\n");
		return 2;
	} else if (config_load(path, &d.cfg, err, sizeof(err))) {
		fprintf(stderr, "kpptpd: %s\n", err);
		if (resume_fd >= 0) {
			log_open(fg);
			handover_fallback(fallback_fd, argv, err);
		}
		return 1;
	}
	/* The binary a restart runs by default: this path, whatever is there then. */
	{
		ssize_t n = readlink("/proc/self/exe", d.exe, sizeof(d.exe) - 1);

		d.exe[n > 0 ? n : 0] = '\0';
		if (n > 10 && !strcmp(d.exe + n - 10, " (deleted)"))
			d.exe[n - 10] = '\0';
	}
	d.foreground = fg;
	if (check) {
		printf("%s: ok\n", path);
		return 0;
	}
	d.conf_path = path;
	if (!d.cl.opts.connect_timeout)
		d.cl.opts.connect_timeout = 10;
	if (!d.cl.opts.max_protocol_tries)
		d.cl.opts.max_protocol_tries = 3;
	d.cl.exit_code = -1;
	d.cl.connect_fd = -1;
	if (!fg && resume_fd < 0 && daemon(0, 0)) {
		fprintf(stderr, "kpptpd: daemon: %s\n", strerror(errno));
		return 1;
	}
	log_open(fg);
	limits_raise(&d);
	d.listen_fd = -1;
	d.ctl_fd = -1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (eloop_init(&d.loop) || d.signal_fd < 0 ||
	    io_add(&d.loop, d.signal_fd, EPOLLIN, &signal_io) || timers_reserve(&d.loop, 2)) {
		logmsg(LOG_ERR, "epoll/signalfd: %m");
		return start_failed(resume_fd, fallback_fd, argv);
	}
	d.sweep_timer.cb = sweep;	/* the daemon's two: sweep_timer, resume_timer */
	if (!d.client)
		timer_arm(&d.loop, &d.sweep_timer, now_ms() + 5000);
	sources_init();
	users_init();
	if (!d.client && pool_init(&d.pool, d.cfg.ranges, d.cfg.nranges)) {
		logmsg(LOG_ERR, "address pool: out of memory");
		return start_failed(resume_fd, fallback_fd, argv);
	}
	if (access(d.cfg.pppd, X_OK)) {
		logmsg(LOG_ERR, "pppd %s: %m (%s)", d.cfg.pppd,
		       d.client ? "--pppd PATH" : "set pppd in the configuration");
		return start_failed(resume_fd, fallback_fd, argv);
	}
	if (access(d.cfg.plugin, R_OK)) {
		logmsg(LOG_ERR, "plugin %s: %m (%s)", d.cfg.plugin,
		       d.client ? "--plugin PATH" : "set plugin in the configuration");
		return start_failed(resume_fd, fallback_fd, argv);
	}
	if (resume_fd >= 0) {
		/* Everything comes from the state, the netlink socket too. */
		if (handover_resume(&d, resume_fd, fallback_fd, argv) || health_start(&d))
			return 1;
	} else if (open_netlink(&d) || health_start(&d)) {
		return 1;
	} else if (d.client) {
		if (client_start(&d))
			return 1;
	} else {
		if (server_listen(&d) || ctl_listen(&d))
			return 1;
		char pool[64];

		logmsg(LOG_NOTICE, "listening on %s:%u, %s, data path %s, access %s",
		       inet_ntoa(d.cfg.listen.sin_addr), ntohs(d.cfg.listen.sin_port),
		       pool_desc(&d, pool, sizeof(pool)),
		       d.have_nl ? "kpptp.ko" : "PPTP sockets only", access_str(d.cfg.access));
	}
	rc = run(&d);
	ctl_clients_free(&d);
	ctl_close(&d);
	health_stop(&d);
	if (d.client && rc == 0)
		rc = d.cl.exit_code < 0 ? KPPTPD_EXIT_OK : d.cl.exit_code;
	if (d.have_nl)
		kpptp_nl_close(&d.nl);
	access_fini();
	mss_fini();
	nftx_fini();
	pool_free(&d.pool);
	sources_free();
	users_free();
	eloop_fini(&d.loop);
	logmsg(LOG_NOTICE, "stopped");
	return rc;
}
