// SPDX-License-Identifier: GPL-2.0
/*
 * Step 5 of the probe: does GRE (IP protocol 47) pass, both ways?
 *
 * The call's PPPoX socket is connected to the server's call ID, which
 * makes it a kpptp.ko session; /dev/ppp attached to its PPP channel lets
 * us send LCP Configure-Requests through it and read what the server's
 * PPP sends back, as pppd would before it makes a ppp unit. kpptp.ko's
 * events say when an ICMP error comes back about our GRE, with the
 * address of the router that sent it.
 *
 *  - an LCP answer to one of our requests: GRE passes both ways;
 *  - the server's own Configure-Requests only: its GRE reaches us, ours
 *    does not reach it (or it ignores it): one way;
 *  - an ICMP error about our GRE: rejected, by the router it names;
 *  - nothing, while the control connection lives: dropped silently.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "probe.h"

#define LCP_PROTO	0xc021
#define LCP_CONF_REQ	1
#define LCP_CONF_ACK	2
#define LCP_CONF_NAK	3
#define LCP_CONF_REJ	4
#define LCP_TERM_REQ	5

struct gre_seen {
	uint8_t first_id, next_id;	/* our Configure-Request IDs so far */
	unsigned int sent, answers, peer_requests, other_frames;
	uint8_t answer_code;
	bool icmp;
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_router;
};

/* One LCP Configure-Request with a Magic-Number, as the channel takes it. */
static int send_conf_req(struct probe *p, struct gre_seen *g, uint32_t magic)
{
	uint8_t f[2 + 4 + 6] = {
		LCP_PROTO >> 8, LCP_PROTO & 0xff,
		LCP_CONF_REQ, g->next_id, 0, 10,
		5, 6, magic >> 24, magic >> 16, magic >> 8, magic,
	};

	if (write(p->chan_fd, f, sizeof(f)) != (ssize_t)sizeof(f))
		return -1;
	g->next_id++;
	g->sent++;
	return 0;
}

/* Was id one of ours (first_id .. next_id - 1, modulo 256)? */
static bool ours(const struct gre_seen *g, uint8_t id)
{
	return (uint8_t)(id - g->first_id) < (uint8_t)(g->next_id - g->first_id);
}

static void read_frames(struct probe *p, struct gre_seen *g)
{
	for (int i = 0; i < 64; i++) {
		uint8_t f[2048];
		const uint8_t *q = f;
		ssize_t n = read(p->chan_fd, f, sizeof(f));

		if (n <= 0)
			return;
		/* The channel strips FF 03; accept it anyway. */
		if (n >= 2 && q[0] == 0xff && q[1] == 0x03) {
			q += 2;
			n -= 2;
		}
		if (n >= 6 && (q[0] << 8 | q[1]) == LCP_PROTO) {
			uint8_t code = q[2], id = q[3];

			if (code == LCP_CONF_REQ) {
				g->peer_requests++;
			} else if ((code == LCP_CONF_ACK || code == LCP_CONF_NAK ||
				    code == LCP_CONF_REJ) && ours(g, id)) {
				g->answers++;
				g->answer_code = code;
			} else {
				g->other_frames++;
			}
		} else {
			g->other_frames++;
		}
	}
}

static int icmp_cb(const struct nlmsghdr *nlh, void *data)
{
	struct probe *p = ((void **)data)[0];
	struct gre_seen *g = ((void **)data)[1];
	struct kpptp_session_msg m;

	if (kpptp_session_parse(nlh, &m) < 0 || m.cmd != KPPTP_CMD_ICMP_ERROR_NTF)
		return 1;
	if (m.local_call_id != p->local_call_id ||
	    m.peer_addr != p->server.sin_addr.s_addr || g->icmp)
		return 1;
	g->icmp = true;
	g->icmp_type = m.icmp_type;
	g->icmp_code = m.icmp_code;
	g->icmp_router = m.icmp_router;
	return 1;
}

/* The session's counters (by our call ID and the server), or the namespace's. */
int probe_kernel_stats(struct probe *p, bool session, struct kpptp_session_msg *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(m, 0, sizeof(*m));
	if (!p->have_nl)
		return -1;
	nlh = kpptp_nl_request(&p->nl, buf, KPPTP_CMD_STATS_GET, 0);
	if (session) {
		mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID, p->local_call_id);
		mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, p->server.sin_addr.s_addr);
	}
	return kpptp_nl_talk(&p->nl, nlh, kpptp_session_parse_cb, m);
}

