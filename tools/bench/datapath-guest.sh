#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (tools/bench/run.sh boots it): the data-path benchmark.
# Every path is measured in this one boot, in turn, between two namespaces
# joined by veth, with iperf3 TCP (1 and 4 streams, each way) and UDP small
# packets.
# Each iperf3 result is written as JSON to $VM_OUT/PATH.TEST.json; the host
# turns them into the table.
#
# usage: datapath-guest.sh SECONDS [PATH...]
#   PATH: veth1500 veth1400 gre-seq pptp kpptp kpptp-fast kpptp-idle kpptpd
#   kpptpd-fast kpptpd-mppe pptpd pptpd-mppe pptp-x8 kpptp-x8 kpptp-fast-x8
#   windows-kpptpd windows-pptpd setup-kpptpd setup-pptpd (default: all, in
#   that order); kpptp-idle is kpptp with
#   100,000 idle sessions (KPPTP_IDLE) in the receiver's namespace. The
#   last four are full PPTP calls with pppd and MS-CHAPv2, MPPE off or
#   MPPE-128: kpptpd --client to kpptpd over kpptp.ko, and Debian's
#   pptp-linux to Debian's pptpd (both userspace GRE through a pty, no
#   PPTP module loaded), with the same pppd options. setup-kpptpd and
#   setup-pptpd bring up many calls at once through one server
#   (setup-guest.sh).
# With BENCH_PROFILE=TEST (tcp1, tcp4 or udp64), that run of each path is
# profiled (perf, cpu-clock, all CPUs) into $VM_OUT/PATH.profile.txt.
source "$(dirname "$0")/../../selftests/lib.sh"
source "$(dirname "$0")/setup-guest.sh"
trap - EXIT	# cleanups run per path below, not once at exit

