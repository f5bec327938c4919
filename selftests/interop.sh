#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability with the in-tree pptp.ko, which cannot share a kernel
# with kpptp (both claim GRE version 1): two guests (tools/vm/run --pair)
# joined by a qemu socket netdev. Guest 0 runs kpptp.ko and reports TAP;
# guest 1 runs Debian's pptp.ko and serves iperf3 until guest 0 is done.
#
#  ┌─ vm0: kpptp.ko ────────────┐  qemu socket  ┌─ vm1: pptp.ko ─────────────┐
#  │ $N eth0 198.51.100.1       ├───────────────┤ 198.51.100.2 eth0 $N       │
#  │ pppN 203.0.113.1  call 100 │   PPTP GRE    │ call 200  203.0.113.2 pppN │
#  └────────────────────────────┘               └────────────────────────────┘
source "$(dirname "$0")/lib.sh"

idx=${VM_INDEX:?run me with tools/vm/run --pair}
me=$((idx + 1)) peer=$((2 - idx))
done_flag=${VM_OUT:?}/interop.done

[[ $idx == 0 ]] && { ktap_header; ktap_plan 9; }
load_ppp_modules
if [[ $idx == 0 ]]; then load_kpptp; else modprobe pptp || ktap_bail "modprobe pptp"; fi

new_ns N
ip link set eth0 netns "$N" || ktap_bail "eth0 into $N"
ip -n "$N" addr add "198.51.100.$me/24" dev eth0
ip -n "$N" link set eth0 up
wait_for 60 ip netns exec "$N" ping -c 1 -W 1 "198.51.100.$peer" ||
	ktap_bail "no link to the other guest"
start_tunnel "$N" "198.51.100.$me" "198.51.100.$peer" "${me}00" "${peer}00" \
	"203.0.113.$me" "203.0.113.$peer" || ktap_bail "tunnel"

if [[ $idx == 1 ]]; then
	ip netns exec "$N" iperf3 -s -D >/dev/null 2>&1
	wait_for 280 test -e "$done_flag"
	exit 0
fi

wait_for 30 ip netns exec "$N" ping -c 1 -W 1 203.0.113.2
ktap_check "ping kpptp -> pptp.ko through the tunnel" \
	nsexec "$N" ping -c 5 -i 0.1 -W 2 203.0.113.2

ip netns exec "$N" tcpdump -i eth0 -nn -l -v -c 12 'ip proto 47' >/tmp/cap 2>/dev/null &
tpid=$!
wait_for 5 test -s /tmp/cap || sleep 1	# tcpdump prints nothing before a packet
nsexec "$N" ping -c 6 -i 0.2 -W 2 203.0.113.2 >/dev/null
wait_for 5 bash -c "[[ \$(grep -c GREv1 /tmp/cap) -ge 12 ]]"
kill "$tpid" 2>/dev/null
sed 's/^/# /' /tmp/cap | head -12
flags='(Flags \[[^]]*\], )?'
ktap_check "tcpdump decodes our packets as GREv1 to call 200 with seq" \
	grep -qE "198\.51\.100\.1 > 198\.51\.100\.2: GREv1, ${flags}call 200, seq [0-9]+" /tmp/cap
ktap_check "... and the in-tree packets as GREv1 to call 100 with seq and ack" \
	grep -qE "198\.51\.100\.2 > 198\.51\.100\.1: GREv1, ${flags}call 100, seq [0-9]+, ack [0-9]+" /tmp/cap
ktap_check "... our packets acknowledge theirs" \
	grep -qE "198\.51\.100\.1 > 198\.51\.100\.2: GREv1, ${flags}call 200, (seq [0-9]+, )?ack [0-9]+" /tmp/cap
ktap_check "... and no packet was malformed" bash -c "! grep -qE '\\[\\|gre\\]|bad|truncated' /tmp/cap"

mbps=$(ip netns exec "$N" timeout 60 iperf3 -c 203.0.113.2 -t 3 -J |
	awk -F'[:,]' '/"sum_received"/ { f = 1 } f && /bits_per_second/ { printf "%d", $2 / 1e6; exit }')
echo "# kpptp -> pptp.ko: ${mbps:-0} Mbit/s"
ktap_ge "iperf3 TCP kpptp -> pptp.ko" 1 "${mbps:-0}"
mbps=$(ip netns exec "$N" timeout 60 iperf3 -c 203.0.113.2 -t 3 -R -J |
	awk -F'[:,]' '/"sum_received"/ { f = 1 } f && /bits_per_second/ { printf "%d", $2 / 1e6; exit }')
echo "# pptp.ko -> kpptp: ${mbps:-0} Mbit/s"
ktap_ge "iperf3 TCP pptp.ko -> kpptp" 1 "${mbps:-0}"
ktap_ge "kpptp took the in-tree module's acks" 1 "$(sess "$N" 100 rx_acks)"
ktap_ge "kpptp sent ack-only packets when it had no data" 1 "$(sess "$N" 100 tx_ack_only)"
touch "$done_flag"
ktap_finish
