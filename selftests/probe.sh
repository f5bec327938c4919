#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpctl probe through a router that breaks the path in each of the ways
# the Windows PPTP troubleshooting article walks through, against kpptpd
# and against Debian's pptpd: one verdict (and exit status) per way, the
# router named when it sends an ICMP error, nothing left behind.
#
#  ┌─ $C: kpptpctl probe ┐ veth ┌─ $R: nft forward ─┐ veth ┌─ $S: kpptpd ─┐
#  │ 192.0.2.2           ├──────┤ 192.0.2.1         │      │              │
#  │                     │      │      198.51.100.2 ├──────┤ 198.51.100.1 │
#  └─────────────────────┘      └───────────────────┘      └──────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 61
modprobe -a nf_tables nft_reject_inet nft_reject_ipv4 nft_quota 2>/dev/null ||
	ktap_skip_rest "this kernel has no nftables reject"
command -v nft >/dev/null || ktap_bail "nft missing from the guest (tools/vm/mkinitramfs.sh)"
kpptpd_pair_routed() {
	load_kpptp
	modprobe ppp_mppe || ktap_bail "modprobe ppp_mppe"
	new_ns S
	new_ns R
	new_ns C
	veth_ns "$C" rc0 192.0.2.2/24 "$R" rc1 192.0.2.1/24
	veth_ns "$R" kpv1 198.51.100.2/24 "$S" kpv0 198.51.100.1/24
	ip -n "$C" route add default via 192.0.2.1
	ip -n "$S" route add 192.0.2.0/24 via 198.51.100.2
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
	WORK=$(mktemp -d)
	defer "rm -rf $WORK"
}
kpptpd_pair_routed
work=$WORK
# Live health reacts fast here: a 3 s stall, 3 anomalies a second, an
# Echo-Request after 1 s of silence, the connection gone after 2 missed.
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11' 'gre-stall-timeout 3' 'anomaly-threshold 3' \
	'echo-interval 1' 'echo-failures 2'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"
printf '%s\n' s3cret-Pw >"$work/pw"
printf '%s\n' wrong-Pw >"$work/badpw"
chmod 600 "$work/pw" "$work/badpw"

# router RULE...: the router's forward chain holds just these rules.
router() {
	{
		echo 'table inet probe {'
		echo '	chain transit {'
		echo '		type filter hook forward priority filter; policy accept;'
		printf '\t\t%s\n' "$@"
		echo '	}'
		echo '}'
	} >"$work/router.nft"
	ip netns exec "$R" nft delete table inet probe 2>/dev/null
	ip netns exec "$R" nft -f "$work/router.nft" || ktap_bail "router ruleset: $*"
}

# probe NAME [probe options]: kpptpctl -j probe 198.51.100.1 in $C; its
# JSON in $work/NAME.json, its exit status in PST. Every probe must leave
# nothing behind in $C: no pppd, no kernel session, no ppp interface.
leftovers="" badjson=""
probe() {
	local name=$1 before sbefore
	shift
	before=$(c_state)
	sbefore=$(s_state)
	ip netns exec "$C" timeout 120 "$BIN/kpptpctl" -j probe 198.51.100.1 \
		--plugin "$REPO/build/lib/kpptp.so" "$@" >"$work/$name.json" 2>"$work/$name.err"
	PST=$?
	sed 's/^/# /' "$work/$name.json" "$work/$name.err"
	# -j: exactly one JSON object on stdout, whatever happened.
	[[ $(jq -s 'length' "$work/$name.json" 2>/dev/null) == 1 ]] &&
		jq -e 'type == "object"' "$work/$name.json" >/dev/null 2>&1 || badjson+=" $name"
	wait_for 10 eval '[[ $(c_state) == "$before" ]]'
	[[ $(c_state) == "$before" ]] || leftovers+=" $name($before -> $(c_state))"
	# The server clears the probe's call: its session and pppd go.
	wait_for 15 eval '[[ $(s_state) == "$sbefore" ]]'
	[[ $(s_state) == "$sbefore" ]] || leftovers+=" $name(server: $sbefore -> $(s_state))"
}
# s_state: kernel sessions and pppds in $S.
s_state() { echo "$(netstat_kpptp "$S" sessions)/$(ns_pppds "$S")"; }
# c_state: kernel sessions, pppds and ppp interfaces in $C.
c_state() {
	echo "$(netstat_kpptp "$C" sessions)/$(ns_pppds "$C")/$(ip -n "$C" link show | grep -c ': ppp')"
}
ns_pppds() {
	local p n=0
	for p in $(ip netns pids "$1"); do
		[[ $(cat "/proc/$p/comm" 2>/dev/null) == pppd ]] && n=$((n + 1))
	done
	echo $n
}
verdict() { grep -o '"verdict":"[a-z-]*"' "$work/$1.json" | cut -d'"' -f4; }
has() { grep -qE "$2" "$work/$1.json"; }
server_clean() { [[ $(netstat_kpptp "$S" sessions) == 0 ]] && no_pppd; }

