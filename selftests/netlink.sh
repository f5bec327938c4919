#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "kpptp" generic netlink family through kpptpctl: every command, the
# error paths with the kernel's extack text, privilege, owned sessions,
# a PPPoX socket attaching to a netlink-made session, and events.
#
#  ┌──────────────────────┐   veth    ┌──────────────────────┐
#  │ $A  198.51.100.1     ├───────────┤ 198.51.100.2   $B    │
#  │ call 100 (netlink)   │  PPTP GRE │ call 200 (socket)    │
#  └──────────────────────┘           └──────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 40
load_kpptp
CTL=$BIN/kpptpctl
new_ns A
new_ns B
link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
ctl() { ip netns exec "$A" "$CTL" "$@"; }
# ctl_err "expected stderr text" args...: fails, and says so.
ctl_err() {
	local want=$1 out
	shift
	out=$(ctl "$@" 2>&1) && { echo "# unexpected success: $out"; return 1; }
	echo "# $out"
	grep -qF -- "$want" <<<"$out"
}

ctl monitor >/tmp/mon.A 2>&1 &
defer "kill $!"
ip netns exec "$B" "$CTL" monitor >/tmp/mon.B 2>&1 &
defer "kill $!"
wait_monitors "$A" 1
wait_monitors "$B" 1

out=$(ctl session add local 198.51.100.1 peer 198.51.100.2 call 100 peer-call 200 cookie 7)
echo "$out" | sed 's/^/# /'
ktap_check "session add prints the new session" grep -q '^1: call 100 local 198.51.100.1 -> peer 198.51.100.2 call 200 connected' <<<"$out"
ktap_check "session list -j shows it with its cookie" \
	bash -c "ip netns exec $A $CTL -j session list | grep -q '^\[{\"id\":1,.*\"cookie\":7,'"
ktap_check "session show by call ID" bash -c "ip netns exec $A $CTL session show call 100 | grep -q 'origin netlink'"
ktap_check "session set changes a tunable" ctl session set 1 reorder-window 64 stall-timeout 2
ktap_check "... and show reads it back" bash -c "ip netns exec $A $CTL session show 1 | grep -q 'reorder-window 64'"

ktap_check "duplicate call ID for the same peer: extack" \
	ctl_err "local-call-id is in use towards this peer-addr" session add local 198.51.100.1 peer 198.51.100.2 call 100 peer-call 201
ktap_check "same call ID towards another peer is allowed" \
	ctl session add local 198.51.100.1 peer 203.0.113.9 call 100 peer-call 201
# The policy checks ranges (NLA_POLICY_RANGE): its own words.
ktap_check "out of range: refused by the policy, with extack" \
	ctl_err "out of range" session set 1 reorder-timeout 0
# Requests kpptpctl would never send, made by hand.
raw_err() {
	local want=$1 out
	shift
	out=$(ip netns exec "$A" "$BIN/nl-raw" "$@") && { echo "# unexpected success"; return 1; }
	echo "# $out"
	grep -qF -- "$want" <<<"$out"
}
ktap_check "missing attribute: named" \
	raw_err "peer-addr missing" session-new local-addr:c6336401 peer-call-id:0500
ktap_check "wrong size: invalid length, attribute named" \
	raw_err "invalid attribute length (attribute local-addr)" session-new local-addr:c63364 \
	peer-addr:c6336402 peer-call-id:0500
ktap_check "unknown attribute refused" \
	raw_err "Unknown attribute type (attribute #99)" session-new local-addr:c6336401 \
	peer-addr:c6336402 peer-call-id:0500 99:00000000
ktap_check "read-only attribute refused by name" \
	raw_err "pmtu is read-only" session-set id:01000000 pmtu:dc050000
ktap_check "a command without a key is refused" \
	raw_err "give id, or local-call-id" session-del
# The fast path is the pppd plugin's to turn on, never netlink's: 0 only.
ktap_check "fastpath 1 over netlink is refused by the policy" \
	raw_err "out of range" session-set id:01000000 fastpath:01
ktap_check "a non-unicast address is refused" \
	ctl_err "peer-addr must be a unicast IPv4 address" session add local 198.51.100.1 peer 224.0.0.1 peer-call 5
ktap_check "ambiguous call ID without peer" \
	ctl_err "local-call-id is used towards several peers: give peer-addr" session show call 100
ktap_check "deleting twice: the second fails with exit code 4" \
	bash -c "ip netns exec $A $CTL session del 2 && [[ \$(ip netns exec $A $CTL session del 2 2>/dev/null; echo \$?) == 4 ]]"
ktap_check "usage errors exit 2" bash -c "ip netns exec $A $CTL session add local x 2>/dev/null; [[ \$? == 2 ]]"

# A PPPoX socket in B (pptp-static) and one in A attaching to session 1.
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 || ktap_bail "tunnel B"
B_PID=$TUN_PID
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 || ktap_bail "tunnel A"
ktap_check "a socket attaches to the netlink-made session: ping passes" \
	nsexec "$A" ping -c 3 -i 0.1 -W 2 203.0.113.2
ktap_check "... the session now has a channel" bash -c "ip netns exec $A $CTL session show 1 | grep -q ' channel '"
ip netns exec "$A" cat /proc/net/kpptp | sed 's/^/# proc: /'
ktap_eq "... one session object, not two" 1 "$(ip netns exec "$A" grep -c '^call 100 ' /proc/net/kpptp)"
ktap_ge "stats of the session count the pings" 3 \
	"$(ctl -j stats 1 | grep -o '"tx-packets":[0-9]*' | cut -d: -f2)"
