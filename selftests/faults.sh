#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every allocation of every request fails in turn (fault-walk.c, with
# /proc/self/task/TID/fail-nth): socket bind, connect, setsockopt, a
# socket attaching to a netlink session, and each netlink command. Each
# failure must leave nothing behind (the same request then succeeds, no
# session remains), and the error paths run under KASAN and lockdep; the
# module then unloads (a leaked session object would make
# kmem_cache_destroy() warn). Needs fault injection: the debug kernel;
# skipped elsewhere.
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 2
load_kpptp
new_ns X
[[ -d /sys/kernel/debug/failslab ]] ||
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [[ ! -d /sys/kernel/debug/failslab ]]; then
	ktap_skip "every allocation failure of every request is clean" "no fault injection"
	ktap_skip "the module unloads" "no fault injection"
	ktap_finish
fi
# fail-nth reaches sleeping allocations too; no stack dump per fault.
for d in failslab fail_page_alloc; do
	echo N >"/sys/kernel/debug/$d/ignore-gfp-wait"
	echo 0 >"/sys/kernel/debug/$d/verbose"
done
echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem

out=$(ip netns exec "$X" timeout 600 "$BIN/fault-walk" 2>&1)
st=$?
sed 's/^/# /' <<<"$out"
ktap_eq "every allocation failure of every request is clean" 0 "$st"
_run_cleanups; _cleanups=()
ktap_check "the module unloads" wait_for 30 rmmod kpptp
ktap_finish
