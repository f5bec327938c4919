#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What Windows clients get from kpptpd that Windows RRAS gives them.
#
# kpptpd answers a call's DHCPINFORM as RRAS does: the routes and DNS
# domain of kpptpd.conf (push-route, dns-domain), or the user's own from
# chap-secrets, with pppd's ms-dns; to the call's own address only, on the
# call's interface only, at a bounded rate; everything else is counted
# and not answered.
#
# IPv4 without a 3 s wait: a client that sends its IPCP request in the
# same burst as CCP, as Windows does (here pppd without require-mppe,
# which opens IPCP at once and accepts the server's MPPE), has IPv4 as
# soon as MPPE is up; pppd alone (kpptp-no-early-ipcp) answers that early
# request with Terminate-Ack and the client asks again after 3 s.
#
#  ┌──────────────────────────┐   veth    ┌──────────────────────────┐
#  │ $S 198.51.100.1          ├───────────┤ 198.51.100.2          $C │
#  │ kpptpd, 203.0.113.1      │  PPTP     │ kpptpd --client           │
#  │ answers on pppN:67       │  call     │ dhcp-client on ppp0:68    │
#  └──────────────────────────┘           └──────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 34
kpptpd_pair
work=$WORK
# log-rate 0: the last part reads pppd's debug lines in kpptpd's log.
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11' 'push-route 198.51.100.128/25' \
	'push-route 192.0.2.0/24' 'dns-domain corp.example' 'log-rate 0'
echo 'ms-dns 192.0.2.53' >>"$work/options.pptp"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

