#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netdev review's findings, each as a test that failed on the code
# before its fix, and the races around them. Bounded: every loop has a
# count or a deadline. On the debug kernel (KASAN, lockdep, PROVE_RCU,
# object debugging) a splat fails the run even when every point passes.
#
#  ┌──────────────────────┐   veth    ┌──────────────────────┐
#  │ $A  198.51.100.1     ├───────────┤ 198.51.100.2   $B    │
#  └──────────────────────┘           └──────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 34
load_kpptp
CTL=$BIN/kpptpctl
SOCK=$BIN/pptp-sock
INJ=$BIN/gre-inject
NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups)

# --- 1. Namespace deletion under a GRE flood (use-after-free before the fix)
# flood_and_delete SESSIONS: a fresh pair of namespaces, GRE v1 flooding
# from Y into X (to a session's call ID when there is one), X deleted
# mid-flood. Five rounds.
flood_and_delete() {
	local sessions=$1 round x y pid
	for round in 1 2 3 4 5; do
		x="kpx$RANDOM$round" y="kpy$RANDOM$round"
		ip netns add "$x" && ip netns add "$y" || return 1
		veth_ns "$x" fx0 198.51.100.1/24 "$y" fy0 198.51.100.2/24
		if ((sessions)); then
			printf 'session add local 198.51.100.1 peer 198.51.100.2 call %s peer-call %s\n' \
				100 200 101 201 >/tmp/flood.batch
			ip netns exec "$x" "$CTL" -b /tmp/flood.batch >/dev/null || return 1
		fi
		ip netns exec "$y" timeout 10 "$INJ" --src 198.51.100.2 --dst 198.51.100.1 \
			--call 100 --seqs 0-2000000 >/dev/null 2>&1 &
		pid=$!
		sleep 0.3
		ip netns del "$x"
		sleep 0.2
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		ip netns del "$y"
	done
}
ktap_check "namespace deleted under GRE flood, no session (5 rounds)" flood_and_delete 0
ktap_check "namespace deleted under GRE flood, netlink sessions live (5 rounds)" flood_and_delete 1

new_ns A
new_ns B
link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
ctl() { ip netns exec "$A" "$CTL" "$@"; }

# --- 2. Local session takeover
ctl session add local 198.51.100.1 peer 198.51.100.2 call 100 peer-call 200 >/dev/null ||
	ktap_bail "session add"
out=$(ip netns exec "$A" "${NOBODY[@]}" "$SOCK" --local 198.51.100.1 --call 100 2>&1)
echo "# $out"
ktap_eq "unprivileged bind of a netlink session's call ID: EBUSY (as in-tree)" "bind: EBUSY" "$out"
# Even with a shared bind (root), a sweep of peer call IDs by someone who
# may not attach gives one answer for all: no oracle.
out=$(nsexec "$A" setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
	"$SOCK" --local 198.51.100.1 --call 100 --peer 198.51.100.2 --peer-calls 190-210 2>&1)
echo "# $out"
ktap_check "unprivileged sweep of peer call IDs is refused at bind" grep -q '^bind: EBUSY' <<<"$out"
out=$(nsexec "$A" "$SOCK" --local 198.51.100.1 --call 100 --peer 198.51.100.2 --peer-calls 190-210 --hold 0 2>&1)
echo "# $out"
ktap_check "root attaches with the right peer call ID only" \
	grep -q '^sweep: ok 1 EADDRINUSE 20 other 0 bind-failed 0 first-ok 200' <<<"$out"
# netlink: someone else's session and no session answer alike.
# Both must fail, with the same words (kpptpctl names no ID in them).
same_refusal() {
	local e1 e2
	e1=$(ip netns exec "$A" "${NOBODY[@]}" "$CTL" "$@" 2>&1) && return 1
	local args=("$@")
	args[-1]=4242	# an ID nobody uses
	e2=$(ip netns exec "$A" "${NOBODY[@]}" "$CTL" "${args[@]}" 2>&1) && return 1
	echo "# '$e1' / '$e2'"
	[[ -n $e1 && $e1 == "$e2" ]]
}
ktap_check "netlink: 'not yours' reads as 'does not exist' (by id)" same_refusal session show 1
ktap_check "netlink: ... by call ID" same_refusal session show call 100
ctl session del 1 || ktap_bail "session del"

