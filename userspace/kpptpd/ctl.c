// SPDX-License-Identifier: GPL-2.0
/*
 * The admin's control socket (control-socket, default /run/kpptpd.sock,
 * mode 0600): kpptpctl asks, kpptpd answers, one request per connection.
 *
 *   calls                one "call" line per call, then "ok N"
 *   hangup id N          end the call with local call ID N
 *   hangup user NAME     end every call of user NAME
 *   sources              one "source" line per source address kpptpd keeps
 *                        (what it holds, failed logins, back-off), "ok N"
 *   limits               one "limits" line: the per-source limits' counters
 *   unblock ADDR|all     forget failed logins of ADDR (or every source)
 *   users                one "user" line per login name kpptpd keeps (users.c)
 *   unblock-user NAME|all  forget failed logins as NAME (or every name)
 *   restart [BINARY]     restart in place (handover.c) as BINARY, by default
 *                        the path this kpptpd runs from: the new kpptpd
 *                        answers "ok restarted ..." on this connection, or
 *                        this one "error ..." and goes on
 *
 * Answer lines are "call key=value ...": values are %XX-escaped outside
 * printable ASCII and for ' ', '=' and '%', so a user name can never
 * break a line. Errors are one line "error TEXT". Only root reaches the
 * socket (its mode); a request longer than 512 octets or slower than
 * one second is dropped, and an answer not taken within two seconds is
 * dropped too. Each request is an object of the event loop (at most 16
 * at once), so an admin's stuck kpptpctl never stalls the daemon.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/epoll.h>

#include "kpptpd.h"

static void on_ctl(struct daemon *d, struct io *io, uint32_t events)
{
	(void)io;
	(void)events;
	ctl_accept(d);
}

static struct io ctl_io = { .cb = on_ctl };

int ctl_listen(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = d->cfg.control_socket;
	mode_t old;
	int fd;

	if (!path[0])
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		logmsg(LOG_ERR, "control-socket %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		logmsg(LOG_ERR, "control socket: %m");
		return -1;
	}
	/* A socket file left by a kpptpd that died: nobody answers on it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		logmsg(LOG_ERR, "control-socket %s: another kpptpd answers there", path);
		close(fd);
		return -1;
	}
	unlink(path);
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		umask(old);
		logmsg(LOG_ERR, "control-socket %s: %m", path);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0600)) {
		logmsg(LOG_ERR, "control-socket %s: chmod: %m", path);
		close(fd);
		return -1;
	}
	d->ctl_fd = fd;
	return io_add(&d->loop, fd, EPOLLIN, &ctl_io);
}

/* handover.c: the control socket a previous kpptpd left us. */
int ctl_adopt(struct daemon *d, int fd)
{
	d->ctl_fd = fd;
	return io_add(&d->loop, fd, EPOLLIN, &ctl_io);
}

void ctl_close(struct daemon *d)
{
	if (d->ctl_fd < 0)
		return;
	io_del(&d->loop, d->ctl_fd);
	close(d->ctl_fd);
	d->ctl_fd = -1;
	unlink(d->cfg.control_socket);
}

/* A growing answer. */
struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = o->oom ? -1 : vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = true;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = o->cap ? o->cap * 2 : 4096;
		char *b = realloc(o->buf, cap + (size_t)n);

		if (!b) {
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap + (size_t)n;
	}
}

/* key=value with the value escaped. */
static void kv(struct out *o, const char *key, const char *v)
{
	put(o, " %s=", key);
	if (!*v)
		put(o, "-");
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c > ' ' && c < 0x7f && c != '=' && c != '%')
			put(o, "%c", c);
		else
			put(o, "%%%02X", c);
	}
}

