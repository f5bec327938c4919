#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd restarts in place and no call notices: 20 calls up (18 from
# kpptpd --client, 2 from Debian's pptp-linux; MS-CHAPv2 and MPPE-128),
# ping through one and iperf3 through another, a 21st call still
# negotiating PPP, a 22nd hung up with its pppd not yet gone; then
# `kpptpctl daemon restart` onto kpptpd-next (the same code, another
# version) in the same process. Not one ping is lost, iperf3 goes on, the
# calls keep their IDs, pppds, kernel sessions, uptime and counters, the
# negotiating call comes up and the ending one's pppd is reaped by the new
# kpptpd; then a new call, SIGHUP, a hang-up and the stop work on it. A
# binary of another state format is not run. A crash (SIGKILL) is not a
# restart: the owned sessions go, as before.
#
#  ┌──────────────────────────┐   veth    ┌──────────────────────────┐
#  │ $S 198.51.100.1          ├───────────┤ 198.51.100.2          $C │
#  │ kpptpd -> kpptpd-next    │  PPTP     │ 18 kpptpd --client,       │
#  │ 203.0.113.1              │  calls    │ 2 pptp-linux: .10-.49     │
#  └──────────────────────────┘           └──────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 19
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-49' 'echo-interval 2' \
	"${KPPTPD_ONE_SOURCE[@]}"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

# dial LOG: one more call from $C by kpptpd --client (pppd's LCP echo
# every 2 s, 3 misses end it); its PID in LAST.
dial() {
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		-- name alice password s3cret-Pw remotename kpptpd require-mppe-128 refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 2 \
		lcp-echo-failure 3 >"$1" 2>&1 &
	LAST=$!
}
up_count() { ip -n "$C" -4 addr show | grep -cE 'inet 203\.0\.113\.[1-4][0-9] '; }
calls() { ip netns exec "$S" "$BIN/kpptpctl" calls; }
# field ID KEY: a value of call ID in kpptpctl -j calls
field() {
	ip netns exec "$S" "$BIN/kpptpctl" -j calls | tr '{' '\n' |
		grep "\"id\":$1," | grep -oE "\"$2\":\"?[^,\"}]*" | cut -d: -f2- | tr -d '"'
}
# every call without what moves: its ID, peer, user, interface, kernel
# session and pppd, one line each
call_ids() {
	ip netns exec "$S" "$BIN/kpptpctl" -j calls | tr '{' '\n' | grep '"id":' |
		while read -r l; do
			for k in id peer user ifname session pppd; do
				printf '%s=%s ' "$k" "$(grep -oE "\"$k\":\"?[^,\"}]*" <<<"$l" |
					cut -d: -f2- | tr -d '"')"
			done
			echo
		done | sort
}
server_pppds() { grep -c 'pppd [0-9]* started' "$work/server.log"; }

# pptp-linux's second call shares the first's call manager, which must
# be up first (two started at once race for its socket).
clients=()
pptp_linux_dial "$C" "$work/pptp1.log" s3cret-Pw
clients+=("$PPTP_CLIENT")
wait_for 60 grep -q 'local  IP address' "$work/pptp1.log"
pptp_linux_dial "$C" "$work/pptp2.log" s3cret-Pw
clients+=("$PPTP_CLIENT")
for i in $(seq 1 18); do
	dial "$work/c$i.log"
	clients+=("$LAST")
done
wait_for 200 eval '[ "$(up_count)" -ge 20 ]' || {
	echo "# $(up_count) calls up"
	for f in "$work"/c*.log "$work"/pptp*.log; do
		grep -qE ' up: |local  IP address' "$f" || tail -15 "$f" | sed "s|^|# ${f##*/}: |"
	done
	grep -iE 'refused|ended|error|exited' "$work/server.log" | tail -20 | sed 's/^/# server: /'
	ktap_bail "20 calls did not come up"
}
ktap_eq "20 calls up: 18 kpptpd --client, 2 pptp-linux" 20 "$(up_count)"
addrs=$(ip -n "$C" -4 addr show | awk '/inet 203\.0\.113\.[1-4][0-9] / { sub("/.*", "", $2); print $2 }' | sort)
before=$(call_ids)
first=$(echo "$addrs" | head -1) second=$(echo "$addrs" | tail -1)
id1=$(calls | awk -v a="$first" '$4 == a { print $1 }')
rx0=$(field "$id1" rx-bytes) up0=$(field "$id1" uptime)
# The call hung up before the restart (below): one that is up.
third=$(echo "$addrs" | sed -n 3p)
idx=$(calls | awk -v a="$third" '$4 == a { print $1 }')
ppid=$(field "$idx" pppd)