static uint64_t stat(const struct kpptp_session_msg *m, unsigned int i)
{
	return m->has_stats[i] ? m->stats[i] : 0;
}

static uint64_t net_stat(const struct kpptp_session_msg *m, unsigned int i)
{
	return m->has_net_stats[i] ? m->net_stats[i] : 0;
}

/* Open the kernel's side: session counters and ICMP events. */
static void open_netlink(struct probe *p)
{
	if (kpptp_nl_open(&p->nl) == 0) {
		p->have_nl = kpptp_nl_resolve(&p->nl) == 0;
		if (!p->have_nl)
			kpptp_nl_close(&p->nl);
	}
	if (!p->have_nl) {
		if (p->nl.no_module)
			probe_evidence(p, "no kpptp netlink family (the in-tree pptp.ko carries the "
				       "call?): no kernel counters, and an ICMP error cannot name "
				       "the router");
		else
			probe_evidence(p, "kpptp netlink: %s: no kernel counters or ICMP events",
				       p->nl.err);
		return;
	}
	if (kpptp_nl_open(&p->events) == 0) {
		if (kpptp_nl_subscribe(&p->events) == 0) {
			p->have_events = true;
		} else {
			probe_evidence(p, "%s: a router's ICMP error cannot be seen", p->events.err);
			kpptp_nl_close(&p->events);
		}
	}
}

static int attach_channel(struct probe *p)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX, .sa_protocol = PX_PROTO_PPTP };
	int chan;

	sp.sa_addr.pptp.sin_addr = p->server.sin_addr;
	sp.sa_addr.pptp.call_id = p->ocrp.ocrp.call_id;
	if (connect(p->sock, (struct sockaddr *)&sp, sizeof(sp))) {
		probe_evidence(p, "connect of the PPTP socket to call ID %u: %s",
			       sp.sa_addr.pptp.call_id, strerror(errno));
		return -1;
	}
	if (ioctl(p->sock, PPPIOCGCHAN, &chan)) {
		probe_evidence(p, "PPPIOCGCHAN: %s", strerror(errno));
		return -1;
	}
	p->chan_fd = open("/dev/ppp", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (p->chan_fd < 0) {
		probe_evidence(p, "/dev/ppp: %s (load ppp_generic)", strerror(errno));
		return -1;
	}
	if (ioctl(p->chan_fd, PPPIOCATTCHAN, &chan)) {
		probe_evidence(p, "PPPIOCATTCHAN %d: %s", chan, strerror(errno));
		return -1;
	}
	return 0;
}

static void kernel_evidence(struct probe *p, const struct kpptp_session_msg *net0)
{
	struct kpptp_session_msg s, n;

	if (probe_kernel_stats(p, true, &s) == 0)
		probe_evidence(p, "kpptp.ko session: tx %llu packets, rx %llu packets, ICMP "
			       "unreachable %llu", (unsigned long long)stat(&s, KPPTP_A_STATS_TX_PACKETS),
			       (unsigned long long)stat(&s, KPPTP_A_STATS_RX_PACKETS),
			       (unsigned long long)stat(&s, KPPTP_A_STATS_ICMP_UNREACHABLE));
	if (probe_kernel_stats(p, false, &n) == 0 &&
	    net_stat(&n, KPPTP_A_NET_STATS_RX_NO_SESSION) >
	    net_stat(net0, KPPTP_A_NET_STATS_RX_NO_SESSION))
		probe_evidence(p, "%llu GRE packets arrived for no session meanwhile (a call ID "
			       "or address rewritten on the way: a NAT without a PPTP helper?)",
			       (unsigned long long)(net_stat(&n, KPPTP_A_NET_STATS_RX_NO_SESSION) -
						    net_stat(net0, KPPTP_A_NET_STATS_RX_NO_SESSION)));
}