router
probe open
ktap_eq "everything open: every step passes (exit 0)" "0 ok" "$PST $(verdict open)"
ktap_check "... steps route, ping, tcp, control, call, gre each passed" \
	eval "has open '\"step\":\"route\",\"result\":\"pass\"' && has open '\"step\":\"ping\",\"result\":\"pass\"' &&
	      has open '\"step\":\"tcp\",\"result\":\"pass\"' && has open '\"step\":\"control\",\"result\":\"pass\"' &&
	      has open '\"step\":\"call\",\"result\":\"pass\"' && has open '\"step\":\"gre\",\"result\":\"pass\"'"
ktap_check "... the route names the gateway and the source address" \
	has open '198\.51\.100\.1 via 192\.0\.2\.1 dev rc0 src 192\.0\.2\.2'
ktap_check "... the server's call ID and window, and LCP answered in GRE" \
	eval "has open \"the server's call ID [0-9]+, window [0-9]+\" && has open 'GRE passes both ways'"
wait_for 15 server_clean
ktap_check "... and the server is left with no call, session or pppd" server_clean
ktap_check "... it cleared the call (CDN) and the connection (StopCCRQ)" \
	grep -qE 'call [0-9]+/[0-9]+ .*ended' "$work/server.log"

probe login --user alice --password-file "$work/pw" --require-mppe
ktap_eq "with credentials: authenticated, MPPE-128, IPCP up (exit 0)" "0 ok" "$PST $(verdict login)"
ktap_check "... pppd's words: MPPE on, the address from the pool" \
	eval "has login 'encryption: MPPE on' && has login '203\\.0\\.113\\.1[01]'"
# The README's example: no MPPE option, against a server requiring
# MPPE-128 (as the README's options do): Windows' default gets in.
probe readme --user alice --password-file "$work/pw"
ktap_eq "the README's example, no MPPE option: Windows' default gets MPPE-128 (exit 0)" \
	"0 ok" "$PST $(verdict readme)"
ktap_check "... the evidence says what was asked: require-mppe, Windows' default" \
	has readme "require-mppe \\(MPPE 128- or 40-bit, 128 preferred: Windows' default\\)"
# Text output with --user: the probe's lines only, never pppd's stdout.
ip netns exec "$C" timeout 120 "$BIN/kpptpctl" probe 198.51.100.1 --user alice \
	--password-file "$work/pw" --plugin "$REPO/build/lib/kpptp.so" >"$work/text.out" 2>&1
ktap_check "text output with --user: no stray pppd line ('Plugin ... loaded.')" \
	eval "! grep -q 'Plugin' '$work/text.out' && grep -q 'every step passed\\|passed' '$work/text.out'"
probe badpw --user alice --password-file "$work/badpw"
ktap_eq "wrong password: auth-failed (exit 23)" "23 auth-failed" "$PST $(verdict badpw)"
ktap_check "... explained as Windows error 691 with pppd's line" \
	eval "has badpw 'Windows error 691' && has badpw 'pppd: .*authentication failed'"
probe nouser --user mallory --password-file "$work/pw"
ktap_eq "user not in chap-secrets: auth-failed (exit 23)" "23 auth-failed" "$PST $(verdict nouser)"
probe nomppe --user alice --password-file "$work/pw" --no-mppe
ktap_eq "the server requires MPPE, the client refuses it: encryption-mismatch (exit 24)" \
	"24 encryption-mismatch" "$PST $(verdict nomppe)"
