#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors about our GRE: a router that blocks protocol 47 (the classic
# "TCP 1723 works, GRE does not" of Windows error 619/806) is named in the
# session's counters; "fragmentation needed" lowers the path MTU.
#
#  ┌──────────────────┐ veth ┌─────────────────────────────┐ veth ┌──────────────────┐
#  │ $A 198.51.100.1  ├──────┤ .254  $R  192.0.2.254       ├──────┤ 192.0.2.1     $B │
#  │ call 100         │      │ rule: ipproto gre prohibit  │ 1300 │ call 200         │
#  └──────────────────┘      └─────────────────────────────┘      └──────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 16
load_kpptp

new_ns A
new_ns R
new_ns B
veth_ns "$A" kpv0 198.51.100.1/24 "$R" kpv1 198.51.100.254/24
veth_ns "$R" kpv2 192.0.2.254/24 "$B" kpv3 192.0.2.1/24 1300
ip -n "$A" route add default via 198.51.100.254
ip -n "$B" route add default via 192.0.2.254
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
nsexec "$A" ping -c 1 -W 2 192.0.2.1 >/dev/null || ktap_bail "routing through R"

start_tunnel "$A" 198.51.100.1 192.0.2.1 100 200 203.0.113.1 203.0.113.2 || ktap_bail "tunnel A"
start_tunnel "$B" 192.0.2.1 198.51.100.1 200 100 203.0.113.2 203.0.113.1 || ktap_bail "tunnel B"
B_IF=$TUN_IF
ktap_check "the tunnel passes traffic through R" nsexec "$A" ping -c 2 -i 0.1 -W 2 203.0.113.2

ip netns exec "$A" "$BIN/kpptpctl" monitor >/tmp/mon.A 2>&1 &
defer "kill $!"
ip netns exec "$A" "$BIN/kpptpctl" -j monitor >/tmp/mon.A.json 2>&1 &
defer "kill $!"
wait_monitors "$A" 2

# R starts to refuse GRE, answering "communication administratively prohibited".
ip -n "$R" rule add ipproto gre iif kpv1 prohibit
ip -n "$R" rule add ipproto gre iif kpv2 prohibit
ktap_check "with GRE blocked the tunnel is down" \
	bash -c "! ip netns exec $A ping -c 3 -i 0.2 -W 1 203.0.113.2 >/dev/null"
ktap_ge "A's session counted the ICMP unreachables" 1 "$(sess "$A" 100 icmp_unreachable)"
ktap_eq "... and names the router that sent them" 198.51.100.254 "$(sess "$A" 100 icmp_router)"
ktap_eq "... type 3 (unreachable) code 13 (prohibited)" "3 13" \
	"$(sess "$A" 100 icmp_type) $(sess "$A" 100 icmp_code)"
ktap_eq "no ICMP was charged to no session" 0 "$(netstat_kpptp "$A" icmp_no_session)"
sed 's/^/# mon: /' /tmp/mon.A
ktap_check "monitor: an icmp-error event names the router" \
	grep -q '^icmp-error .*call 100 .* icmp communication administratively prohibited (type 3 code 13) from 198.51.100.254' /tmp/mon.A
ktap_check "... and in JSON" \
	grep -q '"event":"icmp-error",.*"icmp-type":3,"icmp-code":13,"icmp-router":"198.51.100.254"' /tmp/mon.A.json
ip -n "$R" rule del ipproto gre iif kpv1 prohibit
ip -n "$R" rule del ipproto gre iif kpv2 prohibit
ktap_check "with GRE allowed again the tunnel is back" \
	nsexec "$A" ping -c 2 -i 0.1 -W 2 203.0.113.2

# Full-size TCP segments carry DF; the 1300-byte hop cannot take them.
# First from L, a host on A's LAN that A routes into the tunnel: it must get
# an ICMP "fragmentation needed" from A with the inner MTU that fits.
new_ns L
veth_ns "$A" kpv4 203.0.113.65/26 "$L" kpv5 203.0.113.66/26
ip -n "$L" route add default via 203.0.113.65
ip netns exec "$A" sysctl -qw net.ipv4.ip_forward=1
ip -n "$B" route add 203.0.113.64/26 dev "$B_IF"
ip netns exec "$B" iperf3 -s -1 -D >/dev/null 2>&1
wait_for 5 listening "$B" 5201
ip netns exec "$L" timeout 20 iperf3 -c 203.0.113.2 -t 3 -J >/tmp/iperf.L.json 2>&1
ip -n "$L" route get 203.0.113.2 | sed 's/^/# L: /'
ktap_check "a sender behind the tunnel got fragmentation needed: MTU 1260" \
	bash -c "ip -n $L route get 203.0.113.2 | grep -q 'mtu 1260'"
# Not a speed figure: a PMTU black hole moves nothing past the first
# window (~14 KB). 200 KB is far beyond that, and within reach of the
# debug kernel on a starved host (1 MB was not, once: CI ran another
# guest beside it).
ktap_ge "... and its TCP went on through the hop (KB received)" 200 \
	"$(grep -A6 '"sum_received"' /tmp/iperf.L.json | awk -F'[:,]' '/"bytes"/ { printf "%d", $2 / 1e3 }')"

# Then from A itself: no ICMP to ourselves, the route learns directly.
wait_for 5 eval '! listening "$B" 5201'
ip netns exec "$B" iperf3 -s -1 -D >/dev/null 2>&1
wait_for 5 listening "$B" 5201
ip netns exec "$A" timeout 20 iperf3 -c 203.0.113.2 -t 3 -J >/tmp/iperf.json 2>&1
ktap_ge "fragmentation needed was counted" 1 "$(sess "$A" 100 icmp_frag_needed)"
ktap_eq "... and the session's path MTU is the hop's" 1300 "$(sess "$A" 100 pmtu)"
# Inner packets too big for the hop are not sent: their sender learns the
# MTU that fits (1300 - IP 20 - GRE 16 - PPP 4 = 1260) and TCP carries on.
ktap_ge "DF packets beyond the path MTU are dropped and counted" 1 \
	"$(sess "$A" 100 tx_drop_too_big)"
ktap_check "... their sender learnt the inner MTU 1260" \
	bash -c "ip -n $A route get 203.0.113.2 | grep -q 'mtu 1260'"
ip -n "$A" route get 203.0.113.2 | sed 's/^/# /'
ktap_ge "... and TCP went on through the 1300-byte hop (KB received)" 200 \
	"$(grep -A6 '"sum_received"' /tmp/iperf.json | awk -F'[:,]' '/"bytes"/ { printf "%d", $2 / 1e3 }')"
ktap_finish
