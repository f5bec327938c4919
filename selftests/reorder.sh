#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reordering on the path (tc netem on A's veth): with a reorder window the
# receiver delivers everything in order and loses nothing; with the window
# off (the in-tree behaviour) late packets are dropped. With the adaptive
# hold, TCP through a path that reorders 5 % of its packets by 5 ms loses
# nothing in the tunnel, and with the module's defaults (window 64, a hold
# of at most 20 ms) TCP goes on under 1 % loss.
#
#  ┌────────────────────────┐ veth + netem  ┌────────────────────────┐
#  │ $A 198.51.100.1        ├──────────────►│ 198.51.100.2        $B │
#  │ 203.0.113.1 call 100   │ delay 5ms,    │ 203.0.113.2 call 200   │
#  │ iperf3 -u client       │ 30% reordered │ iperf3 server          │
#  └────────────────────────┘               └────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 24
load_kpptp
modprobe sch_netem || ktap_bail "modprobe sch_netem"

# udp_run WINDOW: a 2 s UDP stream A -> B through a fresh tunnel pair,
# B's session with the given reorder window. Sets LOST to the datagrams
# iperf3 counted as lost, and STACK to those the stack outside the tunnel
# dropped and counted: B's socket buffer full (a starved iperf3 server),
# A's sends refused with ENOBUFS, and the input backlogs. Those are not
# the tunnel's to answer for; any other loss is.
# tunnel_pair [pptp-static options for B]: fresh namespaces A and B joined
# by veth, a static tunnel between them (A call 100, B call 200), up; the
# options in the array BOTH go to both ends. Sets A_IF and B_IF, the
# tunnels' interfaces.
BOTH=()
tunnel_pair() {
	new_ns A
	new_ns B
	link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
	start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 "${BOTH[@]}" ||
		ktap_bail "tunnel A"
	A_IF=$TUN_IF
	start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 "${BOTH[@]}" "$@" ||
		ktap_bail "tunnel B"
	B_IF=$TUN_IF
	nsexec "$A" ping -c 1 -W 2 203.0.113.2 >/dev/null || ktap_bail "tunnel ping"
}

udp_run() {
	local window=$1 json drops0 rcvbuf mem enobufs backlog
	LOST='' STACK=''
	tunnel_pair --reorder-window "$window" --reorder-timeout 200
	nsexec "$A" tc qdisc add dev kpv0 root netem delay 5ms reorder 70% 50%
	ip netns exec "$B" iperf3 -s -1 -D -I "/tmp/iperf.$B.pid" >/dev/null 2>&1
	wait_for 5 listening "$B" 5201
	drops0=$(backlog_drops)
	json=$(ip netns exec "$A" timeout 60 iperf3 -c 203.0.113.2 -u -b 8M -l 1000 -t 2 -J) ||
		return 1
	LOST=$(echo "$json" | awk -F'[:,]' '/"lost_packets"/ { v = $2 } END { printf "%d", v }')
	rcvbuf=$(snmp "$B" Udp RcvbufErrors) mem=$(snmp "$B" Udp MemErrors)
	enobufs=$(snmp "$A" Udp SndbufErrors) backlog=$(($(backlog_drops) - drops0))
	STACK=$((rcvbuf + mem + enobufs + backlog))
	echo "# window $window: iperf3 lost $LOST; outside the tunnel:" \
		"B's socket buffer $rcvbuf (memory $mem), A's ENOBUFS $enobufs," \
		"input backlogs $backlog"
	if ((LOST > STACK)); then
		ip -n "$A" -s link show dev "$A_IF" | sed 's/^/# A: /'
		ip -n "$B" -s link show dev "$B_IF" | sed 's/^/# B: /'
		echo "# A: $(ip netns exec "$A" cat /proc/net/kpptp)"
	fi
}

udp_run 64 || ktap_bail "iperf3 UDP with window 64"
ktap_ge "the path reorders: B saw packets ahead of a gap" 1 "$(sess "$B" 200 rx_out_of_order)"
ktap_ge "B put them back in order" 1 "$(sess "$B" 200 rx_reordered)"
# The first gap is held for the whole cap; after it, four times the gaps
# seen. A loaded host (make check runs two guests on two cores) may stall
# the guest longer than that once: that gap is given up, its packets come
# late, and the hold keeps the longer delay from then on (reorder.h,
# KPPTP_REORDER_PERSIST). So: every packet given up came late (reordering,
# not loss), at most 2 of them, and iperf3 lost nothing else.
late=$(sess "$B" 200 rx_late) lost=$(sess "$B" 200 rx_lost)
ktap_ge "with window 64: at most 2 packets late while the hold learns ($late)" 0 "$((2 - late))"
ktap_eq "with window 64: every packet given up came after all: reordering, not loss" \
	"$late" "$lost"