static void call_line(struct out *o, struct call *call, uint64_t now,
		      const struct ksession_counters *k)
{
	char addr[INET_ADDRSTRLEN], peer[32];

	/* What IPCP agreed once it has (chap-secrets may differ from the pool). */
	uint32_t a = call->ppp_remote ? call->ppp_remote : call->remote_ip;

	inet_ntop(AF_INET, &(struct in_addr){ htonl(a) }, addr, sizeof(addr));
	snprintf(peer, sizeof(peer), "%s", call->conn_name);
	put(o, "call id=%u", call->local_id);
	kv(o, "peer", peer);
	put(o, " peer-call=%u", call->peer_id);
	kv(o, "user", call->user);
	kv(o, "ifname", call->ifname);
	if (call->ppp_remote6[0])
		kv(o, "address6", call->ppp_remote6);
	put(o, " address=%s uptime=%llu session=%u pppd=%d", a ? addr : "-",
	    (unsigned long long)((now - call->started_ms) / 1000), call->session_id,
	    (int)call->pppd);
	/* tcp-mss: what the path carries (0: not probed) and the MSS clamped to. */
	put(o, " path-mtu=%u mss=%u", call->path_mtu, call->mss_mtu ? call->mss_mtu - 40 : 0);
	if (k)
		put(o, " rx-bytes=%llu tx-bytes=%llu rx-packets=%llu tx-packets=%llu lost=%llu",
		    (unsigned long long)k->rx_bytes, (unsigned long long)k->tx_bytes,
		    (unsigned long long)k->rx_packets, (unsigned long long)k->tx_packets,
		    (unsigned long long)k->rx_lost);
	/* Health: up once pppd said ip-up. */
	put(o, " state=%s", call->ifname[0] && call->pppd ? "up" :
	    call->pppd ? "negotiating" : "ending");
	put(o, " health=%s", health_str(call->health));
	if (call->health != HEALTH_OK)
		kv(o, "health-why", call->health_why);
	put(o, "\n");
}

/* Hang up our side of a call: pppd is told first, the CDN follows. */
static void hangup(struct call *call)
{
	if (call->conn && call->pc)
		pptp_conn_hangup(&call->conn->pc, call->pc, PPTP_CDN_ADMIN_SHUTDOWN, 0);
}

struct sources_ctx {
	struct out *o;
	uint64_t now;
	unsigned int n;
};

static void source_line(struct source *s, void *arg)
{
	struct sources_ctx *x = arg;
	char a[INET_ADDRSTRLEN];
	unsigned int suppressed = 0;

	for (unsigned int k = 0; k < SRC_LOG_KINDS; k++)
		suppressed += s->log[k].suppressed;
	inet_ntop(AF_INET, &(struct in_addr){ htonl(s->addr) }, a, sizeof(a));
	put(x->o, "source addr=%s connections=%u calls=%u starting=%u failed-logins=%u back-offs=%u blocked-s=%llu log-suppressed=%u",
	    a, s->conns, s->calls, s->starting, s->fails, s->penalties,
	    (unsigned long long)source_blocked_s(s, x->now), suppressed);
	kv(x->o, "last-user", s->last_user);
	put(x->o, "\n");
	x->n++;
}

struct users_ctx {
	struct out *o;
	uint64_t now;
	unsigned int n;
};

static void user_line(struct user *u, void *arg)
{
	struct users_ctx *x = arg;
	char a[INET_ADDRSTRLEN], known[USER_KNOWN * (INET_ADDRSTRLEN + 1)] = "";
	size_t k = 0;

	for (unsigned int i = 0; i < USER_KNOWN; i++) {
		if (!user_known_fresh(u, i, x->now))
			continue;
		inet_ntop(AF_INET, &(struct in_addr){ htonl(u->known[i].addr) }, a, sizeof(a));
		k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%s", k ? "," : "", a);
	}
	put(x->o, "user failed-logins=%u back-offs=%u blocked-s=%llu", u->fails, u->penalties,
	    (unsigned long long)user_blocked_s(u, x->now));
	kv(x->o, "name", u->name);
	if (u->last_source)
		inet_ntop(AF_INET, &(struct in_addr){ htonl(u->last_source) }, a, sizeof(a));
	kv(x->o, "last-failed-from", u->last_source ? a : "");
	kv(x->o, "known-sources", known);
	put(x->o, "\n");
	x->n++;
}

