// SPDX-License-Identifier: GPL-2.0
/*
 * DHCPINFORM answers: what Windows RRAS gives its dial-in clients. Right
 * after IPCP, Windows broadcasts a DHCPINFORM through the tunnel (from its
 * new address, UDP 68 to 255.255.255.255:67) and learns from the DHCPACK
 * which networks are behind the server (classless routes, options 121 and
 * Microsoft's 249), its DNS domain (15) and DNS servers (6). Without an
 * answer a client that does not use the tunnel as its default gateway
 * reaches only the server's own address.
 *
 * Per call, one UDP socket bound to port 67 on the call's interface only
 * (SO_BINDTODEVICE), from LCP up, read from IPv4 up on: kpptpd never hears
 * or answers anything on another interface. It answers an INFORM from the call's own
 * address (the IP source and ciaddr both), nothing else, at most
 * INFORM_BURST at once and one per INFORM_INTERVAL_MS after that per call;
 * everything it does not answer is counted by reason (inform_stats).
 *
 * Beside a DHCP server on the same host: the socket is SO_REUSEADDR, so a
 * DHCP server that binds port 67 the same way (ISC dhcpd, dnsmasq) and
 * kpptpd both bind; the kernel gives a call's unicast to kpptpd's socket
 * (bound to the device, it matches best) and a broadcast to both, so that
 * server must not serve ppp interfaces (dnsmasq: except-interface=ppp*;
 * dhcpd answers only on interfaces with a subnet declaration). A server
 * that bound port 67 without SO_REUSEADDR makes the bind fail: counted
 * (no-socket), logged once a minute, and the call goes on unanswered.
 *
 * What is answered: the call's own routes and domain when kpptp.so
 * reported any (per user, from chap-secrets options or RADIUS
 * Framed-Route), else kpptpd.conf's push-route and dns-domain; the DNS
 * servers pppd gives the peer (ms-dns); the router of every route is our
 * end of the call.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "kpptpd.h"
#include "state.h"

#define INFORM_BURST		4	/* answers at once per call */
#define INFORM_INTERVAL_MS	2500	/* then one per this */
#define INFORM_READS		8	/* datagrams per wakeup, for fairness */
#define INFORM_RCVBUF		4096	/* the kernel doubles it, and keeps a floor */

struct inform_stats inform_stats;

/* Per call: what kpptp.so reported for its user, and the socket. */
struct inform {
	struct io io;
	int fd;				/* -1: not listening */
	bool watched;			/* fd is in the event loop (from ip-up on) */
	struct call *call;
	uint32_t local, remote;		/* network order, from ip-up */
	struct dhcp_route routes[DHCP_MAX_ROUTES];
	unsigned int nroutes;
	bool user_routes;		/* routes are the user's, not the config's */
	char domain[254];
	uint32_t dns[DHCP_MAX_DNS];
	unsigned int ndns;
	uint64_t tat;			/* answer rate: GCRA's theoretical arrival */
};

static struct inform *inform_of(struct call *call)
{
	struct inform *in = call->inform;

	if (in)
		return in;
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->fd = -1;
	in->call = call;
	call->inform = in;
	return in;
}

/*
 * A line from kpptp.so about the call's user; false if it is not one of
 * ours. "push-route CIDR", "dns-domain NAME", "dns ADDR". Checked again
 * here: a RADIUS server wrote the routes.
 */