ktap_eq "with window 64: iperf3 lost no datagram but those the stack dropped outside the tunnel and those late" \
	0 "$((LOST > STACK + late ? LOST - STACK - late : 0))"
echo "# B: $(ip netns exec "$B" cat /proc/net/kpptp | tr ' ' '\n' | paste - - | grep -E 'rx_(packets|out_of|reord|late|lost)' | tr '\n' ' ')"

udp_run 0 || ktap_bail "iperf3 UDP with window 0"
ktap_ge "with window 0 the path still reorders" 1 "$(sess "$B" 200 rx_out_of_order)"
ktap_ge "with window 0: late packets are dropped" 1 "$(sess "$B" 200 rx_late)"
ktap_ge "with window 0: iperf3 sees the loss" 1 "$LOST"
ktap_eq "nothing is ever held without a window" 0 "$(sess "$B" 200 rx_reordered)"

mbps=$(iperf_run "$A" 203.0.113.2 "$B" -t 2)
ktap_ge "TCP still flows through a reordering path" 1 "${mbps:-0}"

# tcp_run NETEM RATE [pptp-static options for B]: TCP A -> B for 3 s at
# most at RATE (iperf3 -b) through a fresh tunnel pair whose A side runs
# NETEM on its veth. Sets MBPS and RETRANS (the sender's retransmissions).
tcp_run() {
	local netem=$1 rate=$2 json
	shift 2
	MBPS='' RETRANS=''
	tunnel_pair "$@"
	# A queue long enough that netem itself drops nothing.
	# shellcheck disable=SC2086
	nsexec "$A" tc qdisc add dev kpv0 root netem limit 100000 $netem
	ip netns exec "$B" iperf3 -s -1 -D -I "/tmp/iperf.$B.pid" >/dev/null 2>&1
	wait_for 5 listening "$B" 5201
	json=$(ip netns exec "$A" timeout 60 iperf3 -c 203.0.113.2 -t 3 -b "$rate" -J) ||
		return 1
	MBPS=$(echo "$json" | grep -A12 '"sum_received"' |
		awk -F'[:,]' '/bits_per_second/ { printf "%d", $2 / 1e6; exit }')
	RETRANS=$(echo "$json" | grep -A12 '"sum_sent"' |
		awk -F'[:,]' '/"retransmits"/ { printf "%d", $2; exit }')
	echo "# $netem ${*:-(defaults)}: ${MBPS:-?} Mbit/s, $RETRANS retransmissions;" \
		"B: $(ip netns exec "$B" cat /proc/net/kpptp | tr ' ' '\n' | paste - - |
			grep -E 'reorder_(window|hold_us)|rx_(packets|out_of|reord|late|lost)' |
			tr '\n' ' ')"
	[[ -n $MBPS && -n $RETRANS ]]
}

# The emulated guest's clock runs on while the host is loaded (make check
# runs two guests at once), and stretches netem's 5 ms to tens of ms now
# and then: the cap and window are raised, and TCP held to 50 Mbit/s (what
# is held must fit the window's 256 KiB however long the gap), so that the
# test measures how the hold adapts, not the host's load. How fast TCP
# goes through reordering and loss is for tools/bench/reorder.sh, whose
# icount guest is deterministic, not for a test.
tcp_run "delay 5ms reorder 5%" 50M --reorder-timeout 200 --reorder-window 256 ||
	ktap_bail "TCP through 5 % reordering"
ktap_ge "the path reorders: B saw packets ahead of a gap" 1 "$(sess "$B" 200 rx_out_of_order)"
# While the hold learns, a few gaps may be given up: when the guest's two
# CPUs close their microsecond gaps first, the hold starts short, and the
# first 5 ms gaps (stretched by a loaded host) teach it by coming late.
# After that, nothing but what a loaded host does: make check's two
# guests on two cores once stalled this one for longer than the 62 ms
# hold it had learnt, and that one gap cost 30 packets, all of which came
# (late). So: every packet given up came after all (nothing lost for
# good), and at most 1 % of them late; dropping reordered packets, as
# window 0 does, makes it 5 %. (TCP's retransmissions are printed: a
# loaded host makes the guest send tail-loss probes too.)
late=$(sess "$B" 200 rx_late) lost=$(sess "$B" 200 rx_lost) pk=$(sess "$B" 200 rx_packets)
ktap_ge "5 % reordered by 5 ms: at most 1 % of $pk packets late while the hold learns ($late)" \
	"$((late * 100))" "${pk:-0}"