static void limits_line(struct daemon *d, struct out *o)
{
	const struct source_stats *st = &source_stats;

	put(o, "limits sources=%u connections=%u calls=%u starting=%u pppds-exiting=%u",
	    sources_count(), d->nconns, d->ncalls, d->nstarting, d->nexiting);
	put(o, " refused-max-sources=%llu refused-max-connections=%llu refused-connections-per-source=%llu refused-connect-rate=%llu",
	    (unsigned long long)st->refused_table_full,
	    (unsigned long long)st->refused_total_conns, (unsigned long long)st->refused_conns,
	    (unsigned long long)st->refused_rate);
	put(o, " refused-max-calls=%llu refused-calls-per-source=%llu refused-max-starting=%llu refused-starting-per-source=%llu refused-failed-logins=%llu",
	    (unsigned long long)st->refused_max_calls, (unsigned long long)st->refused_calls,
	    (unsigned long long)st->refused_starting_total,
	    (unsigned long long)st->refused_starting, (unsigned long long)st->refused_blocked);
	put(o, " users=%u refused-max-users=%llu refused-user-blocked=%llu user-back-offs=%llu",
	    users_count(), (unsigned long long)st->refused_users_full,
	    (unsigned long long)st->refused_user_blocked, (unsigned long long)st->user_blocks);
	put(o, " closed-idle=%llu failed-logins=%llu back-offs=%llu log-suppressed=%llu pppd-killed=%llu",
	    (unsigned long long)st->closed_idle, (unsigned long long)st->auth_failures,
	    (unsigned long long)st->blocks, (unsigned long long)st->log_suppressed,
	    (unsigned long long)st->pppd_killed);
	/* DHCPINFORM answers (inform.c), and what was not answered, why. */
	put(o, " dhcp-answered=%llu dhcp-ignored-not-inform=%llu dhcp-ignored-wrong-source=%llu dhcp-ignored-malformed=%llu dhcp-ignored-rate=%llu dhcp-send-failed=%llu dhcp-no-socket=%llu\n",
	    (unsigned long long)inform_stats.answered, (unsigned long long)inform_stats.not_inform,
	    (unsigned long long)inform_stats.wrong_source, (unsigned long long)inform_stats.malformed,
	    (unsigned long long)inform_stats.rate_limited, (unsigned long long)inform_stats.send_failed,
	    (unsigned long long)inform_stats.no_socket);
}

static void unblock(char *arg, struct out *o)
{
	struct in_addr a;
	unsigned int n;

	if (!strcmp(arg, "all")) {
		n = sources_unblock_all();
		logmsg(LOG_NOTICE, "the admin cleared the failed logins of %u sources", n);
		put(o, "ok %u\n", n);
		return;
	}
	if (inet_pton(AF_INET, arg, &a) != 1) {
		put(o, "error '%s' is not an IPv4 address (or 'all')\n", arg);
		return;
	}
	if (!source_unblock(ntohl(a.s_addr))) {
		put(o, "error %s has no failed logins\n", arg);
		return;
	}
	logmsg(LOG_NOTICE, "%s: the admin cleared its failed logins", arg);
	put(o, "ok 1\n");
}

static void unblock_user(const char *arg, struct out *o)
{
	unsigned int n;

	if (!strcmp(arg, "all")) {
		n = users_unblock_all();
		logmsg(LOG_NOTICE, "the admin cleared the failed logins of %u user names", n);
		put(o, "ok %u\n", n);
		return;
	}
	if (!user_unblock(arg)) {
		put(o, "error no failed logins as '%s'\n", arg);
		return;
	}
	logmsg(LOG_NOTICE, "user '%s': the admin cleared its failed logins", arg);
	put(o, "ok 1\n");
}

