#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The receive fast path: a kpptpd call without MPPE whose pppds ask for it
# (kpptp-fastpath) hands IPv4 to GRO on pppN: the receiver's TCP sees far
# fewer, bigger segments than the sender sent, and pppN's counters still
# add up. Refused with MPPE; off when the module parameter is 0.
#
#  ┌─ $C: kpptpd --client + pppd ┐  veth  ┌─ $S: kpptpd + pppd ─────┐
#  │ kpv1 198.51.100.2           ├────────┤ 198.51.100.1 kpv0       │
#  │ ppp 203.0.113.10 (pool)     │PPTP GRE│ 203.0.113.1 ppp         │
#  └─────────────────────────────┘        └─────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 11
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
sed -i 's/^require-mppe-128$/nomppe/' "$work/options.pptp"
echo kpptp-fastpath >>"$work/options.pptp"

# link NS FIELD: rx_packets, rx_bytes... of the call's interface in NS.
link() {
	local ifc
	ifc=$(ip -n "$1" -o link show | awk -F': ' '/: ppp[0-9]+:/ { print $2; exit }')
	ip netns exec "$1" cat "/sys/class/net/$ifc/statistics/$2"
}
# field NS FIELD: a field of the (one) session in NS's /proc/net/kpptp.
field() {
	ip netns exec "$1" awk -v f="$2" '
		$1 == "call" { for (i = 1; i < NF; i += 2) if ($i == f) { print $(i + 1); exit } }
	' /proc/net/kpptp
}
# call LOG MPPE-OPTION: a call from $C asking for the fast path, up.
call() {
	local log=$1 mppe=$2
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		-- name alice password s3cret-Pw remotename kpptpd "$mppe" refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 0 \
		kpptp-fastpath >"$log" 2>&1 &
	CLIENT=$!
	client_up "$log"
}

echo 1 >/sys/module/kpptp/parameters/fastpath
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server) did not start"
call "$work/c1.log" nomppe
ktap_check "both pppds turned the fast path on for IPv4" eval \
	"grep -q 'fast path on for IPv4' '$work/c1.log' && grep -q 'fast path on for IPv4' '$work/server.log'"
ktap_eq "kpptp.ko says so on both ends" "1 1" "$(field "$C" fastpath) $(field "$S" fastpath)"

in0=$(snmp "$S" Tcp InSegs) out0=$(snmp "$C" Tcp OutSegs)
r0=$(link "$S" rx_packets) k0=$(field "$S" rx_packets)
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 3)
echo "# iperf3 client -> server, fast path: ${mbps:-failed} Mbit/s"
ktap_ge "iperf3 through the fast path" 1 "${mbps:-0}"
sent=$(($(snmp "$C" Tcp OutSegs) - out0)) got=$(($(snmp "$S" Tcp InSegs) - in0))
echo "# the sender sent $sent TCP segments; the receiver's TCP took $got"
# GRO merges a burst of ~45 into one: without it, got is about sent.
ktap_ge "GRO merged: the receiver's TCP took under a quarter of the segments" \
	"$((got * 4))" "$sent"
rx=$(($(link "$S" rx_packets) - r0)) kx=$(($(field "$S" rx_packets) - k0))
echo "# the server's ppp0 counted $rx frames received, kpptp.ko $kx"
# kpptp counts every frame; ppp0 every frame but the few of LCP/CCP that
# ppp_generic hands to pppd (none in a 3 s transfer with echoes off).
ktap_eq "pppN's rx_packets are kpptp.ko's" "$kx" "$rx"
ktap_check "ping still works both ways" eval \
	"nsexec '$C' ping -c 2 -W 2 203.0.113.1 && nsexec '$S' ping -c 2 -W 2 203.0.113.10"
# The admin's switch: off, and the call goes on through ppp_generic.
id=$(ip netns exec "$S" "$BIN/kpptpctl" -j session list | grep -o '"id":[0-9]*' | head -1)
ip netns exec "$S" "$BIN/kpptpctl" session set "${id#*:}" fastpath off
ktap_eq "kpptpctl session set ID fastpath off: off on the server" "1 0" \
	"$(field "$C" fastpath) $(field "$S" fastpath)"
ktap_check "... and the call goes on" nsexec "$C" ping -c 2 -W 2 203.0.113.1
client_hangup

# MPPE: CCP is up when IPCP comes up; the plugin does not ask.
sed -i 's/^nomppe$/require-mppe-128/' "$work/options.pptp"
call "$work/c2.log" require-mppe-128
ktap_check "with MPPE the client refuses: compression is up" \
	grep -q 'no fast path: compression (CCP) is up' "$work/c2.log"
ktap_eq "... and kpptp.ko has it off on both ends" "0 0" \
	"$(field "$C" fastpath) $(field "$S" fastpath)"
client_hangup

# The module parameter off: asked, refused, said.
echo 0 >/sys/module/kpptp/parameters/fastpath
sed -i 's/^require-mppe-128$/nomppe/' "$work/options.pptp"
call "$work/c3.log" nomppe
ktap_check "fastpath=0: the client's pppd says why not" \
	grep -q "no fast path: kpptp.ko's fastpath parameter is 0" "$work/c3.log"
client_hangup
ktap_finish
