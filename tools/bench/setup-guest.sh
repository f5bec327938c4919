#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, sourced by datapath-guest.sh: call setup through one
# server. N calls (KPPTP_SETUP_CALLS, 1..1000, default 1000; run.sh
# passes its --setup-calls) from the same clients, kpptpd --client over
# kpptp.ko, at most 50 setting up at once (KPPTP_SETUP_WINDOW), the next
# dialled as soon as one is up, MS-CHAPv2 and MPPE-128, to kpptpd
# (setup-kpptpd) or to Debian's pptpd (setup-pptpd). The calls are IPv6
# only (pppd's noip, IPv6CP's link-local addresses; kpptpd's "remote-ip
# none", pptpd with delegate and no localip/remoteip): 1,000 IPv4 addresses do not fit
# in the documentation ranges, and both servers then do the same work.
# Written to $out/PATH.setup as "key value" lines: calls, up_ms (first
# dial to the last call up), server_pss_kb (the proportional memory of
# every process in the server's namespace with all calls up) and mem_kb
# (the guest's MemAvailable drop, both sides and the kernel).

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
# calls_up NS: its ppp interfaces with an IPv6 link-local address (IPv6CP up).
calls_up() { ip -n "$1" -6 -o addr show scope link | grep -c ': ppp'; }

# dial_all NS N W: N clients from NS (dial I starts client I), at most W
# of them setting up at once, the next as soon as one is up; returns once
# all N are up, or none came up for 120 s (guest time), or after 30 min.
# LAST_MS: when the count last grew. With every call dialled at the same
# instant, a one-CPU guest shares itself among 2,000 negotiating pppds
# and their LCP and CHAP retransmission timers (3 s, 10 tries) run out
# before most are served: that measures the timers, not the server.
dial_all() {
	local ns=$1 n=$2 w=$3 up=0 last=-1 started=0 since t_end
	since=$(now_ms) t_end=$(($(now_ms) + 1800000))
	LAST_MS=$since
	while :; do
		while ((started < n && started - up < w)); do
			dial "$started"
			started=$((started + 1))
		done
		sleep 0.5	# each look walks every interface: not too often
		up=$(calls_up "$ns" 2>/dev/null)
		((up != last)) && { last=$up since=$(now_ms); LAST_MS=$since; }
		((up >= n)) && return 0
		(($(now_ms) - since > 120000 || $(now_ms) > t_end)) && return 1
	done
}

# setup_why DIR: what the clients and the server said, counted, when
# calls did not come up; and where the guest dropped packets.
setup_why() {
	local f
	echo "# the clients' last lines, counted:"
	for f in "$1"/client.*.log; do tail -1 "$f"; done | sed 's/[0-9]\+/N/g' | sort | uniq -c |
		sort -rn | head -8
	for f in "$1/server.log" "$1/pptpd.log"; do
		[[ -e $f ]] || continue
		echo "# ${f##*/}: warnings and errors, counted:"
		grep -E 'warning|error|refused' "$f" | sed 's/[0-9]\+/N/g' | sort | uniq -c |
			sort -rn | head -8
	done
	f=$(grep -l 'notice: stopped' "$1"/client.*.log | head -1)
	[[ -n $f ]] && { echo "# ${f##*/}, a client that gave up:"; tail -25 "$f"; }
	echo "# the kernel's last words:"
	dmesg | tail -15
	echo "# IPv6 neighbours (all namespaces share the table): $(for n in "$A" "$B"; do
		ip -n "$n" -6 neigh show; done | wc -l), gc_thresh3 $(cat /proc/sys/net/ipv6/neigh/default/gc_thresh3)"
	echo "# CPU time (s) by program since boot, and the load: $(cat /proc/loadavg)"
	cat /proc/[0-9]*/stat 2>/dev/null | awk '{ sub(/^[0-9]+ \(/, ""); c = $1; sub(/\).*/, "", c)
		n = split($0, f, ") "); split(f[n], g, " "); t[c] += g[12] + g[13] }
		END { for (c in t) printf "%8.1f %s\n", t[c] / 100, c }' | sort -rn | head -6
	echo "# softnet_stat (processed, dropped, squeezed) per CPU:"
	while read -r a b c _; do echo "$((16#$a)) $((16#$b)) $((16#$c))"; done </proc/net/softnet_stat
	echo "# kpptp counters in the server's namespace:"
	ip netns exec "$B" cat /proc/net/kpptp 2>/dev/null | grep -v '^call' | head -5
}

