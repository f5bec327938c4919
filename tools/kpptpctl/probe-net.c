// SPDX-License-Identifier: GPL-2.0
/*
 * Steps 1 and 2 of the probe: the route to the server (the kernel's own
 * answer, RTM_GETROUTE), ping, and TCP 1723.
 *
 * TCP failures are told apart by what came back: a RST (nothing listens:
 * Windows error 678), an ICMP error (a router or the host rejects us: the
 * error queue of IP_RECVERR names who sent it, as frame 11 of the
 * article's trace does), or nothing at all (a firewall drops SYNs).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/rtnetlink.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "probe.h"

struct route_info {
	uint32_t gateway, prefsrc;	/* network order, 0: none */
	uint32_t oif;
	uint8_t type;
};

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct route_info *r = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_GATEWAY:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->gateway = mnl_attr_get_u32(a);
		break;
	case RTA_PREFSRC:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->prefsrc = mnl_attr_get_u32(a);
		break;
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->oif = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_info *r = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	r->type = rtm->rtm_type;
	return mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, r);
}

/* The kernel's route to dst, as "ip route get" shows it. 0, or an errno. */
static int route_get(uint32_t dst, struct route_info *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint32_t seq = (uint32_t)probe_now(), portid;
	int ret = 0;
	ssize_t n;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put_u32(nlh, RTA_DST, dst);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = errno;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = errno;
		goto out;
	}
	/* An error reply (no route: ENETUNREACH) sets errno through the callback. */
	if (mnl_cb_run(buf, (size_t)n, seq, portid, route_cb, r) < 0)
		ret = errno ? errno : EIO;
out:
	mnl_socket_close(nl);
	return ret;
}

static const char *ip_str(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

int probe_route(struct probe *p)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	struct route_info r = { 0 };
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN];
	char ifn[IF_NAMESIZE] = "?";
	int err;

	probe_step_begin(p, "route");
	err = getaddrinfo(p->o.server, NULL, &hints, &res);
	if (err) {
		probe_evidence(p, "%s: %s", p->o.server, gai_strerror(err));
		return probe_fail(p, PV_RESOLVE, "the server's name does not resolve",
				  "check the name, or give the server's IPv4 address");
	}
	p->server = *(struct sockaddr_in *)res->ai_addr;
	p->server.sin_port = htons(p->o.port);
	freeaddrinfo(res);
	snprintf(p->server_str, sizeof(p->server_str), "%s:%u",
		 ip_str(p->server.sin_addr.s_addr, a), p->o.port);
	err = route_get(p->server.sin_addr.s_addr, &r);
	if (err || (r.type != RTN_UNICAST && r.type != RTN_LOCAL)) {
		probe_evidence(p, "no route to %s: %s", a,
			       err ? strerror(err) : "the route is not unicast");
		return probe_fail(p, PV_NO_ROUTE, "this host has no route to the server",
				  "add a route (or a default gateway) towards the server");
	}
	if (r.oif)
		if_indextoname(r.oif, ifn);
	p->local.s_addr = r.prefsrc;
	if (r.gateway)
		probe_evidence(p, "%s via %s dev %s src %s", a, ip_str(r.gateway, g), ifn,
			       ip_str(r.prefsrc, src));
	else
		probe_evidence(p, "%s dev %s src %s (on link)", a, ifn, ip_str(r.prefsrc, src));
	probe_step_end(p, STEP_PASS);
	return 0;
}

/* RFC 1071 checksum of len octets. */
static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* ICMP echo, three tries a third of a second apart: reported, never fatal. */
void probe_ping(struct probe *p)
{
	uint16_t id = (uint16_t)getpid();
	unsigned int sent = 0, got = 0;
	uint64_t first_rtt = 0, sent_at[3] = { 0 };
	uint64_t end;
	char why[160] = "";
	int fd;

	probe_step_begin(p, "ping");
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		probe_evidence(p, "raw ICMP socket: %s (ping needs root)", strerror(errno));
		probe_step_end(p, STEP_SKIP);
		return;
	}
	end = probe_now() + 1000 + 700;
	while (probe_now() < end && got == 0) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		uint8_t buf[1500];
		ssize_t n;

		if (sent < 3 && probe_now() >= p->step_t0 + sent * 333) {
			struct icmphdr h = { .type = ICMP_ECHO };

			h.un.echo.id = htons(id);
			h.un.echo.sequence = htons((uint16_t)sent);
			h.checksum = inet_csum(&h, sizeof(h));
			if (sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&p->server,
				   sizeof(p->server)) == (ssize_t)sizeof(h))
				sent_at[sent] = probe_now();
			sent++;
		}
		if (poll(&pf, 1, 50) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < (ssize_t)sizeof(struct iphdr)) {
			continue;
		} else {
			const struct iphdr *ip = (const void *)buf;
			size_t hl = ip->ihl * 4u;
			const struct icmphdr *ic = (const void *)(buf + hl);
			char from[INET_ADDRSTRLEN];

			if ((size_t)n < hl + sizeof(*ic))
				continue;
			if (ic->type == ICMP_ECHOREPLY && ntohs(ic->un.echo.id) == id &&
			    ip->saddr == p->server.sin_addr.s_addr) {
				unsigned int s = ntohs(ic->un.echo.sequence);

				got++;
				first_rtt = s < 3 && sent_at[s] ? probe_now() - sent_at[s] : 0;
			} else if ((ic->type == ICMP_DEST_UNREACH || ic->type == ICMP_TIME_EXCEEDED) &&
				   (size_t)n >= hl + 8 + sizeof(struct iphdr) + 8) {
				const struct iphdr *q = (const void *)(buf + hl + 8);
				const struct icmphdr *qi = (const void *)(buf + hl + 8 + q->ihl * 4u);

				if (q->daddr == p->server.sin_addr.s_addr &&
				    q->protocol == IPPROTO_ICMP &&
				    (size_t)n >= hl + 8 + q->ihl * 4u + 8 &&
				    ntohs(qi->un.echo.id) == id)
					snprintf(why, sizeof(why), "ICMP type %u code %u from %s",
						 ic->type, ic->code,
						 ip_str(ip->saddr, from));
			}
		}
	}
	close(fd);
	if (got) {
		probe_evidence(p, "echo reply from %s in %llu ms", inet_ntoa(p->server.sin_addr),
			       (unsigned long long)first_rtt);
		probe_step_end(p, STEP_PASS);
	} else {
		probe_evidence(p, "no echo reply to %u requests%s%s (not fatal: many servers "
			       "and firewalls drop ping)", sent, why[0] ? "; " : "", why);
		probe_step_end(p, STEP_WARN);
	}
}

