#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd --client against kpptpd: an MS-CHAPv2 + MPPE-128 call both ways
# through kpptp.ko, then each way a call can fail, with its own exit
# status and nothing left behind on either side.
#
#  ┌─ $C: kpptpd --client + pppd ┐  veth  ┌─ $S: kpptpd + pppd ─────┐
#  │ kpv1 198.51.100.2           ├────────┤ 198.51.100.1 kpv0       │
#  │ ppp 203.0.113.10 (pool)     │PPTP GRE│ 203.0.113.1 ppp         │
#  └─────────────────────────────┘        └─────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 34
kpptpd_pair
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server) did not start"
SERVER=$KPPTPD

sessions() { netstat_kpptp "$1" sessions; }
no_sessions() { [[ $(sessions "$S") == 0 && $(sessions "$C") == 0 ]]; }

kpptpd_client "$work/c1.log" s3cret-Pw
if ! wait_for 40 has_addr "$C" '203\.0\.113\.10 '; then
	sed 's/^/# client: /' "$work/c1.log"; sed 's/^/# server: /' "$work/server.log"
fi
ktap_check "kpptpd --client gets 203.0.113.10 from kpptpd" has_addr "$C" '203\.0\.113\.10 '
ktap_check "MS-CHAPv2 and MPPE 128-bit on both ends" \
	grep -q 'MPPE 128-bit stateless compression enabled' "$work/c1.log"
ktap_check "ping client -> server" nsexec "$C" ping -c 3 -W 2 203.0.113.1
ktap_check "ping server -> client" nsexec "$S" ping -c 3 -W 2 203.0.113.10
ktap_eq "a kernel session on each side" "1 1" "$(sessions "$S") $(sessions "$C")"
# Made over netlink and owned by kpptpd on both sides: gone with kpptpd.
owned_in() { ip netns exec "$1" "$BIN/kpptpctl" -j session list | grep -q '"origin":"netlink","owned":true'; }
ktap_check "... each made over netlink and owned by its kpptpd (client too)" \
	eval 'owned_in "$S" && owned_in "$C"'
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 2)
echo "# iperf3 client -> server: ${mbps:-failed} Mbit/s"
ktap_ge "iperf3 through the call (2 s)" 1 "${mbps:-0}"

kill -TERM "$CLIENT"
finished "$CLIENT"
ktap_eq "SIGTERM: the client hangs up and exits 0" 0 "$ST"
wait_for 15 no_pppd
wait_for 10 no_sessions
ktap_check "... no pppd and no kernel session left on either side" eval "no_pppd && no_sessions"
ktap_check "... the server logged the call's end" grep -qE 'call [0-9]+/[0-9]+ .*ended' "$work/server.log"

kpptpd_client "$work/c2.log" wrong-password
finished "$CLIENT"
ktap_eq "wrong password: exit 8 (authentication failed)" 8 "$ST"
ktap_check "... and says so" grep -q 'authentication failed' "$work/c2.log"
wait_for 15 no_pppd
wait_for 10 no_sessions
ktap_check "... no pppd and no kernel session left" eval "no_pppd && no_sessions"

# call_up LOG: a good call from $C, up (bails if not).
call_up() {
	kpptpd_client "$1" s3cret-Pw
	wait_for 40 has_addr "$C" '203\.0\.113\.1[01] ' || ktap_bail "call did not come up ($1)"
}
clean_both() { wait_for 15 no_pppd && wait_for 10 no_sessions; }

# kill -9 of each piece: the other side clears, nothing is left anywhere.
# With its pppd stopped, only the kernel can end the client's session:
# it must, at once, because kpptpd owned it.
call_up "$work/k1.log"
cpppd=$(ip netns pids "$C" | while read -r p; do [[ $(cat /proc/$p/comm) == pppd ]] && echo "$p"; done)
kill -STOP $cpppd
kill -9 "$CLIENT"
wait "$CLIENT" 2>/dev/null
client_session_gone() { [[ $(sessions "$C") == 0 ]]; }
ktap_check "kill -9 of kpptpd --client: its kernel session goes at once (its pppd is stopped)" \
	wait_for 5 client_session_gone
