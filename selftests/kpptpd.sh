#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd, the server, end to end: Debian's pptp client (pptp-linux, with
# pppd) dials kpptpd, logs in with MS-CHAPv2, gets MPPE-128 and a pool
# address, and its traffic runs through kpptp.ko. Then every way a call
# ends must leave nothing behind: no kernel session, no pppd, the pool
# address back.
#
#  ┌─ $C: pptp-linux + pppd ─┐   veth   ┌─ $S: kpptpd + pppd ────┐
#  │ kpv1 198.51.100.2       ├──────────┤ 198.51.100.1 kpv0      │
#  │ ppp 203.0.113.10 (pool) │ PPTP GRE │ 203.0.113.1 ppp        │
#  └─────────────────────────┘          └────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 25
kpptpd_pair
work=$WORK
# One chap-secrets serves both pppds: the server checks alice's secret,
# the client finds the one it sends to the server named kpptpd.
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11' 'echo-interval 5' 'echo-failures 2'

ktap_check "kpptpd --check-config accepts the file" \
	"$BIN/kpptpd" --check-config -c "$work/kpptpd.conf"

kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"
ktap_pass "kpptpd listens, data path kpptp.ko"

# dial PASSWORD LOG: pptp-linux in $C; sets CLIENT.
dial() {
	pptp_linux_dial "$C" "$2" "$1"
	CLIENT=$PPTP_CLIENT
}

no_session() { [[ $(nsessions) == 0 ]]; }
nsessions() { netstat_kpptp "$S" sessions; }

dial s3cret-Pw "$work/client.log"
if ! wait_for 40 has_addr "$C" '203\.0\.113\.10 '; then
	sed 's/^/# client: /' "$work/client.log"; sed 's/^/# kpptpd: /' "$work/server.log"
fi
ktap_check "pptp-linux gets 203.0.113.10 from the pool" has_addr "$C" '203\.0\.113\.10 '
ktap_check "MS-CHAPv2 and MPPE 128-bit on the link" \
	grep -q 'MPPE 128-bit stateless compression enabled' "$work/client.log"
ktap_check "ping through the call" nsexec "$C" ping -c 3 -W 2 203.0.113.1
ktap_eq "one kernel session, made by kpptpd" 1 "$(nsessions)"
ktap_check "kpptpd logs the call with user and interface" \
	wait_for 5 grep -q "up: user 'alice', ppp" "$work/server.log"
rx=$(ip netns exec "$S" awk '$1 == "call" { for (i = 1; i < NF; i++) if ($i == "rx_packets") print $(i + 1) }' /proc/net/kpptp)
ktap_ge "the server's kernel session counted the pings" 3 "${rx:-0}"

calls=$(ip netns exec "$S" "$BIN/kpptpctl" calls)
echo "$calls" | sed 's/^/# /'
ktap_check "kpptpctl calls: the call with its peer, user, address, pppN, state up" \
	grep -qE '^[0-9]+ +198\.51\.100\.2:[0-9]+ +alice +203\.0\.113\.10 +ppp[0-9]+ .* up ' <<<"$calls"
json=$(ip netns exec "$S" "$BIN/kpptpctl" -j calls)
ktap_check "kpptpctl -j calls: user, address and byte counters as JSON" \
	grep -qE '"user":"alice".*"address":"203\.0\.113\.10".*"rx-bytes":[1-9]' <<<"$json"
metrics=$(ip netns exec "$S" "$BIN/kpptpctl" metrics)
ktap_check "kpptpctl metrics: valid Prometheus text, every sample with its TYPE" \
	prom_valid <<<"$metrics"
ktap_check "... the kernel session's counters and kpptpd's call, labelled" eval '
	grep -qE "^kpptp_session_rx_packets_total\{session=\"[0-9]+\",local_call=\"[0-9]+\",peer=\"198\.51\.100\.2\",peer_call=\"[0-9]+\"\} [1-9]" <<<"$metrics" &&
	grep -qE "^kpptpd_call_info\{call=\"[0-9]+\",peer=\"198\.51\.100\.2:[0-9]+\",user=\"alice\",.*health=\"ok\".*\} 1$" <<<"$metrics" &&
	grep -qx "kpptp_sessions 1" <<<"$metrics" && grep -qx "kpptpd_calls 1" <<<"$metrics" &&
	grep -qx "kpptpd_up 1" <<<"$metrics"'
grep -E '^kpptp_sessions|^kpptpd_|^kpptp_session_rx_packets' <<<"$metrics" | sed 's/^/# /'

# The client's pppd goes away: the server must clear the call (TCP closes).
kill "$CLIENT"
wait "$CLIENT" 2>/dev/null
wait_for 15 no_pppd
ktap_eq "client gone: the server's pppd exits too" 0 "$(pppd_count)"
wait_for 10 no_session
ktap_eq "... and its kernel session is deleted" 0 "$(nsessions)"

# Wrong password: the client fails, and nothing is left on the server.
dial wrong-password "$work/client-bad.log"
wait_for 40 gone "$CLIENT"
wait "$CLIENT"
st=$?
ktap_eq "wrong password: the client's pppd exits 19 (authentication failed)" 19 "$st"
wait_for 15 no_pppd
ktap_eq "... the server's pppd is gone" 0 "$(pppd_count)"
ktap_eq "... and no kernel session is left" 0 "$(nsessions)"
ktap_check "... pppd's reason reaches kpptpd's log" \
	grep -q 'Peer alice failed CHAP authentication' "$work/server.log"
ktap_check "... and kpptpd logs how that pppd ended" \
	grep -qE 'call 2/[0-9]+: pppd [0-9]+ (exited with|killed by signal)' "$work/server.log"

# The pool gave 203.0.113.10 then .11; both came back: .10 again next.
dial s3cret-Pw "$work/client2.log"
wait_for 40 has_addr "$C" '203\.0\.113\.1[01] '
ktap_check "a third call gets a pool address again (both came back)" \
	has_addr "$C" '203\.0\.113\.1[01] '

# The admin ends alice's calls.
out=$(ip netns exec "$S" "$BIN/kpptpctl" call hangup user alice)
ktap_eq "kpptpctl call hangup user alice: one call hung up" "hung up 1" "$out"
wait_for 15 no_pppd
wait_for 10 no_session
ktap_check "... its pppds and kernel session are gone" eval "no_pppd && no_session"
ktap_check "... and kpptpd logged who did it" grep -q "of user 'alice' hung up by the admin" \
	"$work/server.log"

# SIGTERM: Stop-Control-Connection to the peer, calls cleared, exit 0.
kill -TERM "$KPPTPD"
wait_for 15 gone "$KPPTPD"
wait "$KPPTPD"
ktap_eq "SIGTERM: kpptpd exits 0 once its calls have cleared" 0 "$?"
wait_for 15 no_pppd
wait_for 5 no_session
ktap_check "... leaving no pppd and no kernel session" eval "no_pppd && no_session"
sed 's/^/# kpptpd: /' "$work/server.log" | tail -40
ktap_finish