# setup PATH: N calls to kpptpd or pptpd; the figures in $out/PATH.setup.
setup() {
	local path=$1 n=${KPPTP_SETUP_CALLS:-1000} work i t0 m0 m1 up
	new_ns A
	new_ns B
	ipv6_on "$A" "$B"
	link_ns "$B" 198.51.100.1 "$A" 198.51.100.2
	work=$(mktemp -d)
	_cleanups+=("rm -rf $work" "wait_for 120 no_pppd")
	# kpptpd and kpptp.so from the guest's RAM, as pppd and pptpd are: a
	# thousand execs and dlopens over 9p would time the host's file
	# server, and under icount a guest waiting on it lets its clock run.
	local BIN=$work/bin plugin=$work/bin/kpptp.so
	mkdir -p "$BIN"
	cp "$REPO/build/bin/kpptpd" "$REPO/build/lib/kpptp.so" "$BIN/"
	kpptpd_setup "$work" "remote-ip none" "max-calls $n" "max-calls-per-connection 1" \
		"${KPPTPD_ONE_SOURCE[@]}"
	sed -i "s|^plugin .*|plugin $plugin|" "$work/kpptpd.conf"
	printf '%s\n' noip +ipv6 >>"$work/options.pptp"
	case $path in
	setup-kpptpd)
		kpptpd_start "$B" "$work" || { echo "bench: $path: kpptpd did not start" >&2; return 1; }
		;;
	setup-pptpd)
		# delegate: pptpd hands out no address (so its remoteip does not
		# cap connections), as kpptpd's remote-ip none.
		local PPTPD_LOCAL= PPTPD_CONF=(delegate "connections $n")
		pptpd_start "$B" "$work" ||
			{ echo "bench: $path: pptpd did not listen" >&2; return 1; }
		;;
	esac
	# dial I: client I, a kpptpd --client in A.
	dial() {
		ip netns exec "$A" "$BIN/kpptpd" --client 198.51.100.1 \
			--plugin "$plugin" -- name alice password s3cret-Pw \
			remotename kpptpd require-mppe-128 refuse-pap refuse-chap refuse-mschap \
			noauth nodefaultroute lcp-echo-interval 0 noip +ipv6 \
			>"$work/client.$1.log" 2>&1 &
		_cleanups+=("kill $!")
	}
	m0=$(mem_avail_kb)
	t0=$(now_ms)
	dial_all "$A" "$n" "${KPPTP_SETUP_WINDOW:-50}"
	up=$(calls_up "$A" 2>/dev/null)
	m1=$(mem_avail_kb)
	{
		echo "calls $up"
		echo "wanted $n"
		echo "up_ms $((LAST_MS - t0))"
		echo "server_pss_kb $(pss_kb "$B")"
		echo "mem_kb $((m0 - m1))"
	} >"$out/$path.setup"
	((up == n)) || {
		echo "bench: $path: $up of $n calls came up (none more for 120 s)" >&2
		setup_why "$work" >&2
	}
}

# windows PATH: calls dialled one after the other by win-client, which
# dials as Windows' RAS client does (IPCP in the same burst as CCP), to
# kpptpd (windows-kpptpd) or Debian's pptpd (windows-pptpd), MS-CHAPv2
# and MPPE-128: the time from Outgoing-Call-Request to IPCP up of each,
# as "ipcp_ms N" lines in $out/PATH.windows, and "calls N".
windows() {
	local path=$1 n=${KPPTP_WINDOWS_CALLS:-20} work i ok=0 ms
	new_ns A
	new_ns B
	link_ns "$B" 198.51.100.1 "$A" 198.51.100.2
	work=$(mktemp -d)
	_cleanups+=("rm -rf $work" "wait_for 60 no_pppd")
	kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
	echo 'ms-dns 192.0.2.53' >>"$work/options.pptp"
	case $path in
	windows-kpptpd)
		kpptpd_start "$B" "$work" || { echo "bench: $path: kpptpd did not start" >&2; return 1; }
		;;
	windows-pptpd)
		pptpd_start "$B" "$work" || { echo "bench: $path: pptpd did not listen" >&2; return 1; }
		;;
	esac
	: >"$out/$path.windows"
	for ((i = 0; i < n; i++)); do
		ip netns exec "$A" timeout 60 "$BIN/win-client" --server 198.51.100.1 --user alice \
			--password s3cret-Pw >"$work/win.$i.log" 2>&1
		ms=$(awk '/^ipcp-up-ms/ { print $2 }' "$work/win.$i.log")
		if [[ -n $ms ]]; then
			echo "ipcp_ms $ms" >>"$out/$path.windows"
			ok=$((ok + 1))
		else
			echo "bench: $path: call $i: $(tail -1 "$work/win.$i.log")" >&2
		fi
		wait_for 30 no_pppd
	done
	echo "calls $ok" >>"$out/$path.windows"
	echo "wanted $n" >>"$out/$path.windows"
	((ok > 0))
}