kill -CONT $cpppd
ktap_check "... its pppd ends too, the server clears the call" clean_both

call_up "$work/k2.log"
kill -9 "$(ip netns pids "$C" | while read -r p; do [[ $(cat /proc/$p/comm) == pppd ]] && echo "$p"; done)"
finished "$CLIENT"
ktap_eq "kill -9 of the client's pppd: kpptpd --client exits 10 (PPP failed)" 10 "$ST"
ktap_check "... and both sides are clean" clean_both

call_up "$work/k3.log"
kill -9 "$(ip netns pids "$S" | while read -r p; do [[ $(cat /proc/$p/comm) == pppd ]] && echo "$p"; done)"
finished "$CLIENT"
ktap_eq "kill -9 of the server's pppd: CDN, the client exits 11 (server ended the call)" 11 "$ST"
ktap_check "... and both sides are clean" clean_both
ktap_check "... the server said which pppd died and how" \
	grep -qE 'pppd [0-9]+ killed by signal 9' "$work/server.log"

# TCP works, GRE from the server is dropped on the way (Windows' error 806).
# (sch_prio, cls_u32, act_gact: not in every test kernel's config.)
if tc -n "$S" qdisc add dev kpv0 root handle 1: prio 2>/dev/null &&
   tc -n "$S" filter add dev kpv0 parent 1: protocol ip prio 1 u32 \
	match ip protocol 47 0xff action drop 2>/dev/null; then
	EXTRA_PPP="lcp-max-configure 3 lcp-restart 1" kpptpd_client "$work/c6.log" s3cret-Pw
	finished "$CLIENT"
	ktap_eq "GRE dropped between us: exit 9 (no GRE ever arrived)" 9 "$ST"
	ktap_check "... said with the likely cause" \
		grep -q 'no GRE packet ever arrived from 198.51.100.1' "$work/c6.log"
	tc -n "$S" qdisc del dev kpv0 root
	wait_for 15 no_pppd
	wait_for 10 no_sessions
else
	ktap_skip "GRE dropped between us: exit 9" "this kernel has no sch_prio/cls_u32/act_gact"
	ktap_skip "... said with the likely cause" "as above"
fi

kpptpd_client "$work/c3.log" s3cret-Pw 198.51.100.2
finished "$CLIENT"
ktap_eq "nothing listens on 1723: exit 4 (TCP refused)" 4 "$ST"

call_up "$work/k4.log"
kill -9 "$SERVER"
wait "$SERVER" 2>/dev/null
finished "$CLIENT"
ktap_eq "kill -9 of kpptpd (server): the client exits 11" 11 "$ST"
ktap_check "... the server's pppd ends, its owned kernel session is deleted" clean_both
# Not a PPTP server: something else answers on 1723 (here: text).
ip netns exec "$S" bash -c 'for i in $(seq 30); do printf "HTTP/1.0 400 Bad Request\r\n\r\n" | timeout 5 nc -l -p 1723 >/dev/null; done' </dev/null &
NC=$!
defer "kill $NC"
wait_for 10 listening "$S" 1723 ||
	ktap_bail "nc does not listen on 1723"
kpptpd_client "$work/c4.log" s3cret-Pw 198.51.100.1 --persist --max-protocol-tries 2
finished "$CLIENT"
ktap_eq "a server that is not PPTP: exit 5, even with --persist" 5 "$ST"
ktap_check "... after exactly 2 attempts, each said plainly" \
	eval "[[ \$(grep -c 'did not answer as a PPTP server' $work/c4.log) == 2 ]]"
grep -E 'framing|did not answer|giving up' "$work/c4.log" | sed 's/^/# /' | tail -4
kill "$NC" 2>/dev/null
pkill -f 'nc -l -p 1723'

