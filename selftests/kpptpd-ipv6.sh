#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 inside a kpptpd call: pppd negotiates IPv6CP over kpptp.ko (both
# ends get link-local addresses from the interface identifiers it agreed),
# and IPv6 packets cross the call both ways, link-local and global
# (2001:db8::/32, the documentation prefix), counted by the kernel session.
# Then with "remote-ip none": an IPv6-only call (pppd's noip), and an
# IPv4 call whose address comes from chap-secrets, both shown by kpptpctl.
#
#  ┌─ $C: kpptpd --client ───┐  veth  ┌─ $S: kpptpd ──────────────┐
#  │ kpv1 198.51.100.2       ├────────┤ 198.51.100.1 kpv0         │
#  │ ppp fe80::/2001:db8:1::2│PPTP GRE│ ppp fe80::/2001:db8:1::1  │
#  └─────────────────────────┘        └───────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 13
kpptpd_pair
work=$WORK
# new_ns turns IPv6 off; these two need it, on the ppp interfaces to come.
ipv6_on "$S" "$C"
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
echo '+ipv6' >>"$work/options.pptp"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"
EXTRA_PPP=+ipv6 kpptpd_client "$work/c1.log" s3cret-Pw
ppp_if() { ip -n "$1" -o link show | awk -F': ' '$2 ~ /^ppp/ { print $2; exit }'; }
ll_of() { ip -n "$1" -6 -o addr show dev "$2" scope link | grep -oE 'fe80::[0-9a-f:]+' | head -1; }
v6_up() {
	local si ci
	si=$(ppp_if "$S") ci=$(ppp_if "$C")
	[[ -n $si && -n $ci && -n $(ll_of "$S" "$si") && -n $(ll_of "$C" "$ci") ]]
}
if ! wait_for 40 v6_up; then
	sed 's/^/# client: /' "$work/c1.log"; sed 's/^/# server: /' "$work/server.log"
fi
sif=$(ppp_if "$S") cif=$(ppp_if "$C")
sll=$(ll_of "$S" "$sif") cll=$(ll_of "$C" "$cif")
echo "# server $sif $sll, client $cif $cll"
ktap_check "IPv6CP up: both ends have a link-local address" v6_up
ktap_check "... from the interface identifiers pppd negotiated (they differ)" \
	test -n "$sll" -a -n "$cll" -a "$sll" != "$cll"
ktap_check "... and pppd says so" grep -qE 'local +LL address fe80::' "$work/c1.log"
ktap_check "ping6 client -> server, link-local" \
	nsexec "$C" ping -6 -c 3 -W 2 "$sll%$cif"
ip -n "$S" addr add 2001:db8:1::1/64 dev "$sif" nodad
ip -n "$C" addr add 2001:db8:1::2/64 dev "$cif" nodad
rx0=$(sess "$S" "$(ip netns exec "$S" awk '$1 == "call" { print $2; exit }' /proc/net/kpptp)" rx_packets)
ktap_check "ping6 server -> client, global addresses" \
	nsexec "$S" ping -6 -c 5 -W 2 2001:db8:1::2
ktap_check "ping6 client -> server, global addresses" \
	nsexec "$C" ping -6 -c 5 -W 2 2001:db8:1::1
rx1=$(sess "$S" "$(ip netns exec "$S" awk '$1 == "call" { print $2; exit }' /proc/net/kpptp)" rx_packets)
ktap_ge "the server's kernel session counted the IPv6 packets" 10 "$((${rx1:-0} - ${rx0:-0}))"
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 no_pppd

# remote-ip none, after SIGHUP: kpptpd hands out no address. With noip
# the call is IPv6 only; kpptpctl shows the link-local IPv6CP agreed.
kpptpd_setup "$work" 'remote-ip none'
printf '%s\n' +ipv6 noip >>"$work/options.pptp"
reloads() { grep -c 'reloaded .*: no address pool' "$work/server.log"; }
reloaded() { (($(reloads) >= $1)); }
kill -HUP "$KPPTPD"
wait_for 10 reloaded 1 || ktap_bail "kpptpd did not reload to remote-ip none"
EXTRA_PPP='+ipv6 noip' kpptpd_client "$work/c2.log" s3cret-Pw
if ! wait_for 40 v6_up; then
	sed 's/^/# client: /' "$work/c2.log"; sed 's/^/# server: /' "$work/server.log"
fi
sif=$(ppp_if "$S") cif=$(ppp_if "$C")
cll=$(ll_of "$C" "$cif")
ktap_check "remote-ip none + noip: an IPv6-only call comes up" v6_up
ktap_eq "... no IPv4 address on either ppp interface" "0 0" \
	"$(ip -n "$S" -4 -o addr show dev "$sif" | wc -l) $(ip -n "$C" -4 -o addr show dev "$cif" | wc -l)"
ktap_check "... ping6 client -> server, link-local" \
	nsexec "$C" ping -6 -c 3 -W 2 "$(ll_of "$S" "$sif")%$cif"
calls=$(ip netns exec "$S" "$BIN/kpptpctl" calls)
echo "$calls" | sed 's/^/# /'
ktap_check "... kpptpctl calls shows the client's link-local address" \
	grep -qF " $cll " <<<"$calls"
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 no_pppd

# remote-ip none with IPv4: the address comes from chap-secrets.
kpptpd_setup "$work" 'remote-ip none'
printf '%s\n' 'alice kpptpd s3cret-Pw 192.0.2.77' >/etc/ppp/chap-secrets
kill -HUP "$KPPTPD"
wait_for 10 reloaded 2 || ktap_bail "kpptpd did not reload"
kpptpd_client "$work/c3.log" s3cret-Pw
wait_for 40 has_addr "$C" '192\.0\.2\.77 '
ktap_check "remote-ip none: the client gets chap-secrets' address" has_addr "$C" '192\.0\.2\.77 '
ktap_check "... kpptpctl -j calls shows it" \
	eval "ip netns exec \"\$S\" \"\$BIN/kpptpctl\" -j calls | grep -q '\"address\":\"192.0.2.77\"'"
kill -TERM "$CLIENT"
finished "$CLIENT"
wait_for 15 no_pppd
ktap_finish
