// SPDX-License-Identifier: GPL-2.0
/*
 * A call's kernel session, over kpptp.ko's netlink family: the one place
 * kpptpd makes, deletes and reads sessions. Every session is made
 * "owned", so that it goes with kpptpd however kpptpd ends. kpptpctl
 * calls reads every call's counters with one stats dump, not one request
 * per call, and kpptp.ko's events find their call through an index by
 * session ID, not a walk of every call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <libmnl/libmnl.h>

#include "kpptpd.h"

#define INDEX_BUCKETS	4096u	/* a power of two; IDs are dense and ours */

static struct call *index_table[INDEX_BUCKETS];

static void index_add(struct call *call)
{
	struct call **head = &index_table[call->session_id & (INDEX_BUCKETS - 1)];

	call->session_next = *head;
	*head = call;
}

static void index_del(struct call *call)
{
	struct call **pp = &index_table[call->session_id & (INDEX_BUCKETS - 1)];

	for (; *pp; pp = &(*pp)->session_next)
		if (*pp == call) {
			*pp = call->session_next;
			return;
		}
}

/* handover.c: a restored call's session, owned by the inherited socket. */
void ksession_adopt(struct call *call)
{
	if (call->session_id)
		index_add(call);
}

struct call *ksession_call(uint32_t id)
{
	struct call *call = id ? index_table[id & (INDEX_BUCKETS - 1)] : NULL;

	while (call && call->session_id != id)
		call = call->session_next;
	return call;
}

/*
 * session-new, owned: the kernel picks our call ID (want_id 0, the server)
 * or takes the one the client announced in its Outgoing-Call-Request.
 */
int ksession_new(struct daemon *d, struct call *call, const struct conn *c,
		 const struct pptp_call *pc, uint16_t want_id, struct kpptp_session_msg *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = kpptp_nl_request(&d->nl, buf, KPPTP_CMD_SESSION_NEW, 0);

	mnl_attr_put_u32(nlh, KPPTP_A_LOCAL_ADDR, c->local.sin_addr.s_addr);
	mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, c->peer.sin_addr.s_addr);
	mnl_attr_put_u16(nlh, KPPTP_A_PEER_CALL_ID, pc->peer_id);
	if (want_id)
		mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID, want_id);
	if (pc->peer_window)
		mnl_attr_put_u16(nlh, KPPTP_A_PEER_RECV_WINDOW, pc->peer_window);
	mnl_attr_put(nlh, KPPTP_A_OWNED, 0, NULL);
	memset(m, 0, sizeof(*m));
	if (kpptp_nl_talk(&d->nl, nlh, kpptp_session_parse_cb, m))
		return -1;
	if (!m->has[KPPTP_A_LOCAL_CALL_ID] || !m->has[KPPTP_A_ID]) {
		snprintf(d->nl.err, sizeof(d->nl.err), "session-new: no call ID in the reply");
		return -1;
	}
	call->session_id = m->id;
	index_add(call);
	return 0;
}

void ksession_del(struct daemon *d, struct call *call)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t id = call->session_id;
	struct nlmsghdr *nlh;

	if (!id)
		return;
	index_del(call);
	call->session_id = 0;
	if (!d->have_nl)
		return;
	nlh = kpptp_nl_request(&d->nl, buf, KPPTP_CMD_SESSION_DEL, 0);
	mnl_attr_put_u32(nlh, KPPTP_A_ID, id);
	/* Gone already (its socket closed, or the module went): fine. */
	if (kpptp_nl_talk(&d->nl, nlh, NULL, NULL) && errno != ENOENT)
		logmsg(LOG_ERR, "session-del %u: %s", id, d->nl.err);
}

int ksession_stats(struct daemon *d, uint32_t id, struct kpptp_session_msg *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(m, 0, sizeof(*m));
	if (!id || !d->have_nl)
		return -1;
	nlh = kpptp_nl_request(&d->nl, buf, KPPTP_CMD_STATS_GET, 0);
	mnl_attr_put_u32(nlh, KPPTP_A_ID, id);
	return kpptp_nl_talk(&d->nl, nlh, kpptp_session_parse_cb, m) ? -1 : 0;
}

struct dump {
	struct ksession_counters *v;
	size_t n, cap;
	bool oom;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *x = data;
	struct kpptp_session_msg m;
	struct ksession_counters *k;

	if (kpptp_session_parse(nlh, &m) < 0)
		return -1;
	if (!m.has[KPPTP_A_ID] || !m.has_stats[KPPTP_A_STATS_RX_BYTES] || x->oom)
		return 1;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct ksession_counters *v = realloc(x->v, cap * sizeof(*v));

		if (!v) {
			x->oom = true;
			return 1;
		}
		x->v = v;
		x->cap = cap;
	}
	k = &x->v[x->n++];
	k->id = m.id;
	k->rx_bytes = m.stats[KPPTP_A_STATS_RX_BYTES];
	k->tx_bytes = m.stats[KPPTP_A_STATS_TX_BYTES];
	k->rx_packets = m.stats[KPPTP_A_STATS_RX_PACKETS];
	k->tx_packets = m.stats[KPPTP_A_STATS_TX_PACKETS];
	k->rx_lost = m.stats[KPPTP_A_STATS_RX_LOST];
	return 1;
}

static int by_id(const void *a, const void *b)
{
	const struct ksession_counters *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int ksessions_dump(struct daemon *d, struct ksession_counters **out, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump x = { 0 };
	struct nlmsghdr *nlh;

	*out = NULL;
	*n = 0;
	if (!d->have_nl)
		return -1;
	nlh = kpptp_nl_request(&d->nl, buf, KPPTP_CMD_STATS_GET, NLM_F_DUMP);
	if (kpptp_nl_talk(&d->nl, nlh, dump_cb, &x) || x.oom) {
		logmsg(LOG_WARNING, "stats dump: %s", x.oom ? "out of memory" : d->nl.err);
		free(x.v);
		return -1;
	}
	qsort(x.v, x.n, sizeof(*x.v), by_id);
	*out = x.v;
	*n = x.n;
	return 0;
}

const struct ksession_counters *ksessions_find(const struct ksession_counters *v, size_t n,
					       uint32_t id)
{
	struct ksession_counters key = { .id = id };

	if (!id || !n)
		return NULL;
	return bsearch(&key, v, n, sizeof(*v), by_id);
}
