// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client of the "kpptp" family, on libmnl.
 *
 * Errors carry the kernel's extended ack: its message, and the name of the
 * attribute it points at (by offset into our request) or says is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kpptp/nl.h"
#include "attr.h"

#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE 5
#endif

static const char *const attr_names[KPPTP_A_MAX + 1] = {
	[KPPTP_A_PAD] = "pad",
	[KPPTP_A_LOCAL_CALL_ID] = "local-call-id",
	[KPPTP_A_PEER_CALL_ID] = "peer-call-id",
	[KPPTP_A_LOCAL_ADDR] = "local-addr",
	[KPPTP_A_PEER_ADDR] = "peer-addr",
	[KPPTP_A_OWNED] = "owned",
	[KPPTP_A_ORIGIN] = "origin",
	[KPPTP_A_STATE] = "state",
	[KPPTP_A_CHANNEL] = "channel",
	[KPPTP_A_REORDER_WINDOW] = "reorder-window",
	[KPPTP_A_REORDER_TIMEOUT] = "reorder-timeout",
	[KPPTP_A_ACK_DELAY] = "ack-delay",
	[KPPTP_A_PEER_RECV_WINDOW] = "peer-recv-window",
	[KPPTP_A_COOKIE] = "cookie",
	[KPPTP_A_STALL_TIMEOUT] = "stall-timeout",
	[KPPTP_A_ANOMALY_THRESHOLD] = "anomaly-threshold",
	[KPPTP_A_FASTPATH] = "fastpath",
	[KPPTP_A_PMTU] = "pmtu",
	[KPPTP_A_UID] = "uid",
	[KPPTP_A_STATS] = "stats",
	[KPPTP_A_NET_STATS] = "net-stats",
	[KPPTP_A_DOWN_REASON] = "down-reason",
	[KPPTP_A_ICMP_TYPE] = "icmp-type",
	[KPPTP_A_ICMP_CODE] = "icmp-code",
	[KPPTP_A_ICMP_ROUTER] = "icmp-router",
	[KPPTP_A_RX_IDLE] = "rx-idle",
	[KPPTP_A_ANOMALIES] = "anomalies",
	[KPPTP_A_ID] = "id",
};

static const char *const stat_names[KPPTP_A_STATS_MAX + 1] = {
	[KPPTP_A_STATS_RX_PACKETS] = "rx-packets",
	[KPPTP_A_STATS_RX_BYTES] = "rx-bytes",
	[KPPTP_A_STATS_RX_ACKS] = "rx-acks",
	[KPPTP_A_STATS_RX_ACK_ONLY] = "rx-ack-only",
	[KPPTP_A_STATS_RX_OUT_OF_ORDER] = "rx-out-of-order",
	[KPPTP_A_STATS_RX_REORDERED] = "rx-reordered",
	[KPPTP_A_STATS_RX_LOST] = "rx-lost",
	[KPPTP_A_STATS_RX_LATE] = "rx-late",
	[KPPTP_A_STATS_RX_LATE_LCP] = "rx-late-lcp",
	[KPPTP_A_STATS_RX_BAD_LENGTH] = "rx-bad-length",
	[KPPTP_A_STATS_RX_NO_PAYLOAD] = "rx-no-payload",
	[KPPTP_A_STATS_RX_NO_CHANNEL] = "rx-no-channel",
	[KPPTP_A_STATS_RX_REORDER_OVERFLOW] = "rx-reorder-overflow",
	[KPPTP_A_STATS_TX_PACKETS] = "tx-packets",
	[KPPTP_A_STATS_TX_BYTES] = "tx-bytes",
	[KPPTP_A_STATS_TX_ACKS_PIGGYBACKED] = "tx-acks-piggybacked",
	[KPPTP_A_STATS_TX_DROP_DEAD] = "tx-drop-dead",
	[KPPTP_A_STATS_TX_DROP_NO_ROUTE] = "tx-drop-no-route",
	[KPPTP_A_STATS_TX_DROP_NOMEM] = "tx-drop-nomem",
	[KPPTP_A_STATS_TX_DROP_SHORT] = "tx-drop-short",
	[KPPTP_A_STATS_TX_DROP_TOO_BIG] = "tx-drop-too-big",
	[KPPTP_A_STATS_TX_HEADROOM_REALLOC] = "tx-headroom-realloc",
	[KPPTP_A_STATS_TX_ERRORS] = "tx-errors",
	[KPPTP_A_STATS_TX_OVER_WINDOW] = "tx-over-window",
	[KPPTP_A_STATS_TX_ACK_ONLY] = "tx-ack-only",
	[KPPTP_A_STATS_TX_ACK_ONLY_FAIL] = "tx-ack-only-fail",
	[KPPTP_A_STATS_ICMP_UNREACHABLE] = "icmp-unreachable",
	[KPPTP_A_STATS_ICMP_FRAG_NEEDED] = "icmp-frag-needed",
	[KPPTP_A_STATS_ICMP_TIME_EXCEEDED] = "icmp-time-exceeded",
	[KPPTP_A_STATS_ICMP_OTHER] = "icmp-other",
};