# --- 2b. A squatted call: any user may open a PPPoX socket and connect it
# to (peer, peer call ID) before the admin's daemon makes that session.
# The rule (design.rst): a session made with CAP_NET_ADMIN takes the pair
# from one made without; never the other way round.
ctl monitor >"$WORK/squat.mon" 2>&1 &
MON=$!
defer "kill $MON 2>/dev/null"
wait_monitors "$A" 1
ip netns exec "$A" "${NOBODY[@]}" "$SOCK" --local 198.51.100.1 --peer 198.51.100.2 \
	--peer-call 300 --hold 30 >"$WORK/squat.out" 2>&1 &
SQ=$!
defer "kill $SQ 2>/dev/null"
wait_for 10 grep -q '^connect: ' "$WORK/squat.out"
ktap_check "uid 65534 connects a socket to (198.51.100.2, peer call 300) first" \
	grep -q '^connect: ok' "$WORK/squat.out"
out=$(ctl session add local 198.51.100.1 peer 198.51.100.2 peer-call 300 2>&1)
echo "# $out"
ktap_check "root's session-new for that pair succeeds: the squatter is replaced" \
	grep -q -- '-> peer 198.51.100.2 call 300 connected' <<<"$out"
wait_for 5 grep -q '^session-down .* reason replaced' "$WORK/squat.mon"
grep '^session-' "$WORK/squat.mon" | sed 's/^/# /'
ktap_check "... the squatter's session went down, reason replaced" \
	grep -q '^session-down .* reason replaced' "$WORK/squat.mon"
pair=$(ctl -j session list | grep -o '"peer-call-id":300,"peer-addr":"198.51.100.2","state":"[a-z]*","origin":"[a-z]*"')
ktap_eq "... one session serves the pair: root's, made over netlink" \
	'"peer-call-id":300,"peer-addr":"198.51.100.2","state":"connected","origin":"netlink"' "$pair"
out=$(ip netns exec "$A" "${NOBODY[@]}" "$SOCK" --local 198.51.100.1 --peer 198.51.100.2 \
	--peer-call 300 2>&1)
echo "# $out"
ktap_check "an unprivileged socket cannot take it back (EALREADY, as in-tree)" \
	grep -q '^connect: EALREADY' <<<"$out"
out=$(ctl session add local 198.51.100.1 peer 198.51.100.2 peer-call 300 2>&1)
echo "# $out"
ktap_check "a second admin session for the pair is refused, and says whose it is" \
	grep -q 'served by another session made with CAP_NET_ADMIN' <<<"$out"
kill "$SQ" "$MON" 2>/dev/null
ctl session del call "$(ctl -j session list | grep -o '"local-call-id":[0-9]*' | head -1 | cut -d: -f2)" \
	peer 198.51.100.2 || ktap_bail "session del (squat)"

# --- 2c. connect() routes as the PPPoX socket it is. On 6.12 and later the
# inet helpers read a pppox_sock's channel MTU as inet flags: an MTU with
# bit 12 set (5000 - 38) meant FLOWI_FLAG_ANYSRC, and a connect() retried
# after its source address went away succeeded from that address.
ip -n "$A" link set kpv0 mtu 5000
ip -n "$B" link set kpv1 mtu 5000
ip -n "$A" addr add 198.51.100.9/24 dev kpv0
ctl session add local 198.51.100.9 peer 198.51.100.2 peer-call 400 >/dev/null ||
	ktap_bail "session add (route)"
rm -f "$WORK/retry"
ip netns exec "$A" "$SOCK" --local 198.51.100.9 --peer 198.51.100.2 --peer-call 400 \
	--retry-call 401 --retry-after "$WORK/retry" >"$WORK/route.out" 2>&1 &
RS=$!
wait_for 10 grep -q '^connect: ' "$WORK/route.out"
ip -n "$A" addr del 198.51.100.9/24 dev kpv0
touch "$WORK/retry"
wait "$RS"
fresh=$(ip netns exec "$A" "$SOCK" --local 198.51.100.9 --peer 198.51.100.2 --peer-call 402 2>&1 |
	grep '^connect:')
echo "# $(tr '\n' ' ' <"$WORK/route.out") / fresh socket: $fresh"
ktap_eq "a connect() retried after its source address went away fails as a fresh socket's" \
	"connect: EALREADY reconnect: EHOSTUNREACH / connect: EHOSTUNREACH" \
	"$(grep -E '^(re)?connect:' "$WORK/route.out" | tr '\n' ' ')/ $fresh"