bool inform_status_line(struct call *call, const char *line)
{
	const char *conn = call->conn_name;
	struct inform *in;
	struct dhcp_route r;
	struct in_addr a;

	if (strncmp(line, "push-route ", 11) && strncmp(line, "dns-domain ", 11) &&
	    strncmp(line, "dns ", 4))
		return false;
	in = inform_of(call);
	if (!in) {
		logmsg(LOG_WARNING, "%s: call %u/%u: out of memory for '%s'", conn,
		       call->local_id, call->peer_id, line);
		return true;
	}
	if (!strncmp(line, "push-route ", 11)) {
		if (!dhcp_route_parse(line + 11, &r)) {
			logmsg(LOG_WARNING, "%s: call %u/%u: route '%.64s' for the user is not a network: not pushed",
			       conn, call->local_id, call->peer_id, line + 11);
			return true;
		}
		in->routes[in->nroutes] = r;
		if (in->nroutes == DHCP_MAX_ROUTES ||
		    dhcp_routes_len(in->routes, in->nroutes + 1) > 255) {
			logmsg(LOG_WARNING, "%s: call %u/%u: more routes for the user than one DHCP option holds: '%.64s' not pushed",
			       conn, call->local_id, call->peer_id, line + 11);
			return true;
		}
		in->nroutes++;
		in->user_routes = true;
	} else if (!strncmp(line, "dns-domain ", 11)) {
		if (!dhcp_domain_ok(line + 11)) {
			logmsg(LOG_WARNING, "%s: call %u/%u: domain '%.64s' for the user is not a DNS name: not pushed",
			       conn, call->local_id, call->peer_id, line + 11);
			return true;
		}
		snprintf(in->domain, sizeof(in->domain), "%s", line + 11);
	} else if (inet_pton(AF_INET, line + 4, &a) == 1 && in->ndns < DHCP_MAX_DNS) {
		for (unsigned int i = 0; i < in->ndns; i++)
			if (in->dns[i] == a.s_addr)
				return true;
		in->dns[in->ndns++] = a.s_addr;
	}
	return true;
}

/* A token of the call's answer rate (GCRA); false: over it. */
static bool rate_ok(struct inform *in, uint64_t now)
{
	uint64_t tat = in->tat > now ? in->tat : now;

	if (tat - now > (uint64_t)(INFORM_BURST - 1) * INFORM_INTERVAL_MS)
		return false;
	in->tat = tat + INFORM_INTERVAL_MS;
	return true;
}

static void answer(struct daemon *d, struct inform *in, const struct dhcp_msg *m)
{
	const struct config *cfg = &d->cfg;
	struct dhcp_route routes[DHCP_MAX_ROUTES];
	struct call *call = in->call;
	struct dhcp_answer a = { .server_id = in->local, .dns = in->dns, .ndns = in->ndns };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT),
				  .sin_addr.s_addr = m->ciaddr };
	uint8_t out[DHCP_MAX_LEN];
	unsigned int i;
	size_t len;

	a.nroutes = in->user_routes ? in->nroutes : cfg->npush_routes;
	memcpy(routes, in->user_routes ? in->routes : cfg->push_routes,
	       a.nroutes * sizeof(routes[0]));
	for (i = 0; i < a.nroutes; i++)
		routes[i].router = in->local;
	a.routes = routes;
	a.domain = in->domain[0] ? in->domain : cfg->dns_domain;
	len = dhcp_encode_ack(m, &a, out, sizeof(out));
	if (!len) {
		/* config.c and inform_status_line() keep it from happening. */
		inform_stats.send_failed++;
		return;
	}
	if (sendto(in->fd, out, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		inform_stats.send_failed++;
		logmsg(LOG_DEBUG, "%s: call %u/%u: DHCPACK: %m", call->conn_name,
		       call->local_id, call->peer_id);
		return;
	}
	inform_stats.answered++;
	logmsg(LOG_INFO, "%s: call %u/%u: DHCPINFORM answered: %u route%s%s, domain %s",
	       call->conn_name, call->local_id, call->peer_id, a.nroutes,
	       a.nroutes == 1 ? "" : "s", in->user_routes ? " (the user's)" : "",
	       a.domain[0] ? a.domain : "(none)");
}

