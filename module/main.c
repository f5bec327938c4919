// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp: PPTP (RFC 2637) enhanced-GRE data path. Module init and exit only.
 */

#include <linux/if_pppox.h>
#include <linux/kpptp.h>
#include <linux/module.h>
#include <net/gre.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kpptp.h"

unsigned int kpptp_net_id __read_mostly;
struct workqueue_struct *kpptp_wq;

unsigned int kpptp_default_reorder_window = 16;
module_param_named(reorder_window, kpptp_default_reorder_window, uint, 0644);
MODULE_PARM_DESC(reorder_window,
		 "packets held per session to undo reordering, 0 = off (default 16)");

unsigned int kpptp_default_reorder_timeout_ms = 100;
module_param_named(reorder_timeout_ms, kpptp_default_reorder_timeout_ms,
		   uint, 0644);
MODULE_PARM_DESC(reorder_timeout_ms,
		 "how long a gap in the sequence is waited for (default 100)");

unsigned int kpptp_default_ack_delay_ms = 20;
module_param_named(ack_delay_ms, kpptp_default_ack_delay_ms, uint, 0644);
MODULE_PARM_DESC(ack_delay_ms,
		 "delay before an ack goes out alone when no data carries it (default 20)");

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

static void __net_exit kpptp_net_exit(struct net *net)
{
	kpptp_proc_exit(net);
	kpptp_net_destroy_tables(kpptp_pernet(net));
}

static struct pernet_operations kpptp_net_ops = {
	.init = kpptp_net_init,
	.exit = kpptp_net_exit,
	.id   = &kpptp_net_id,
	.size = sizeof(struct kpptp_net),
};

static void kpptp_check_params(void)
{
	if (kpptp_default_reorder_window > KPPTP_REORDER_WINDOW_MAX) {
		pr_warn("reorder_window %u is above %u: using %u\n",
			kpptp_default_reorder_window, KPPTP_REORDER_WINDOW_MAX,
			KPPTP_REORDER_WINDOW_MAX);
		kpptp_default_reorder_window = KPPTP_REORDER_WINDOW_MAX;
	}
	if (!kpptp_default_reorder_timeout_ms ||
	    kpptp_default_reorder_timeout_ms > KPPTP_TIMEOUT_MAX_MS) {
		pr_warn("reorder_timeout_ms must be 1..%u: using 100\n",
			KPPTP_TIMEOUT_MAX_MS);
		kpptp_default_reorder_timeout_ms = 100;
	}
	if (!kpptp_default_ack_delay_ms ||
	    kpptp_default_ack_delay_ms > KPPTP_TIMEOUT_MAX_MS) {
		pr_warn("ack_delay_ms must be 1..%u: using 20\n",
			KPPTP_TIMEOUT_MAX_MS);
		kpptp_default_ack_delay_ms = 20;
	}
}

static int __init kpptp_init(void)
{
	int err;

	kpptp_check_params();
	err = kpptp_session_cache_init();
	if (err)
		return err;

	kpptp_wq = alloc_workqueue("kpptp", WQ_UNBOUND, 0);
	if (!kpptp_wq) {
		err = -ENOMEM;
		goto err_cache;
	}

	err = register_pernet_device(&kpptp_net_ops);
	if (err)
		goto err_wq;

	err = kpptp_pppox_init();
	if (err)
		goto err_pernet;

	/* Last: packets start arriving as soon as this succeeds. */
	err = gre_add_protocol(&kpptp_gre_protocol, GREPROTO_PPTP);
	if (err) {
		pr_err("the GRE version 1 (PPTP) handler is taken by another module (the in-tree pptp?): run 'rmmod pptp' and add 'blacklist pptp' to /etc/modprobe.d/kpptp.conf\n");
		goto err_pppox;
	}

	pr_info("PPTP data path " KPPTP_VERSION " loaded\n");
	return 0;

err_pppox:
	kpptp_pppox_exit();
err_pernet:
	unregister_pernet_device(&kpptp_net_ops);
err_wq:
	destroy_workqueue(kpptp_wq);
err_cache:
	kpptp_session_cache_exit();
	return err;
}

static void __exit kpptp_exit(void)
{
	gre_del_protocol(&kpptp_gre_protocol, GREPROTO_PPTP);
	kpptp_pppox_exit();
	/*
	 * Sessions die in three steps: call_rcu queues the teardown work,
	 * the work runs, and the work's last put frees by call_rcu again.
	 */
	rcu_barrier();
	destroy_workqueue(kpptp_wq);
	rcu_barrier();
	unregister_pernet_device(&kpptp_net_ops);
	kpptp_session_cache_exit();
}

module_init(kpptp_init);
module_exit(kpptp_exit);

MODULE_DESCRIPTION("PPTP (RFC 2637) GRE data path with reordering, acks and counters");
MODULE_AUTHOR("kpptp developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KPPTP_VERSION);
MODULE_ALIAS_NET_PF_PROTO(PF_PPPOX, PX_PROTO_PPTP);
