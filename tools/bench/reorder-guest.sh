#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (tools/bench/reorder.sh boots it): one TCP stream through a
# kpptp tunnel whose path (netem on both veth ends: 10 ms each way) loses
# or reorders packets, with the reorder window at each value given, in
# this one boot. Writes $VM_OUT/SCENARIO.wWINDOW.json (iperf3) and
# .ping (latency of pings sent alongside, to see what a held gap costs).
#
# usage: reorder-guest.sh SECONDS WINDOW...
source "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT	# cleanups run per measurement below

secs=${1:?usage: reorder-guest.sh SECONDS WINDOW...}
shift
windows=("$@")
out=${VM_OUT:?}
load_kpptp
modprobe sch_netem || { echo "bench: no sch_netem" >&2; exit 1; }

# Name and netem impairment of each path (both directions). netem's
# "reorder P%" sends P% of packets at once, ahead of the 10 ms delay.
scenarios=(
	"clean:"
	"loss0.5:loss 0.5%"
	"loss2:loss 2%"
	"reorder5:reorder 5% 50%"
	"loss1-reorder5:loss 1% reorder 5% 50%"
)

for sc in "${scenarios[@]}"; do
	name=${sc%%:*} imp=${sc#*:}
	for w in "${windows[@]}"; do
		new_ns A
		new_ns B
		link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
		start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 \
			--reorder-window "$w" || { echo "bench: tunnel A" >&2; exit 1; }
		start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 \
			--reorder-window "$w" || { echo "bench: tunnel B" >&2; exit 1; }
		wait_for 5 ip netns exec "$A" ping -c 1 -W 1 203.0.113.2 ||
			{ echo "bench: tunnel ping" >&2; exit 1; }
		# shellcheck disable=SC2086
		ip netns exec "$A" tc qdisc add dev kpv0 root netem delay 10ms $imp
		# shellcheck disable=SC2086
		ip netns exec "$B" tc qdisc add dev kpv1 root netem delay 10ms $imp
		ip netns exec "$B" iperf3 -s -1 -D -I /tmp/iperf.pid >/dev/null 2>&1
		wait_for 5 ip netns exec "$B" sh -c "netstat -ltn | grep -q ':5201 '"
		ip netns exec "$A" ping -i 0.05 -c $((secs * 20)) -W 1 203.0.113.2 \
			>"$out/$name.w$w.ping" 2>&1 &
		pinger=$!
		ip netns exec "$A" timeout $((secs * 4 + 30)) iperf3 -c 203.0.113.2 -J \
			-t "$secs" >"$out/$name.w$w.json" 2>&1 ||
			echo "bench: $name window $w: iperf3 failed" >&2
		wait "$pinger"
		sess "$B" 200 rx_lost >"$out/$name.w$w.lost"
		_run_cleanups
		_cleanups=()
	done
done
