#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd on the open internet, with its default limits: a hostile host at
# 198.51.100.2 opens 5,000 control connections as fast as it can, places
# calls it never authenticates, floods messages about calls it does not
# have and keeps what it got; meanwhile a legitimate client at
# 198.51.100.3 dials, logs in with MS-CHAPv2 + MPPE-128 and carries
# traffic. Then the hostile host guesses passwords until its source is
# refused, and the admin lifts the back-off. Then a guesser with many
# addresses, each under the per-source limit: the name it guesses is
# refused everywhere except where its owner logged in lately, without
# its password ever being checked. Last, the dial race: clients
# that send their first LCP Configure-Request the instant the Outgoing-
# Call-Reply arrives (as Windows does, 5-7 ms after it), 6 and then 50 at
# once: the channel must exist already, and every request is answered.
#
#  ┌─ $C ─────────────────────────┐  veth  ┌─ $S: kpptpd + pppd ─┐
#  │ kpv1 198.51.100.2 (hostile)  ├────────┤ 198.51.100.1 kpv0   │
#  │      198.51.100.3 (legit)    │        │ 203.0.113.1 ppp     │
#  └──────────────────────────────┘        └─────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 30
kpptpd_pair
work=$WORK
ip -n "$C" addr add 198.51.100.3/24 dev kpv1
# kpptpd --client takes the route's source address: the legitimate one.
route_from() { ip -n "$C" route replace 198.51.100.1/32 dev kpv1 src "$1"; }
route_from 198.51.100.3
kpptpd_setup "$work" 'remote-ip 203.0.113.10-60'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"
ctl() { ip netns exec "$S" "$BIN/kpptpctl" "$@"; }
# json_num KEY < JSON: the number after "KEY": (kpptpctl -j limits).
json_num() { grep -oE "\"$1\":[0-9]+" | cut -d: -f2; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$KPPTPD/status"; }
log_size() { stat -c %s "$work/server.log"; }
# The server's pppds: kpptpd's children (the clients' run beside them).
server_pppds() {
	local n=0 p
	for p in /proc/[0-9]*/status; do
		[[ $(awk '/^PPid:/ { print $2 }' "$p" 2>/dev/null) == "$KPPTPD" ]] && n=$((n + 1))
	done
	echo "$n"
}

# --- 1. the attack, and a legitimate client in the middle of it
log0=$(log_size)
ip netns exec "$C" "$BIN/pptp-hostile" --server 198.51.100.1 --src 198.51.100.2 \
	--conns 5000 --calls 4 --flood 10000 --hold 15 >"$work/hostile.out" 2>&1 &
hostile=$!
defer "kill $hostile 2>/dev/null"
sleep 2
# busybox's date has no %N: bash's microsecond clock.
usec() { echo "${EPOCHREALTIME/./}"; }
t0=$(usec)
kpptpd_client "$work/legit.log" s3cret-Pw
legit=$CLIENT
wait_for 30 has_addr "$C" '203\.0\.113\.'
ms=$((($(usec) - t0) / 1000))
echo "# the legitimate client's call was up $ms ms after it dialled, during the attack"
ktap_check "a legitimate client from another address gets its call up during the attack" \
	has_addr "$C" '203\.0\.113\.'
ktap_check "... within 5 s of dialling ($ms ms)" test "$ms" -le 5000
ktap_check "... and carries traffic" nsexec "$C" ping -c 3 -W 2 203.0.113.1
maxp=0
for _ in 1 2 3 4 5 6; do
	p=$(server_pppds)
	((p > maxp)) && maxp=$p
	sleep 1
done
echo "# at most $maxp pppds ran on the server during the attack"
ktap_check "pppds during the attack: the hostile source's 8 unauthenticated calls (max-starting-per-source) and the legitimate one, at most" \
	test "$maxp" -le 9
rss=$(rss_kb)
ktap_check "kpptpd's memory during the attack: $rss kB (under 16 MB)" test "$rss" -lt 16384
wait "$hostile"
out=$(cat "$work/hostile.out")
echo "# hostile peer: $out"
read -r _ answered _ refused _ connected _ busy _ general _ _ <<<"$out"
ktap_check "the hostile source got at most a burst of connections answered ($answered of 5000)" \
	test "${answered:-999}" -le 80 -a "${refused:-0}" -ge 4000
ktap_check "... its calls: at most 8 connected at once, the rest refused (connected $connected, busy $busy, general $general)" \
	test "${connected:-99}" -le 8 -a $((${busy:-0} + ${general:-0})) -ge 1
grown=$(($(log_size) - log0))
echo "# kpptpd's log grew $grown octets during the attack"
ktap_check "kpptpd's log grew $grown octets for 5,000 connections, 20,000 flooded messages and the calls (under 100 KB)" \
	test "$grown" -lt 102400
lim=$(ctl -j limits)
echo "# $lim"
ktap_check "kpptpctl limits counts what bit: connect-rate, unauthenticated calls, suppressed lines" \
	eval "(($(json_num refused-connect-rate <<<"$lim") > 0 &&
		$(json_num refused-starting-per-source <<<"$lim") + $(json_num refused-calls-per-source <<<"$lim") > 0 &&
		$(json_num log-suppressed <<<"$lim") > 0))"