id=$(ctl -j session list | grep -o '"id":[0-9]*,"local-call-id":[0-9]*,"local-addr":"198.51.100.9"' |
	head -n 1 | cut -d, -f1 | cut -d: -f2)
ctl session del "${id:-0}" || ktap_bail "session del (route)"
ip -n "$A" link set kpv0 mtu 1500
ip -n "$B" link set kpv1 mtu 1500

# --- 3, 4, 7. Sockets racing session-get, session-del and close under traffic
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 192.0.2.2 192.0.2.1 ||
	ktap_bail "tunnel in B"
PID_B=$TUN_PID
race_round() {
	local i pid ping reader
	for i in 1 2 3 4 5 6; do
		start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 192.0.2.1 192.0.2.2 || return 1
		pid=$TUN_PID
		ip netns exec "$A" ping -q -f -w 2 192.0.2.2 >/dev/null 2>&1 &
		ping=$!
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			ctl -j session list >/dev/null 2>&1
			ctl -j stats >/dev/null 2>&1
		done &
		reader=$!
		sleep 0.3
		case $((i % 3)) in
		0) kill "$pid" ;;
		1) ctl session del call 100 peer 198.51.100.2 >/dev/null 2>&1; kill "$pid" ;;
		2) ctl session del call 100 peer 198.51.100.2 >/dev/null 2>&1 ;;
		esac
		wait "$reader" "$ping"
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
}
ktap_check "close, session-get and session-del race traffic (6 rounds)" race_round
ktap_eq "every raced session is gone" "" "$(sess "$A" 100 state)"

# session-del of a socket's session while the socket stays open
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 192.0.2.1 192.0.2.2 ||
	ktap_bail "tunnel in A"
PID_A=$TUN_PID
ktap_check "ping through the tunnel" ip netns exec "$A" ping -c 2 -W 2 192.0.2.2
ctl session del call 100 peer 198.51.100.2
ktap_check "session-del of a socket's session: the socket lives on, traffic stops" \
	bash -c "! ip netns exec $A ping -c 2 -W 1 192.0.2.2 >/dev/null"
ktap_check "... and the socket closes cleanly" bash -c "kill $PID_A; wait $PID_A 2>/dev/null; true"
# Nothing may send GRE to call 100 now but the injector.
kill "$PID_B"; wait "$PID_B" 2>/dev/null

# --- 5. The reorder window shrunk at runtime with packets queued
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 300 192.0.2.1 192.0.2.2 \
	--reorder-window 16 --reorder-timeout 1000 || ktap_bail "tunnel in A (reorder)"
PID_A=$TUN_PID
id=$(ctl -j session list | grep -o '"id":[0-9]*,"local-call-id":100,' | grep -o '[0-9]*' | head -1)
inj() { nsexec "$B" "$INJ" --src 198.51.100.2 --dst 198.51.100.1 --call 100 --seqs "$1"; }
inj 0,2,3,4,5,6,7,8
ctl session set "$id" reorder-window 0
inj 20
sleep 1.5	# past the reorder timeout: the timer must find nothing to skip
echo "# $(ip netns exec "$A" grep 'call 100 ' /proc/net/kpptp | tr ' ' '\n' | paste - - | grep -E 'rx_(packets|lost|late|reordered) ' | tr '\n' ' ')"
ktap_eq "window 0 with packets queued: lost counts the real holes" 12 "$(sess "$A" 100 rx_lost)"
ktap_eq "... every packet delivered once, in order" 9 "$(sess "$A" 100 rx_packets)"
inj 21,23,22
ktap_eq "... and reordering stays off afterwards" 1 "$(sess "$A" 100 rx_late)"
kill "$PID_A"; wait "$PID_A" 2>/dev/null
# The second review's sequence: 0 delivered, 2 3 4 held, the window
# lowered to 0, then 3 and 4 again. Resynchronising on 3 delivers the held
# 2 3 4; the new 3 and 4 are duplicates (7f2a0fd delivered them too and
# moved rx_next back: rx_packets 6, rx_late 0).
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 301 192.0.2.1 192.0.2.2 \
	--reorder-window 16 --reorder-timeout 1000 || ktap_bail "tunnel in A (resync)"
PID_A=$TUN_PID
id=$(ctl -j session list | grep -o '"id":[0-9]*,"local-call-id":100,' | grep -o '[0-9]*' | head -1)
inj 0,2,3,4
ctl session set "$id" reorder-window 0
inj 3,4
ktap_eq "window lowered with 2 3 4 held, then 3 and 4 again: each delivered once, the copies late" \
	"4 2" "$(sess "$A" 100 rx_packets) $(sess "$A" 100 rx_late)"
