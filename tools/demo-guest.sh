#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (make demo): two namespaces joined by veth, a static kpptp
# tunnel between them (call IDs given by hand, no pppd), iperf3 through it,
# then the session's counters.
source "$(dirname "$0")/../selftests/lib.sh"

step() { printf '\n== %s\n' "$*"; }

step "loading kpptp.ko"
load_kpptp
grep -E '^(kpptp|ppp_generic|pppox|gre) ' /proc/modules | awk '{print "   " $1}'

step "namespaces: client 198.51.100.1 <-veth-> server 198.51.100.2"
new_ns C
new_ns S
link_ns "$C" 198.51.100.1 "$S" 198.51.100.2

step "PPTP tunnel: call 100 <-> call 200, inner 203.0.113.1 <-> 203.0.113.2"
start_tunnel "$C" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 ||
	ktap_bail "client tunnel"
C_IF=$TUN_IF
start_tunnel "$S" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 ||
	ktap_bail "server tunnel"
ip -n "$C" -brief addr show dev "$C_IF" | sed 's/^/   client: /'
ip -n "$S" -brief addr show dev "$TUN_IF" | sed 's/^/   server: /'
ip netns exec "$C" ping -c 3 -i 0.2 -W 2 203.0.113.2 | sed 's/^/   /' ||
	ktap_bail "no ping through the tunnel"

step "iperf3 TCP, client -> server through the tunnel, 10 s"
ip netns exec "$S" iperf3 -s -1 -D >/dev/null 2>&1
wait_for 5 ip netns exec "$S" sh -c "netstat -ltn | grep -q ':5201 '"
ip netns exec "$C" timeout 60 iperf3 -c 203.0.113.2 -t 10 -f m |
	grep -E 'sender|receiver' | sed 's/^/   /' || ktap_bail "iperf3 failed"

step "the client's session (kpptpctl session list; kpptpctl stats 1)"
ip netns exec "$C" "$BIN/kpptpctl" session list | sed 's/^/   /'
ip netns exec "$C" "$BIN/kpptpctl" stats 1 | sed 's/^/   /'