secs=${1:?usage: datapath-guest.sh SECONDS [PATH...]}
shift
paths=("$@")
((${#paths[@]})) || paths=(veth1500 veth1400 gre-seq pptp kpptp kpptp-fast kpptp-idle kpptpd kpptpd-fast kpptpd-mppe pptpd
	pptpd-mppe pptp-x8 kpptp-x8 kpptp-fast-x8 windows-kpptpd windows-pptpd setup-kpptpd setup-pptpd)
out=${VM_OUT:?}

load_ppp_modules

# measure PATH NS_CLIENT NS_SERVER ADDR: the six iperf3 runs of one path.
measure() {
	local path=$1 nc=$2 ns=$3 addr=$4 name opts srv cli to back
	# tcp1r and tcp4r: the same the other way (iperf3 -R: the server
	# sends), which through a kpptpd call is the server's kpptpd and pppd
	# sending to the client's. tcp1b: the other way too, with iperf3's
	# roles swapped instead (its server in NS_CLIENT, to NS_CLIENT's own
	# address towards ADDR), so that the same iperf3 code receives as in
	# tcp1: iperf3's client reads its socket differently from its server
	# (performance.rst), and -R measures that with the direction.
	back=$(ip -n "$nc" -4 -o route get "$addr" | sed -n 's/.* src \([0-9.]*\).*/\1/p')
	[[ -n $back ]] || { echo "bench: $path: no source address in $nc towards $addr" >&2; return 1; }
	for t in tcp1:"-t $secs" tcp4:"-t $secs -P 4" udp64:"-t $secs -u -b 0 -l 64" \
		tcp1r:"-t $secs -R" tcp4r:"-t $secs -P 4 -R" tcp1b:"-t $secs"; do
		name=${t%%:*} opts=${t#*:} srv=$ns cli=$nc to=$addr
		[[ $name == tcp1b ]] && srv=$nc cli=$ns to=$back
		ip netns exec "$srv" iperf3 -s -1 -D -I /tmp/iperf.pid >/dev/null 2>&1 ||
			{ echo "bench: iperf3 server in $srv" >&2; return 1; }
		wait_for 5 ip netns exec "$srv" sh -c "netstat -ltn | grep -q ':5201 '"
		local prof=
		if [[ -n ${BENCH_PROFILE:-} && $name == "$BENCH_PROFILE" ]]; then
			perf record -q -a -g -e cpu-clock -o "/tmp/$path.perf" -- \
				sleep "$secs" >/dev/null 2>&1 &
			prof=$!
		fi
		local sent0 took0
		sent0=$(snmp "$nc" Tcp OutSegs) took0=$(snmp "$ns" Tcp InSegs)
		# shellcheck disable=SC2086
		ip netns exec "$cli" timeout $((secs * 4 + 30)) iperf3 -c "$to" -J $opts \
			>"$out/$path.$name.json" 2>&1 ||
			echo "bench: $path $name: iperf3 failed" >&2
		# GRO's work: TCP segments the sender sent against those the
		# receiver's TCP took (one per merged packet).
		[[ $name == tcp1 ]] &&
			printf 'sent %d\ntaken %d\n' $(($(snmp "$nc" Tcp OutSegs) - sent0)) \
				$(($(snmp "$ns" Tcp InSegs) - took0)) >"$out/$path.segs"
		if [[ -n $prof ]]; then
			wait "$prof"
			perf report -q --stdio --no-children -g none --sort sym \
				-i "/tmp/$path.perf" 2>/dev/null | grep -v '^$' | head -40 \
				>"$out/$path.profile.txt"
		fi
		wait_for 5 bash -c '! kill -0 $(cat /tmp/iperf.pid 2>/dev/null) 2>/dev/null'
	done
}

# Kernel memory: slab, plus per-CPU allocations (each session's route cache).
slab_kb() { awk '$1 == "Slab:" || $1 == "Percpu:" { n += $2 } END { print n }' /proc/meminfo; }

# idle NS N: N netlink sessions that never carry a packet, towards 50
# peers that do not exist, with the kernel picking every call ID. Their
# cost is written to $out/kpptp-idle.scale (create/dump/delete in guest ms,
# slab kB), for report.py.
idle() {
	local ns=$1 n=$2 t0 t1 s0 s1
	sessions_batch "$n" 192.0.2 >/tmp/idle.batch
	s0=$(slab_kb) t0=$(now_ms)
	ip netns exec "$ns" "$BIN/kpptpctl" -b /tmp/idle.batch >/dev/null ||
		{ echo "bench: creating $n idle sessions failed" >&2; return 1; }
	t1=$(now_ms) s1=$(slab_kb)
	echo "sessions $n" >>"$out/kpptp-idle.scale"
	echo "create_ms $((t1 - t0))" >>"$out/kpptp-idle.scale"
	echo "slab_kb $((s1 - s0))" >>"$out/kpptp-idle.scale"
	t0=$(now_ms)
	ip netns exec "$ns" "$BIN/kpptpctl" -j session list >/tmp/idle.json
	t1=$(now_ms)
	echo "dump_ms $((t1 - t0))" >>"$out/kpptp-idle.scale"
	grep -o '"id":[0-9]*,"local-call-id":[0-9]*,"local-addr":"[0-9.]*","peer-call-id":[0-9]*,"peer-addr":"192' \
		/tmp/idle.json | sed 's/^"id":\([0-9]*\),.*/session del \1/' >/tmp/idle.del
	_cleanups+=("idle_delete $ns")
}

# The idle sessions pin the module: delete them, timed, before rmmod.
idle_delete() {
	local t0 t1
	t0=$(now_ms)
	ip netns exec "$1" "$BIN/kpptpctl" -b /tmp/idle.del >/dev/null ||
		echo "bench: deleting the idle sessions failed" >&2
	t1=$(now_ms)
	echo "delete_ms $((t1 - t0))" >>"$out/kpptp-idle.scale"
}

# tunnel MODULE: A and B joined by veth, a static PPTP tunnel over it.
tunnel() {
	local path=$1 extra=()
	new_ns A
	new_ns B
	link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
	# kpptp-fast: both ends around ppp_generic (kpptp.ko's fast path).
	[[ $path == kpptp-fast ]] && extra=(--fastpath)
	start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 "${extra[@]}" &&
	start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 "${extra[@]}" &&
	wait_for 10 ip netns exec "$A" ping -c 1 -W 1 203.0.113.2 ||
		{ echo "bench: $path: tunnel did not come up" >&2; return 1; }
	# The receiver's session among 100,000 others: the lookup must not care.
	if [[ $path == kpptp-idle ]]; then
		idle "$B" "${KPPTP_IDLE:-100000}" || return 1
	fi
	measure "$path" "$A" "$B" 203.0.113.2 || return 1
	# (An if: a bare && would make every other path's tunnel "fail".)
	if [[ $path == kpptp || $path == kpptp-fast ]]; then
		ip netns exec "$B" cat /proc/net/kpptp >"$out/$path.sessions"
	fi
}

# multi PATH: PATH's module (pptp-x8: pptp.ko, kpptp-x8: kpptp.ko,
# kpptp-fast-x8: kpptp.ko's fast path) with 8 static tunnels between A and
# B over one veth, and one iperf3 TCP stream through each at once: what
# the sessions get together and how evenly (one JSON per session,
# $out/PATH.sN.json). Meant for --wall, where 2 CPUs run them.
multi() {
	local path=$1 extra=() i a b pids=()
	new_ns A
	new_ns B
	link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
	[[ $path == kpptp-fast-x8 ]] && extra=(--fastpath)
	for ((i = 0; i < 8; i++)); do
		a=203.0.113.$((2 * i + 1)) b=203.0.113.$((2 * i + 2))
		start_tunnel "$A" 198.51.100.1 198.51.100.2 $((100 + i)) $((200 + i)) "$a" "$b" "${extra[@]}" &&
		start_tunnel "$B" 198.51.100.2 198.51.100.1 $((200 + i)) $((100 + i)) "$b" "$a" "${extra[@]}" &&
		wait_for 10 ip netns exec "$A" ping -c 1 -W 1 "$b" ||
			{ echo "bench: $path: tunnel $i did not come up" >&2; return 1; }
		ip netns exec "$B" iperf3 -s -1 -D -p $((5201 + i)) -I "/tmp/iperf.$i.pid" >/dev/null 2>&1 ||
			{ echo "bench: $path: iperf3 server $i" >&2; return 1; }
	done
	for ((i = 0; i < 8; i++)); do
		wait_for 5 listening "$B" $((5201 + i)) || { echo "bench: $path: iperf3 server $i" >&2; return 1; }
	done
	for ((i = 0; i < 8; i++)); do
		ip netns exec "$A" timeout $((secs * 4 + 30)) iperf3 -c 203.0.113.$((2 * i + 2)) \
			-p $((5201 + i)) -t "$secs" -J >"$out/$path.s$i.json" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}" || echo "bench: $path: an iperf3 client failed" >&2
	for ((i = 0; i < 8; i++)); do
		wait_for 5 bash -c "! kill -0 \$(cat /tmp/iperf.$i.pid 2>/dev/null) 2>/dev/null"
	done
}

# gre_seq: the kernel's own GRE tunnel with sequence numbers (oseq iseq),
# MTU 1400 over the same veth: a numbered stream, as PPTP's, that can use
# neither GSO nor GRO on the outer packets (ip_gre refuses TSO with oseq)
# but keeps inner GRO: the ceiling a numbered tunnel reaches today.
gre_seq() {
	new_ns A
	new_ns B
	link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
	ip -n "$A" link add gre1 type gre local 198.51.100.1 remote 198.51.100.2 oseq iseq &&
	ip -n "$B" link add gre1 type gre local 198.51.100.2 remote 198.51.100.1 oseq iseq &&
	ip -n "$A" addr add 203.0.113.1 peer 203.0.113.2 dev gre1 &&
	ip -n "$B" addr add 203.0.113.2 peer 203.0.113.1 dev gre1 &&
	ip -n "$A" link set gre1 mtu 1400 up && ip -n "$B" link set gre1 mtu 1400 up &&
	wait_for 10 ip netns exec "$A" ping -c 1 -W 1 203.0.113.2 ||
		{ echo "bench: gre-seq: tunnel did not come up" >&2; return 1; }
	measure gre-seq "$A" "$B" 203.0.113.2
}

# ppp_call PATH: a full call from A (client) to B (server, 198.51.100.1,
# 203.0.113.1 inside), MS-CHAPv2, MPPE-128 when PATH ends in -mppe; the
# same pppd options for both implementations.
ppp_call() {
	local path=$1 mppe=nomppe work
	[[ $path == *-mppe ]] && mppe=require-mppe-128
	new_ns A
	new_ns B
	link_ns "$B" 198.51.100.1 "$A" 198.51.100.2
	work=$(mktemp -d)
	# Cleanups run last-in first-out: the pppds are gone before the rm.
	_cleanups+=("rm -rf $work" "wait_for 15 no_pppd")
	kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
	sed -i "s/^require-mppe-128\$/$mppe/" "$work/options.pptp"
	# The static tunnel's MTU, so that no path fragments its outer packets;
	# no VJ for either implementation (kpptp.so refuses it anyway).
	printf '%s\n' 'mtu 1400' 'mru 1400' novj >>"$work/options.pptp"
	local copts=(name alice password s3cret-Pw remotename kpptpd "$mppe" refuse-pap
		     refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 0
		     mtu 1400 mru 1400 novj)
	# kpptpd-fast: both pppds ask for kpptp.ko's fast path.
	if [[ $path == kpptpd-fast ]]; then
		echo kpptp-fastpath >>"$work/options.pptp"
		copts+=(kpptp-fastpath)
	fi
	case $path in
	kpptpd*)
		kpptpd_start "$B" "$work" || { echo "bench: $path: kpptpd did not start" >&2; return 1; }
		ip netns exec "$A" "$BIN/kpptpd" --client 198.51.100.1 \
			--plugin "$REPO/build/lib/kpptp.so" -- "${copts[@]}" >"$work/client.log" 2>&1 &
		;;
	pptpd*)
		pptpd_start "$B" "$work" ||
			{ echo "bench: $path: pptpd did not listen" >&2; return 1; }
		ip netns exec "$A" pppd pty "pptp 198.51.100.1 --nolaunchpppd" "${copts[@]}" \
			nodetach >"$work/client.log" 2>&1 &
		;;
	esac
	_cleanups+=("kill $!")
	if ! wait_for 60 has_addr "$A" '203\.0\.113\.1[01] '; then
		echo "bench: $path: the call did not come up" >&2
		cat "$work/client.log" "$work/server.log" "$work/pptpd.log" 2>/dev/null >&2
		return 1
	fi
	if [[ $mppe != nomppe ]] && ! grep -q 'MPPE 128-bit' "$work/client.log"; then
		echo "bench: $path: MPPE-128 was not negotiated" >&2
		return 1
	fi
	measure "$path" "$A" "$B" 203.0.113.1
}