ktap_check "... named as Windows error 742" has nomppe 'error 742'
# The other way round: the server refuses MPPE (new calls get the reload's options).
sed 's/^require-mppe-128$/nomppe/' "$work/options.pptp" >"$work/options.nomppe"
sed -i "s|^ppp-options .*|ppp-options $work/options.nomppe|" "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 grep -q 'reloaded' "$work/server.log"
probe needmppe --user alice --password-file "$work/pw" --require-mppe
ktap_eq "the client requires MPPE, the server refuses it: encryption-mismatch (exit 24)" \
	"24 encryption-mismatch" "$PST $(verdict needmppe)"
ktap_check "... named as Windows error 741" has needmppe 'error 741'
sed -i "s|^ppp-options .*|ppp-options $work/options.pptp|" "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 eval '[[ $(grep -c reloaded "$work/server.log") == 2 ]]'
# MPPE wanted on both sides, but the server ends PPP for another reason
# (noip: it runs no network protocol): not 742, "PPP failed".
cp "$work/options.pptp" "$work/options.noip"
echo noip >>"$work/options.noip"
sed -i "s|^ppp-options .*|ppp-options $work/options.noip|" "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 eval '[[ $(grep -c reloaded "$work/server.log") == 3 ]]'
probe noip --user alice --password-file "$work/pw" --require-mppe
ktap_eq "MPPE on both sides, the server ends PPP otherwise (noip): ppp-failed (exit 26), not 742" \
	"26 ppp-failed" "$PST $(verdict noip)"
# A PPP daemon that does not start on the server: an option it refuses.
cp "$work/options.pptp" "$work/options.bad"
echo 'no-such-pppd-option' >>"$work/options.bad"
sed -i "s|^ppp-options .*|ppp-options $work/options.bad|" "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 eval '[[ $(grep -c reloaded "$work/server.log") == 4 ]]'
probe nopppd --user alice --password-file "$work/pw"
ktap_eq "the server's pppd does not start: server-ended (exit 27), as troubleshooting.rst says" \
	"27 server-ended" "$PST $(verdict nopppd)"
sed -i "s|^ppp-options .*|ppp-options $work/options.pptp|" "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 eval '[[ $(grep -c reloaded "$work/server.log") == 5 ]]'

router 'tcp dport 1723 reject with tcp reset'
probe rst --timeout 2
ktap_eq "TCP 1723 reset: tcp-refused (exit 12)" "12 tcp-refused" "$PST $(verdict rst)"
router 'tcp dport 1723 drop'
probe tcpdrop --timeout 2
ktap_eq "TCP 1723 dropped: tcp-no-answer (exit 14), a different verdict" \
	"14 tcp-no-answer" "$PST $(verdict tcpdrop)"
router 'tcp dport 1723 reject with icmp type admin-prohibited'
probe tcpicmp --timeout 2
ktap_eq "TCP 1723 rejected with ICMP: tcp-rejected (exit 13)" "13 tcp-rejected" "$PST $(verdict tcpicmp)"
ktap_check "... naming the router 192.0.2.1" has tcpicmp 'from 192\.0\.2\.1 about our SYN'

router 'ip protocol gre reject with icmp type prot-unreachable'
probe greprot
ktap_eq "GRE rejected, ICMP protocol-unreachable: gre-rejected (exit 20)" \
	"20 gre-rejected" "$PST $(verdict greprot)"
ktap_check "... the verdict names the router 192.0.2.1 (from kpptp.ko's event)" \
	has greprot 'GRE is rejected by 192\.0\.2\.1'
router 'ip protocol gre reject with icmp type admin-prohibited'
probe greadmin
ktap_eq "GRE rejected, ICMP admin-prohibited: gre-rejected (exit 20)" \
	"20 gre-rejected" "$PST $(verdict greadmin)"
ktap_check "... 'communication administratively prohibited' from 192.0.2.1" \
	has greadmin 'administratively prohibited.*from 192\.0\.2\.1'
router 'ip protocol gre drop'
probe gredrop --gre-timeout 4
ktap_eq "GRE dropped silently: gre-dropped (exit 21)" "21 gre-dropped" "$PST $(verdict gredrop)"
ktap_check "... while the control connection lived; the kernel counted our GRE" \
	eval "has gredrop 'control connection stayed up' && has gredrop 'tx [1-9][0-9]* packets, rx 0 packets'"
router 'iifname "rc1" ip protocol gre drop'
probe oneway --gre-timeout 4
ktap_eq "GRE dropped towards the server only: gre-one-way (exit 22)" \
	"22 gre-one-way" "$PST $(verdict oneway)"