# call LOG: a call from $C, up; its address in ADDR.
call() {
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		-- name alice password s3cret-Pw remotename kpptpd require-mppe-128 refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 0 >"$1" 2>&1 &
	CLIENT=$!
	client_up "$1"
	ADDR=$(ip -n "$C" -4 addr show dev ppp0 | awk '/inet / { print $2; exit }')
	ADDR=${ADDR%/*}
}
# inform [dhcp-client options]: from the client's ppp0 and its address.
inform() {
	ip netns exec "$C" "$BIN/dhcp-client" --dev ppp0 --ciaddr "$ADDR" --wait 2000 "$@"
}
# counter NAME: one of kpptpctl limits' dhcp-* counters.
counter() {
	ip netns exec "$S" "$BIN/kpptpctl" limits | awk -v k="$1" '$1 == k { print $2 }'
}

call "$work/c1.log"
want='routes 198.51.100.128/25>203.0.113.1,192.0.2.0/24>203.0.113.1'
got=$(inform)
echo "# $got"
ktap_check "an INFORM from the call's address: kpptpd.conf's routes (121), via our end" \
	grep -q "ack $want " <<<"$got"
ktap_check "... the same in Microsoft's option 249" \
	grep -q "routes249 ${want#routes } " <<<"$got"
ktap_check "... the domain, pppd's ms-dns, and our end as server" \
	grep -q 'domain corp.example dns 192.0.2.53 server 203.0.113.1$' <<<"$got"
got=$(inform --to 203.0.113.1)
ktap_check "an INFORM sent to our end, not broadcast: answered too" grep -q "^ack $want " <<<"$got"
got=$(inform --params 249)
ktap_check "asked for 249 only: 249 only ($got)" \
	test "$got" = "ack routes249 ${want#routes } server 203.0.113.1"
a0=$(counter dhcp-answered)
ktap_eq "kpptpctl limits counts them: dhcp-answered" 3 "$a0"

# Not answered, and counted: a DISCOVER (a DHCP server's business), an
# INFORM for another address, a datagram that is no DHCP message.
ktap_check "a DHCPDISCOVER: no answer" inform --type 1 --expect-none --wait 1000
ktap_eq "... counted: dhcp-ignored-not-inform" 1 "$(counter dhcp-ignored-not-inform)"
ktap_check "an INFORM whose ciaddr is not the call's: no answer" \
	ip netns exec "$C" "$BIN/dhcp-client" --dev ppp0 --ciaddr 203.0.113.99 --expect-none --wait 1000
ktap_eq "... counted: dhcp-ignored-wrong-source" 1 "$(counter dhcp-ignored-wrong-source)"
ktap_check "100 octets of garbage: no answer" inform --garbage --expect-none --wait 1000
ktap_eq "... counted: dhcp-ignored-malformed" 1 "$(counter dhcp-ignored-malformed)"
# On the link that carries the call (no kpptpd interface): not heard.
before=$(ip netns exec "$S" "$BIN/kpptpctl" limits | grep '^dhcp-' | tr '\n' ' ')
ktap_check "an INFORM on the server's veth, not a call's interface: no answer" \
	ip netns exec "$C" "$BIN/dhcp-client" --dev kpv1 --ciaddr 198.51.100.2 --expect-none --wait 1000
ktap_eq "... and no counter moved" "$before" \
	"$(ip netns exec "$S" "$BIN/kpptpctl" limits | grep '^dhcp-' | tr '\n' ' ')"

# A client that asks on and on: 4 answers at once, then one per 2.5 s.
for i in 1 2 3 4 5 6; do inform --wait 200 >/dev/null; done
rate=$(counter dhcp-ignored-rate)
ktap_ge "6 INFORMs in a row: the rest over the call's rate is not answered ($rate)" 1 "${rate:-0}"
ktap_check "the rate's counter is in kpptpctl metrics" eval \
	"ip netns exec '$S' '$BIN/kpptpctl' metrics | grep -q '^kpptpd_dhcp_ignored_total{reason=\"rate\"} $rate\$'"

# A hostile peer floods INFORMs for 12 s while another call's client (the
# Windows-like one) connects and asks: the flood gets its call's rate and
# no more, the other client its answer.
a0=$(counter dhcp-answered) r0=$(counter dhcp-ignored-rate)
inform --flood 12000 >"$work/flood.log" 2>&1 &
flood=$!
sleep 1
ip netns exec "$C" timeout 60 "$BIN/win-client" --server 198.51.100.1 --user alice \
	--password s3cret-Pw >"$work/winf.log" 2>&1
kill -0 "$flood" 2>/dev/null && overlap=yes || overlap=no
wait "$flood"
echo "# flood: $(cat "$work/flood.log"); win-client: $(grep '^dhcp' "$work/winf.log")"
grep -q '^dhcp ack routes 198.51.100.128/25>203.0.113.1,' "$work/winf.log" && acked=yes || acked=no
ktap_check "during a flood of INFORMs from one call, another call's INFORM is answered (overlap: $overlap)" \
	test "$overlap$acked" = yesyes
answered=$(( $(counter dhcp-answered) - a0 )) limited=$(( $(counter dhcp-ignored-rate) - r0 ))
ktap_ge "... the flood's INFORMs over its call's rate counted, not answered ($limited)" 100 "$limited"
ktap_check "... answered: the other call's and at most the flooder's rate ($answered)" \
	test "$answered" -ge 1 -a "$answered" -le 8
client_hangup

# Per user: chap-secrets options after "--" replace kpptpd.conf's.
printf '%s\n' 'alice kpptpd s3cret-Pw * -- kpptp-push-route 203.0.113.128/25 kpptp-dns-domain alice.example' \
	>/etc/ppp/chap-secrets
# The Windows-like client asks (win-client below; its INFORM is its own).
ip netns exec "$C" timeout 60 "$BIN/win-client" --server 198.51.100.1 --user alice \
	--password s3cret-Pw --debug >"$work/win0.log" 2>&1
got=$(grep '^dhcp ' "$work/win0.log")
echo "# $got"
ktap_check "alice's own route and domain from chap-secrets, not kpptpd.conf's (win-client)" \
	grep -q '^dhcp ack routes 203.0.113.128/25>203.0.113.1 routes249 203.0.113.128/25>203.0.113.1 domain alice.example dns 192.0.2.53 ' <<<"$got" || {
	sed 's/^/# win-client: /' "$work/win0.log"
	grep -iE 'dhcp|inform|call 2/2' "$work/server.log" | tail -12 | sed 's/^/# server: /'
	ip netns exec "$S" "$BIN/kpptpctl" limits | grep dhcp | sed 's/^/# /'
}
wait_for 15 no_pppd

# dhcp-inform off, applied by SIGHUP to new calls: nothing listens.
echo 'dhcp-inform off' >>"$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 grep -q 'reloaded' "$work/server.log" || ktap_bail "kpptpd did not reload"
call "$work/c3.log"
a0=$(counter dhcp-answered)
ktap_check "dhcp-inform off: no answer" inform --expect-none --wait 1000
ktap_eq "... nothing answered" "$a0" "$(counter dhcp-answered)"
client_hangup
sed -i '/^dhcp-inform off$/d' "$work/kpptpd.conf"
printf '%s\n' 'alice kpptpd s3cret-Pw *' >/etc/ppp/chap-secrets
kill -HUP "$KPPTPD"
wait_for 10 eval "[ \$(grep -c reloaded '$work/server.log') -ge 2 ]" || ktap_bail "kpptpd did not reload"

# The Windows-like client (win-client): Windows' PPTP messages, LCP with
# callback and multilink that the server rejects, MS-CHAPv2, MPPE-128,
# IPCP in the same burst as CCP; its DHCPINFORM and IGMP report; its
# hang-up.
win_call() {
	ip netns exec "$C" "$BIN/win-client" --server 198.51.100.1 --user alice \
		--password s3cret-Pw --hold "$2" >"$1" 2>&1 &
	CLIENT=$!
	wait_for 25 grep -q '^igmp joined' "$1"
}
# IGMPv2 reports, so that /proc/net/igmp's Reporter shows ours went out.
ip netns exec "$C" sh -c 'echo 2 >/proc/sys/net/ipv4/conf/all/force_igmp_version'
win_call "$work/win1.log" 6
sed 's/^/# win-client: /' "$work/win1.log"
ktap_check "win-client: a call, as Windows places it" grep -q '^ocrp call' "$work/win1.log"
ktap_check "... the server rejects callback and multilink, LCP opens without them" eval \
	"grep -q '^lcp rejected: callback multilink' '$work/win1.log' && grep -q '^lcp open' '$work/win1.log'"
ktap_check "... MS-CHAPv2, MPPE-128 and IPCP: an address from the pool" \
	grep -q '^ipcp up address 203\.0\.113\.1[01] server 203\.0\.113\.1 dns 192\.0\.2\.53' "$work/win1.log"
ms=$(awk '/^ipcp-up-ms/ { print $2 }' "$work/win1.log")
echo "# time from Outgoing-Call-Request to IPCP up, Windows-style: ${ms:-?} ms"
ktap_ge "... IPv4 up within 2 s of the Outgoing-Call-Request (${ms:-?} ms)" "${ms:-99999}" 2000
wif=$(awk '/^ppp[0-9]+ channel/ { print $1 }' "$work/win1.log")
got=$(grep '^dhcp ' "$work/win1.log")
ktap_check "... its DHCPINFORM is answered with the routes ($got)" grep -q '^dhcp ack routes 198.51.100.128/25' <<<"$got" || {
	nsexec "$C" ping -c 2 -W 1 203.0.113.1 | sed 's/^/# /'
	ip -n "$C" -s link show "$wif" | sed 's/^/# client: /'
	ip -n "$S" -s link | grep -A5 ppp | sed 's/^/# server: /'
	dmesg | grep -iE 'mppe|ppp' | tail -5 | sed 's/^/# dmesg: /'
	tail -5 "$work/server.log" | sed 's/^/# server: /'
}
# /proc/net/igmp: the group on the call's interface, our report the last one.
ktap_check "... it joins Windows' SSDP group there: an IGMP report went through the call" wait_for 5 \
	ip netns exec "$C" awk -v dev="$wif" '/^[0-9]/ { d = $2 } d == dev && $1 == "FAFFFFEF" && $NF == 1 { ok = 1 } END { exit !ok }' /proc/net/igmp
finished "$CLIENT"
ktap_check "... it hangs up as Windows does: LCP, Call-Clear, Stop-Control-Connection" eval \
	"test $ST = 0 && grep -q '^cleared' '$work/win1.log'"
echo kpptp-no-early-ipcp >>"$work/options.pptp"
win_call "$work/win2.log" 0
finished "$CLIENT"
slow=$(awk '/^ipcp-up-ms/ { print $2 }' "$work/win2.log")
echo "# the same with pppd's own way (kpptp-no-early-ipcp): ${slow:-?} ms"
ktap_ge "... pppd's own way: IPv4 only after Windows' 3 s restart timer (${slow:-?} ms)" 2900 "${slow:-0}"
sed -i '/^kpptp-no-early-ipcp$/d' "$work/options.pptp"

# An IPCP request that comes before CCP is up (Windows sends it in the
# same burst as CCP). pppd cannot send one so early itself (with MPPE
# required its IPCP waits for CCP too), so the client's channel gets one
# by hand (ppp-chan-send), id 0xee, once the server has authenticated
# alice; the server's answers go through a 1 s netem delay, so its CCP
# is up only about 1 s later. pppd answers the early request at once
# with Terminate-Ack (its IPCP is Closed); kpptp.so keeps a copy and
# hands it to IPCP when CCP is up, and pppd answers it (a Configure-Nak
# of address 0.0.0.0): the peer need not wait for its restart timer.
# (How long Windows' IPCP then takes is measured with a Windows-like
# client; see issue 20.)
echo debug >>"$work/options.pptp"
modprobe sch_netem || ktap_bail "modprobe sch_netem"
ip netns exec "$S" tc qdisc add dev kpv0 root netem delay 1000ms || ktap_bail "netem on kpv0"
early_call() {
	local from
	from=$(($(wc -l <"$work/server.log") + 1))
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		-- name alice password s3cret-Pw remotename kpptpd require-mppe-128 refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 0 >"$1" 2>&1 &
	CLIENT=$!
	if ! wait_for 20 eval "tail -n +$from '$work/server.log' | grep -q 'sent .CHAP Success'"; then
		tail -n +"$from" "$work/server.log" | grep -iE 'chap|auth|mppe|netem|succe' | sed 's/^/# server: /'
		sed 's/^/# client: /' "$1" | tail -10
		ktap_bail "the server did not authenticate alice"
	fi
	ip netns exec "$C" "$BIN/ppp-chan-send" 802101ee000a030600000000 | sed 's/^/# /'
	client_up "$1"
	EARLY=$(tail -n +"$from" "$work/server.log")
}
# answered_after_ccp: the server's pppd answered id 0xee with a
# Configure-Nak or -Ack, after its MPPE was up.
answered_after_ccp() {
	awk '/MPPE 128-bit/ { ccp = 1 } /sent \[IPCP Conf(Nak|Ack|Rej) id=0xee/ { exit !ccp } END { }' <<<"$EARLY" &&
		grep -qE 'sent \[IPCP Conf(Nak|Ack|Rej) id=0xee' <<<"$EARLY"
}
early_call "$work/w1.log"
grep -E 'IPCP .*id=0xee|MPPE 128-bit' <<<"$EARLY" | sed 's/^/# server: /'
ktap_check "an IPCP request before CCP: pppd answers Terminate-Ack (its IPCP waits for MPPE)" \
	grep -q 'sent \[IPCP TermAck id=0xee' <<<"$EARLY"
ktap_check "... and, once MPPE is up, kpptp.so hands it to IPCP: answered then" answered_after_ccp
client_hangup
echo kpptp-no-early-ipcp >>"$work/options.pptp"
early_call "$work/w2.log"
grep -E 'IPCP .*id=0xee|MPPE 128-bit' <<<"$EARLY" | sed 's/^/# server: /'
ktap_check "kpptp-no-early-ipcp (pppd's own way): Terminate-Ack" \
	grep -q 'sent \[IPCP TermAck id=0xee' <<<"$EARLY"
not_answered() { ! grep -qE 'sent \[IPCP Conf(Nak|Ack|Rej) id=0xee' <<<"$EARLY"; }
ktap_check "... and nothing more: the peer must ask again" not_answered
client_hangup
ktap_finish