# A 21st call still negotiating PPP: the clients' LCP Configure-Requests
# (GRE with or without an ack number: PPP at offset 32 or 36) do not
# reach the server until after the restart.
ip netns exec "$S" nft -f - <<EOF
table inet hold {
  chain in {
    type filter hook input priority 0;
    ip protocol gre @nh,256,40 0xff03c02101 counter drop
    ip protocol gre @nh,288,40 0xff03c02101 counter drop
  }
}
EOF
n0=$(server_pppds)
dial "$work/c21.log"
clients+=("$LAST")
wait_for 30 eval '[ "$(server_pppds)" -gt "$n0" ]' || ktap_bail "the 21st call got no pppd"

# A call whose pppd has not exited yet when the restart comes: hung up
# with its server pppd stopped.
echo "# hanging up call $idx ($third), its pppd $ppid stopped"
kill -STOP "$ppid"
ip netns exec "$S" "$BIN/kpptpctl" call hangup "$idx" >/dev/null

# Traffic through two calls while the daemon changes under them (iperf3
# at 5 Mbit/s: a CPU the guest shares must not lose pings on its own).
ip netns exec "$S" iperf3 -s -1 -D -I /tmp/iperf.restart.pid >/dev/null 2>&1
wait_for 5 listening "$S" 5201
ip netns exec "$C" timeout 60 iperf3 -c 203.0.113.1 -B "$second" -t 8 -b 5M -J >"$work/iperf.json" 2>&1 &
IPERF=$!
ip netns exec "$C" ping -I "$first" -c 100 -i 0.1 -W 2 203.0.113.1 >"$work/ping.log" 2>&1 &
PING=$!
# Centiseconds of /proc/uptime: which pings were in flight during the restart.
cs() { local up _; read -r up _ </proc/uptime; echo "${up/./}"; }
t_ping=$(cs)
sleep 3
t_restart=$(cs)
out=$(ip netns exec "$S" "$BIN/kpptpctl" daemon restart --binary "$BIN/kpptpd-next" 2>&1)
st=$?
t_done=$(cs)
echo "# $out"
ktap_check "kpptpctl daemon restart onto kpptpd-next: every call handed over" \
	eval "[ $st -eq 0 ] && grep -qE 'restarted kpptpd 0.2.0\+next \(was 0.2.0\): 2[01] connections, 20 calls' <<<'$out'"
ktap_check "... in the same process (systemd's main PID), now kpptpd-next" \
	eval "[ \"\$(readlink /proc/$KPPTPD/exe)\" = '$BIN/kpptpd-next' ]"
ktap_check "... with the hung-up call's pppd among those ending" \
	grep -qE 'took over from 0.2.0: 2[01] connections, 20 calls, 1 pppds ending' "$work/server.log"
ip netns exec "$S" nft delete table inet hold
kill -CONT "$ppid"
finished "$PING"
loss=$(grep -oE '[0-9]+% packet loss' "$work/ping.log")
lost=$(seq 0 99 | while read -r q; do grep -q "seq=$q " "$work/ping.log" || printf '%s ' "$q"; done)
# One ping every 10 cs from t_ping: those sent from half a second before
# the restart to half a second after it answered, at least.
first_q=$(( (t_restart - t_ping - 50) / 10 )) last_q=$(( (t_done - t_ping + 50) / 10 + 1 ))
echo "# ping: $(tail -2 "$work/ping.log" | head -1); the restart took $(( (t_done - t_restart) * 10 )) ms, during pings $first_q..$last_q"
echo "# ping: no reply to seq ${lost:-(none)}"
during=$(for q in $lost; do ((q >= first_q && q <= last_q)) && printf '%s ' "$q"; done)
ktap_check "ping through a call across the restart: none lost around it (${loss}; around it: ${during:-none})" \
	test -z "$during" -a "${loss%%%*}" -le 5
finished "$IPERF"
mbps=$(grep -A12 '"sum_received"' "$work/iperf.json" | awk -F'[:,]' '/bits_per_second/ { printf "%d", $2 / 1e6; exit }')
ktap_check "iperf3 through another went on across it (${mbps:-failed} Mbit/s)" \
	eval "[ $ST -eq 0 ] && [ '${mbps:-0}' -ge 1 ]"