static const char *const net_stat_names[KPPTP_A_NET_STATS_MAX + 1] = {
	[KPPTP_A_NET_STATS_RX_NOT_HOST] = "rx-not-host",
	[KPPTP_A_NET_STATS_RX_TRUNCATED] = "rx-truncated",
	[KPPTP_A_NET_STATS_RX_BAD_PROTOCOL] = "rx-bad-protocol",
	[KPPTP_A_NET_STATS_RX_BAD_FLAGS] = "rx-bad-flags",
	[KPPTP_A_NET_STATS_RX_NO_KEY] = "rx-no-key",
	[KPPTP_A_NET_STATS_RX_NO_SEQ_NO_ACK] = "rx-no-seq-no-ack",
	[KPPTP_A_NET_STATS_RX_NO_SESSION] = "rx-no-session",
	[KPPTP_A_NET_STATS_ICMP_NO_SESSION] = "icmp-no-session",
	[KPPTP_A_NET_STATS_SESSIONS] = "sessions",
};

static const char *const cmd_names[KPPTP_CMD_MAX + 1] = {
	[KPPTP_CMD_SESSION_NEW] = "session-new",
	[KPPTP_CMD_SESSION_DEL] = "session-del",
	[KPPTP_CMD_SESSION_GET] = "session-get",
	[KPPTP_CMD_SESSION_SET] = "session-set",
	[KPPTP_CMD_STATS_GET] = "stats-get",
	[KPPTP_CMD_SESSION_UP_NTF] = "session-up",
	[KPPTP_CMD_SESSION_DOWN_NTF] = "session-down",
	[KPPTP_CMD_ICMP_ERROR_NTF] = "icmp-error",
	[KPPTP_CMD_RX_STALL_NTF] = "rx-stall",
	[KPPTP_CMD_SEQ_ANOMALY_NTF] = "seq-anomaly",
};

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] : "?")

const char *kpptp_attr_name(unsigned int type) { return NAME(attr_names, type); }
const char *kpptp_stat_name(unsigned int type) { return NAME(stat_names, type); }
const char *kpptp_net_stat_name(unsigned int type) { return NAME(net_stat_names, type); }
const char *kpptp_cmd_name(unsigned int cmd) { return NAME(cmd_names, cmd); }

/* h->err = what + detail; errno = e; returns -1. */
static int set_err(struct kpptp_nl *h, int e, const char *what, const char *detail)
{
	snprintf(h->err, sizeof(h->err), "%s%s", what, detail);
	errno = e;
	return -1;
}

struct family_info {
	uint16_t id;
	uint32_t events;
};

static int mcgrp_cb(const struct nlattr *grp, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, KPPTP_GENL_MCGRP_EVENTS))
		fi->events = id;
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *g;

	switch (mnl_attr_get_type(a)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			fi->id = mnl_attr_get_u16(a);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested(g, a)
			mcgrp_cb(g, fi);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
}

