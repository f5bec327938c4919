// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp: PPTP (RFC 2637) enhanced-GRE data path. Module init and exit only.
 */

#include <linux/if_pppox.h>
#include <linux/kpptp.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/gre.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kpptp.h"
#include "netlink.h"

unsigned int kpptp_net_id __read_mostly;
struct workqueue_struct *kpptp_wq;

/*
 * Defaults of the per-session tunables, copied into each new session.
 * Writable at runtime; a value out of range is refused, at load time too,
 * rather than silently replaced.
 */
static int kpptp_param_set(const char *val, const struct kernel_param *kp)
{
	struct kpptp_uint_param *p = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < p->min || v > p->max) {
		pr_err("parameter %s must be %u..%u, not %u\n",
		       kp->name, p->min, p->max, v);
		return -ERANGE;
	}
	WRITE_ONCE(p->val, v);
	return 0;
}

static int kpptp_param_get(char *buf, const struct kernel_param *kp)
{
	const struct kpptp_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(p->val));
}

static const struct kernel_param_ops kpptp_param_ops = {
	.set = kpptp_param_set,
	.get = kpptp_param_get,
};

/*
 * On by default: two CPUs of the sender (or of the receiver's input
 * backlogs) reorder one session's packets, and dropping every packet
 * behind a later one turned that into loss (523 packets in 10 s in make
 * demo). The hold adapts to the reordering seen (reorder.h), so a real
 * loss costs about a millisecond, not a fixed timeout: with the old fixed
 * 100 ms hold, TCP throughput halved at 2 % loss (performance.rst).
 */
struct kpptp_uint_param kpptp_default_reorder_window = {
	.val = 64, .min = 0, .max = KPPTP_REORDER_WINDOW_MAX,
};
module_param_cb(reorder_window, &kpptp_param_ops,
		&kpptp_default_reorder_window, 0644);
MODULE_PARM_DESC(reorder_window,
		 "packets held per session to undo reordering, 0..256, 0 = off (default 64)");

struct kpptp_uint_param kpptp_default_reorder_timeout_ms = {
	.val = 20, .min = 1, .max = KPPTP_TIMEOUT_MAX_MS,
};
module_param_cb(reorder_timeout_ms, &kpptp_param_ops,
		&kpptp_default_reorder_timeout_ms, 0644);
MODULE_PARM_DESC(reorder_timeout_ms,
		 "the longest a gap in the sequence is waited for; the wait adapts below it to the reordering seen, 1..10000 ms (default 20)");

struct kpptp_uint_param kpptp_default_ack_delay_ms = {
	.val = 20, .min = 1, .max = KPPTP_TIMEOUT_MAX_MS,
};
module_param_cb(ack_delay_ms, &kpptp_param_ops,
		&kpptp_default_ack_delay_ms, 0644);
MODULE_PARM_DESC(ack_delay_ms,
		 "delay before an ack goes out alone when no data carries it, 1..10000 ms (default 20)");

/*
 * Off by default until its tests have run on every supported kernel: a
 * session's pppd may ask for the fast path only when this is on.
 */
module_param_named(fastpath, kpptp_fastpath_allowed, bool, 0644);
MODULE_PARM_DESC(fastpath,
		 "let pppd's kpptp.so turn on the receive fast path (GRO on pppN) of its sessions (default 0)");

static const struct gre_protocol kpptp_gre_protocol = {
	.handler     = kpptp_gre_rcv,
	.err_handler = kpptp_gre_err,
};

static int __net_init kpptp_net_init(struct net *net)
{
	struct kpptp_net *kn = kpptp_pernet(net);
	int err;

	err = kpptp_net_init_tables(kn);
	if (err)
		return err;
	err = kpptp_proc_init(net);
	if (err)
		kpptp_net_destroy_tables(kn);
	return err;
}

/*
 * A subsystem, not a device, for the namespace's lifetime: the exit of
 * pernet subsystems runs after every device of the namespace is gone
 * (unregister_netdevice_many waits for in-flight packets), so no GRE or
 * ICMP can still look up the tables destroyed here. As a device (exit
 * before the devices), a packet arriving meanwhile used freed tables.
 */
static void __net_exit kpptp_net_exit(struct net *net)
{
	kpptp_net_close_all(kpptp_pernet(net));
	kpptp_fp_net_exit(kpptp_pernet(net));
	kpptp_proc_exit(net);
	kpptp_net_destroy_tables(kpptp_pernet(net));
}

static struct pernet_operations kpptp_net_ops = {
	.init = kpptp_net_init,
	.exit = kpptp_net_exit,
	.id   = &kpptp_net_id,
	.size = sizeof(struct kpptp_net),
};

static int __init kpptp_init(void)
{
	int err;

	err = kpptp_session_cache_init();
	if (err)
		return err;

	kpptp_wq = alloc_workqueue("kpptp", WQ_UNBOUND, 0);
	if (!kpptp_wq) {
		err = -ENOMEM;
		goto err_cache;
	}

	err = register_pernet_subsys(&kpptp_net_ops);
	if (err)
		goto err_wq;

	/* After the namespaces' state: its notifier reads it. */
	err = kpptp_fp_init();
	if (err)
		goto err_pernet;

	err = kpptp_pppox_init();
	if (err)
		goto err_fp;

	err = kpptp_nl_init();
	if (err)
		goto err_pppox;

	/* Last: packets start arriving as soon as this succeeds. */
	err = gre_add_protocol(&kpptp_gre_protocol, GREPROTO_PPTP);
	if (err) {
		pr_err("the GRE version 1 (PPTP) handler is taken by another module (the in-tree pptp?): run 'rmmod pptp' and add 'blacklist pptp' to /etc/modprobe.d/kpptp.conf\n");
		goto err_nl;
	}

	pr_info("PPTP data path " KPPTP_VERSION " loaded\n");
	return 0;

err_nl:
	kpptp_nl_exit();
err_pppox:
	kpptp_pppox_exit();
err_fp:
	kpptp_fp_stop();
	kpptp_fp_exit();
err_pernet:
	unregister_pernet_subsys(&kpptp_net_ops);
err_wq:
	destroy_workqueue(kpptp_wq);
err_cache:
	kpptp_session_cache_exit();
	return err;
}

static void __exit kpptp_exit(void)
{
	gre_del_protocol(&kpptp_gre_protocol, GREPROTO_PPTP);
	kpptp_nl_exit();
	kpptp_pppox_exit();
	kpptp_fp_stop();
	/* No session is left (each pins the module); this flushes kpptp_wq. */
	unregister_pernet_subsys(&kpptp_net_ops);
	/*
	 * Sessions die in three steps: call_rcu queues the teardown work,
	 * the work runs, and the work's last put frees by call_rcu again.
	 */
	rcu_barrier();
	destroy_workqueue(kpptp_wq);	/* the fast paths' free work too */
	rcu_barrier();
	kpptp_fp_exit();
	kpptp_session_cache_exit();
}

module_init(kpptp_init);
module_exit(kpptp_exit);

MODULE_DESCRIPTION("PPTP (RFC 2637) GRE data path with reordering, acks and counters");
MODULE_AUTHOR("kpptp developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KPPTP_VERSION);
MODULE_ALIAS_NET_PF_PROTO(PF_PPPOX, PX_PROTO_PPTP);
/* kpptpd asks for the netlink family first: that loads the module too. */
MODULE_ALIAS_GENL_FAMILY(KPPTP_GENL_NAME);
