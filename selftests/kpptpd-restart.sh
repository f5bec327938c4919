#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd restarts in place and no call notices: two calls up (kpptpd
# --client, MS-CHAPv2 and MPPE-128), ping through one and iperf3 through
# the other, then `kpptpctl daemon restart` onto kpptpd-next (the same
# code, another version) in the same process. Not one ping is lost, iperf3
# goes on, the calls keep their IDs, pppds, kernel sessions, uptime and
# counters; afterwards a new call, SIGHUP, a hang-up and the stop work on
# the new kpptpd. A binary of another state format is not run. A crash
# (SIGKILL) is not a restart: the owned sessions go, as before.
#
#  ┌──────────────────────────┐   veth    ┌──────────────────────────┐
#  │ $S 198.51.100.1          ├───────────┤ 198.51.100.2          $C │
#  │ kpptpd -> kpptpd-next    │  PPTP     │ 2-3 × kpptpd --client     │
#  │ 203.0.113.1              │  calls    │ 203.0.113.10-13           │
#  └──────────────────────────┘           └──────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 16
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-13' 'echo-interval 2'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

# dial LOG: one more call from $C (pppd's LCP echo every second, 3 misses end it).
dial() {
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		-- name alice password s3cret-Pw remotename kpptpd require-mppe-128 refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 1 \
		lcp-echo-failure 3 >"$1" 2>&1 &
	LAST=$!
}
up_count() { ip -n "$C" -4 addr show | grep -cE 'inet 203\.0\.113\.1[0-3] '; }
calls() { ip netns exec "$S" "$BIN/kpptpctl" calls; }
# the call lines without what moves (uptime, bytes): "id peer user addr iface pppd session"
call_ids() { calls | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1, $2, $3, $4, $5, $NF }' | sort; }

dial "$work/c1.log"
C1=$LAST
dial "$work/c2.log"
C2=$LAST
wait_for 60 eval '[ "$(up_count)" -ge 2 ]' || {
	sed 's/^/# c1: /' "$work/c1.log"
	sed 's/^/# server: /' "$work/server.log"
	ktap_bail "two calls did not come up"
}
a1=$(ip -n "$C" -4 addr show | awk '/inet 203\.0\.113\.1[0-3] / { sub("/.*", "", $2); print $2 }' | sort)
echo "# calls up from: $(echo $a1)"
before=$(call_ids)
echo "$before" | sed 's/^/# before: /'
rx0=$(calls | awk 'NR == 2 { print $7 }')
sleep 2
up0=$(calls | awk 'NR == 2 { print $6 }')
pids0=$(pidof pppd | tr ' ' '\n' | sort | tr '\n' ' ')

# Traffic through both calls while the daemon changes under them.
first=$(echo "$a1" | head -1) second=$(echo "$a1" | tail -1)
ip netns exec "$S" iperf3 -s -1 -D -I /tmp/iperf.restart.pid >/dev/null 2>&1
wait_for 5 listening "$S" 5201
ip netns exec "$C" timeout 60 iperf3 -c 203.0.113.1 -B "$second" -t 8 -J >"$work/iperf.json" 2>&1 &
IPERF=$!
ip netns exec "$C" ping -I "$first" -c 100 -i 0.1 -W 2 203.0.113.1 >"$work/ping.log" 2>&1 &
PING=$!
sleep 3
out=$(ip netns exec "$S" "$BIN/kpptpctl" daemon restart --binary "$BIN/kpptpd-next" 2>&1)
st=$?
echo "# $out"
ktap_check "kpptpctl daemon restart onto kpptpd-next: 2 calls handed over" \
	eval "[ $st -eq 0 ] && grep -q 'restarted kpptpd 0.2.0+next (was 0.2.0): 2 connections, 2 calls' <<<'$out'"
ktap_check "... in the same process (systemd's main PID), now kpptpd-next" \
	eval "[ \"\$(readlink /proc/$KPPTPD/exe)\" = '$BIN/kpptpd-next' ]"