/* A generic netlink request header, asking for an ack. */
static struct nlmsghdr *put_genl_header(struct kpptp_nl *h, void *buf,
					uint16_t type, uint8_t cmd,
					uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++h->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

int kpptp_nl_open(struct kpptp_nl *h)
{
	int one = 1;

	memset(h, 0, sizeof(*h));
	h->seq = (uint32_t)time(NULL);
	h->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!h->sock)
		return set_err(h, errno, "netlink socket: ", strerror(errno));
	if (mnl_socket_bind(h->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		kpptp_nl_close(h);
		return set_err(h, e, "netlink bind: ", strerror(e));
	}
	/* Ask for the kernel's error messages; failure only loses detail. */
	(void)mnl_socket_setsockopt(h->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

int kpptp_nl_adopt(struct kpptp_nl *h, int fd)
{
	int one = 1;

	memset(h, 0, sizeof(*h));
	h->seq = (uint32_t)time(NULL);
	h->sock = mnl_socket_fdopen(fd);
	if (!h->sock)
		return set_err(h, errno, "netlink socket: ", strerror(errno));
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)mnl_socket_setsockopt(h->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (kpptp_nl_resolve(h)) {
		/* The socket stays ours (its sessions): only the family is unknown. */
		return -1;
	}
	return 0;
}

int kpptp_nl_resolve(struct kpptp_nl *h)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family_info fi = { 0 };
	struct nlmsghdr *nlh;

	if (h->family)
		return 0;
	nlh = put_genl_header(h, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KPPTP_GENL_NAME);
	if (kpptp_nl_talk(h, nlh, family_cb, &fi) < 0) {
		if (errno != ENOENT)
			return -1;
		fi.id = 0;
	}
	if (!fi.id) {
		h->no_module = true;
		return set_err(h, ENOENT,
			       "the kpptp module is not loaded (no \"kpptp\" netlink family)", "");
	}
	h->family = fi.id;
	h->events_group = fi.events;
	return 0;
}

void kpptp_nl_close(struct kpptp_nl *h)
{
	if (h->sock)
		mnl_socket_close(h->sock);
	h->sock = NULL;
}

struct nlmsghdr *kpptp_nl_request(struct kpptp_nl *h, void *buf, uint8_t cmd,
				  uint16_t flags)
{
	return put_genl_header(h, buf, h->family, cmd, KPPTP_GENL_VERSION, flags);
}

/* An attribute's name, or its number when it has none ("#99"). */
static const char *attr_label(unsigned int type, char *buf, size_t size)
{
	const char *n = kpptp_attr_name(type);

	if (strcmp(n, "?"))
		return n;
	snprintf(buf, size, "#%u", type);
	return buf;
}

/* The attribute of our request at offset off (from the nlmsghdr), named. */
static const char *attr_at(const struct nlmsghdr *req, uint32_t off, char *buf,
			   size_t size)
{
	const struct nlattr *a;

	if (off < NLMSG_HDRLEN + sizeof(struct genlmsghdr) ||
	    off + sizeof(*a) > req->nlmsg_len)
		return NULL;
	a = (const struct nlattr *)((const char *)req + off);
	return attr_label(a->nla_type & NLA_TYPE_MASK, buf, size);
}

/* An NLMSG_ERROR: 0 for the ack (error 0), else -1 with errno and h->err. */
/* What the kernel's extended ack says, the attributes named. */
struct ext_ack {
	const struct nlmsghdr *req;
	const char *msg, *bad, *miss;
	char bad_buf[16], miss_buf[16];
};

static int ext_ack_cb(const struct nlattr *a, void *data)
{
	struct ext_ack *x = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			x->msg = mnl_attr_get_str(a);
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			x->bad = attr_at(x->req, mnl_attr_get_u32(a), x->bad_buf,
					 sizeof(x->bad_buf));
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			x->miss = attr_label(mnl_attr_get_u32(a), x->miss_buf,
					     sizeof(x->miss_buf));
		break;
	}
	return MNL_CB_OK;
}

static int decode_error(struct kpptp_nl *h, const struct nlmsghdr *nlh,
			const struct nlmsghdr *req)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct ext_ack x = { .req = req };
	size_t off;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return set_err(h, EBADMSG, "truncated netlink error", "");
	if (!e->error)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* The TLVs follow our request, or only its header if capped. */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		/* A malformed tail loses detail only: keep what was read. */
		if (MNL_ALIGN(off) < mnl_nlmsg_get_payload_len(nlh))
			(void)kpptp_attr_walk((const struct nlattr *)
					      ((const char *)e + MNL_ALIGN(off)),
					      (const char *)nlh + nlh->nlmsg_len,
					      ext_ack_cb, &x);
	}
	if (!x.msg)
		x.msg = strerror(-e->error);
	/* Name the attribute, unless the kernel's message already does. */
	if (x.bad && !strstr(x.msg, x.bad))
		snprintf(h->err, sizeof(h->err), "%s (attribute %s)", x.msg, x.bad);
	else if (x.miss && !strstr(x.msg, x.miss))
		snprintf(h->err, sizeof(h->err), "%s (attribute %s missing)", x.msg,
			 x.miss);
	else
		snprintf(h->err, sizeof(h->err), "%s", x.msg);
	errno = -e->error;
	return -1;
}