ktap_check "the hung-up call's pppd, stopped through the restart, reaped by the new kpptpd" \
	wait_for 20 grep -qE "pppd $ppid (exited|killed)" "$work/server.log"
ktap_check "the call that was negotiating PPP comes up on the new kpptpd" \
	wait_for 60 eval '[ "$(up_count)" -ge 20 ]'
now=$(call_ids)
echo "$before" >"$work/before.ids"
kept=$(grep -cxF -f "$work/before.ids" <<<"$now")
echo "$now" | grep -vxF -f "$work/before.ids" | sed 's/^/# new: /'
ktap_eq "kpptpctl calls: the 19 calls not hung up, same IDs, peers, users, interfaces, sessions and pppds" \
	19 "$kept"
rx1=$(field "$id1" rx-bytes) up1=$(field "$id1" uptime)
echo "# call $id1: uptime $up0 -> $up1 s, rx bytes $rx0 -> $rx1"
ktap_check "... their uptime and byte counters go on (not from zero)" \
	eval "[ '${up1:-0}' -gt '${up0:-0}' ] && [ '${rx1:-0}' -gt '${rx0:-0}' ]"
ktap_check "no other call ended, no PPTP or LCP echo went unanswered (all logs)" \
	eval "[ \$(grep -cE 'call [0-9]+/[0-9]+.* ended' '$work/server.log') -eq 1 ] &&
	      ! grep -E 'Echo-Request|No response to' '$work/server.log' '$work'/c*.log '$work'/pptp*.log"

# The new kpptpd does everything the old one did.
n1=$(up_count)
dial "$work/c23.log"
clients+=("$LAST")
ktap_check "a new call after the restart comes up" wait_for 60 eval "[ \"\$(up_count)\" -gt $n1 ]"
sed -i 's/^echo-interval 2$/echo-interval 3/' "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
ktap_check "SIGHUP reloads on the new kpptpd" wait_for 10 grep -q 'reloaded' "$work/server.log"
n1=$(up_count)
id=$(calls | awk 'NR == 2 { print $1 }')
ktap_check "kpptpctl call hangup $id ends one call" \
	eval "ip netns exec '$S' '$BIN/kpptpctl' call hangup $id >/dev/null &&
	      wait_for 20 eval '[ \"\$(up_count)\" -lt $n1 ]'"

# A binary of another state format is not run: the calls stay.
printf '#!/bin/sh\necho "kpptpd-state 99 9.9"\n' >"$work/other"
chmod +x "$work/other"
n1=$(up_count)
out=$(ip netns exec "$S" "$BIN/kpptpctl" daemon restart --binary "$work/other" 2>&1)
st=$?
echo "# $out"
ktap_check "a binary of another state format: refused, said why" \
	eval "[ $st -eq 1 ] && grep -q 'reads state format 99' <<<'$out'"
ktap_check "... one log line, the calls still up" \
	eval "[ \$(grep -c 'restart refused' '$work/server.log') -eq 1 ] && [ \"\$(up_count)\" -eq $n1 ]"

# Stop: every call cleared, every client ends.
kill -TERM "$KPPTPD"
ktap_check "SIGTERM on the new kpptpd clears every call" \
	wait_for 60 eval "gone $KPPTPD && no_pppd"
for p in "${clients[@]}"; do
	wait_for 20 gone "$p" || kill -9 "$p" 2>/dev/null
done
kill $(pidof pptp) 2>/dev/null

# A crash is not a restart: its owned sessions go with it.
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start again"
dial "$work/c24.log"
C24=$LAST
wait_for 60 eval '[ "$(up_count)" -ge 1 ]' || ktap_bail "the call did not come up"
sessions() { ip netns exec "$S" "$BIN/kpptpctl" -j session list | grep -o '"id":' | wc -l; }
n0=$(sessions)
kill -KILL "$KPPTPD"
wait_for 10 gone "$KPPTPD"
ktap_check "SIGKILL: the server's kernel sessions go with it (were $n0)" \
	wait_for 10 eval '[ "$(sessions)" -eq 0 ] && [ "$n0" -ge 1 ]'
ktap_check "... and the client's call ends" wait_for 60 gone "$C24"