metrics=$(ctl metrics)
ktap_check "kpptpctl metrics: the limits' counters, labelled, valid Prometheus text" eval '
	prom_valid <<<"$metrics" &&
	grep -qE "^kpptpd_limit_refused_total\{limit=\"connect-rate\"\} [1-9]" <<<"$metrics"'
kill -TERM "$legit"
finished "$legit"
ktap_eq "the legitimate client hangs up cleanly after it" 0 "$ST"
wait_for 40 no_pppd

# --- 2. password guessing from the hostile address
route_from 198.51.100.2
codes=()
for i in 1 2 3 4 5 6; do
	kpptpd_client "$work/guess$i.log" wrong-password
	finished "$CLIENT"
	codes+=("$ST")
	# The server counts a failure when its pppd is reaped.
	wait_for 20 no_pppd
done
echo "# exit statuses of six guesses: ${codes[*]}"
ktap_eq "five wrong passwords fail (exit 8), the sixth call is refused (exit 7)" \
	"8 8 8 8 8 7" "${codes[*]}"
ktap_check "... with Do-Not-Accept (result 7), and the server says why, naming the user tried" eval \
	"grep -q 'result 7' '$work/guess6.log' &&
	 grep -q 'too many failed logins from this address' '$work/server.log' &&
	 grep -q \"login failed as 'alice'\" '$work/server.log' &&
	 grep -q \"5 failed logins within 300 s (the last as 'alice')\" '$work/server.log'"
src=$(ctl -j sources)
echo "# $src"
ktap_check "kpptpctl sources: 198.51.100.2 is blocked for its failed logins, as alice" \
	grep -qE '"addr":"198\.51\.100\.2"[^}]*"back-offs":1,"blocked-s":[1-9][^}]*"last-user":"alice"' <<<"$src"
route_from 198.51.100.3
kpptpd_client "$work/legit2.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.'
ktap_check "... while the legitimate address still gets its call" has_addr "$C" '203\.0\.113\.'
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 40 no_pppd
ktap_check "kpptpctl source unblock 198.51.100.2 lifts the back-off" \
	eval "ctl source unblock 198.51.100.2 | grep -q 'unblocked 1'"
route_from 198.51.100.2
kpptpd_client "$work/after.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.'
ktap_check "... and the right password from it works again" has_addr "$C" '203\.0\.113\.'
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 40 no_pppd
lim=$(ctl -j limits)
ktap_check "kpptpctl limits: 5 failed logins, 1 back-off, 1 call refused for it" eval \
	"(($(json_num failed-logins <<<"$lim") == 5 && $(json_num back-offs <<<"$lim") == 1 &&
	   $(json_num refused-failed-logins <<<"$lim") == 1))"
kill -TERM "$KPPTPD"
finished "$KPPTPD"
ktap_eq "SIGTERM after all of it: exit 0" 0 "$ST"

# --- 2b. one name guessed from many addresses (auth-fail-user-limit)
for a in 4 5 6 7; do ip -n "$C" addr add "198.51.100.$a/24" dev kpv1; done
kpptpd_setup "$work" 'remote-ip 203.0.113.10-60' 'auth-fail-user-limit 3'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start (user limit)"
# alice's own address: one login makes it a known source.
route_from 198.51.100.3
kpptpd_client "$work/owner.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.'
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 40 no_pppd
codes=()
for a in 4 5 6; do
	route_from "198.51.100.$a"
	kpptpd_client "$work/dguess$a.log" wrong-password
	finished "$CLIENT"
	codes+=("$ST")
	wait_for 20 no_pppd
done
ktap_check "three wrong passwords as alice from three addresses fail, and block the name (exit ${codes[*]})" \
	eval "[[ '${codes[*]}' == '8 8 8' ]] &&
	      grep -q \"user 'alice': 3 failed logins within 300 s (the last from 198.51.100.6)\" '$work/server.log'"