# GRE passes for the first 300 octets only: step 5 sees the server's
# answer, then pppd's LCP gets nothing back and gives up (718).
router 'ip protocol gre quota over 300 bytes drop'
probe ppptimeout --user alice --password-file "$work/pw"
ktap_eq "GRE stops after the GRE test: ppp-timeout (exit 25)" "25 ppp-timeout" \
	"$PST $(verdict ppptimeout)"
ktap_check "... pppd's own words: the LCP timeout, named as Windows error 718" \
	eval "has ppptimeout 'pppd: LCP: timeout sending Config-Requests' && has ppptimeout 'error 718'"
router

# Something else on the port: a banner, and silence.
ip netns exec "$S" nc -l -p 1724 -e echo SSH-2.0-OpenSSH_9.2 &
defer "kill $! 2>/dev/null"
wait_for 5 listening "$S" 1724
probe notpptp --port 1724 --timeout 2
ktap_eq "an SSH banner on the port: not-pptp (exit 15)" "15 not-pptp" "$PST $(verdict notpptp)"
ktap_check "... the server's first octets are the evidence" has notpptp 'first octets: .*SSH-2\.0'

# The call limit: the pool has one address, a kpptpd --client holds it.
sed -i 's/^remote-ip .*/remote-ip 203.0.113.10-10/' "$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 grep -q 'reloaded' "$work/server.log"
kpptpd_client "$work/holder.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.10 ' || sed 's/^/# holder: /' "$work/holder.log"
probe full
ktap_eq "Outgoing-Call refused (the pool is used up): call-refused (exit 19)" \
	"19 call-refused" "$PST $(verdict full)"
ktap_check "... the code explained" has full 'Outgoing-Call-Reply result 2: General Error; error 4: No-Resource'

# Live health: the router starts dropping the held call's GRE while the
# server sends (ping through the call); kpptpd names the stall.
router 'ip protocol gre drop'
ip netns exec "$S" ping -i 0.5 -c 40 -W 1 203.0.113.10 >/dev/null 2>&1 &
pinger=$!
t0=$SECONDS
# (The probes' own calls above stalled too, as they should: user '(none)'.)
stall_re="call [0-9]+/[0-9]+ user 'alice' ppp[0-9]+: no GRE from 192\.0\.2\.2 for [0-9]+ s while we send: GRE \(IP protocol 47\) is blocked"
wait_for 20 grep -qE "$stall_re" "$work/server.log"
elapsed=$((SECONDS - t0))
grep -E 'no GRE from|GRE from the peer again' "$work/server.log" | sed 's/^/# server: /'
ktap_check "a live call whose GRE is dropped: kpptpd logs the stall, naming call, user and cause" \
	grep -qE "$stall_re" "$work/server.log"
echo "# stall reported after ${elapsed} s (gre-stall-timeout 3)"
# The kernel looks once a second; the rest is slack for a loaded TCG guest.
ktap_check "... within gre-stall-timeout (3 s) plus 4 s" test "$elapsed" -le 7
calls=$(ip netns exec "$S" "$BIN/kpptpctl" calls)
echo "$calls" | sed 's/^/# /'
ktap_check "... kpptpctl calls shows the call stalled, with the evidence" \
	eval "grep -q ' stalled ' <<<\"\$calls\" && grep -q 'health: no GRE from' <<<\"\$calls\""
router
again_re="call [0-9]+/[0-9]+: GRE from the peer again"
wait_for 15 eval "[[ \$(grep -cE '$again_re' '$work/server.log') -gt $(grep -cE "$again_re" "$work/server.log") ]]"
ktap_check "... GRE back: logged, and the call's health is ok again" \
	eval "grep -qE '$again_re' '$work/server.log' &&
	      ip netns exec '$S' '$BIN/kpptpctl' -j calls | grep -q '\"health\":\"ok\"'"
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null

# logged_and_shown DESCRIPTION REGEX HEALTH: two points: kpptpd's log has
# REGEX, and kpptpctl calls shows the held call's HEALTH.
logged_and_shown() {
	ktap_check "$1" grep -qE "$2" "$work/server.log"
	ktap_check "... kpptpctl calls shows it $3" \
		eval "ip netns exec '$S' '$BIN/kpptpctl' calls | grep -q ' $3 '"
}

