// SPDX-License-Identifier: GPL-2.0
/*
 * The server role: the listener and who may connect. A new connection
 * passes the allow list, its source's entry (source.c) and the limits in
 * all and per source, or is closed at accept() with a counted,
 * rate-limited log line; the connection itself is transport.c's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "kpptpd.h"

static void server_accept(struct daemon *d);

static void on_listen(struct daemon *d, struct io *io, uint32_t events)
{
	(void)io;
	(void)events;
	server_accept(d);
}

static struct io listen_io = { .cb = on_listen };

int server_listen(struct daemon *d)
{
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		logmsg(LOG_ERR, "socket: %m");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&d->cfg.listen, sizeof(d->cfg.listen)) ||
	    listen(fd, 1024)) {
		logmsg(LOG_ERR, "listening on %s:%u: %m", inet_ntoa(d->cfg.listen.sin_addr),
		       ntohs(d->cfg.listen.sin_port));
		close(fd);
		return -1;
	}
	d->listen_fd = fd;
	return io_add(&d->loop, fd, EPOLLIN, &listen_io);
}

/* handover.c: the listening socket a previous kpptpd left us. */
int server_adopt(struct daemon *d, int fd)
{
	d->listen_fd = fd;
	return io_add(&d->loop, fd, EPOLLIN, &listen_io);
}

static bool allowed(const struct config *cfg, uint32_t addr)
{
	if (!cfg->nallow)
		return true;
	for (unsigned int i = 0; i < cfg->nallow; i++)
		if ((addr & cfg->allow[i].mask) == cfg->allow[i].addr)
			return true;
	return false;
}

/*
 * Out of descriptors: the pending connection stays in the listen queue
 * and the listener readable, so accepting again at once would spin. Stop
 * watching both listeners (PPTP and the control socket) for a second (a
 * call may end meanwhile), and say so at most every 10 s, with how often
 * it happened.
 */
static void listeners_resume(struct daemon *d, struct timer *t, uint64_t now)
{
	(void)t;
	(void)now;
	d->accept_paused = false;
	io_mod(&d->loop, d->listen_fd, EPOLLIN, &listen_io);
	ctl_watch(d, true);
}

void listeners_pause(struct daemon *d, const char *which)
{
	uint64_t now = now_ms();
	int err = errno;

	if (!d->accept_paused) {
		io_mod(&d->loop, d->listen_fd, 0, &listen_io);
		ctl_watch(d, false);
		d->accept_paused = true;
	}
	d->resume_timer.cb = listeners_resume;
	timer_arm(&d->loop, &d->resume_timer, now + 1000);
	d->accept_pauses++;
	if (!d->accept_paused_logged || now - d->accept_paused_logged >= 10000) {
		logmsg(LOG_ERR, "accept (%s): %s (%u connections, %u calls, RLIMIT_NOFILE %llu): not accepting for 1 s; %u such pause(s) since the last line",
		       which, strerror(err), d->nconns, d->ncalls, d->nofile, d->accept_pauses);
		d->accept_paused_logged = now;
		d->accept_pauses = 0;
	}
}

/* Why a new connection from src is refused (counted), or NULL. */
static const char *admit_conn(struct daemon *d, struct source *src)
{
	static char why[160];

	if (d->nconns >= d->cfg.max_connections) {
		source_stats.refused_total_conns++;
		snprintf(why, sizeof(why), "max-connections (%u) reached", d->cfg.max_connections);
		return why;
	}
	if (src->conns >= d->cfg.max_conns_per_source) {
		source_stats.refused_conns++;
		snprintf(why, sizeof(why), "max-connections-per-source (%u) reached",
			 d->cfg.max_conns_per_source);
		return why;
	}
	if (!source_connect_ok(&d->cfg, src, now_ms())) {
		source_stats.refused_rate++;
		snprintf(why, sizeof(why), "more than connect-rate (%u a second, connect-burst %u)",
			 d->cfg.connect_rate, d->cfg.connect_burst);
		return why;
	}
	return NULL;
}

static void server_accept(struct daemon *d)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		const char *why;
		struct source *src;
		struct conn *c;
		uint32_t addr;
		char name[32];
		int fd;

		fd = accept4(d->listen_fd, (struct sockaddr *)&peer, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				listeners_pause(d, "control connections");
				return;
			}
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				logmsg(LOG_ERR, "accept: %m");
			return;
		}
		addr = ntohl(peer.sin_addr.s_addr);
		snprintf(name, sizeof(name), "%s:%u", inet_ntoa(peer.sin_addr),
			 ntohs(peer.sin_port));
		if (d->stopping) {
			close(fd);
			continue;
		}
		if (!allowed(&d->cfg, addr)) {
			logmsg(LOG_NOTICE, "%s: refused: not in any 'allow' network", name);
			close(fd);
			continue;
		}
		src = source_get(&d->cfg, addr);
		if (!src) {
			source_log(&d->cfg, NULL, SRC_LOG_LIMIT, LOG_WARNING,
				   "%s: refused: max-sources (%u) addresses hold connections, calls or history",
				   name, d->cfg.max_sources);
			close(fd);
			continue;
		}
		why = admit_conn(d, src);
		if (why) {
			source_log(&d->cfg, src, SRC_LOG_LIMIT, LOG_NOTICE, "%s: refused: %s", name, why);
			close(fd);
			source_release(&d->cfg, src);
			continue;
		}
		c = conn_new(d, fd, &peer, &server_role);
		if (!c) {
			logmsg(LOG_ERR, "%s: refused: %m", name);
			close(fd);
			source_release(&d->cfg, src);
			continue;
		}
		c->src = src;
		src->conns++;
		logmsg(LOG_INFO, "%s: control connection accepted", name);
	}
}

/*
 * In pppd's child: the addresses (ours and the pool's, or ours alone with
 * remote-ip none) and, with access network, proxy ARP on the LAN.
 */
void server_pppd_exec(struct daemon *d, const struct call *call, const char **argv, int n)
{
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN];
	char ips[2 * INET_ADDRSTRLEN + 2], local_only[INET_ADDRSTRLEN + 1];
	struct in_addr l = { htonl(d->cfg.local_ip) }, r = { htonl(call->remote_ip) };

	inet_ntop(AF_INET, &l, local, sizeof(local));
	inet_ntop(AF_INET, &r, remote, sizeof(remote));
	snprintf(ips, sizeof(ips), "%s:%s", local, remote);
	snprintf(local_only, sizeof(local_only), "%s:", local);
	if (call->remote_ip)
		argv[n++] = ips;
	else if (d->cfg.local_ip)
		argv[n++] = local_only;
	if (call->access == ACCESS_NETWORK) {
		/* ARP for the client on its subnet's LAN interface; IP forwarding on. */
		argv[n++] = "proxyarp";
		argv[n++] = "ktune";
	}
	call_exec(d->cfg.pppd, argv, n, NULL, 0);
}
