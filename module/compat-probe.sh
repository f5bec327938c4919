#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Kbuild feature probes: print -DKPPTP_HAVE_* for what the kernel headers
# being built against provide. Called by Kbuild with the kernel's source
# and object trees; looks at the headers, never at version numbers, so a
# distribution kernel with a backport (or without one) builds right.
#
# usage: compat-probe.sh SRCTREE [OBJTREE]
src=$1 obj=${2:-$1}

# has HEADER PATTERN: the header (in either tree) matches the regex.
has() {
	for t in "$src" "$obj"; do
		[ -f "$t/include/$1" ] && grep -qE "$2" "$t/include/$1" && return 0
	done
	return 1
}

# exported SYMBOL: vmlinux exports it to modules (the object tree's
# Module.symvers, which Debian's headers packages and a built tree have;
# without it, nothing counts as exported).
exported() {
	[ -f "$obj/Module.symvers" ] &&
		awk -v s="$1" '$2 == s && $3 == "vmlinux" { f = 1 } END { exit !f }' "$obj/Module.symvers"
}

has linux/timer.h 'define timer_container_of' && echo -DKPPTP_HAVE_TIMER_CONTAINER_OF
has linux/timer.h 'int timer_shutdown_sync' && echo -DKPPTP_HAVE_TIMER_SHUTDOWN
# 6.1.y gained these one by one (6.1.85, 6.1.94, 6.1.158): each probed.
has linux/timer.h 'int timer_delete_sync' && echo -DKPPTP_HAVE_TIMER_DELETE_SYNC
has linux/timer.h 'int timer_delete\(' && echo -DKPPTP_HAVE_TIMER_DELETE
has linux/netdevice.h 'alloc_netdev_dummy\(' && echo -DKPPTP_HAVE_ALLOC_NETDEV_DUMMY
# hrtimer_setup() came in 6.13 and hrtimer_init() went in 6.15.
has linux/hrtimer.h 'void hrtimer_setup\(' && echo -DKPPTP_HAVE_HRTIMER_SETUP
has linux/net.h 'struct sockaddr_unsized' && echo -DKPPTP_HAVE_SOCKADDR_UNSIZED
# skb_gso_segment() moved to <net/gso.h> in 6.5; 6.6 gave tc egress tcx.
[ -f "$src/include/net/gso.h" ] || [ -f "$obj/include/net/gso.h" ] && echo -DKPPTP_HAVE_NET_GSO_H
has linux/netdevice.h 'tcx_egress;' && echo -DKPPTP_HAVE_TCX_EGRESS
has linux/ppp_channel.h 'direct_xmit' && echo -DKPPTP_HAVE_DIRECT_XMIT
has net/sock.h 'static inline kuid_t sk_uid\(' && echo -DKPPTP_HAVE_SK_UID_HELPER
# The keys that say whether any UDP socket takes GRO (fastpath.c): every
# kernel declares them, but 6.15 and later export them to the IPv6 module
# only (EXPORT_IPV6_MOD), so what counts is vmlinux's export list.
exported udp_encap_needed_key && exported udpv6_encap_needed_key &&
	echo -DKPPTP_HAVE_UDP_ENCAP_KEY
# What kpptp cannot do without: named, so that Kbuild stops with a
# sentence instead of a compiler error. The events group must be closed to
# users without CAP_NET_ADMIN (6.1.176 and later have the flag; earlier
# 6.1.y would let anyone watch every session's events).
has net/genetlink.h 'GENL_REQ_ATTR_CHECK' || echo KPPTP_MISSING=GENL_REQ_ATTR_CHECK
has net/genetlink.h 'resv_start_op' || echo KPPTP_MISSING=genl_family.resv_start_op
has linux/ppp_channel.h 'ppp_register_net_channel' || echo KPPTP_MISSING=ppp_register_net_channel
has net/genetlink.h 'GENL_MCAST_CAP_NET_ADMIN' || echo KPPTP_MISSING=GENL_MCAST_CAP_NET_ADMIN
exit 0