int probe_gre(struct probe *p)
{
	struct gre_seen g = { 0 };
	struct kpptp_session_msg net0;
	uint32_t magic;
	uint64_t end, next_send;
	void *cbdata[2] = { p, &g };
	char who[INET_ADDRSTRLEN], what[PROBE_EVIDENCE_LEN];
	int fds[2], nfds = 0;

	probe_step_begin(p, "gre");
	open_netlink(p);
	probe_kernel_stats(p, false, &net0);
	if (attach_channel(p))
		return probe_fail(p, PV_LOCAL, "could not attach to the call's kernel session",
				  "see the evidence");
	magic = (uint32_t)getpid() * 2654435761u | 1;
	g.first_id = g.next_id = (uint8_t)(magic >> 8);
	fds[nfds++] = p->chan_fd;
	if (p->have_events)
		fds[nfds++] = kpptp_nl_fd(&p->events);
	end = probe_now() + p->o.gre_timeout_s * 1000ull;
	next_send = 0;
	while (probe_now() < end && !g.answers && !g.icmp) {
		uint64_t t = end;
		int r;

		if (probe_now() >= next_send) {
			if (send_conf_req(p, &g, magic))
				probe_evidence(p, "sending LCP through the session: %s", strerror(errno));
			next_send = probe_now() + 1000;
		}
		if (next_send < t)
			t = next_send;
		r = probe_wait(p, t, fds, nfds);
		if (r < 0)
			break;
		read_frames(p, &g);
		if (p->have_events && kpptp_nl_events(&p->events, icmp_cb, cbdata) < 0)
			probe_evidence(p, "%s", p->events.err);
	}
	probe_evidence(p, "sent %u LCP Configure-Requests in GRE to call ID %u; got %u answers "
		       "to them, %u Configure-Requests of the server's, %u other frames",
		       g.sent, p->ocrp.ocrp.call_id, g.answers, g.peer_requests, g.other_frames);
	kernel_evidence(p, &net0);
	if (g.answers) {
		probe_evidence(p, "GRE passes both ways (LCP Configure-%s from the server)",
			       g.answer_code == LCP_CONF_ACK ? "Ack" :
			       g.answer_code == LCP_CONF_NAK ? "Nak" : "Reject");
		probe_step_end(p, STEP_PASS);
		return 0;
	}
	if (g.icmp) {
		inet_ntop(AF_INET, &g.icmp_router, who, sizeof(who));
		probe_evidence(p, "ICMP %s (type %u code %u) from %s about our GRE",
			       kpptp_icmp_str(g.icmp_type, g.icmp_code), g.icmp_type, g.icmp_code, who);
		snprintf(what, sizeof(what), "GRE is rejected by %s%s (Windows error 619/806)", who,
			 g.icmp_router == p->server.sin_addr.s_addr ? ", the server itself" : "");
		return probe_fail(p, PV_GRE_REJECTED, what,
				  "allow IP protocol 47 (GRE) on the device that sent the ICMP error, "
				  "both ways, as well as TCP 1723");
	}
	if (p->closed)
		return probe_fail(p, PV_SERVER_ENDED,
				  "the server ended the control connection during the GRE test",
				  "look at the server's log");
	if (p->call_down)
		return probe_fail(p, PV_SERVER_ENDED, "the server cleared the call during the GRE test",
				  "look at the server's log: its PPP daemon may have failed to start");
	if (g.peer_requests)
		return probe_fail(p, PV_GRE_ONE_WAY,
				  "GRE passes one way only: the server's GRE arrives, ours gets no "
				  "answer (Windows error 619/806)",
				  "allow IP protocol 47 (GRE) from this side towards the server on every "
				  "firewall between");
	probe_evidence(p, "nothing came back in %u s while the control connection stayed up",
		       p->o.gre_timeout_s);
	return probe_fail(p, PV_GRE_DROPPED,
			  "GRE is dropped silently: the control connection works, no GRE comes "
			  "back (Windows error 619/806, or 650)",
			  "open IP protocol 47 (GRE) and TCP 1723 on every firewall between, or "
			  "enable a PPTP helper (nf_nat_pptp) on the NAT");
}

void probe_gre_close(struct probe *p)
{
	if (p->chan_fd >= 0)
		close(p->chan_fd);
	p->chan_fd = -1;
	/* The session is the socket's: closing it deletes it. */
	if (p->sock >= 0 && !p->pppd)
		close(p->sock);
	if (!p->pppd)
		p->sock = -1;
}