static void inform_io(struct daemon *d, struct io *io, uint32_t events)
{
	struct inform *in = container_of(io, struct inform, io);
	uint8_t buf[1500];
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct dhcp_msg m;
	enum dhcp_err e;
	ssize_t n;

	(void)events;
	for (int i = 0; i < INFORM_READS; i++) {
		mh.msg_namelen = sizeof(from);
		n = recvmsg(in->fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;		/* EAGAIN, or an error the next read repeats */
		if (mh.msg_flags & MSG_TRUNC) {
			inform_stats.malformed++;
			continue;
		}
		if (from.sin_addr.s_addr != in->remote ||
		    from.sin_port != htons(DHCP_CLIENT_PORT)) {
			inform_stats.wrong_source++;
			continue;
		}
		e = dhcp_decode(buf, (size_t)n, BOOTREQUEST, &m);
		if (e) {
			inform_stats.malformed++;
			continue;
		}
		if (m.type != DHCPINFORM) {
			inform_stats.not_inform++;
			continue;
		}
		/* RFC 2131 4.3.5: the answer goes to ciaddr: the call's own only. */
		if (m.ciaddr != in->remote) {
			inform_stats.wrong_source++;
			continue;
		}
		if (!rate_ok(in, now_ms())) {
			inform_stats.rate_limited++;
			continue;
		}
		answer(d, in, &m);
	}
}

/* The bind failed: once a minute in the log, every time in the counter. */
static void no_socket(struct call *call, const char *what)
{
	static uint64_t logged;
	uint64_t now = now_ms();

	inform_stats.no_socket++;
	if (logged && now - logged < 60000)
		return;
	logged = now;
	logmsg(LOG_WARNING, "%s: call %u/%u: no DHCPINFORM answers on %s: %s: %m (is a DHCP server bound to port 67 without SO_REUSEADDR?)",
	       call->conn_name, call->local_id, call->peer_id, call->ifname, what);
}

/*
 * The interface exists (LCP is up): bind now, read from ip-up on. Windows
 * sends its INFORM the moment its IPCP is up, which can be before pppd
 * here has told kpptpd the addresses (and the user's routes): the
 * datagram waits in the socket until then.
 */
void inform_listen(struct daemon *d, struct call *call, const char *ifname)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT) };
	struct inform *in;
	int one = 1, fd;

	if (!d->cfg.dhcp_inform || !call->role->per_source)
		return;
	in = inform_of(call);
	if (!in) {
		no_socket(call, "out of memory");
		return;
	}
	if (in->fd >= 0)
		return;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		no_socket(call, "socket");
		return;
	}
	/*
	 * Until ip-up the socket is not read, and a call whose IPv4 never
	 * comes up (IPv6 only) never reads it: what a peer can park in it is
	 * the kernel's minimum, a few datagrams, not rmem_default's 200 KB.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ INFORM_RCVBUF }, sizeof(int)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1)) {
		no_socket(call, "setsockopt");
		close(fd);
		return;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		no_socket(call, "bind to port 67");
		close(fd);
		return;
	}
	in->io.cb = inform_io;
	in->fd = fd;
}

void inform_start(struct daemon *d, struct call *call, uint32_t local, uint32_t remote)
{
	struct inform *in = call->inform;

	if (!in || in->fd < 0)
		return;		/* off, or no socket (counted) */
	/* IPCP again: the addresses may have changed; watched once. */
	in->local = htonl(local);
	in->remote = htonl(remote);
	if (in->watched)
		return;
	if (io_add(&d->loop, in->fd, EPOLLIN, &in->io)) {
		inform_stats.no_socket++;
		return;
	}
	in->watched = true;
}

void inform_free(struct daemon *d, struct call *call)
{
	struct inform *in = call->inform;

	if (!in)
		return;
	if (in->fd >= 0) {
		if (in->watched)
			io_del(&d->loop, in->fd);
		close(in->fd);
	}
	free(in);
	call->inform = NULL;
}