static void answer(struct daemon *d, char *req, struct out *o)
{
	uint64_t now = now_ms();
	unsigned int n = 0;
	char *arg;

	req[strcspn(req, "\r\n")] = '\0';
	if (!strcmp(req, "calls")) {
		struct ksession_counters *k = NULL;
		size_t nk = 0;

		/* One dump for every call's counters (none: the lines say less). */
		if (d->ncalls)
			(void)ksessions_dump(d, &k, &nk);
		for (struct call *call = d->calls; call; call = call->next, n++)
			call_line(o, call, now, ksessions_find(k, nk, call->session_id));
		free(k);
		put(o, "ok %u\n", n);
	} else if (!strncmp(req, "hangup id ", 10)) {
		char *end;
		unsigned long id = strtoul(req + 10, &end, 10);
		struct call *call;

		for (call = d->calls; call && call->local_id != id; call = call->next)
			;
		if (*end || end == req + 10 || !call) {
			put(o, "error no call has local call ID '%s'\n", req + 10);
			return;
		}
		logmsg(LOG_NOTICE, "%s: call %u/%u hung up by the admin", call->conn_name,
		       call->local_id, call->peer_id);
		hangup(call);
		put(o, "ok 1\n");
	} else if (!strncmp(req, "hangup user ", 12)) {
		arg = req + 12;
		for (struct call *call = d->calls, *next; call; call = next) {
			next = call->next;
			if (strcmp(call->user, arg))
				continue;
			char user[4 * sizeof(call->user)];

			logmsg(LOG_NOTICE, "%s: call %u/%u of user '%s' hung up by the admin",
			       call->conn_name, call->local_id, call->peer_id,
			       pptp_printable(arg, user, sizeof(user)));
			hangup(call);
			n++;
		}
		if (n)
			put(o, "ok %u\n", n);
		else
			put(o, "error no call of user '%s'\n", arg);
	} else if (!strcmp(req, "sources")) {
		struct sources_ctx x = { .o = o, .now = now };

		sources_each(source_line, &x);
		put(o, "ok %u\n", x.n);
	} else if (!strcmp(req, "limits")) {
		limits_line(d, o);
		put(o, "ok 1\n");
	} else if (!strncmp(req, "unblock ", 8)) {
		unblock(req + 8, o);
	} else if (!strcmp(req, "users")) {
		struct users_ctx x = { .o = o, .now = now };

		users_each(user_line, &x);
		put(o, "ok %u\n", x.n);
	} else if (!strncmp(req, "unblock-user ", 13)) {
		unblock_user(req + 13, o);
	} else {
		put(o, "error unknown request (calls, hangup id N, hangup user NAME, sources, limits, unblock ADDR|all, users, unblock-user NAME|all, restart [BINARY])\n");
	}
}

/* Out of descriptors (server.c): the control socket waits too. */
void ctl_watch(struct daemon *d, bool on)
{
	io_mod(&d->loop, d->ctl_fd, on ? EPOLLIN : 0, &ctl_io);
}

/*
 * One admin's request, served inside the event loop like any peer: read
 * without blocking until the newline (one second for the whole request),
 * answer, write without blocking (two seconds for the whole answer), then
 * close. A control client that dribbles or stops reading holds only its
 * own descriptor and timer, never the loop.
 */
struct ctl_client {
	struct io io;
	struct timer timer;
	int fd;
	bool writing;
	char req[513];
	size_t got, off;
	struct out o;
	struct ctl_client *next;
};

#define CTL_CLIENTS_MAX 16

static struct ctl_client *clients;
static unsigned int nclients;

static void client_free(struct daemon *d, struct ctl_client *cc)
{
	for (struct ctl_client **pp = &clients; *pp; pp = &(*pp)->next)
		if (*pp == cc) {
			*pp = cc->next;
			break;
		}
	nclients--;
	io_del(&d->loop, cc->fd);
	close(cc->fd);
	timer_disarm(&d->loop, &cc->timer);
	timers_unreserve(&d->loop, 1);
	free(cc->o.buf);
	free(cc);
}

