#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd out of file descriptors. Started with RLIMIT_NOFILE 40 (soft and
# hard, so it cannot raise it) and the default limits (1024 connections,
# 1024 calls), it says at start what the limit holds. 60 connections that
# never speak use up its descriptors: it says so, does not spin on the
# listener it cannot accept from (PPTP or the control socket), and once
# they are gone (hello-timeout) a real call comes up. With a soft limit
# below the hard one it raises its own, and its pppds get the old one.
#
#  ┌─ $C: 60 silent TCP, then kpptpd --client ─┐ veth ┌─ $S: kpptpd, ulimit -n 40 ─┐
#  │ 198.51.100.2                              ├──────┤ 198.51.100.1               │
#  └───────────────────────────────────────────┘      └────────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 10
kpptpd_pair
work=$WORK
# 60 connections from one address must reach the descriptor limit.
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11' 'hello-timeout 15' "${KPPTPD_ONE_SOURCE[@]}"
# start_limited ULIMITS LOG: kpptpd in $S after the ulimit commands; KPPTPD.
start_limited() {
	ip netns exec "$S" bash -c "$1 && exec '$BIN/kpptpd' -f -v -c '$work/kpptpd.conf'" \
		>"$2" 2>&1 &
	KPPTPD=$!
	defer "kill $KPPTPD; wait $KPPTPD"
	wait_for 10 grep -q 'listening on' "$2" ||
		{ cat "$2"; ktap_bail "kpptpd did not start ($1)"; }
}
start_limited "ulimit -n 40" "$work/server.log"
ktap_check "at start: the limit and what the configuration needs, named" \
	grep -qE 'RLIMIT_NOFILE is 40, max-connections 1024 and max-calls 1024 need about 3136' \
	"$work/server.log"

# 60 connections that say nothing, held for 10 s (hello-timeout is 15).
ip netns exec "$C" bash -c 'for i in $(seq 60); do exec {f}<>/dev/tcp/198.51.100.1/1723 || exit 1; done; sleep 10' &
holder=$!
defer "kill $holder 2>/dev/null"
established() { ip netns exec "$S" netstat -tn | grep -c ':1723 .*ESTABLISHED'; }
wait_for 5 eval '(($(established) >= 60))'
sleep 1
# CPU time (user + system, in clock ticks) over 3 s, while the listen
# queue holds connections kpptpd cannot accept: a loop that spins on the
# readable listener uses all of it.
cpu() { awk '{ print $14 + $15 }' "/proc/$KPPTPD/stat"; }
c0=$(cpu)
timeout 2 ip netns exec "$S" "$BIN/kpptpctl" calls >/dev/null 2>&1
sleep 1
c1=$(cpu)
echo "# kpptpd used $((c1 - c0)) ticks of CPU in about 3 s while out of descriptors"
ktap_check "out of descriptors: kpptpd waits, it does not spin (under 0.5 s of CPU in 3 s)" \
	test $((c1 - c0)) -lt 50
ktap_check "... says so, naming the limit" \
	grep -qE 'accept \(control connections\): Too many open files .*RLIMIT_NOFILE 40' "$work/server.log"
ktap_eq "... in one log line, not one per attempt" 1 \
	"$(grep -c 'Too many open files' "$work/server.log")"
wait "$holder" 2>/dev/null
# The holder is gone: what was accepted closes (EOF or hello-timeout),
# and what waited in the queue is accepted and closes too.
drained() { ! ip netns exec "$S" netstat -tn | grep -q ':1723 '; }
wait_for 20 drained
kpptpd_client "$work/c1.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.1[01] '
ktap_check "descriptors back: a call comes up" has_addr "$C" '203\.0\.113\.1[01] '
ktap_check "... kpptpctl calls answers again" \
	eval "ip netns exec \"\$S\" \"\$BIN/kpptpctl\" calls | grep -q alice"
kill -TERM "$CLIENT"
finished "$CLIENT"
ktap_eq "... and the client hangs up cleanly" 0 "$ST"
wait_for 15 no_pppd

# A soft limit of 40 under a hard one of 4096: kpptpd raises its own and
# holds 60 connections; a call made then still starts its pppd (whose
# descriptors 3 and 4 are set up before it gets the soft limit of 40
# back, although kpptpd's lie above 40).
kill -TERM "$KPPTPD"
wait "$KPPTPD"
start_limited "ulimit -Sn 40 && ulimit -Hn 4096" "$work/server2.log"
ip netns exec "$C" bash -c 'for i in $(seq 60); do exec {f}<>/dev/tcp/198.51.100.1/1723 || exit 1; done; sleep 20' &
holder=$!
defer "kill $holder 2>/dev/null"
accepted() { (($(grep -c 'control connection accepted' "$work/server2.log") >= 60)); }
ktap_check "soft limit 40, hard 4096: kpptpd raises it and accepts all 60" wait_for 10 accepted
kpptpd_client "$work/c2.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.1[01] ' || sed 's/^/# server: /' "$work/server2.log"
ktap_check "... a call then comes up: its pppd started" has_addr "$C" '203\.0\.113\.1[01] '
spppd=$(ip netns pids "$S" | while read -r p; do [[ $(cat /proc/$p/comm) == pppd ]] && echo "$p"; done)
ktap_check "... and runs with the soft limit kpptpd was given (40)" \
	grep -qE '^Max open files +40 +4096 ' "/proc/${spppd:-0}/limits"
kill "$holder" 2>/dev/null
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 no_pppd
ktap_finish
