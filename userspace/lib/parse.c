// SPDX-License-Identifier: GPL-2.0
/*
 * The one decoder of kpptp messages: every attribute is checked for its
 * type and size before it is read; unknown attributes are skipped (a newer
 * kernel may add some), malformed ones fail the whole message.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "kpptp/nl.h"
#include "attr.h"

static const enum mnl_attr_data_type attr_types[KPPTP_A_MAX + 1] = {
	[KPPTP_A_LOCAL_CALL_ID] = MNL_TYPE_U16,
	[KPPTP_A_PEER_CALL_ID] = MNL_TYPE_U16,
	[KPPTP_A_LOCAL_ADDR] = MNL_TYPE_U32,
	[KPPTP_A_PEER_ADDR] = MNL_TYPE_U32,
	[KPPTP_A_OWNED] = MNL_TYPE_FLAG,
	[KPPTP_A_ORIGIN] = MNL_TYPE_U8,
	[KPPTP_A_STATE] = MNL_TYPE_U8,
	[KPPTP_A_CHANNEL] = MNL_TYPE_U32,
	[KPPTP_A_REORDER_WINDOW] = MNL_TYPE_U32,
	[KPPTP_A_REORDER_TIMEOUT] = MNL_TYPE_U32,
	[KPPTP_A_ACK_DELAY] = MNL_TYPE_U32,
	[KPPTP_A_PEER_RECV_WINDOW] = MNL_TYPE_U16,
	[KPPTP_A_COOKIE] = MNL_TYPE_U64,
	[KPPTP_A_STALL_TIMEOUT] = MNL_TYPE_U32,
	[KPPTP_A_ANOMALY_THRESHOLD] = MNL_TYPE_U32,
	[KPPTP_A_FASTPATH] = MNL_TYPE_U8,
	[KPPTP_A_PMTU] = MNL_TYPE_U32,
	[KPPTP_A_UID] = MNL_TYPE_U32,
	[KPPTP_A_STATS] = MNL_TYPE_NESTED,
	[KPPTP_A_NET_STATS] = MNL_TYPE_NESTED,
	[KPPTP_A_DOWN_REASON] = MNL_TYPE_U8,
	[KPPTP_A_ICMP_TYPE] = MNL_TYPE_U8,
	[KPPTP_A_ICMP_CODE] = MNL_TYPE_U8,
	[KPPTP_A_ICMP_ROUTER] = MNL_TYPE_U32,
	[KPPTP_A_RX_IDLE] = MNL_TYPE_U32,
	[KPPTP_A_ANOMALIES] = MNL_TYPE_U32,
	[KPPTP_A_ID] = MNL_TYPE_U32,
};

struct nest_ctx {
	uint64_t *val;
	bool *has;
	unsigned int max, pad;
};

/*
 * mnl_attr_parse() stops quietly at an attribute that overruns the
 * message; we want such a message refused, so walk the attributes here
 * and check they end exactly where the payload does.
 */
int kpptp_attr_walk(const struct nlattr *first, const void *tail,
		    mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *a = first;
	int ret;

	while (mnl_attr_ok(a, (int)((const char *)tail - (const char *)a))) {
		ret = cb(a, data);
		if (ret != MNL_CB_OK)
			return MNL_CB_ERROR;
		a = mnl_attr_next(a);
	}
	return (const char *)a >= (const char *)tail ? MNL_CB_OK : MNL_CB_ERROR;
}

static int nest_cb(const struct nlattr *a, void *data)
{
	struct nest_ctx *c = data;
	unsigned int t = mnl_attr_get_type(a);

	if (t == c->pad || t > c->max)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	c->val[t] = mnl_attr_get_u64(a);
	c->has[t] = true;
	return MNL_CB_OK;
}

/* A nest of u64 counters (stats, net-stats) into val/has. */
static int parse_counters(const struct nlattr *nest, uint64_t *val, bool *has,
			  unsigned int max, unsigned int pad)
{
	struct nest_ctx c = { val, has, max, pad };

	return kpptp_attr_walk(mnl_attr_get_payload(nest),
			       (const char *)nest + nest->nla_len, nest_cb, &c);
}