static void client_write(struct daemon *d, struct ctl_client *cc)
{
	while (cc->off < cc->o.len) {
		ssize_t n = write(cc->fd, cc->o.buf + cc->off, cc->o.len - cc->off);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		cc->off += (size_t)n;
	}
	client_free(d, cc);
}

static void client_answer(struct daemon *d, struct ctl_client *cc)
{
	cc->req[cc->got] = '\0';
	if (!memchr(cc->req, '\n', cc->got)) {
		put(&cc->o, "error request too long or cut short\n");
	} else if (!strncmp(cc->req, "restart", 7) && strchr(" \n", cc->req[7])) {
		char *bin = cc->req + 7, err[400];

		bin[strcspn(bin, "\r\n")] = '\0';
		bin += strspn(bin, " ");
		/* Blocking, on purpose: the answer is the new kpptpd's, on cc->fd. */
		fcntl(cc->fd, F_SETFL, fcntl(cc->fd, F_GETFL) & ~O_NONBLOCK);
		handover_restart(d, bin, cc->fd, err, sizeof(err));
		fcntl(cc->fd, F_SETFL, fcntl(cc->fd, F_GETFL) | O_NONBLOCK);
		put(&cc->o, "error %s\n", err);
	} else {
		answer(d, cc->req, &cc->o);
	}
	if (cc->o.oom) {
		logmsg(LOG_ERR, "control socket: out of memory for the answer");
		client_free(d, cc);
		return;
	}
	cc->writing = true;
	io_mod(&d->loop, cc->fd, EPOLLOUT, &cc->io);
	timer_arm(&d->loop, &cc->timer, now_ms() + 2000);
	client_write(d, cc);
}

static void client_io(struct daemon *d, struct io *io, uint32_t events)
{
	struct ctl_client *cc = container_of(io, struct ctl_client, io);
	ssize_t n;

	(void)events;
	if (cc->writing) {
		client_write(d, cc);
		return;
	}
	while (cc->got < sizeof(cc->req) - 1 && !memchr(cc->req, '\n', cc->got)) {
		n = read(cc->fd, cc->req + cc->got, sizeof(cc->req) - 1 - cc->got);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		cc->got += (size_t)n;
	}
	client_answer(d, cc);
}

/* A request not whole within 1 s, or an answer not taken within 2 s. */
static void client_timeout(struct daemon *d, struct timer *t, uint64_t now)
{
	struct ctl_client *cc = container_of(t, struct ctl_client, timer);

	(void)now;
	client_free(d, cc);
}

void ctl_accept(struct daemon *d)
{
	struct ctl_client *cc;
	int fd;

	for (int i = 0; i < 16; i++) {
		fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				listeners_pause(d, "control socket");
			return;
		}
		if (nclients >= CTL_CLIENTS_MAX) {
			logmsg(LOG_WARNING, "control socket: %u requests in progress already: one refused",
			       nclients);
			close(fd);
			continue;
		}
		cc = calloc(1, sizeof(*cc));
		if (!cc || timers_reserve(&d->loop, 1)) {
			logmsg(LOG_ERR, "control socket: out of memory");
			free(cc);
			close(fd);
			continue;
		}
		cc->fd = fd;
		cc->io.cb = client_io;
		cc->timer.cb = client_timeout;
		if (io_add(&d->loop, fd, EPOLLIN, &cc->io)) {
			timers_unreserve(&d->loop, 1);
			free(cc);
			close(fd);
			continue;
		}
		cc->next = clients;
		clients = cc;
		nclients++;
		timer_arm(&d->loop, &cc->timer, now_ms() + 1000);
	}
}

/* At exit: requests still in progress are dropped. */
void ctl_clients_free(struct daemon *d)
{
	while (clients)
		client_free(d, clients);
}
