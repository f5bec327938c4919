#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, for the host's dissector check (selftests/host/run.sh,
# fastpath-dissect.py): a call with kpptp.ko's fast path on both ends,
# recorded. Bulk TCP both ways (iperf3, then iperf3 -R) with LCP echoes
# every second from both pppds, so that the slow path's frames (LCP)
# interleave with the fast path's (IP) in each direction. Each end's
# tcpdump records what that end sends, where it sends it (a receiver's
# veth hands packets to per-CPU backlogs, so its capture can show an order
# the sender never used): $VM_OUT/server.pcap and client.pcap, GRE and
# PPP headers only. $VM_OUT/capture.log ends with what kpptp.ko counted
# ("server fast_rx N fast_tx N ..."). Not a KTAP test: exit 0 when the
# call came up with the fast path and neither tcpdump lost a packet.
source "$(dirname "$0")/lib.sh"

out=${VM_OUT:?run me in the guest (tools/vm/run)}
exec >"$out/capture.log" 2>&1
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
sed -i 's/^require-mppe-128$/nomppe/; s/^lcp-echo-interval 0$/lcp-echo-interval 1/' "$work/options.pptp"
echo kpptp-fastpath >>"$work/options.pptp"
echo 1 >/sys/module/kpptp/parameters/fastpath
# Headers only (IP 20, GRE 16, PPP 4, LCP's first octets): a small file
# and no drop at the rates here; a 64 MB buffer for the bursts.
ip netns exec "$S" tcpdump -i kpv0 -s 96 -B 65536 -U --immediate-mode -w "$out/server.pcap" \
	'ip proto 47 and src host 198.51.100.1' 2>"$work/tcpdump-s.log" &
tcpdump_s=$!
ip netns exec "$C" tcpdump -i kpv1 -s 96 -B 65536 -U --immediate-mode -w "$out/client.pcap" \
	'ip proto 47 and src host 198.51.100.2' 2>"$work/tcpdump-c.log" &
tcpdump_c=$!
for f in s c; do
	wait_for 10 grep -q 'listening on' "$work/tcpdump-$f.log" || { cat "$work/tcpdump-$f.log"; exit 1; }
done
kpptpd_start "$S" "$work" || exit 1
ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
	-- name alice password s3cret-Pw remotename kpptpd nomppe refuse-pap refuse-chap \
	refuse-mschap noauth nodefaultroute lcp-echo-interval 1 kpptp-fastpath >"$work/c1.log" 2>&1 &
CLIENT=$!
if ! wait_for 40 has_addr "$C" '203\.0\.113\.1[01] ' ||
   ! wait_for 10 grep -q 'fast path on for IPv4' "$work/c1.log"; then
	cat "$work/c1.log" "$work/server.log"
	exit 1
fi
# At most 100 Mbit/s: what tcpdump keeps up with in a guest, and far more
# packets than the reorder window; 3 s each way.
for dir in "" -R; do
	mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 3 -b 100M $dir) || exit 1
	echo "iperf3 $dir: $mbps Mbit/s"
done
stats() {
	ip netns exec "$1" awk '$1 == "call" { for (i = 1; i < NF; i += 2)
		if ($i ~ /^(fast_rx|fast_tx|rx_lost|rx_late)$/) printf "%s %s ", $i, $(i + 1) }' /proc/net/kpptp
}
s=$(stats "$S") c=$(stats "$C")
kill -TERM "$CLIENT"
finished "$CLIENT"
# tcpdump reads its ring behind the traffic: let it catch up (the files
# stop growing) before SIGINT, which leaves the rest unread.
size() { stat -c %s "$out/server.pcap" "$out/client.pcap" | tr '\n' ' '; }
for ((i = 0; i < 30; i++)); do
	a=$(size)
	sleep 1
	[[ $(size) == "$a" ]] && break
done
kill -INT "$tcpdump_s" "$tcpdump_c"
wait "$tcpdump_s" "$tcpdump_c"
cat "$work/tcpdump-s.log" "$work/tcpdump-c.log"
echo "server $s"
echo "client $c"
[[ $(cat "$work"/tcpdump-?.log | grep -c '^0 packets dropped by kernel') == 2 ]]
