// SPDX-License-Identifier: GPL-2.0
/*
 * The control connection's transport, for both roles: a non-blocking TCP
 * socket, whole messages framed out of the byte stream into the state
 * machine (lib/conn.c), its answers queued out, and the connection's
 * timer at its nearest deadline. What differs between the roles is in a
 * small table (struct conn_role): the state machine's callbacks, what
 * happens when a connection closes, and whether an idle connection is
 * stopped.
 *
 * Nothing here ever waits on one peer: sockets are non-blocking, every
 * read is taken as it comes (a message split over many segments, or many
 * messages in one segment, are both handled at once), and slow peers are
 * bounded by timers instead of blocking reads: hello-timeout for the
 * first whole message, message-timeout between the first and last octet
 * of any message, idle-timeout (server) for a connection with no call.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "kpptpd.h"

/*
 * The state machine's lines are about what the peer sent: a server's are
 * rate-limited per source (source_log), so that a flood of messages
 * cannot become a flood of lines.
 */
static void conn_log(void *ctx, int level, const char *msg)
{
	struct conn *c = ctx;

	if (c->src)
		source_log(&c->d->cfg, c->src, SRC_LOG_PEER, level, "%s: %s", c->name, msg);
	else
		logmsg(level, "%s: %s", c->name, msg);
}

/* Queue bytes for the peer; a peer that stops reading is dropped. */
static int conn_send(void *ctx, const struct pptp_msg *m)
{
	struct conn *c = ctx;
	uint8_t buf[PPTP_MSG_MAX_LEN];
	size_t len = pptp_encode(m, buf, sizeof(buf));
	ssize_t n = 0;

	if (!len || c->dead)
		return -1;
	conn_touch(c);	/* a message out: its timers move (echo, replies) */
	if (!c->tx_len) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n < 0)
			n = 0;
	}
	if ((size_t)n < len) {
		if (c->tx_len + len - (size_t)n > sizeof(c->tx)) {
			logmsg(LOG_NOTICE, "%s: peer does not read its control messages: closing",
			       c->name);
			return -1;
		}
		memcpy(c->tx + c->tx_len, buf + n, len - (size_t)n);
		c->tx_len += len - (size_t)n;
		io_mod(&c->d->loop, c->fd, EPOLLIN | EPOLLOUT, &c->io);
	}
	return 0;
}

static int ops_admit(void *ctx, struct pptp_call *pc, uint8_t *result, uint8_t *error)
{
	return call_admit(ctx, pc, result, error);
}

static void ops_up(void *ctx, struct pptp_call *pc)
{
	call_start(ctx, pc);
}

static void ops_down(void *ctx, struct pptp_call *pc, enum pptp_end why)
{
	struct conn *c = ctx;

	c->last_call_ms = now_ms();
	call_end(ctx, pc, why);
}

static void ops_closed(void *ctx, enum pptp_end why)
{
	struct conn *c = ctx;

	logmsg(why == PPTP_END_LOCAL || why == PPTP_END_PEER_STOPPED ? LOG_INFO : LOG_NOTICE,
	       "%s: control connection closed: %s", c->name, pptp_end_str(why));
	c->dead = true;
	if (c->role->closed)
		c->role->closed(c, why);
}

static void ops_established(void *ctx)
{
	client_established(ctx);
}

static const struct pptp_conn_ops server_ops = {
	.send = conn_send, .call_admit = ops_admit, .call_up = ops_up,
	.call_down = ops_down, .closed = ops_closed, .log = conn_log,
};

static const struct pptp_conn_ops client_ops = {
	.send = conn_send, .call_up = ops_up, .call_down = ops_down,
	.established = ops_established, .closed = ops_closed, .log = conn_log,
};

const struct conn_role server_role = {
	.role = PPTP_ROLE_SERVER, .ops = &server_ops, .idle_timeout = true,
	.per_source = true, .no_pool_address = "from pppd (remote-ip none)",
	.pppd_exec = server_pppd_exec,
};

const struct conn_role client_role = {
	.role = PPTP_ROLE_CLIENT, .ops = &client_ops, .closed = client_closed,
	.keeps_socket = true, .no_pool_address = "from the server",
	.call_attach = client_call_attach, .pppd_exec = client_pppd_exec,
	.call_ended = client_call_ended, .pppd_exited = client_pppd_exited,
	.link_up = client_link_up,
};

static void conn_io(struct daemon *d, struct io *io, uint32_t events);
static void conn_tick(struct daemon *d, struct timer *t, uint64_t now);

