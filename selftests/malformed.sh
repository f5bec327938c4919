#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed and hostile GRE: each form moves exactly its counter, nothing
# crashes, and the live session keeps passing traffic.
#
#  ┌──────────────────────────┐  veth   ┌─────────────────────────────┐
#  │ $A 198.51.100.1          ├─────────┤ 198.51.100.2             $B │
#  │ live: call 100 ↔ 200     │         │ live: call 200 ↔ 100        │
#  │ gre-inject (raw, spoofs) │ ──────► │ probe: call 300 ↔ 400       │
#  │                          │         │ wrap:  call 301 ↔ 401       │
#  └──────────────────────────┘         └─────────────────────────────┘
# The probe sessions in B see only injected packets, so their sequence
# state is exactly what the injections make it.
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 33
load_kpptp

new_ns A
new_ns B
link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 || ktap_bail "tunnel A"
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 || ktap_bail "tunnel B"
start_tunnel "$B" 198.51.100.2 198.51.100.1 300 400 203.0.113.6 203.0.113.5 \
	--reorder-window 16 --reorder-timeout 1000 || ktap_bail "probe session"
start_tunnel "$B" 198.51.100.2 198.51.100.1 301 401 203.0.113.10 203.0.113.9 || ktap_bail "wrap session"
nsexec "$A" ping -c 1 -W 2 198.51.100.2 >/dev/null || ktap_bail "veth"

inj() { ip netns exec "$A" "$BIN/gre-inject" --dst 198.51.100.2 "$@"; }

# net_delta NAME command...: how much a namespace counter of B moved.
net_delta() {
	local name=$1 before after
	shift
	before=$(netstat_kpptp "$B" "$name")
	"$@" >/dev/null 2>&1
	after=$(netstat_kpptp "$B" "$name")
	echo $((after - before))
}
# sess_delta CALL NAME command...: how much a session counter of B moved.
sess_delta() {
	local call=$1 name=$2 before after
	shift 2
	before=$(sess "$B" "$call" "$name")
	"$@" >/dev/null 2>&1
	after=$(sess "$B" "$call" "$name")
	echo $((after - before))
}
src=(--src 198.51.100.1)

# Header forms rejected before any session lookup.
ktap_eq "protocol 0x0800 -> rx_bad_protocol" 1 \
	"$(net_delta rx_bad_protocol inj "${src[@]}" --call 200 --proto 0800)"
ktap_eq "C (checksum) set -> rx_bad_flags" 1 \
	"$(net_delta rx_bad_flags inj "${src[@]}" --call 200 --flags b001)"
ktap_eq "R (routing) set -> rx_bad_flags" 1 \
	"$(net_delta rx_bad_flags inj "${src[@]}" --call 200 --flags 7001)"
ktap_eq "s (strict route) set -> rx_bad_flags" 1 \
	"$(net_delta rx_bad_flags inj "${src[@]}" --call 200 --flags 3801)"
ktap_eq "recursion control set -> rx_bad_flags" 1 \
	"$(net_delta rx_bad_flags inj "${src[@]}" --call 200 --flags 3201)"
ktap_eq "K clear -> rx_no_key" 1 \
	"$(net_delta rx_no_key inj "${src[@]}" --call 200 --flags 1001)"
ktap_eq "neither S nor A -> rx_no_seq_no_ack" 1 \
	"$(net_delta rx_no_seq_no_ack inj "${src[@]}" --call 200 --flags 2001)"
ktap_eq "S and A but 12 bytes -> rx_truncated" 1 \
	"$(net_delta rx_truncated inj "${src[@]}" --call 200 --flags 3081 --truncate 12)"
ktap_eq "unknown call ID -> rx_no_session" 1 \
	"$(net_delta rx_no_session inj "${src[@]}" --call 999)"
ktap_eq "live call ID from a spoofed source -> rx_no_session" 1 \
	"$(net_delta rx_no_session inj --src 198.51.100.77 --call 200 --seqs 1000)"
ktap_eq "spoofed packet never reached the live session" 0 \
	"$(sess_delta 200 rx_late inj --src 198.51.100.77 --call 200 --seqs 1000)"

# gre_demux dispatches on the low 7 bits of byte 1 (reserved flags and
# version): those forms never reach a version-1 handler, so no counter of
# ours may move and the kernel must not care.
total_net() { ip netns exec "$B" awk '$1 != "sessions" { s += $2 } END { print s }' /proc/net/kpptp_stats; }
before=$(total_net)
inj "${src[@]}" --call 200 --flags 3009	# a reserved flag bit
inj "${src[@]}" --call 200 --flags 3002	# version 2
inj "${src[@]}" --call 200 --flags 3000	# version 0 (ip_gre's, not loaded)
ktap_eq "reserved flag and other versions stop in gre_demux" "$before" "$(total_net)"

