#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (tools/bench/run.sh boots it): the data-path benchmark.
# Every path is measured in this one boot, in turn, between two namespaces
# joined by veth, with iperf3 TCP (1 and 4 streams) and UDP small packets.
# Each iperf3 result is written as JSON to $VM_OUT/PATH.TEST.json; the host
# turns them into the table.
#
# usage: datapath-guest.sh SECONDS [PATH...]
#   PATH: veth1500 veth1400 pptp kpptp (default: all, in that order)
# With BENCH_PROFILE set, the 1-stream TCP run of each path is profiled
# (perf, cpu-clock, all CPUs) into $VM_OUT/PATH.profile.txt.
source "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT	# cleanups run per path below, not once at exit

secs=${1:?usage: datapath-guest.sh SECONDS [PATH...]}
shift
paths=("$@")
((${#paths[@]})) || paths=(veth1500 veth1400 pptp kpptp)
out=${VM_OUT:?}

load_ppp_modules

# measure PATH NS_CLIENT NS_SERVER ADDR: the three iperf3 runs of one path.
measure() {
	local path=$1 nc=$2 ns=$3 addr=$4 name opts
	for t in tcp1:"-t $secs" tcp4:"-t $secs -P 4" udp64:"-t $secs -u -b 0 -l 64"; do
		name=${t%%:*} opts=${t#*:}
		ip netns exec "$ns" iperf3 -s -1 -D -I /tmp/iperf.pid >/dev/null 2>&1 ||
			{ echo "bench: iperf3 server in $ns" >&2; return 1; }
		wait_for 5 ip netns exec "$ns" sh -c "netstat -ltn | grep -q ':5201 '"
		# shellcheck disable=SC2086
		local prof=
		if [[ -n ${BENCH_PROFILE:-} && $name == tcp1 ]]; then
			perf record -q -a -g -e cpu-clock -o "/tmp/$path.perf" -- \
				sleep "$secs" >/dev/null 2>&1 &
			prof=$!
		fi
		ip netns exec "$nc" timeout $((secs * 4 + 30)) iperf3 -c "$addr" -J $opts \
			>"$out/$path.$name.json" 2>&1 ||
			echo "bench: $path $name: iperf3 failed" >&2
		if [[ -n $prof ]]; then
			wait "$prof"
			perf report -q --stdio --no-children -g none --sort sym \
				-i "/tmp/$path.perf" 2>/dev/null | grep -v '^$' | head -40 \
				>"$out/$path.profile.txt"
		fi
		wait_for 5 bash -c '! kill -0 $(cat /tmp/iperf.pid 2>/dev/null) 2>/dev/null'
	done
}

# tunnel MODULE: A and B joined by veth, a static PPTP tunnel over it.
tunnel() {
	local path=$1
	new_ns A
	new_ns B
	link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
	start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 &&
	start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 &&
	wait_for 10 ip netns exec "$A" ping -c 1 -W 1 203.0.113.2 ||
		{ echo "bench: $path: tunnel did not come up" >&2; return 1; }
	measure "$path" "$A" "$B" 203.0.113.2
	[[ $path == kpptp ]] && ip netns exec "$B" cat /proc/net/kpptp >"$out/$path.sessions"
}

for path in "${paths[@]}"; do
	echo "bench: $path" >&2
	_cleanups=()
	case $path in
	veth1500|veth1400)
		new_ns A
		new_ns B
		link_ns "$A" 198.51.100.1 "$B" 198.51.100.2 "${path#veth}"
		measure "$path" "$A" "$B" 198.51.100.2
		;;
	pptp)
		modprobe pptp || { echo "bench: modprobe pptp" >&2; exit 1; }
		KPPTP_MODULE=pptp tunnel pptp
		;;
	kpptp)
		insmod "$KPPTP_KO" || { echo "bench: insmod kpptp" >&2; exit 1; }
		tunnel kpptp
		;;
	*)
		echo "bench: unknown path '$path'" >&2
		exit 2
		;;
	esac
	_run_cleanups
	_cleanups=()
	# The two modules both claim GRE version 1: one at a time.
	case $path in
	pptp) wait_for 10 rmmod pptp || { echo "bench: rmmod pptp" >&2; exit 1; } ;;
	kpptp) wait_for 10 rmmod kpptp || { echo "bench: rmmod kpptp" >&2; exit 1; } ;;
	esac
done