/* The state machine's settings of a connection made under d's config. */
struct pptp_conn_cfg conn_cfg(const struct daemon *d, const struct conn_role *role,
			      uint16_t max_calls)
{
	return (struct pptp_conn_cfg){
		.role = role->role, .hostname = d->cfg.hostname,
		.vendor = "kpptp", .max_calls = max_calls,
		.recv_window = (uint16_t)d->cfg.recv_window, .proc_delay = 0,
		.connect_speed = 100000000,
		.setup_timeout_ms = d->cfg.setup_timeout * 1000,
		.echo_interval_ms = d->cfg.echo_interval * 1000,
		.echo_failures = d->cfg.echo_failures,
		.stop_timeout_ms = d->cfg.stop_timeout * 1000,
	};
}

/* handover.c: a connection read from the state, its callbacks set. */
struct conn *conn_alloc_restored(struct daemon *d, const struct conn_role *role)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->io.cb = conn_io;
	c->timer.cb = conn_tick;
	c->role = role;
	c->d = d;
	c->fd = -1;
	return c;
}

/* A connection on a connected TCP socket, either role; NULL on failure. */
struct conn *conn_new(struct daemon *d, int fd, const struct sockaddr_in *peer,
		      const struct conn_role *role)
{
	struct pptp_conn_cfg pcfg;
	socklen_t len;
	struct conn *c;
	int one = 1;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (timers_reserve(&d->loop, 1)) {
		free(c);
		return NULL;
	}
	c->io.cb = conn_io;
	c->timer.cb = conn_tick;
	c->role = role;
	c->d = d;
	c->fd = fd;
	c->peer = *peer;
	len = sizeof(c->local);
	getsockname(fd, (struct sockaddr *)&c->local, &len);
	snprintf(c->name, sizeof(c->name), "%s:%u", inet_ntoa(peer->sin_addr),
		 ntohs(peer->sin_port));
	c->accepted_ms = now_ms();
	c->last_call_ms = c->accepted_ms;	/* idle-timeout counts from here */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (d->cfg.tcp_timeout) {
		/* Unacknowledged control data for this long ends the connection. */
		unsigned int ms = d->cfg.tcp_timeout * 1000;

		if (setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms)))
			logmsg(LOG_WARNING, "%s: TCP_USER_TIMEOUT: %m", c->name);
	}
	pcfg = conn_cfg(d, role, (uint16_t)d->cfg.max_calls_per_conn);
	if (pptp_conn_init(&c->pc, &pcfg, role->ops, c, c->accepted_ms) ||
	    io_add(&d->loop, fd, EPOLLIN, &c->io)) {
		pptp_conn_free(&c->pc);
		timers_unreserve(&d->loop, 1);
		free(c);
		return NULL;
	}
	c->next = d->conns;
	d->conns = c;
	d->nconns++;
	conn_touch(c);	/* hello-timeout from now */
	return c;
}

static void conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->tx_len) {
		n = send(c->fd, c->tx, c->tx_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN)
				pptp_conn_tcp_gone(&c->pc);
			return;
		}
		memmove(c->tx, c->tx + n, c->tx_len - (size_t)n);
		c->tx_len -= (size_t)n;
	}
	io_mod(&c->d->loop, c->fd, EPOLLIN, &c->io);
}

/* Everything the socket has: whole messages go to the state machine. */
static void conn_read(struct conn *c)
{
	for (int rounds = 0; rounds < 64 && !c->dead; rounds++) {
		ssize_t n = recv(c->fd, c->rx + c->rx_len, sizeof(c->rx) - c->rx_len,
				 MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			if (n == 0 && !c->rx_len)
				logmsg(LOG_DEBUG, "%s: peer closed TCP", c->name);
			else if (n == 0)
				logmsg(LOG_NOTICE, "%s: peer closed TCP inside a message (%zu octets)",
				       c->name, c->rx_len);
			pptp_conn_tcp_gone(&c->pc);
			return;
		}
		if (n < 0)
			return;
		if (!c->rx_len)
			c->msg_start_ms = now_ms();
		c->rx_len += (size_t)n;
		for (;;) {
			struct pptp_msg m;
			enum pptp_status st;
			size_t len;

			st = pptp_next(c->rx, c->rx_len, &m, &len);
			if (st == PPTP_NEED_MORE)
				break;
			if (st != PPTP_OK) {
				pptp_conn_bad_stream(&c->pc, st);
				return;
			}
			c->got_message = true;
			pptp_conn_input(&c->pc, &m, now_ms());
			if (c->dead)
				return;
			memmove(c->rx, c->rx + len, c->rx_len - len);
			c->rx_len -= len;
			c->msg_start_ms = c->rx_len ? now_ms() : 0;
		}
	}
}

