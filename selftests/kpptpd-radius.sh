#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Users from RADIUS: kpptpd's pppd (2.4.9) loads Debian's radius.so beside
# kpptp.so and asks FreeRADIUS (Debian 13's, run chrooted in the cached
# Debian 13 root shared into the guest) to check MS-CHAPv2; the MPPE keys
# come back from RADIUS. chap-secrets is empty: only RADIUS knows alice.
#
#  ┌─ $C: kpptpd --client ───┐  veth  ┌─ $S: kpptpd + pppd + radius.so ┐
#  │ kpv1 198.51.100.2       ├────────┤ 198.51.100.1 kpv0              │
#  │                         │PPTP GRE│ FreeRADIUS on 127.0.0.1:1812   │
#  └─────────────────────────┘        └────────────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 12
root=${KPPTP_TRIXIE_ROOT:?run me through selftests/run-vm.sh (it shares the Debian 13 root)}
[[ -x $root/usr/sbin/freeradius ]] ||
	ktap_bail "no FreeRADIUS in $root (tools/pppd/plugin-2.5.sh installs it)"
radius_so=$(ls /usr/lib/pppd/*/radius.so 2>/dev/null | head -1)
[[ -n $radius_so ]] || ktap_bail "no pppd radius.so in the guest"
kpptpd_pair
work=$WORK
chmod 755 "$work"	# FreeRADIUS drops to its own user: it reads here
bind_into_root "$root" dev proc sys tmp run

# FreeRADIUS: the packaged configuration, our site, alice in the users file.
cp -a "$root/etc/freeradius/3.0" "$work/fr"
rm -f "$work/fr/sites-enabled/"* "$work/fr/mods-enabled/eap"
cp "$REPO/selftests/radius/site" "$work/fr/sites-enabled/kpptp"
# Her routes (Framed-Route): kpptpd's DHCPINFORM answer gives them to her.
printf '%s\n' 'alice	Cleartext-Password := "s3cret-Pw"' \
	'	Framed-Route = "198.51.100.0/24 0.0.0.0 1",' \
	'	Framed-Route += "192.0.2.0/25 0.0.0.0 1"' >"$work/users"
cat "$work/fr/mods-config/files/authorize" >>"$work/users"
cp "$work/users" "$work/fr/mods-config/files/authorize"
sed -i 's/secret = testing123/secret = kpptp-radius-test/' "$work/fr/clients.conf"
ip netns exec "$S" chroot "$root" freeradius -X -d "$work/fr" >"$work/radius.log" 2>&1 &
defer "kill $!"
wait_for 30 grep -q 'Ready to process requests' "$work/radius.log" ||
	{ tail -20 "$work/radius.log" | sed 's/^/# radius: /'; ktap_bail "FreeRADIUS did not start"; }
ktap_pass "FreeRADIUS (Debian 13) serves MS-CHAPv2 on 127.0.0.1 in the server's namespace"

# pppd's RADIUS client: its configuration, the server and the dictionary.
printf '%s\n' 'authserver 127.0.0.1' 'acctserver 127.0.0.1' \
	"servers $work/radius-servers" "dictionary $REPO/selftests/radius/dictionary" \
	"seqfile $work/radius.seq" 'radius_timeout 5' 'radius_retries 2' \
	"mapfile $work/port-id-map" 'default_realm' 'login_tries 1' 'login_timeout 10' \
	"nologin $work/nologin" "issue $work/issue" 'auth_order radius' \
	"login_radius $work/none" "login_local $work/none" >"$work/radiusclient.conf"
printf '127.0.0.1\tkpptp-radius-test\n' >"$work/radius-servers"
# The client library sends NAS-IP-Address: the address of this host's name.
grep -qw "$(hostname)" /etc/hosts 2>/dev/null || echo "127.0.0.1 $(hostname)" >>/etc/hosts
: >"$work/port-id-map"
chmod 600 "$work/radius-servers"
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
: >/etc/ppp/chap-secrets	# only RADIUS knows alice
printf '%s\n' "plugin $radius_so" "radius-config-file $work/radiusclient.conf" \
	>>"$work/options.pptp"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

kpptpd_client "$work/c1.log" s3cret-Pw
if ! wait_for 40 has_addr "$C" '203\.0\.113\.10 '; then
	sed 's/^/# client: /' "$work/c1.log"; sed 's/^/# server: /' "$work/server.log"
	grep -E 'Login|Auth|mschap|ERROR' "$work/radius.log" | tail -20 | sed 's/^/# radius: /'
fi
ktap_check "alice, known only to RADIUS, gets 203.0.113.10" has_addr "$C" '203\.0\.113\.10 '
ktap_check "... pppd loaded radius.so beside kpptp.so" grep -q 'Plugin .*radius.so loaded' "$work/server.log"
ktap_check "... FreeRADIUS checked her MS-CHAPv2 response and accepted" \
	grep -qE 'Sent Access-Accept' "$work/radius.log"
ktap_check "... MPPE 128-bit with the keys from RADIUS" \
	grep -q 'MPPE 128-bit stateless compression enabled' "$work/c1.log"
ktap_check "... and the call carries traffic" nsexec "$C" ping -c 3 -W 2 203.0.113.1
got=$(ip netns exec "$C" "$BIN/dhcp-client" --dev ppp0 --ciaddr 203.0.113.10 --wait 3000)
echo "# DHCPINFORM: $got"
ktap_check "... her DHCPINFORM is answered with her two RADIUS Framed-Routes" \
	grep -q '^ack routes 198.51.100.0/24>203.0.113.1,192.0.2.0/25>203.0.113.1 ' <<<"$got" ||
	{ grep -E 'Framed-Route' "$work/radius.log" | sed 's/^/# radius: /'
	  grep -E 'Framed-Route|radius|RADIUS' "$work/server.log" | sed 's/^/# server: /'; }
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 no_pppd
# The same for a client that dials as Windows does (win-client).
ip netns exec "$C" timeout 60 "$BIN/win-client" --server 198.51.100.1 --user alice \
	--password s3cret-Pw --debug >"$work/win.log" 2>&1
got=$(grep '^dhcp ' "$work/win.log")
echo "# win-client: ${got:-$(tail -1 "$work/win.log")}"
ktap_check "... and the Windows-like client's DHCPACK holds exactly her Framed-Routes" \
	grep -q '^dhcp ack routes 198.51.100.0/24>203.0.113.1,192.0.2.0/25>203.0.113.1 routes249 198.51.100.0/24>203.0.113.1,192.0.2.0/25>203.0.113.1 server 203.0.113.1 ' <<<"$got" || {
	sed 's/^/# win-client: /' "$work/win.log"
	grep -iE 'dhcp|inform' "$work/server.log" | tail -5 | sed 's/^/# server: /'
	ip netns exec "$S" "$BIN/kpptpctl" limits | grep dhcp | sed 's/^/# /'
}
wait_for 15 no_pppd

kpptpd_client "$work/c2.log" wrong-password
finished "$CLIENT"
ktap_eq "wrong password: RADIUS rejects, the client exits 8" 8 "$ST"
ktap_check "... FreeRADIUS sent Access-Reject" grep -q 'Sent Access-Reject' "$work/radius.log"
ktap_check "... kpptpd counts the failed login, named, though radius.so checked it" eval \
	"wait_for 10 grep -q \"login failed as 'alice'\" '$work/server.log' &&
	 ip netns exec '$S' '$BIN/kpptpctl' -j sources | grep -q '\"failed-logins\":1,[^}]*\"last-user\":\"alice\"'"
no_sessions() { [[ $(netstat_kpptp "$S" sessions) == 0 && $(netstat_kpptp "$C" sessions) == 0 ]]; }
wait_for 15 no_pppd
wait_for 10 no_sessions
ktap_check "... no pppd and no kernel session left" eval "no_pppd && no_sessions"
ktap_finish
