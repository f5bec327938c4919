// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/kpptp: the sessions of this namespace, one line each, as
 * "name value" pairs so that scripts can pick any field by name.
 * /proc/net/kpptp_stats: packets that reached no session, by reason.
 *
 * As over netlink, a reader without CAP_NET_ADMIN in the namespace's user
 * namespace sees only the sessions of its own UID, and not the namespace
 * counters (0400: they tell about everyone's traffic).
 */
#include <linux/cred.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "kpptp.h"

static const char *const kpptp_state_names[] = {
	[KPPTP_S_BOUND] = "bound",
	[KPPTP_S_CONNECTED] = "connected",
	[KPPTP_S_DEAD] = "dead",
};

static void *kpptp_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct kpptp_net *kn = kpptp_pernet(seq_file_net(seq));

	mutex_lock(&kn->lock);
	return seq_list_start(&kn->sessions, *pos);
}

static void *kpptp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct kpptp_net *kn = kpptp_pernet(seq_file_net(seq));

	return seq_list_next(v, &kn->sessions, pos);
}

static void kpptp_seq_stop(struct seq_file *seq, void *v)
{
	struct kpptp_net *kn = kpptp_pernet(seq_file_net(seq));

	mutex_unlock(&kn->lock);
}

static int kpptp_seq_show(struct seq_file *seq, void *v)
{
	struct kpptp_session *s = list_entry(v, struct kpptp_session, list);
	struct kpptp_session_stats st;
	unsigned int i;

	if (!file_ns_capable(seq->file, seq_file_net(seq)->user_ns, CAP_NET_ADMIN) &&
	    !uid_eq(seq->file->f_cred->fsuid, s->uid))
		return 0;
	kpptp_session_stats_read(s, &st);
	seq_printf(seq, "call %u peer_call %u local %pI4 peer %pI4 state %s",
		   s->local_key.call_id, s->peer_key.call_id, &s->local_addr,
		   &s->peer_key.peer, kpptp_state_names[s->state]);
	seq_printf(seq, " fastpath %u fast_rx %lld fast_tx %lld fast_rx_nogro %lld",
		   kpptp_fp_state(s),
		   (long long)atomic64_read(&s->fp_rx_packets),
		   (long long)atomic64_read(&s->fp_tx_packets),
		   (long long)atomic64_read(&s->fp_rx_nogro));
	seq_printf(seq, " reorder_window %u reorder_timeout_ms %u reorder_hold_us %llu ack_delay_ms %u pmtu %u",
		   READ_ONCE(s->reorder_window),
		   READ_ONCE(s->reorder_timeout_ms),
		   div_u64(kpptp_rx_hold(s), NSEC_PER_USEC),
		   jiffies_to_msecs(READ_ONCE(s->ack_delay)),
		   READ_ONCE(s->pmtu));
	for (i = 0; i < KPPTP_RX_NSTATS; i++)
		seq_printf(seq, " %s %llu", kpptp_rx_stat_names[i], st.rx[i]);
	for (i = 0; i < KPPTP_TX_NSTATS; i++)
		seq_printf(seq, " %s %llu", kpptp_tx_stat_names[i], st.tx[i]);
	for (i = 0; i < KPPTP_EV_NSTATS; i++)
		seq_printf(seq, " %s %llu", kpptp_ev_stat_names[i], st.ev[i]);
	if (READ_ONCE(s->icmp_router)) {
		__be32 router = READ_ONCE(s->icmp_router);

		seq_printf(seq, " icmp_router %pI4 icmp_type %u icmp_code %u",
			   &router, READ_ONCE(s->icmp_type),
			   READ_ONCE(s->icmp_code));
	}
	seq_putc(seq, '\n');
	return 0;
}

static const struct seq_operations kpptp_seq_ops = {
	.start = kpptp_seq_start,
	.next = kpptp_seq_next,
	.stop = kpptp_seq_stop,
	.show = kpptp_seq_show,
};

static int kpptp_stats_show(struct seq_file *seq, void *v)
{
	struct kpptp_net *kn = kpptp_pernet(seq_file_single_net(seq));
	unsigned int i;

	for (i = 0; i < KPPTP_NET_NSTATS; i++)
		seq_printf(seq, "%s %lu\n", kpptp_net_stat_names[i],
			   atomic_long_read(&kn->stats[i]));
	seq_printf(seq, "sessions %u\n", READ_ONCE(kn->nsessions));
	return 0;
}

int kpptp_proc_init(struct net *net)
{
	if (!proc_create_net("kpptp", 0444, net->proc_net, &kpptp_seq_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	if (!proc_create_net_single("kpptp_stats", 0400, net->proc_net,
				    kpptp_stats_show, NULL)) {
		remove_proc_entry("kpptp", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void kpptp_proc_exit(struct net *net)
{
	remove_proc_entry("kpptp_stats", net->proc_net);
	remove_proc_entry("kpptp", net->proc_net);
}