finished "$PING"
loss=$(grep -oE '[0-9]+% packet loss' "$work/ping.log")
echo "# ping: $(tail -2 "$work/ping.log" | head -1)"
ktap_check "ping through call 1 across the restart: no packet lost ($loss)" \
	test "$loss" = "0% packet loss"
finished "$IPERF"
mbps=$(grep -A12 '"sum_received"' "$work/iperf.json" | awk -F'[:,]' '/bits_per_second/ { printf "%d", $2 / 1e6; exit }')
ktap_check "iperf3 through call 2 went on across it (${mbps:-failed} Mbit/s)" \
	eval "[ $ST -eq 0 ] && [ '${mbps:-0}' -ge 1 ]"
after=$(call_ids)
echo "$after" | sed 's/^/# after:  /'
ktap_eq "kpptpctl calls: the same calls, peers, addresses, interfaces and sessions" \
	"$before" "$after"
up1=$(calls | awk 'NR == 2 { print $6 }') rx1=$(calls | awk 'NR == 2 { print $7 }')
echo "# call 1: uptime $up0 -> $up1, rx bytes $rx0 -> $rx1"
ktap_check "... their uptime and byte counters go on (not from zero)" \
	eval "[ '$up1' != '$up0' ] && [ '${rx1:-0}' -gt '${rx0:-0}' ]"
ktap_eq "the same pppds, none restarted" "$pids0" "$(pidof pppd | tr ' ' '\n' | sort | tr '\n' ' ')"
ktap_check "no call ended, no PPTP or LCP echo went unanswered (all logs)" \
	eval "! grep -E 'call [0-9]+/[0-9]+.* ended|Echo-Request|No response to' '$work/server.log' '$work/c1.log' '$work/c2.log'"

# The new kpptpd does everything the old one did.
dial "$work/c3.log"
C3=$LAST
ktap_check "a new call after the restart comes up" wait_for 60 eval '[ "$(up_count)" -ge 3 ]'
echo 'log-rate 100' >>"$work/kpptpd.conf"
kill -HUP "$KPPTPD"
ktap_check "SIGHUP reloads on the new kpptpd" wait_for 10 grep -q 'reloaded' "$work/server.log"
id=$(calls | awk 'NR == 2 { print $1 }')
ktap_check "kpptpctl call hangup $id ends one call" \
	eval "ip netns exec '$S' '$BIN/kpptpctl' call hangup $id && wait_for 20 eval '[ \"\$(up_count)\" -eq 2 ]'"

# A binary of another state format is not run: the calls stay.
printf '#!/bin/sh\necho "kpptpd-state 99 9.9"\n' >"$work/other"
chmod +x "$work/other"
out=$(ip netns exec "$S" "$BIN/kpptpctl" daemon restart --binary "$work/other" 2>&1)
st=$?
echo "# $out"
ktap_check "a binary of another state format: refused, said why" \
	eval "[ $st -eq 1 ] && grep -q 'reads state format 99' <<<'$out'"
ktap_check "... one log line, the calls still up" \
	eval "[ \$(grep -c 'restart refused' '$work/server.log') -eq 1 ] && [ \"\$(up_count)\" -eq 2 ]"

# Stop: every call cleared, every client ends.
kill -TERM "$KPPTPD"
ktap_check "SIGTERM on the new kpptpd clears every call" \
	wait_for 30 eval "gone $KPPTPD && no_pppd"
for p in $C1 $C2 $C3; do
	wait_for 20 gone "$p" || kill -9 "$p"
done

# A crash is not a restart: its owned sessions go with it.
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start again"
dial "$work/c4.log"
C4=$LAST
wait_for 60 eval '[ "$(up_count)" -ge 1 ]' || ktap_bail "the call did not come up"
sessions() { ip netns exec "$S" "$BIN/kpptpctl" -j session list | grep -o '"id":' | wc -l; }
n0=$(sessions)
kill -KILL "$KPPTPD"
wait_for 10 gone "$KPPTPD"
ktap_check "SIGKILL: the server's kernel sessions go with it (were $n0)" \
	wait_for 10 eval '[ "$(sessions)" -eq 0 ] && [ "$n0" -ge 1 ]'
ktap_check "... and the client's call ends" wait_for 60 gone "$C4"
