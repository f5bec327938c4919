#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static tunnel, no pppd: ping and iperf3 both ways, exact counters.
#
#  ┌──────────────────────┐   veth    ┌──────────────────────┐
#  │ $A  198.51.100.1     ├───────────┤ 198.51.100.2   $B    │
#  │ pppN 203.0.113.1     │  PPTP GRE │ 203.0.113.2 pppN     │
#  │ call 100 → peer 200  │           │ call 200 → peer 100  │
#  └──────────────────────┘           └──────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 21
load_kpptp

new_ns A
new_ns B
link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 ||
	ktap_bail "tunnel in A"
A_IF=$TUN_IF
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 ||
	ktap_bail "tunnel in B"

ktap_eq "session A is connected" connected "$(sess "$A" 100 state)"
ktap_eq "session B knows its peer's call" 100 "$(sess "$B" 200 peer_call)"

# 10 pings of 56 bytes: IP 84 + protocol 2 + address/control 2 = 88 bytes.
ktap_check "ping A -> B through the tunnel" \
	nsexec "$A" ping -c 10 -i 0.05 -W 2 203.0.113.2
ktap_eq "A tx_packets after 10 pings" 10 "$(sess "$A" 100 tx_packets)"
ktap_eq "A tx_bytes after 10 pings" 880 "$(sess "$A" 100 tx_bytes)"
ktap_eq "B rx_packets after 10 pings" 10 "$(sess "$B" 200 rx_packets)"
ktap_eq "B rx_bytes after 10 pings" 880 "$(sess "$B" 200 rx_bytes)"
ktap_eq "A rx_packets (the replies)" 10 "$(sess "$A" 100 rx_packets)"
ktap_eq "nothing lost or reordered on a clean path" "0 0 0" \
	"$(sess "$B" 200 rx_lost) $(sess "$B" 200 rx_out_of_order) $(sess "$B" 200 rx_late)"
# Replies carry the ack of each request: every reply piggybacks one.
ktap_ge "B piggybacked acks on its replies" 10 "$(sess "$B" 200 tx_acks_piggybacked)"
ktap_ge "A received acks" 10 "$(sess "$A" 100 rx_acks)"

ktap_check "ping B -> A through the tunnel" \
	nsexec "$B" ping -c 5 -i 0.05 -W 2 203.0.113.1

# One-way traffic: B blackholes 203.0.113.99 silently, so nothing comes back
# to carry the ack; only standalone acks can acknowledge these packets.
ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1
ip -n "$B" route add blackhole 203.0.113.99
ip -n "$A" route add 203.0.113.99 dev "$A_IF"
before=$(sess "$B" 200 tx_ack_only)
rx_before=$(sess "$B" 200 rx_packets)
nsexec "$A" ping -c 3 -i 0.2 -W 1 203.0.113.99 >/dev/null
ktap_eq "B received the one-way packets" $((rx_before + 3)) "$(sess "$B" 200 rx_packets)"
wait_for 3 sess_ge "$B" 200 tx_ack_only $((before + 1))
ktap_ge "one-way data is acked by standalone acks" $((before + 1)) "$(sess "$B" 200 tx_ack_only)"
ktap_ge "A counted the standalone acks" 1 "$(sess "$A" 100 rx_ack_only)"

mbps=$(iperf_run "$A" 203.0.113.2 "$B" -t 3) && echo "# A -> B: $mbps Mbit/s"
ktap_ge "iperf3 TCP A -> B" 1 "${mbps:-0}"
mbps=$(iperf_run "$A" 203.0.113.2 "$B" -t 3 -R) && echo "# B -> A: $mbps Mbit/s"
ktap_ge "iperf3 TCP B -> A" 1 "${mbps:-0}"

# Inner IPv6 is just another PPP protocol (0x0057): documentation prefix.
B_IF=$(ip -n "$B" -o link show type ppp | awk -F': ' '{ print $2; exit }')
# new_ns turned IPv6 off (exact counters above); on for the tunnel only.
ip netns exec "$A" sysctl -qw "net.ipv6.conf.$A_IF.disable_ipv6=0"
ip netns exec "$B" sysctl -qw "net.ipv6.conf.$B_IF.disable_ipv6=0"
ip -n "$A" -6 addr add 2001:db8::1 peer 2001:db8::2 dev "$A_IF" nodad
ip -n "$B" -6 addr add 2001:db8::2 peer 2001:db8::1 dev "$B_IF" nodad
rx_before=$(sess "$B" 200 rx_packets)
ktap_check "ping IPv6 A -> B through the tunnel" \
	nsexec "$A" ping -6 -c 3 -i 0.1 -W 2 2001:db8::2
ktap_ge "... B's session carried them" $((rx_before + 3)) "$(sess "$B" 200 rx_packets)"
mbps=$(iperf_run "$A" 2001:db8::2 "$B" -t 2) && echo "# IPv6 A -> B: $mbps Mbit/s"
ktap_ge "iperf3 TCP over inner IPv6" 1 "${mbps:-0}"

ktap_eq "no packet reached an unknown session" 0 "$(netstat_kpptp "$B" rx_no_session)"
echo "# $A_IF in A; sessions: $(ip netns exec "$A" cat /proc/net/kpptp_stats | tr '\n' ' ')"
ktap_finish