# Logins pppd checked (kpptpd's "up: user" and "login failed" lines):
# the refused login's password is never checked.
checked() { grep -cE "up: user 'alice'|login failed as 'alice'" "$work/server.log"; }
ok0=$(checked)
route_from 198.51.100.7
kpptpd_client "$work/dright.log" s3cret-Pw
finished "$CLIENT"
wait_for 20 no_pppd
ok1=$(checked)
echo "# the right password as alice from a fourth address: exit $ST"
ktap_check "... the right password from a fourth address is refused, unchecked: no call up, and the server says why" \
	eval "[[ $ST != 0 ]] && ! has_addr '$C' '203\.0\.113\.' && ((ok0 == 4 && ok1 == ok0)) &&
	      grep -q \"login as 'alice' refused: that name is blocked\" '$work/server.log' &&
	      grep -q \"kpptpd refuses logins as 'alice'\" '$work/server.log'" ||
	{ echo "# checked $ok0 -> $ok1"; tail -n 30 "$work/server.log" | sed 's/^/# server: /'; }
route_from 198.51.100.3
kpptpd_client "$work/owner2.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.'
ktap_check "... while alice's own address (a login there before) still gets her call" \
	has_addr "$C" '203\.0\.113\.'
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 40 no_pppd
users=$(ctl -j users)
echo "# $users"
ktap_check "kpptpctl users: alice blocked, last failed from 198.51.100.6, 198.51.100.3 known" \
	grep -qE '"failed-logins":0,"back-offs":1,"blocked-s":[1-9][0-9]*,"name":"alice","last-failed-from":"198\.51\.100\.6","known-sources":"198\.51\.100\.3"' <<<"$users"
lim=$(ctl -j limits)
ktap_check "kpptpctl limits: 1 name backed off, 1 login refused for it, 3 failed logins" eval \
	"(($(json_num user-back-offs <<<"$lim") == 1 && $(json_num refused-user-blocked <<<"$lim") == 1 &&
	   $(json_num failed-logins <<<"$lim") == 3))"
ktap_check "kpptpctl user unblock alice lifts it (and a name with no failures is an error, exit 4)" \
	eval "ctl user unblock alice | grep -q 'unblocked 1' &&
	      { ctl user unblock bob 2>/dev/null; [[ \$? == 4 ]]; }"
route_from 198.51.100.7
kpptpd_client "$work/dright2.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.'
ktap_check "... and alice logs in from the fourth address again" has_addr "$C" '203\.0\.113\.'
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 40 no_pppd
kill -TERM "$KPPTPD"
finished "$KPPTPD"

# --- 3. the dial race: the first LCP Configure-Request right after the OCRP
# access local puts an nftables transaction into every call's start, as
# a busy server would take its time: the channel must exist before the
# reply leaves all the same. One source, so its limits are lifted.
command -v nft >/dev/null && modprobe -a nf_tables 2>/dev/null && race_access='access local'
kpptpd_setup "$work" 'remote-ip 203.0.113.10-80' ${race_access:+"$race_access"} \
	"${KPPTPD_ONE_SOURCE[@]}"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start (dial race)"
no_channel() {
	ip netns exec "$S" awk '$1 == "call" { for (i = 1; i < NF; i++) if ($i == "rx_no_channel") s += $(i + 1) } END { print s + 0 }' /proc/net/kpptp
}
sessions() { netstat_kpptp "$S" sessions; }
at_least() { (($(sessions) >= $1)); }
for n in 6 50; do
	ip netns exec "$C" "$BIN/pptp-hostile" --server 198.51.100.1 --src 198.51.100.2 \
		--conns "$n" --calls 1 --lcp --hold 10 >"$work/race$n.out" 2>&1 &
	racer=$!
	wait_for 60 at_least "$n"
	sleep 3
	drops=$(no_channel)
	nsess=$(sessions)
	wait "$racer"
	out=$(cat "$work/race$n.out")
	echo "# $n at once${race_access:+ ($race_access)}: $out; rx_no_channel $drops over $nsess sessions"
	read -r _ _ _ _ _ connected _ _ _ _ _ _ _ sent _ answered _ <<<"$out"
	ktap_eq "$n calls at once, LCP sent the instant each OCRP arrived: rx_no_channel over the server's $nsess sessions" \
		"$n 0" "$nsess $drops"
	ktap_check "... every first LCP Configure-Request answered ($answered of $sent, $connected calls)" \
		test "${connected:-0}" -eq "$n" -a "${sent:-0}" -eq "$n" -a "${answered:-0}" -eq "$n" ||
		tail -n 30 "$work/server.log" | sed 's/^/# server: /'
	wait_for 60 no_pppd
done
ktap_finish