A_PID=$TUN_PID
# Sequence anomalies: five stale packets in a second against a threshold of 3.
ctl session set 1 anomaly-threshold 3
ip netns exec "$B" "$BIN/gre-inject" --src 198.51.100.2 --dst 198.51.100.1 --call 100 --seqs 1,1,1,1,1
wait_for 5 grep -q '^seq-anomaly 1:' /tmp/mon.A
ktap_check "monitor saw the sequence anomaly above the threshold" \
	grep -Eq '^seq-anomaly 1: call 100 .* [5-9] lost/late/out-of-order in 1 s' /tmp/mon.A
ctl session set 1 anomaly-threshold 0
# Receive stall: B's side goes away while A keeps sending. With the peer's
# window at 4, all but the first 4 of 30 pings go beyond it.
ctl session set 1 peer-window 4
nsexec "$A" ping -c 2 -i 0.2 -W 2 203.0.113.2 >/dev/null
ktap_eq "an acking peer keeps us within its window" 0 \
	"$(ctl -j stats 1 | grep -o '"tx-over-window":[0-9]*' | cut -d: -f2)"
kill "$B_PID"; wait "$B_PID" 2>/dev/null
ip netns exec "$A" ping -c 30 -i 0.1 -W 1 203.0.113.2 >/dev/null 2>&1
ktap_ge "a silent peer: packets beyond its window are counted" 25 \
	"$(ctl -j stats 1 | grep -o '"tx-over-window":[0-9]*' | cut -d: -f2)"
kill "$A_PID"; wait "$A_PID" 2>/dev/null
ktap_check "closing the socket leaves the netlink session, without channel" \
	wait_for 5 bash -c "ip netns exec $A $CTL session show 1 | grep -q 'no channel'"

ktap_check "namespace stats need no session" bash -c "ip netns exec $A $CTL stats | grep -q sessions"

# Unprivileged: refused, and sees nothing.
ktap_check "unprivileged session add is refused" bash -c \
	"ip netns exec $A setpriv --reuid 65534 --regid 65534 --clear-groups $CTL session add local 198.51.100.1 peer 198.51.100.7 peer-call 1 2>&1 | grep -q 'session add: Operation not permitted'"
ktap_check "unprivileged stats of the namespace are refused" bash -c \
	"ip netns exec $A setpriv --reuid 65534 --regid 65534 --clear-groups $CTL stats 2>&1 | grep -q 'need CAP_NET_ADMIN'"
ktap_eq "unprivileged /proc/net/kpptp shows nothing that is not theirs" "" \
	"$(ip netns exec "$A" setpriv --reuid 65534 --regid 65534 --clear-groups cat /proc/net/kpptp 2>&1)"
ktap_check "unprivileged /proc/net/kpptp_stats is refused" bash -c \
	"! ip netns exec $A setpriv --reuid 65534 --regid 65534 --clear-groups cat /proc/net/kpptp_stats 2>/dev/null"
ktap_eq "unprivileged list shows nothing that is not theirs" "" \
	"$(ip netns exec "$A" setpriv --reuid 65534 --regid 65534 --clear-groups "$CTL" session list 2>&1)"

# Owned sessions go with their creator, even on SIGKILL.
mkfifo /tmp/batch
ip netns exec "$A" "$CTL" -b - </tmp/batch >/dev/null 2>&1 &
batch=$!
exec 7>/tmp/batch
echo "session add local 198.51.100.1 peer 198.51.100.5 peer-call 9 owned" >&7
echo "session add local 198.51.100.1 peer 198.51.100.6 peer-call 9" >&7
wait_for 5 bash -c "[[ \$(ip netns exec $A $CTL session list | grep -c '^[0-9]') -ge 3 ]]"
ktap_check "an owned session lives while its creator does" \
	bash -c "ip netns exec $A $CTL session list | grep -q 198.51.100.5"
kill -9 "$batch"
wait "$batch"
ktap_eq "the creator died of SIGKILL, its batch input still open" 137 $?
exec 7>&-
wait_for 5 bash -c "! ip netns exec $A $CTL session list | grep -q 198.51.100.5"
ktap_check "owned session vanished when its creator was killed" \
	bash -c "! ip netns exec $A $CTL session list | grep -q 198.51.100.5"
ktap_check "... the unowned one stayed" bash -c "ip netns exec $A $CTL session list | grep -q 198.51.100.6"

ktap_check "namespace isolation: B's dump does not show A's sessions" \
	bash -c "! ip netns exec $B $CTL session list | grep -q 198.51.100.6"
sed 's/^/# mon: /' /tmp/mon.A
ktap_check "monitor saw session-up and session-down" \
	bash -c "grep -q '^session-up 1: call 100 .* cookie 7$' /tmp/mon.A && grep -q '^session-down .*reason deleted' /tmp/mon.A"
sed 's/^/# mon B: /' /tmp/mon.B
ktap_check "namespace isolation: B's monitor saw its own session only" \
	bash -c "grep -q 'local 198.51.100.2' /tmp/mon.B && ! grep -q 'local 198.51.100.1' /tmp/mon.B"
ktap_check "monitor saw the receive stall" grep -q '^rx-stall 1: call 100' /tmp/mon.A
ktap_finish