/* The ICMP error IP_RECVERR queued about our SYN, if any: who sent it. */
static bool tcp_icmp_error(int fd, uint32_t *from, uint8_t *type, uint8_t *code)
{
	char ctl[512];
	uint8_t data[64];
	struct iovec iov = { data, sizeof(data) };
	struct sockaddr_in off;
	struct msghdr mh = {
		.msg_name = &off, .msg_namelen = sizeof(off),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};

	if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		const struct sock_extended_err *ee = (const void *)CMSG_DATA(cm);
		const struct sockaddr_in *sin;

		if (cm->cmsg_level != IPPROTO_IP || cm->cmsg_type != IP_RECVERR ||
		    ee->ee_origin != SO_EE_ORIGIN_ICMP)
			continue;
		sin = (const struct sockaddr_in *)SO_EE_OFFENDER(ee);
		*from = sin->sin_family == AF_INET ? sin->sin_addr.s_addr : 0;
		*type = ee->ee_type;
		*code = ee->ee_code;
		return true;
	}
	return false;
}

static int tcp_no_answer(struct probe *p)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "TCP port %u gets no answer: a firewall drops it (Windows "
		 "error 678)", p->o.port);
	return probe_fail(p, PV_TCP_NO_ANSWER, msg,
			  "open TCP port 1723 (PPTP) towards the server on every firewall between, "
			  "and check the server's own firewall");
}

int probe_tcp(struct probe *p)
{
	int one = 1, err = 0, fd;
	socklen_t len = sizeof(err);
	struct pollfd pf;
	char who[INET_ADDRSTRLEN], msg[200];
	uint32_t from;
	uint8_t type, code;
	int r;

	probe_step_begin(p, "tcp");
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		probe_evidence(p, "socket: %s", strerror(errno));
		return probe_fail(p, PV_LOCAL, "could not make a TCP socket", "see the evidence");
	}
	/* ICMP errors about our SYN are queued with the sender's address. */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)))
		probe_evidence(p, "IP_RECVERR: %s (routers will not be named)", strerror(errno));
	if (connect(fd, (struct sockaddr *)&p->server, sizeof(p->server)) && errno != EINPROGRESS) {
		err = errno;
	} else {
		pf = (struct pollfd){ .fd = fd, .events = POLLOUT };
		r = poll(&pf, 1, (int)p->o.timeout_s * 1000);
		if (r == 0) {
			close(fd);
			probe_evidence(p, "no answer from %s within %u s: no SYN-ACK, no RST, no ICMP "
				       "error", p->server_str, p->o.timeout_s);
			return tcp_no_answer(p);
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			err = errno;
	}
	if (!err) {
		struct sockaddr_in l;

		len = sizeof(l);
		if (!getsockname(fd, (struct sockaddr *)&l, &len))
			p->local = l.sin_addr;
		probe_evidence(p, "connected to %s from %s:%u", p->server_str,
			       inet_ntoa(l.sin_addr), ntohs(l.sin_port));
		p->tcp = fd;
		probe_step_end(p, STEP_PASS);
		return 0;
	}
	if (tcp_icmp_error(fd, &from, &type, &code)) {
		close(fd);
		ip_str(from, who);
		probe_evidence(p, "ICMP %s (type %u code %u) from %s about our SYN to %s",
			       kpptp_icmp_str(type, code), type, code, who, p->server_str);
		snprintf(msg, sizeof(msg), "%s %s TCP port %u to the server (Windows error 678)", who,
			 from == p->server.sin_addr.s_addr ? "(the server itself) rejects" :
			 "(a router on the way) rejects", p->o.port);
		return probe_fail(p, PV_TCP_REJECTED, msg,
				  "allow TCP port 1723 (PPTP) on the device that sent the ICMP error");
	}
	close(fd);
	probe_evidence(p, "connect to %s: %s", p->server_str, strerror(err));
	if (err == ECONNREFUSED) {
		snprintf(msg, sizeof(msg), "TCP port %u is refused (RST): no PPTP server listens "
			 "there (Windows error 678)", p->o.port);
		return probe_fail(p, PV_TCP_REFUSED, msg,
				  "start the PPTP server (kpptpd), or check its listen address; "
				  "a firewall that resets the port looks the same");
	}
	if (err == ETIMEDOUT)
		return tcp_no_answer(p);
	return probe_fail(p, PV_NO_ROUTE, "the server cannot be reached over TCP",
			  "check the route and the interface named in step 1");
}
