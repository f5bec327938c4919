#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The randomized exerciser (exerciser.c): socket ops, channel attach and
# transmit, netlink commands, GRE injection and dying namespaces from
# several processes at once, root and unprivileged, for a bounded time.
# Then nothing may be left behind: the sessions it made go away and the
# module unloads (a leaked reference would keep it; a leaked session
# object makes kmem_cache_destroy() warn, which fails the run).
#
#   KPPTP_SEED=N       repeat a run (its seed is printed first)
#   EXERCISE_SECONDS=S how long (default 60; 90 on the debug kernel)
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 5
load_kpptp
new_ns X

secs=${EXERCISE_SECONDS:-60}
[[ $(uname -r) == *debug* ]] && secs=${EXERCISE_SECONDS:-90}
seed=${KPPTP_SEED:-$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))}
echo "# seed $seed: repeat with KPPTP_SEED=$seed selftests/run-vm.sh exerciser.sh"

out=$(ip netns exec "$X" timeout $((secs + 90)) "$BIN/exerciser" --seed "$seed" \
	--seconds "$secs" --workers 6 2>&1)
st=$?
sed 's/^/# /' <<<"$out"
ktap_eq "exerciser: no unexpected answer, no hang, no crash (seed $seed)" 0 "$st"
# A mix that never ran some operation proves nothing about it.
never=$(awk '$1 == "exerciser:" && NF == 3 && $3 == 0 { print $2 }' <<<"$out")
ktap_eq "every operation ran" "" "$never"

# What the mix did in the test's namespace (root's and nobody's workers).
ip netns exec "$X" cat /proc/net/kpptp_stats | sed 's/^/# stats: /'

# Left over: unowned netlink sessions (owned ones went with their
# workers). Deleting them all must work, and leave none.
for id in $(ip netns exec "$X" "$BIN/kpptpctl" -j session list |
	grep -oE '"id":[0-9]+' | cut -d: -f2); do
	ip netns exec "$X" "$BIN/kpptpctl" session del "$id" ||
		echo "# session del $id failed"
done
ktap_eq "what it left behind can be deleted: no session" 0 \
	"$(netstat_kpptp "$X" sessions)"

# Its own namespaces go away in the background (cleanup_net).
_run_cleanups; _cleanups=()
wait_for 30 bash -c "[[ \$(ip netns list | wc -l) == 0 ]]"

ktap_check "the module unloads: nothing kept a reference" \
	wait_for 30 rmmod kpptp
ktap_check "and loads again" insmod "$KPPTP_KO"
ktap_finish