# run_path PATH: set up PATH and measure it; non-zero if it did not run.
run_path() {
	local path=$1
	case $path in
	veth1500|veth1400)
		new_ns A
		new_ns B
		link_ns "$A" 198.51.100.1 "$B" 198.51.100.2 "${path#veth}"
		measure "$path" "$A" "$B" 198.51.100.2
		;;
	gre-seq)
		modprobe ip_gre || { echo "bench: modprobe ip_gre" >&2; exit 1; }
		gre_seq
		;;
	pptp)
		modprobe pptp || { echo "bench: modprobe pptp" >&2; exit 1; }
		KPPTP_MODULE=pptp tunnel pptp
		;;
	kpptp|kpptp-idle|kpptp-fast)
		insmod "$KPPTP_KO" || { echo "bench: insmod kpptp" >&2; exit 1; }
		[[ $path == kpptp-fast ]] && echo 1 >/sys/module/kpptp/parameters/fastpath
		tunnel "$path"
		;;
	pptp-x8)
		modprobe pptp || { echo "bench: modprobe pptp" >&2; exit 1; }
		multi "$path"
		;;
	kpptp-x8|kpptp-fast-x8)
		insmod "$KPPTP_KO" || { echo "bench: insmod kpptp" >&2; exit 1; }
		[[ $path == kpptp-fast-x8 ]] && echo 1 >/sys/module/kpptp/parameters/fastpath
		multi "$path"
		;;
	kpptpd|kpptpd-mppe|kpptpd-fast)
		insmod "$KPPTP_KO" || { echo "bench: insmod kpptp" >&2; exit 1; }
		[[ $path == kpptpd-fast ]] && echo 1 >/sys/module/kpptp/parameters/fastpath
		modprobe ppp_mppe
		ppp_call "$path"
		;;
	pptpd|pptpd-mppe)
		modprobe ppp_mppe
		ppp_call "$path"
		;;
	windows-kpptpd|windows-pptpd)
		# win-client's PPTP socket is kpptp.ko's, whichever server.
		insmod "$KPPTP_KO" || { echo "bench: insmod kpptp" >&2; exit 1; }
		modprobe ppp_mppe
		windows "$path"
		;;
	setup-kpptpd|setup-pptpd)
		# The clients are kpptpd --client over kpptp.ko for both servers.
		insmod "$KPPTP_KO" || { echo "bench: insmod kpptp" >&2; exit 1; }
		modprobe ppp_mppe
		setup "$path"
		;;
	*)
		echo "bench: unknown path '$path'" >&2
		exit 2
		;;
	esac
}

for path in "${paths[@]}"; do
	echo "bench: $path" >&2
	_cleanups=()
	# A path that fails says so to the report, which decides whether that
	# fails the benchmark (ours) or is a competitor's result.
	run_path "$path" || echo "did not run (see the guest log)" >"$out/$path.failed"
	_run_cleanups
	_cleanups=()
	# The two modules both claim GRE version 1: one at a time.
	case $path in
	pptp|pptp-x8) wait_for 10 rmmod pptp || { echo "bench: rmmod pptp" >&2; exit 1; } ;;
	kpptp*|setup-*|windows-*) wait_for 30 rmmod kpptp || { echo "bench: rmmod kpptp" >&2; exit 1; } ;;
	esac
done