/* handover.c: the call's answers' state, one "inform" record. */
void inform_save(struct state_out *o, const struct call *call, unsigned int idx)
{
	const struct inform *in = call->inform;
	char routes[DHCP_MAX_ROUTES * 20] = "", dns[DHCP_MAX_DNS * 16] = "";
	size_t k = 0;

	if (!in)
		return;
	for (unsigned int i = 0; i < in->nroutes; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &in->routes[i].dest, a, sizeof(a));
		k += (size_t)snprintf(routes + k, sizeof(routes) - k, "%s%s/%u", k ? "," : "",
				      a, in->routes[i].len);
	}
	k = 0;
	for (unsigned int i = 0; i < in->ndns; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &in->dns[i], a, sizeof(a));
		k += (size_t)snprintf(dns + k, sizeof(dns) - k, "%s%s", k ? "," : "", a);
	}
	state_begin(o, "inform");
	state_u64(o, "call", idx);
	state_i64(o, "fd", in->fd);
	state_u64(o, "watched", in->watched);
	state_u64(o, "local", ntohl(in->local));
	state_u64(o, "remote", ntohl(in->remote));
	state_str(o, "routes", routes);
	state_u64(o, "user_routes", in->user_routes);
	state_str(o, "domain", in->domain);
	state_str(o, "dns", dns);
	state_u64(o, "tat", in->tat);
	state_end(o);
}

/* An "inform" record for call; false (r->why) when it is not valid. */
bool inform_load(struct call *call, struct state_rec *r)
{
	char routes[DHCP_MAX_ROUTES * 20] = "", dns[DHCP_MAX_DNS * 16] = "";
	uint64_t v = 0;
	int64_t fd = -1;
	struct inform *in = inform_of(call);

	if (!in) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return false;
	}
	state_require(r, "fd");
	state_get_i64(r, "fd", -1, INT32_MAX, &fd);
	in->fd = (int)fd;
	in->io.cb = inform_io;
	/* watched: set by inform_adopt, once the loop watches it. */
	state_get_u64(r, "local", 0, UINT32_MAX, &v);
	in->local = htonl((uint32_t)v);
	v = 0;
	state_get_u64(r, "remote", 0, UINT32_MAX, &v);
	in->remote = htonl((uint32_t)v);
	state_get_str(r, "routes", routes, sizeof(routes));
	for (char *p = routes, *tok; !r->bad && (tok = strsep(&p, ","));) {
		if (!*tok)
			continue;
		if (in->nroutes == DHCP_MAX_ROUTES || !dhcp_route_parse(tok, &in->routes[in->nroutes])) {
			snprintf(r->why, sizeof(r->why), "inform: routes: '%.40s'", tok);
			r->bad = true;
			break;
		}
		in->nroutes++;
	}
	v = 0;
	if (state_get_u64(r, "user_routes", 0, 1, &v))
		in->user_routes = v;
	state_get_str(r, "domain", in->domain, sizeof(in->domain));
	if (in->domain[0] && !dhcp_domain_ok(in->domain)) {
		snprintf(r->why, sizeof(r->why), "inform: domain: not a DNS name");
		r->bad = true;
	}
	state_get_str(r, "dns", dns, sizeof(dns));
	for (char *p = dns, *tok; !r->bad && (tok = strsep(&p, ","));) {
		struct in_addr a;

		if (!*tok)
			continue;
		if (in->ndns == DHCP_MAX_DNS || inet_pton(AF_INET, tok, &a) != 1) {
			snprintf(r->why, sizeof(r->why), "inform: dns: '%.40s'", tok);
			r->bad = true;
			break;
		}
		in->dns[in->ndns++] = a.s_addr;
	}
	state_get_u64(r, "tat", 0, UINT64_MAX, &in->tat);
	return !r->bad;
}

/* After a hand-over: the socket watched again if it was. */
void inform_adopt(struct daemon *d, struct call *call)
{
	struct inform *in = call->inform;

	if (!in || in->fd < 0)
		return;
	if (io_add(&d->loop, in->fd, EPOLLIN, &in->io)) {
		inform_stats.no_socket++;
		in->watched = false;
	}
}

/* The call's socket, or -1. */
int inform_fd(const struct call *call)
{
	return call->inform ? call->inform->fd : -1;
}

/* A restored call that is not taken after all: memory only, the socket stays. */
void inform_forget(struct call *call)
{
	free(call->inform);
	call->inform = NULL;
}
