#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, sourced by datapath-guest.sh: call setup through one
# server. N calls (KPPTP_SETUP_CALLS, default 500, at most that: the pool
# must come from the documentation ranges, 507 addresses; run.sh passes
# its --setup-calls, default 100) from the same clients,
# kpptpd --client over kpptp.ko, all dialled at once, MS-CHAPv2 and
# MPPE-128, to kpptpd (setup-kpptpd) or to Debian's pptpd (setup-pptpd).
# Written to $out/PATH.setup as "key value" lines: calls, up_ms (first
# dial to the last call with its address), server_pss_kb (the proportional
# memory of every process in the server's namespace with all calls up)
# and mem_kb (the guest's MemAvailable drop, both sides and the kernel).

# mem_avail_kb / pss_kb NS: what the figures are made of.
mem_avail_kb() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }
pss_kb() {
	local p n=0 v
	for p in $(ip netns pids "$1"); do
		v=$(awk '$1 == "Pss:" { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		n=$((n + ${v:-0}))
	done
	echo "$n"
}
calls_up() { ip -n "$1" -4 -o addr show | grep -c 'inet 203\.0\.113\.\|inet 192\.0\.2\.'; }
all_up() { (($(calls_up "$1") >= $2)); }

# setup PATH: N calls to kpptpd or pptpd; the figures in $out/PATH.setup.
setup() {
	local path=$1 n=${KPPTP_SETUP_CALLS:-500} work i t0 t1 m0 m1 pools deadline
	# The servers' pool: 507 addresses in the documentation ranges.
	pools='203.0.113.2-254,192.0.2.1-254'
	new_ns A
	new_ns B
	link_ns "$B" 198.51.100.1 "$A" 198.51.100.2
	work=$(mktemp -d)
	_cleanups+=("rm -rf $work" "wait_for 60 no_pppd")
	kpptpd_setup "$work" "remote-ip $pools" "max-calls $n" "max-calls-per-connection 1"
	case $path in
	setup-kpptpd)
		kpptpd_start "$B" "$work" || { echo "bench: $path: kpptpd did not start" >&2; return 1; }
		;;
	setup-pptpd)
		local PPTPD_CONF=("remoteip $pools" "connections $n")
		pptpd_start "$B" "$work" ||
			{ echo "bench: $path: pptpd did not listen" >&2; return 1; }
		;;
	esac
	m0=$(mem_avail_kb)
	t0=$(now_ms)
	for ((i = 0; i < n; i++)); do
		ip netns exec "$A" "$BIN/kpptpd" --client 198.51.100.1 \
			--plugin "$REPO/build/lib/kpptp.so" -- name alice password s3cret-Pw \
			remotename kpptpd require-mppe-128 refuse-pap refuse-chap refuse-mschap \
			noauth nodefaultroute lcp-echo-interval 0 >"$work/client.$i.log" 2>&1 &
		_cleanups+=("kill $!")
	done
	# Bounded: at most 20 s per call of guest time, and 30 min.
	deadline=$((n * 20 < 1800 ? n * 20 : 1800))
	wait_for "$deadline" all_up "$A" "$n"
	t1=$(now_ms)
	up=$(calls_up "$A")
	m1=$(mem_avail_kb)
	{
		echo "calls $up"
		echo "wanted $n"
		echo "up_ms $((t1 - t0))"
		echo "server_pss_kb $(pss_kb "$B")"
		echo "mem_kb $((m0 - m1))"
	} >"$out/$path.setup"
	((up == n)) || { echo "bench: $path: $up of $n calls came up" >&2; tail -5 "$work/client.0.log" >&2; }
}