ktap_eq "5 % reordered by 5 ms: every packet given up came after all ($lost; $RETRANS TCP retransmissions)" \
	"$late" "$lost"
# The hold learnt the path's gaps of 5 ms and more (the guest's timers
# are late too): four times that plus 0.5 ms, well above the floor.
hold=$(sess "$B" 200 reorder_hold_us)
ktap_check "the hold adapted to the path: 10 ms < $hold us <= 200 ms" \
	test "${hold:-0}" -gt 10000 -a "${hold:-0}" -le 200000

# The module's defaults, under real loss: the session reorders and TCP
# goes on; a gap that never closes is given up within the hold.
tcp_run "loss 1%" 100M || ktap_bail "TCP, 1 % loss, defaults"
ktap_eq "the module's default reorder window is 64" 64 "$(sess "$B" 200 reorder_window)"
ktap_ge "1 % loss, defaults: TCP goes on ($MBPS Mbit/s)" 1 "${MBPS:-0}"
ktap_ge "... and the losses are counted, not held forever" 1 "$(sess "$B" 200 rx_lost)"

# The same paths with the fast path on both ends (GRO on receive, GSO from
# pppN's egress hook): the reorder engine stays strictly before GRO, so a
# reordering path costs nothing more, and under loss TCP does as well as
# with the in-tree module's behaviour (window 0: nothing held).
params=/sys/module/kpptp/parameters
defer "echo $(cat $params/fastpath) >$params/fastpath"
echo 1 >$params/fastpath
BOTH=(--fastpath)
a_harm() {
	ip netns exec "$A" awk '$1 == "TcpExt:" && !n { for (i = 2; i <= NF; i++) c[$i] = i; n = 1; next }
		$1 == "TcpExt:" { print $c["TCPFastRetrans"] + 0; exit }' /proc/net/netstat
}
tcp_run "delay 5ms reorder 5%" 50M --reorder-timeout 200 --reorder-window 256 ||
	ktap_bail "TCP through 5 % reordering, fast path"
late=$(sess "$B" 200 rx_late) lost=$(sess "$B" 200 rx_lost) fast=$(sess "$B" 200 fast_rx)
pk=$(sess "$B" 200 rx_packets)
# How many frames a 3 s run carries depends on the host's load (the debug
# kernel's once carried 811): what is checked is that they went to GRO,
# all of them but the odd LCP echo, out of a transfer of some size.
went_to_gro() {
	local what=$1 fast=$2 pk=$3
	ktap_check "$what: B's frames went to GRO ($fast of $pk)" \
		test "${pk:-0}" -ge 200 -a "$((${fast:-0} * 100))" -ge "$((${pk:-0} * 95))"
}
went_to_gro "fast path, 5 % reordered by 5 ms" "$fast" "$pk"
ktap_ge "fast path, 5 % reordered: at most 1 % of $pk late while the hold learns ($late)" \
	"$((late * 100))" "${pk:-0}"
ktap_eq "fast path, 5 % reordered: every packet given up came after all" "$late" "$lost"
# A fast retransmission is TCP's answer to a gap it saw: with the tunnel
# in order, only where a packet was given up.
fr=$(a_harm)
ktap_ge "fast path, 5 % reordered: TCP fast-retransmitted only where a gap was given up ($fr)" \
	"$fr" "$lost"
# Unlimited (iperf3 -b 0): how fast loss recovery lets TCP go is the point.
tcp_run "loss 1%" 0 --reorder-window 0 || ktap_bail "TCP, 1 % loss, window 0"
window0_mbps=$MBPS
tcp_run "loss 1%" 0 || ktap_bail "TCP, 1 % loss, fast path, defaults"
went_to_gro "fast path, 1 % loss" "$(sess "$B" 200 fast_rx)" "$(sess "$B" 200 rx_packets)"
# How fast TCP goes against window 0 is a benchmark's question
# (tools/bench/reorder.sh, in a deterministic guest): in a wall-clock
# guest a loaded host moved it from 0.89 to 0.48. Printed here; checked:
# a loss is given up within the hold's cap (20 ms), never held longer.
echo "# fast path, 1 % loss: $MBPS Mbit/s against window 0's $window0_mbps"
hold=$(sess "$B" 200 reorder_hold_us)
ktap_ge "fast path, 1 % loss: the hold stays within its 20 ms cap ($hold us)" "${hold:-99999999}" 20000
ktap_ge "fast path, 1 % loss: the losses are counted, not held forever" 1 "$(sess "$B" 200 rx_lost)"
ktap_finish
