#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The event stream's promise: after a session's session-down, nothing
# more about it. 1000 sessions, each with anomaly-threshold 1, get stale
# packets every 200 ms (so their watch timers keep raising seq-anomaly);
# their owner goes while the packets still come, so the kernel deletes
# them all at once. kpptpctl monitor's stream is then checked per ID.
#
#  ┌──────────────────────────────┐   veth    ┌──────────────────────────┐
#  │ $A 198.51.100.1              ├───────────┤ 198.51.100.2  $B         │
#  │ calls 1-1000 (netlink), watch│  stale GRE│ gre-inject, calls 1-1000 │
#  └──────────────────────────────┘           └──────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 5
load_kpptp
CTL=$BIN/kpptpctl
N=1000
new_ns A
new_ns B
link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
ctl() { ip netns exec "$A" "$CTL" "$@"; }
mon=$WORK/monitor.out

ctl monitor >"$mon" 2>&1 &
defer "kill $! 2>/dev/null"
MON=$!
wait_monitors "$A" 1

# Owned by one kpptpctl batch that stays open: when it is killed, the
# kernel closes all of them in one pass (owner gone), and their teardowns
# queue up behind that: the widest window for a late event.
# Each watch timer ticks once a second from its session's creation, so
# sessions made in one burst tick together and a race window lands on all
# of them or on none. Made in 20 groups 60 ms apart, their ticks cover the
# second, and whatever window there is catches some of them every run.
mkfifo "$WORK/batch"
ip netns exec "$A" "$CTL" -b "$WORK/batch" >/dev/null 2>&1 &
OWNER=$!
defer "kill $OWNER 2>/dev/null"
exec 7>"$WORK/batch"
for i in $(seq "$N"); do
	echo "session add local 198.51.100.1 peer 198.51.100.2 call $i peer-call $i owned anomaly-threshold 1" >&7
	((i % (N / 20))) || sleep 0.06
done
count() { ctl -j session list | grep -o '"id":' | wc -l; }
all_made() { (($(count) == N)); }
wait_for 60 all_made
ktap_eq "$N sessions, each watched for sequence anomalies, owned by one batch" "$N" "$(count)"

# Stale packets: the first starts each sequence, the rest are late.
ip netns exec "$B" "$BIN/gre-inject" --src 198.51.100.2 --dst 198.51.100.1 \
	--call "1-$N" --seqs 1,1,1 --rounds 200 --interval 200 &
INJ=$!
defer "kill $INJ 2>/dev/null"
anomalous() { (($(grep -c '^seq-anomaly ' "$mon") >= $1)); }
wait_for 30 anomalous "$N"
ktap_check "seq-anomaly events flow ($(grep -c '^seq-anomaly ' "$mon") so far)" anomalous "$N"

kill "$OWNER"
exec 7>&-
downs() { (($(grep -c '^session-down ' "$mon") >= N)); }
wait_for 30 downs
# Long enough for every watch timer (1 s) and the teardown behind it.
sleep 3
kill "$INJ" 2>/dev/null
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
ktap_eq "every session deleted when their owner went" 0 "$(count)"
ktap_eq "one session-down each" "$N" "$(grep -c '^session-down ' "$mon")"
# "EVENT ID: ...": any event of an ID after that ID's session-down.
after=$(awk '{ id = $2 + 0 } down[id] { bad++; if (bad <= 5) print "# after down: " $0 }
	$1 == "session-down" { down[id] = 1 } END { print "after " bad + 0 }' "$mon")
grep '^#' <<<"$after"
ktap_eq "no event about a session after its session-down" "after 0" "$(tail -n 1 <<<"$after")"
ktap_finish