static int attr_cb(const struct nlattr *a, void *data)
{
	struct kpptp_session_msg *m = data;
	unsigned int t = mnl_attr_get_type(a);

	if (t > KPPTP_A_MAX || !attr_types[t])
		return MNL_CB_OK;
	if (mnl_attr_validate(a, attr_types[t]) < 0)
		return MNL_CB_ERROR;
	m->has[t] = true;
	switch (t) {
	case KPPTP_A_LOCAL_CALL_ID: m->local_call_id = mnl_attr_get_u16(a); break;
	case KPPTP_A_PEER_CALL_ID: m->peer_call_id = mnl_attr_get_u16(a); break;
	case KPPTP_A_LOCAL_ADDR: m->local_addr = mnl_attr_get_u32(a); break;
	case KPPTP_A_PEER_ADDR: m->peer_addr = mnl_attr_get_u32(a); break;
	case KPPTP_A_OWNED: m->owned = true; break;
	case KPPTP_A_ORIGIN: m->origin = mnl_attr_get_u8(a); break;
	case KPPTP_A_STATE: m->state = mnl_attr_get_u8(a); break;
	case KPPTP_A_CHANNEL: m->channel = mnl_attr_get_u32(a); break;
	case KPPTP_A_REORDER_WINDOW: m->reorder_window = mnl_attr_get_u32(a); break;
	case KPPTP_A_REORDER_TIMEOUT: m->reorder_timeout = mnl_attr_get_u32(a); break;
	case KPPTP_A_ACK_DELAY: m->ack_delay = mnl_attr_get_u32(a); break;
	case KPPTP_A_PEER_RECV_WINDOW: m->peer_recv_window = mnl_attr_get_u16(a); break;
	case KPPTP_A_COOKIE: m->cookie = mnl_attr_get_u64(a); break;
	case KPPTP_A_STALL_TIMEOUT: m->stall_timeout = mnl_attr_get_u32(a); break;
	case KPPTP_A_ANOMALY_THRESHOLD: m->anomaly_threshold = mnl_attr_get_u32(a); break;
	case KPPTP_A_FASTPATH: m->fastpath = mnl_attr_get_u8(a); break;
	case KPPTP_A_PMTU: m->pmtu = mnl_attr_get_u32(a); break;
	case KPPTP_A_UID: m->uid = mnl_attr_get_u32(a); break;
	case KPPTP_A_DOWN_REASON: m->down_reason = mnl_attr_get_u8(a); break;
	case KPPTP_A_ICMP_TYPE: m->icmp_type = mnl_attr_get_u8(a); break;
	case KPPTP_A_ICMP_CODE: m->icmp_code = mnl_attr_get_u8(a); break;
	case KPPTP_A_ICMP_ROUTER: m->icmp_router = mnl_attr_get_u32(a); break;
	case KPPTP_A_RX_IDLE: m->rx_idle = mnl_attr_get_u32(a); break;
	case KPPTP_A_ANOMALIES: m->anomalies = mnl_attr_get_u32(a); break;
	case KPPTP_A_ID: m->id = mnl_attr_get_u32(a); break;
	case KPPTP_A_STATS:
		return parse_counters(a, m->stats, m->has_stats, KPPTP_A_STATS_MAX,
				      KPPTP_A_STATS_PAD);
	case KPPTP_A_NET_STATS:
		return parse_counters(a, m->net_stats, m->has_net_stats,
				      KPPTP_A_NET_STATS_MAX, KPPTP_A_NET_STATS_PAD);
	}
	return MNL_CB_OK;
}

bool kpptp_nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

int kpptp_session_parse(const struct nlmsghdr *nlh, struct kpptp_session_msg *m)
{
	const struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g)) {
		errno = EBADMSG;
		return -1;
	}
	g = mnl_nlmsg_get_payload(nlh);
	m->cmd = g->cmd;
	if (kpptp_attr_walk(mnl_nlmsg_get_payload_offset(nlh, sizeof(*g)),
			(const char *)nlh + nlh->nlmsg_len, attr_cb, m) != MNL_CB_OK) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int kpptp_session_parse_cb(const struct nlmsghdr *nlh, void *m)
{
	return kpptp_session_parse(nlh, m) < 0 ? -1 : 1;
}