# Per-session validation, on the probe session (call 300).
ktap_eq "payload length beyond the packet -> rx_bad_length" 1 \
	"$(sess_delta 300 rx_bad_length inj "${src[@]}" --call 300 --seqs 0 --plen 1000)"
ktap_eq "S with payload length 0 -> rx_no_payload" 1 \
	"$(sess_delta 300 rx_no_payload inj "${src[@]}" --call 300 --seqs 0 --ppp none)"
ktap_eq "ack-only packet -> rx_ack_only" 1 \
	"$(sess_delta 300 rx_ack_only inj "${src[@]}" --call 300 --flags 2081 --ack 7 --ppp none)"
ktap_eq "ack-only packet counted as an ack" 1 \
	"$(sess_delta 300 rx_acks inj "${src[@]}" --call 300 --flags 2081 --ack 8 --ppp none)"

# Sequence handling on the probe session: it has seen no data yet.
ktap_eq "seqs 0-4 in order: 5 delivered" 5 \
	"$(sess_delta 300 rx_packets inj "${src[@]}" --call 300 --seqs 0-4)"
ktap_eq "duplicate of 4 -> rx_late" 1 \
	"$(sess_delta 300 rx_late inj "${src[@]}" --call 300 --seqs 4)"
ktap_eq "stale LCP echo is still delivered -> rx_late_lcp" 1 \
	"$(sess_delta 300 rx_late_lcp inj "${src[@]}" --call 300 --seqs 2 --ppp lcp-echo)"
ktap_eq "burst 7,6,5 arrives reordered: 2 held" 2 \
	"$(sess_delta 300 rx_out_of_order inj "${src[@]}" --call 300 --seqs 7,6,5)"
ktap_eq "... and 2 delivered from the reorder queue" 2 "$(sess "$B" 300 rx_reordered)"
# 5 in order + the LCP echo + the burst of 3
ktap_eq "... all 3 delivered, none lost" "9 0" \
	"$(sess "$B" 300 rx_packets) $(sess "$B" 300 rx_lost)"
# Window 16: a packet up to 8 x 16 ahead is held, beyond is a jump.
ktap_eq "jump of 192 (beyond 8 x the window) -> rx_reorder_overflow" 1 \
	"$(sess_delta 300 rx_reorder_overflow inj "${src[@]}" --call 300 --seqs 200)"
ktap_eq "... the 192 skipped numbers count as lost" 192 "$(sess "$B" 300 rx_lost)"
ktap_eq "... and the packet after the jump is delivered" 10 "$(sess "$B" 300 rx_packets)"
ktap_eq "stale packet after the jump -> rx_late" 1 \
	"$(sess_delta 300 rx_late inj "${src[@]}" --call 300 --seqs 50)"

# A gap that is never filled: 203 and 204 wait for 201-202, then the gap
# is given up. The wait adapts (the burst above closed its gap at once:
# about 0.5 ms now), so how long they were held is KUnit's to check
# (module/reorder_test.c); here, that they wait and then go.
ktap_ge "packets ahead of a gap wait (out of order)" 1 \
	"$(sess_delta 300 rx_out_of_order inj "${src[@]}" --call 300 --seqs 203,204)"
wait_for 3 sess_ge "$B" 300 rx_packets 12
ktap_eq "after the hold they are delivered" 12 "$(sess "$B" 300 rx_packets)"
ktap_eq "... and the gap counted as lost" 194 "$(sess "$B" 300 rx_lost)"
ktap_ge "data from the peer made the session send standalone acks" 1 \
	"$(sess "$B" 300 tx_ack_only)"

# Sequence wrap on a fresh session: 2^32-3 .. 1 is in order.
inj "${src[@]}" --call 301 --seqs 4294967293-4294967295
inj "${src[@]}" --call 301 --seqs 0-1
ktap_eq "sequence wrap: 5 delivered in order" "5 0 0 0" \
	"$(sess "$B" 301 rx_packets) $(sess "$B" 301 rx_late) $(sess "$B" 301 rx_lost) $(sess "$B" 301 rx_out_of_order)"

# A flood of garbage: 2000 packets of every kind at once.
pids=()
for f in 3001 2081 b001 1001 2001 3081; do
	inj "${src[@]}" --call 300 --flags $f --seqs 200-532 &
	pids+=($!)
done
wait "${pids[@]}"
ktap_check "the live session still passes traffic" \
	nsexec "$A" ping -c 3 -i 0.1 -W 2 203.0.113.2
ktap_eq "the live session saw none of it" "0 0" \
	"$(sess "$B" 200 rx_late) $(sess "$B" 200 rx_bad_length)"
ktap_finish
