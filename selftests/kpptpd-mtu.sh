#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A call's PPP MTU fits the path. pppd's default MTU and MRU are 1500; a
# 1500-byte PPP frame is a 1540-byte GRE packet, so on a 1500-byte path
# every full-size packet went out in two IP fragments. TCP with DF learnt
# the path MTU, but MPPE frames hide the DF bit: an MPPE call fragmented
# every packet (and lost some, retransmitted by TCP). kpptp.so now sets
# pppd's defaults to what kpptp.ko says the path carries.
#
#  ┌─ $C: kpptpd --client + pppd ┐  veth  ┌─ $S: kpptpd + pppd ─────┐
#  │ kpv1 198.51.100.2           ├────────┤ 198.51.100.1 kpv0       │
#  │ ppp 203.0.113.10 (pool)     │MTU 1500│ 203.0.113.1 ppp         │
#  └─────────────────────────────┘  /1400 └─────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 9
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'

# ppp_mtu NS: the MTU of the call's interface in NS.
ppp_mtu() { ip -n "$1" -o link show | awk '/: ppp[0-9]+:/ { for (i = 1; i < NF; i++) if ($i == "mtu") { print $(i + 1); exit } }'; }
# frags NS: IP fragments NS has made.
frags() { snmp "$1" Ip FragCreates; }
# call LOG [pppd options]: a call from $C, up (bails if not).
call() {
	local log=$1
	shift
	EXTRA_PPP="$*" kpptpd_client "$log" s3cret-Pw
	client_up "$log"
}

kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server) did not start"
call "$work/c1.log"
# 1500 - 20 (IP) - 16 (GRE with ack) - 4 (PPP) = 1460; MPPE takes 4 more.
ktap_eq "1500-byte path, MPPE: both ends' PPP MTU is 1456" "1456 1456" \
	"$(ppp_mtu "$C") $(ppp_mtu "$S")"
ktap_check "... and pppd says why" \
	grep -q 'kpptp.so: the path carries 1460-byte PPP frames' "$work/c1.log"
f0=$(frags "$C") g0=$(frags "$S")
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 2)
echo "# iperf3 client -> server through MPPE-128: ${mbps:-failed} Mbit/s"
ktap_ge "iperf3 through the call" 1 "${mbps:-0}"
ktap_eq "... and not one GRE packet fragmented, either way" "0 0" \
	"$(($(frags "$C") - f0)) $(($(frags "$S") - g0))"
client_hangup

# The admin's own mtu stays, with a warning that it is too big; the other
# end's MRU still keeps the packets whole.
call "$work/c2.log" mtu 1480
ktap_check "an mtu bigger than the path: pppd warns" \
	grep -q 'kpptp.so: mtu 1480 is more than the path carries (1460)' "$work/c2.log"
ktap_eq "... and the server's MRU still makes it 1456 on both ends" "1456 1456" \
	"$(ppp_mtu "$C") $(ppp_mtu "$S")"
client_hangup

# A narrower path: 1400 - 40 = 1360.
ip -n "$C" link set kpv1 mtu 1400
ip -n "$S" link set kpv0 mtu 1400
call "$work/c3.log"
ktap_eq "1400-byte path, MPPE: both ends' PPP MTU is 1356" "1356 1356" \
	"$(ppp_mtu "$C") $(ppp_mtu "$S")"
f0=$(frags "$C")
ktap_check "... a full-size ping (1356 bytes) passes" nsexec "$C" ping -c 2 -W 2 -s 1328 203.0.113.1
ktap_eq "... unfragmented" 0 "$(($(frags "$C") - f0))"
client_hangup
ktap_finish