kill "$PID_A"; wait "$PID_A" 2>/dev/null

# --- Module unload attempts under traffic
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 192.0.2.2 192.0.2.1 ||
	ktap_bail "tunnel in B (unload)"
PID_B=$TUN_PID
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 192.0.2.1 192.0.2.2 ||
	ktap_bail "tunnel in A (unload)"
PID_A=$TUN_PID
ip netns exec "$A" ping -q -f -w 3 192.0.2.2 >/dev/null 2>&1 &
ping_pid=$!
refused=0
for _ in 1 2 3 4 5; do
	rmmod kpptp 2>/dev/null || refused=$((refused + 1))
	sleep 0.2
done
wait "$ping_pid"
ktap_eq "rmmod under traffic refused every time" 5 "$refused"
ktap_check "... and the tunnel still carries traffic" ip netns exec "$A" ping -c 2 -W 2 192.0.2.2
kill "$PID_A" "$PID_B"; wait "$PID_A" "$PID_B" 2>/dev/null

# --- Call-ID exhaustion and recovery
out=$(ip netns exec "$A" "$SOCK" --local 198.51.100.1 --many 65536 --hold 2 2>&1)
echo "# $out"
ktap_check "65535 binds, the 65536th refused (EBUSY)" \
	grep -qx "many: 65535 of 65536 bound, first error EBUSY" <<<"$out"
wait_for 10 bash -c "[[ \$(netstat_kpptp $A sessions) == 0 ]]"
ktap_eq "all released when the sockets close" 0 "$(netstat_kpptp "$A" sessions)"

# --- PFC and ACFC on transmit
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 192.0.2.2 192.0.2.1 --pfc --acfc ||
	ktap_bail "tunnel in B (pfc)"
PID_B=$TUN_PID
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 192.0.2.1 192.0.2.2 --pfc --acfc ||
	ktap_bail "tunnel in A (pfc)"
PID_A=$TUN_PID
ktap_check "ping with PFC and ACFC both ways" ip netns exec "$A" ping -c 3 -W 2 -s 100 192.0.2.2
# 3 pings of 128-byte IP packets: PFC and ACFC leave 1 byte of PPP header.
ktap_eq "tx bytes are the IP packets plus a 1-byte protocol field" $((3 * 129)) \
	"$(sess "$A" 100 tx_bytes)"

# --- The fast path's socket options: every bad input refused, each with
# its own error, and nothing switched on by one who may not.
echo 1 >/sys/module/kpptp/parameters/fastpath
fp() {
	ip netns exec "$A" "$@" 2>&1 | grep -E '^(fastpath|ppp-mtu):' | tr '\n' ' '
}
ktap_eq "unconnected: KPPTP_SO_FASTPATH and KPPTP_SO_PPP_MTU say ENOTCONN" \
	"fastpath: ENOTCONN ppp-mtu: ENOTCONN " \
	"$(fp "$SOCK" --local 198.51.100.1 --fastpath 1,1 --ppp-mtu)"
conn=("$SOCK" --local 198.51.100.1 --peer 198.51.100.2 --peer-call 600)
ktap_eq "a short optlen, unknown NCP bits: EINVAL each" "fastpath: EINVAL fastpath: EINVAL " \
	"$(fp "${conn[@]}" --fastpath 1,1,4)$(fp "${conn[@]}" --fastpath 1,4)"
ktap_eq "an ifindex that is no PPP unit (lo), or none: EINVAL, ENODEV" \
	"fastpath: EINVAL fastpath: ENODEV " \
	"$(fp "${conn[@]}" --fastpath 1,1)$(fp "${conn[@]}" --fastpath 99999,1)"
ktap_eq "uid 65534: EPERM (it would bypass pppN's filters); off is allowed" \
	"fastpath: EPERM fastpath: ok " \
	"$(fp "${NOBODY[@]}" "${conn[@]}" --fastpath 1,1)$(fp "${NOBODY[@]}" "${conn[@]}" --fastpath 1,0)"
echo 0 >/sys/module/kpptp/parameters/fastpath
ktap_eq "module parameter fastpath=0: EOPNOTSUPP" "fastpath: EOPNOTSUPP " \
	"$(fp "${conn[@]}" --fastpath 1,1)"
ktap_finish
