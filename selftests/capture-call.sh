#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, for the host's dissector check (selftests/host/run.sh):
# a real call, recorded. kpptpd serves kpptpd --client and pptp-linux,
# each with MS-CHAPv2 + MPPE-128; pings cross both calls; then each is
# hung up a different way (the client's SIGTERM: CCRQ/CDN then StopCCRQ;
# the server's SIGTERM with pptp-linux still up). tcpdump on the server's
# link writes every control message and GRE packet to $VM_OUT/call.pcap.
# Not a KTAP test: exit 0 when both calls came up and were recorded.
source "$(dirname "$0")/lib.sh"

out=${VM_OUT:?run me in the guest (tools/vm/run)}
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11' 'echo-interval 1'
# --immediate-mode: a packet is written when it arrives, not when its
# ring-buffer block retires; else the last second is lost at SIGINT.
ip netns exec "$S" tcpdump -i kpv0 -s 0 -U --immediate-mode -w "$out/call.pcap" \
	'tcp port 1723 or ip proto 47' \
	2>"$work/tcpdump.log" &
tcpdump=$!
wait_for 10 grep -q 'listening on' "$work/tcpdump.log" || { cat "$work/tcpdump.log"; exit 1; }
kpptpd_start "$S" "$work" || exit 1
kpptpd_client "$work/c1.log" s3cret-Pw
pptp_linux_dial "$C" "$work/c2.log" s3cret-Pw
both_up() { [[ $(ip -n "$C" -4 addr show | grep -cE 'inet 203\.0\.113\.1[01] ') == 2 ]]; }
if ! wait_for 60 both_up; then
	cat "$work/c1.log" "$work/c2.log" "$work/server.log"
	exit 1
fi
# Traffic both ways on both calls, and idle time for Echo-Requests.
for a in 203.0.113.10 203.0.113.11; do
	ip netns exec "$S" ping -c 5 -i 0.2 -W 2 "$a" >/dev/null || exit 1
done
sleep 2.5
kill -TERM "$CLIENT"
finished "$CLIENT"
kill -TERM "$KPPTPD"
wait_for 15 gone "$KPPTPD"
wait_for 15 no_pppd
sleep 0.5
kill -INT "$tcpdump"
wait "$tcpdump"
cat "$work/tcpdump.log"
exit 0