# A "server" that answers SCCRQ with a fixed reply, then holds for S s.
# sccrp_server VERSION_HEX S: an SCCRP (result OK) of that version.
not_listening() { ! listening "$S" 1723; }
sccrp_server() {
	# The stand-in before it (a loop of nc) goes whole, its nc too.
	pkill -f 'nc -l -p 1723'
	wait_for 10 not_listening || ktap_bail "something still listens on 1723"
	ip netns exec "$S" bash -c "(printf '\\x00\\x9c\\x00\\x01\\x1a\\x2b\\x3c\\x4d\\x00\\x02\\x00\\x00\\x$1\\x00\\x01\\x00'
		head -c 140 /dev/zero; sleep $2) | timeout $(($2 + 5)) nc -l -p 1723 >/dev/null" </dev/null &
	NC=$!
	defer "kill $NC"
	wait_for 10 listening "$S" 1723 || ktap_bail "nc does not listen on 1723"
}
sccrp_server 02 15
kpptpd_client "$work/c7.log" s3cret-Pw 198.51.100.1 --persist
finished "$CLIENT"
ktap_eq "a server of PPTP version 2.0: exit 12, not retried by --persist" 12 "$ST"
ktap_check "... said, after Stop-Control-Connection-Request" eval \
	"grep -q 'server answers with PPTP version 2.0, not 1.0' '$work/c7.log' &&
	 grep -q 'the server speaks another PPTP version' '$work/c7.log'"
kill "$NC" 2>/dev/null
sccrp_server 01 75
kpptpd_client "$work/c8.log" s3cret-Pw 198.51.100.1
wait_for 90 gone "$CLIENT"
finished "$CLIENT"
ktap_eq "a server that never answers the Outgoing-Call-Request: exit 13 after setup-timeout (60 s)" \
	13 "$ST"
ktap_check "... said" grep -q 'did not answer the Outgoing-Call-Request within 60 s' "$work/c8.log"
kill "$NC" 2>/dev/null
pkill -f 'nc -l -p 1723'

# --persist: the back-off doubles while dialling fails, and starts again
# at 1 s after a call that stayed up (60 s, the longest back-off).
kpptpd_client "$work/c9.log" s3cret-Pw 198.51.100.1 --persist
# Nothing listens: 1, 2, 4, 8 s ... then the server comes back.
wait_for 30 grep -q 'redialling in 8 s' "$work/c9.log"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server) did not start again"
wait_for 40 has_addr "$C" '203\.0\.113\.'
ktap_check "--persist: refused four times (back-off 1, 2, 4, 8 s), then the call comes up" \
	eval "grep -q 'redialling in 4 s' '$work/c9.log' && has_addr '$C' '203\.0\.113\.'"
sleep 62
# The call ends: its pppd goes (as when the link drops under it).
pppd_of() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null) == "$1" &&
		   $(cat "$p/comm" 2>/dev/null) == pppd ]] && echo "${p#/proc/}"
	done
}
redials() { grep -c 'redialling' "$work/c9.log"; }
n0=$(redials)
kill -TERM $(pppd_of "$CLIENT")
another_redial() { (($(redials) > n0)); }
wait_for 60 another_redial
last_redial() { grep 'redialling' "$work/c9.log" | tail -n 1; }
ktap_check "... after that call stayed up 62 s and ended, the next redial waits 1 s, not 16" \
	eval "last_redial | grep -q 'redialling in 1 s'" ||
	tail -n 15 "$work/c9.log" | sed 's/^/# client: /'
kill -TERM "$CLIENT"
finished "$CLIENT"
kill -TERM "$KPPTPD"
finished "$KPPTPD"

# No answer at all: an address on the link that nobody has.
kpptpd_client "$work/c5.log" s3cret-Pw 198.51.100.77 --connect-timeout 3
finished "$CLIENT"
ktap_eq "no answer on TCP 1723: exit 3" 3 "$ST"
sed 's/^/# /' "$work/c5.log" | tail -3
ktap_finish