static void conn_io(struct daemon *d, struct io *io, uint32_t events)
{
	struct conn *c = container_of(io, struct conn, io);

	(void)d;
	if (c->dead)
		return;
	conn_touch(c);
	if (events & EPOLLOUT)
		conn_flush(c);
	if (!c->dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		conn_read(c);
}

void conn_touch(struct conn *c)
{
	if (c->dirty)
		return;
	c->dirty = true;
	c->dirty_next = c->d->dirty;
	c->d->dirty = c;
}

static void conns_rearm(struct daemon *d);

/*
 * After a wakeup, never from inside a connection's callbacks: each
 * connection the wakeup touched gets its timer at its new deadline (which
 * also empties the list a freed connection must not stay on), then those
 * that closed are freed.
 */
void conns_settle(struct daemon *d)
{
	conns_rearm(d);
	for (struct conn **pp = &d->conns; *pp;) {
		struct conn *c = *pp;

		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		if (c->tx_len)	/* the last words (StopCCRP, CDN): best effort */
			(void)!send(c->fd, c->tx, c->tx_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		timer_disarm(&d->loop, &c->timer);
		timers_unreserve(&d->loop, 1);
		io_del(&d->loop, c->fd);
		close(c->fd);
		pptp_conn_free(&c->pc);
		if (c->src) {
			c->src->conns--;
			source_release(&d->cfg, c->src);
		}
		free(c);
		d->nconns--;
	}
}

/*
 * A server's connection that carries no call: closed idle-timeout after
 * it was accepted or its last call ended, so that connections which never
 * place a call (scanners, or a peer holding slots) do not stay forever.
 */
static uint64_t idle_deadline(const struct daemon *d, const struct conn *c)
{
	/* Once it fired, the connection is stopping (or closed): not again. */
	if (!c->role->idle_timeout || !d->cfg.idle_timeout || c->pc.ncalls ||
	    c->pc.state == PPTP_CONN_WAIT_STOP_REPLY || c->pc.state == PPTP_CONN_CLOSED)
		return UINT64_MAX;
	return c->last_call_ms + d->cfg.idle_timeout * 1000ull;
}

/* The connection's nearest deadline: its timer fires then. */
static uint64_t conn_deadline(const struct daemon *d, const struct conn *c)
{
	uint64_t t = pptp_conn_deadline(&c->pc), x;

	if (!c->got_message) {
		x = c->accepted_ms + d->cfg.hello_timeout * 1000ull;
		t = x < t ? x : t;
	}
	if (c->msg_start_ms) {
		x = c->msg_start_ms + d->cfg.message_timeout * 1000ull;
		t = x < t ? x : t;
	}
	x = idle_deadline(d, c);
	return x < t ? x : t;
}

static void conn_tick(struct daemon *d, struct timer *t, uint64_t now)
{
	struct conn *c = container_of(t, struct conn, timer);

	conn_touch(c);
	if (c->dead)
		return;
	if (!c->got_message && now - c->accepted_ms >= d->cfg.hello_timeout * 1000ull) {
		logmsg(LOG_NOTICE, "%s: no whole message within hello-timeout (%u s): closing",
		       c->name, d->cfg.hello_timeout);
		pptp_conn_abort(&c->pc, PPTP_END_TIMEOUT);
		return;
	}
	if (c->msg_start_ms && now - c->msg_start_ms >= d->cfg.message_timeout * 1000ull) {
		logmsg(LOG_NOTICE, "%s: a message took longer than message-timeout (%u s) to arrive (%zu octets): closing",
		       c->name, d->cfg.message_timeout, c->rx_len);
		pptp_conn_abort(&c->pc, PPTP_END_TIMEOUT);
		return;
	}
	if (now >= idle_deadline(d, c)) {
		source_stats.closed_idle++;
		source_log(&d->cfg, c->src, SRC_LOG_LIMIT, LOG_NOTICE,
			   "%s: no call within idle-timeout (%u s): stopping the control connection",
			   c->name, d->cfg.idle_timeout);
		pptp_conn_stop(&c->pc, PPTP_STOP_NONE);
		return;
	}
	pptp_conn_tick(&c->pc, now);
}

/* Each connection touched in this wakeup: its timer at its new deadline. */
static void conns_rearm(struct daemon *d)
{
	while (d->dirty) {
		struct conn *c = d->dirty;

		d->dirty = c->dirty_next;
		c->dirty = false;
		c->dirty_next = NULL;
		timer_arm(&d->loop, &c->timer, c->dead ? UINT64_MAX : conn_deadline(d, c));
	}
}