# The router rejects the call's GRE with an ICMP error: named, then gone.
again=$(grep -cE "$again_re" "$work/server.log")
router 'ip protocol gre reject with icmp type admin-prohibited'
ip netns exec "$S" ping -i 0.5 -c 20 -W 1 203.0.113.10 >/dev/null 2>&1 &
pinger=$!
icmp_re="call [0-9]+/[0-9]+ user 'alice' ppp[0-9]+: ICMP communication administratively prohibited \(type 3 code 13\) from 198\.51\.100\.2 about our GRE to 192\.0\.2\.2: that router blocks GRE"
wait_for 15 grep -qE "$icmp_re" "$work/server.log"
grep -E "ICMP .* about our GRE" "$work/server.log" | tail -1 | sed 's/^/# server: /'
logged_and_shown "a router rejecting the call's GRE: kpptpd names it (198.51.100.2) and the code" \
	"$icmp_re" icmp-errors
router
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null
wait_for 15 eval "[[ \$(grep -cE '$again_re' '$work/server.log') -gt $again ]]"

# The path to the server loses 30% of the call's packets.
ip netns exec "$R" tc qdisc add dev kpv1 root netem loss 30%
ip netns exec "$C" ping -i 0.02 -c 150 -W 1 203.0.113.1 >/dev/null 2>&1
ip netns exec "$R" tc qdisc del dev kpv1 root
lossy_re="call [0-9]+/[0-9]+ user 'alice' ppp[0-9]+: [0-9]+ GRE packets lost, late or out of order in one second"
logged_and_shown "a lossy path: kpptpd logs the call's sequence anomalies" "$lossy_re" lossy

# The client stops answering (SIGSTOP: TCP still acks, PPTP is silent).
kill -STOP "$CLIENT"
echo_re="call [0-9]+/[0-9]+ user alice ppp[0-9]+ ended: the peer stopped answering Echo-Requests on the control connection \(2 unanswered, every 1 s\)"
wait_for 20 grep -qE "$echo_re" "$work/server.log"
grep -E 'ended: ' "$work/server.log" | tail -1 | sed 's/^/# server: /'
ktap_check "Echo-Requests unanswered: the call ends, and its end line says so in words" \
	grep -qE "$echo_re" "$work/server.log"
ktap_check "... with the anomalies the kernel reported during the call" \
	grep -qE "$echo_re.*GRE packets lost, late or out of order were reported" "$work/server.log"
kill -CONT "$CLIENT"
finished "$CLIENT"
wait_for 15 server_clean

# An MTU black hole ("Fragmentation and Performance Issues with PPTP
# Connections"): the router's link towards the server carries 1300-octet
# packets, and the router sends no "fragmentation needed" about bigger
# ones (its own ICMP filtered); the server's bigger packets are dropped
# by that link too. Calls come up, then TCP stalls.
router
ip -n "$R" link set kpv1 mtu 1300
ip netns exec "$R" nft -f - <<'EOF' || ktap_bail "black-hole ruleset"
table inet bh {
	chain out {
		type filter hook output priority filter; policy accept;
		icmp type destination-unreachable icmp code frag-needed counter drop
	}
}
EOF
probe blackhole --user alice --password-file "$work/pw"
ktap_eq "an MTU black hole: the call comes up, probe finds it: mtu-black-hole (exit 28)" \
	"28 mtu-black-hole" "$PST $(verdict blackhole)"
bh=$(grep -oE 'packets over [0-9]+ octets' "$work/blackhole.json" | grep -oE '[0-9]+')
ktap_check "... the largest packet that passes both ways (${bh:-none}), under the 1300-octet link" \
	eval "[ '${bh:-0}' -ge 1200 ] && [ '${bh:-0}' -le 1300 ]"