/*
 * A dump ends with NLMSG_DONE and no separate ack, even with NLM_F_ACK; its
 * payload is the dump's status (an int), possibly followed by extack TLVs.
 */
static int done_status(struct kpptp_nl *h, const struct nlmsghdr *nlh)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (!err)
		return 0;
	return set_err(h, -err, "dump failed: ", strerror(-err));
}

int kpptp_nl_talk(struct kpptp_nl *h, struct nlmsghdr *req, kpptp_nl_cb cb,
		  void *data)
{
	char buf[32768];	/* a dump part: the kernel sends up to 32 KiB */
	uint32_t portid = mnl_socket_get_portid(h->sock);
	ssize_t n;

	/* Requests are built before the family is known: resolve it now. */
	if (req->nlmsg_type != GENL_ID_CTRL && !h->family) {
		if (kpptp_nl_resolve(h) < 0)
			return -1;
		req->nlmsg_type = h->family;
	}
	if (mnl_socket_sendto(h->sock, req, req->nlmsg_len) < 0)
		return set_err(h, errno, "netlink send: ", strerror(errno));
	for (;;) {
		const struct nlmsghdr *nlh;
		int len;

		n = mnl_socket_recvfrom(h->sock, buf, sizeof(buf));
		if (n < 0)
			return set_err(h, errno, "netlink receive: ", strerror(errno));
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; kpptp_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq || nlh->nlmsg_pid != portid)
				continue;	/* not ours: an event or a stale reply */
			if (nlh->nlmsg_type == NLMSG_ERROR)	/* or the ack */
				return decode_error(h, nlh, req);
			if (nlh->nlmsg_type == NLMSG_DONE)
				return done_status(h, nlh);
			if (cb && cb(nlh, data) < 0)
				return set_err(h, EBADMSG, "malformed reply from the kernel", "");
		}
	}
}

int kpptp_nl_subscribe(struct kpptp_nl *h)
{
	int grp, rcvbuf = 4 << 20;

	if (kpptp_nl_resolve(h) < 0)
		return -1;
	grp = (int)h->events_group;
	if (!grp)
		return set_err(h, ENOENT, "the kpptp family has no events group", "");
	if (mnl_socket_setsockopt(h->sock, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return set_err(h, errno, "cannot listen to kpptp events (needs CAP_NET_ADMIN): ",
			       strerror(errno));
	/*
	 * A burst (an owner's hundreds of sessions closed at once, each with
	 * its session-down) must fit: 4 MiB, past rmem_max where we may
	 * (CAP_NET_ADMIN), else as much as rmem_max allows. An overflow is
	 * still reported (ENOBUFS), never silent.
	 */
	if (setsockopt(kpptp_nl_fd(h), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) &&
	    setsockopt(kpptp_nl_fd(h), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		return set_err(h, errno, "events socket receive buffer: ", strerror(errno));
	return 0;
}

int kpptp_nl_fd(const struct kpptp_nl *h)
{
	return mnl_socket_get_fd(h->sock);
}

/* One datagram of events: cb per message of our family. */
static int events_batch(struct kpptp_nl *h, int flags, kpptp_nl_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len, r;

	n = recv(mnl_socket_get_fd(h->sock), buf, sizeof(buf), flags);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == ENOBUFS)
			return set_err(h, ENOBUFS, "kpptp events were lost: ",
				       "the socket's receive buffer overflowed");
		return set_err(h, errno, "netlink receive: ", strerror(errno));
	}
	len = (int)n;
	for (nlh = (const struct nlmsghdr *)buf; kpptp_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != h->family)
			continue;
		r = cb(nlh, data);
		if (r <= 0)
			return r < 0 ? -1 : 0;
	}
	return 1;
}

int kpptp_nl_events(struct kpptp_nl *h, kpptp_nl_cb cb, void *data)
{
	/* Bounded: a flood of events cannot hold the caller's loop. */
	for (int i = 0; i < 64; i++) {
		int r = events_batch(h, MSG_DONTWAIT, cb, data);

		if (r <= 0)
			return r;
	}
	return 0;
}

int kpptp_nl_monitor(struct kpptp_nl *h, kpptp_nl_cb cb, void *data)
{
	int r;

	if (kpptp_nl_subscribe(h) < 0)
		return -1;
	do
		r = events_batch(h, 0, cb, data);
	while (r > 0);
	return r;
}
