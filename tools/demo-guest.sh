#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (make demo): two namespaces joined by veth; kpptpd serves in
# one, kpptpd --client dials from the other with a chap-secrets user,
# MS-CHAPv2 and MPPE-128 required; pppd runs each end, kpptp.ko carries
# the data. First kpptpctl probe walks the path and logs in once; then
# iperf3 through the call, the call's health and its kernel counters.
source "$(dirname "$0")/../selftests/lib.sh"

step() { printf '\n== %s\n' "$*"; }

step "loading kpptp.ko"
load_kpptp
modprobe ppp_mppe || ktap_bail "modprobe ppp_mppe"
grep -E '^(kpptp|ppp_generic|ppp_mppe|pppox|gre) ' /proc/modules | awk '{print "   " $1}'

step "namespaces: client 198.51.100.2 <-veth-> server 198.51.100.1"
new_ns S
new_ns C
link_ns "$S" 198.51.100.1 "$C" 198.51.100.2

work=$(mktemp -d)
defer "rm -rf $work"
kpptpd_setup "$work" 'remote-ip 203.0.113.10-200'
step "kpptpd.conf, and chap-secrets: alice kpptpd s3cret-Pw *"
sed 's/^/   /' "$work/kpptpd.conf"

step "server: kpptpd -f -c kpptpd.conf"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

step "client: kpptpctl probe 198.51.100.1 --user alice (why would a tunnel not come up?)"
printf '%s\n' s3cret-Pw >"$work/pw"
chmod 600 "$work/pw"
ip netns exec "$C" "$BIN/kpptpctl" probe 198.51.100.1 --user alice --password-file "$work/pw" \
	--require-mppe --plugin "$REPO/build/lib/kpptp.so" | sed 's/^/   /'

step "client: kpptpd --client 198.51.100.1 -- name alice remotename kpptpd require-mppe-128 ..."
ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
	-- name alice remotename kpptpd require-mppe-128 refuse-pap refuse-chap \
	refuse-mschap noauth nodefaultroute >"$work/client.log" 2>&1 &
defer "kill $!; wait $!"
has_pool_addr() { ip -n "$C" -4 addr show | grep -q 'inet 203\.0\.113\.'; }
if ! wait_for 40 has_pool_addr; then
	cat "$work/client.log" "$work/server.log"
	ktap_bail "the call did not come up"
fi
wait_for 5 grep -q "up: user 'alice'" "$work/server.log"
grep -E 'MPPE|CHAP|authorized|IP address' "$work/client.log" | sed 's/^/   client pppd: /'
grep -E 'accepted|call .*(started|up)' "$work/server.log" | sed 's/^/   /'
ip netns exec "$C" ping -c 3 -i 0.2 -W 2 203.0.113.1 | sed 's/^/   /' ||
	ktap_bail "no ping through the call"

step "iperf3 TCP, client -> server through the MPPE-128 call, 10 s"
ip netns exec "$S" iperf3 -s -1 -D >/dev/null 2>&1
wait_for 5 ip netns exec "$S" sh -c "netstat -ltn | grep -q ':5201 '"
ip netns exec "$C" timeout 60 iperf3 -c 203.0.113.1 -t 10 -f m |
	grep -E 'sender|receiver' | sed 's/^/   /' || ktap_bail "iperf3 failed"

step "the server's calls, with their health (kpptpctl calls)"
ip netns exec "$S" "$BIN/kpptpctl" calls | sed 's/^/   /'

step "the server's kernel session (kpptpctl session list; kpptpctl stats ID)"
ip netns exec "$S" "$BIN/kpptpctl" session list | sed 's/^/   /'
id=$(ip netns exec "$S" "$BIN/kpptpctl" session list | awk -F: 'NR == 1 { print $1 }')
ip netns exec "$S" "$BIN/kpptpctl" stats "$id" | sed 's/^/   /'