ktap_check "... and the remedy: tcp-mss auto" has blackhole 'tcp-mss auto'
# bh_call LOG [kpptpd --client options]: a call from $C through the hole.
bh_call() {
	local log=$1
	shift
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		"$@" -- name alice password s3cret-Pw remotename kpptpd require-mppe-128 refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 0 >"$log" 2>&1 &
	CLIENT=$!
	wait_for 40 has_addr "$C" '203\.0\.113\.1[01] ' || {
		sed 's/^/# client: /' "$log" | tail -20
		ktap_bail "no call through the black hole"
	}
}
# bh_iperf [-R]: Mbit/s of a 3 s iperf3 through the call (0: stalled).
bh_iperf() {
	local out
	ip netns exec "$S" iperf3 -s -1 -D -I /tmp/iperf.bh.pid >/dev/null 2>&1
	wait_for 5 listening "$S" 5201
	out=$(ip netns exec "$C" timeout 25 iperf3 -c 203.0.113.1 -t 3 --connect-timeout 5000 -J "$@" 2>/dev/null)
	kill $(cat /tmp/iperf.bh.pid 2>/dev/null) 2>/dev/null
	echo "$out" | grep -A12 '"sum_received"' |
		awk -F'[:,]' '/"bytes"/ { printf "%d", $2 * 8 / 3 / 1e6; found = 1; exit } END { if (!found) print 0 }'
}
# MPPE frames carry no DF: towards the server the router fragments them;
# the server's full-size packets are the ones the hole swallows.
bh_call "$work/bh1.log"
stalled=$(bh_iperf -R)
ktap_check "without tcp-mss, TCP from the server through the hole stalls (${stalled} Mbit/s)" \
	test "${stalled:-0}" -lt 1
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 server_clean
# The remedy, one line on the server: tcp-mss auto.
n=$(grep -c reloaded "$work/server.log")
echo 'tcp-mss auto' >>"$work/kpptpd.conf"
kill -HUP "$KPPTPD"
wait_for 10 eval "[[ \$(grep -c reloaded '$work/server.log') -gt $n ]]"
bh_call "$work/bh2.log"
wait_for 40 grep -q 'clamped to [0-9]* (IPv6 [0-9]*): the path MTU kpptp.so found' "$work/server.log"
grep -E 'path carries|clamped to' "$work/server.log" | tail -3 | sed 's/^/# server: /'
ktap_check "tcp-mss auto: the server finds what the path carries and clamps the call's MSS" \
	grep -q 'clamped to [0-9]* (IPv6 [0-9]*): the path MTU kpptp.so found' "$work/server.log"
up=$(bh_iperf) down=$(bh_iperf -R)
ktap_check "... TCP through the hole moves data both ways (${up} and ${down} Mbit/s)" \
	eval "[ '${up:-0}' -ge 1 ] && [ '${down:-0}' -ge 1 ]"
ktap_check "... kpptpctl -j calls shows the path MTU and the MSS" eval \
	"ip netns exec '$S' '$BIN/kpptpctl' -j calls | jq -e '.[0][\"path-mtu\"] > 0 and .[0].mss > 0' >/dev/null"
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 server_clean
# kpptpd --client does the same for its side.
bh_call "$work/bh3.log" --tcp-mss auto
ktap_check "kpptpd --client --tcp-mss auto clamps its side too" \
	wait_for 40 grep -q 'clamped to [0-9]* (IPv6 [0-9]*): the path MTU kpptp.so found' "$work/bh3.log"
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 server_clean
sed -i '/^tcp-mss auto$/d' "$work/kpptpd.conf"
ip netns exec "$R" nft delete table inet bh
ip -n "$R" link set kpv1 mtu 1500

# Debian's pptpd as the server.
kill -TERM "$KPPTPD"
wait "$KPPTPD" 2>/dev/null
pptpd_start "$S" "$work" || ktap_bail "pptpd did not start"
probe pptpd
ktap_eq "against pptpd: every step passes (exit 0)" "0 ok" "$PST $(verdict pptpd)"
probe pptpdlogin --user alice --password-file "$work/pw" --require-mppe
ktap_eq "against pptpd with credentials: logged in with MPPE (exit 0)" "0 ok" \
	"$PST $(verdict pptpdlogin)"
probe pptpdbad --user alice --password-file "$work/badpw"
ktap_eq "against pptpd, wrong password: auth-failed (exit 23)" "23 auth-failed" \
	"$PST $(verdict pptpdbad)"
kill $(pidof pptpd)
wait_for 15 no_pppd

ktap_eq "no probe left a session, pppd or ppp interface behind, on either side" "" "$leftovers"
ktap_eq "-j: every probe's output was one JSON object (with --user: login, wrong password, PPP timeout...)" \
	"" "$badjson"
wait_for 15 no_pppd
ktap_check "no pppd left anywhere" no_pppd
ktap_finish
