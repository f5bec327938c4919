#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd's "access network" and "access local" (the Windows RAS "entire
# network / this computer only" setting). The pool lies in the server's
# LAN subnet, as on a Windows RAS server. With "network" the LAN reaches
# the client (pppd's proxyarp on the LAN interface, ktune's forwarding);
# after a SIGHUP to "access local", new calls reach the server only,
# enforced by kpptpd's nftables table although forwarding stays on.
#
#  ┌─ $C: kpptpd --client ─┐ veth ┌─ $S: kpptpd ──────────┐ veth ┌─ $L ─────────┐
#  │ kpv1 198.51.100.2     ├──────┤ 198.51.100.1 kpv0     │      │ LAN host     │
#  │ ppp 192.0.2.200 (pool)│      │ 192.0.2.1 lan0        ├──────┤ 192.0.2.50   │
#  └───────────────────────┘      └───────────────────────┘      └──────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 15
command -v nft >/dev/null || ktap_bail "nft missing from the guest (tools/vm/mkinitramfs.sh)"
modprobe -a nf_tables 2>/dev/null || ktap_skip_rest "this kernel has no nf_tables module"
kpptpd_pair
work=$WORK
new_ns L
veth_ns "$S" lan0 192.0.2.1/24 "$L" lan1 192.0.2.50/24
conf() { kpptpd_setup "$work" 'remote-ip 192.0.2.200-201' "access $1"; }
# kpptpd_setup writes local-ip 203.0.113.1: this test's server is on its LAN.
lan_conf() { conf "$1"; sed -i 's/^local-ip .*/local-ip 192.0.2.1/' "$work/kpptpd.conf"; }
client_if() { ip -n "$C" -o -4 addr show | awk '/inet 192\.0\.2\.20[01]/ { print $2 }'; }
call_up() {
	kpptpd_client "$1" s3cret-Pw
	wait_for 40 has_addr "$C" '192\.0\.2\.20[01] ' ||
		{ sed 's/^/# client: /' "$1"; sed 's/^/# server: /' "$work/server.log"; return 1; }
	CADDR=$(ip -n "$C" -o -4 addr show | grep -oE 'inet 192\.0\.2\.20[01]' | cut -d' ' -f2)
	# The client reaches the LAN host through its call.
	ip -n "$C" route add 192.0.2.50/32 dev "$(client_if)"
}
hang_up() {
	kill -TERM "$CLIENT"
	finished "$CLIENT"
	wait_for 15 no_pppd
}

# --- access network
lan_conf network
ktap_check "kpptpd --check-config accepts 'access network'" \
	"$BIN/kpptpd" --check-config -c "$work/kpptpd.conf"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"
ktap_check "kpptpd says which access it applies" grep -q 'access network' "$work/server.log"
call_up "$work/c1.log" || ktap_bail "call (access network) did not come up"
ktap_check "access network: the server answers ARP for the client on its LAN" \
	bash -c "ip -n '$S' neigh show proxy | grep -q '^$CADDR dev lan0'"
ktap_check "... the LAN host reaches the client" nsexec "$L" ping -c 2 -W 2 "$CADDR"
ktap_check "... and the client the LAN host" nsexec "$C" ping -c 2 -W 2 192.0.2.50
hang_up
ktap_check "... the ARP entry goes with the call" \
	bash -c "! ip -n '$S' neigh show proxy | grep -q '^$CADDR '"

# --- access local, by SIGHUP: new calls get it
lan_conf local
kill -HUP "$KPPTPD"
ktap_check "SIGHUP: kpptpd reloads with 'access local'" \
	wait_for 10 grep -q 'reloaded' "$work/server.log"
call_up "$work/c2.log" || ktap_bail "call (access local) did not come up"
# No proxy ARP now: the LAN host is given a route to the pool through the
# server, so that only kpptpd's rules stand between it and the client.
ip -n "$L" route add 192.0.2.200/31 via 192.0.2.1 dev lan1
ktap_eq "forwarding is still on (left by the first call)" 1 \
	"$(ip netns exec "$S" cat /proc/sys/net/ipv4/ip_forward)"
ktap_check "access local: the client reaches the server" nsexec "$C" ping -c 2 -W 2 192.0.2.1
ktap_check "... but not the LAN host" bash -c "! ip netns exec '$C' ping -c 2 -W 1 192.0.2.50 >/dev/null"
ktap_check "... nor the LAN host the client" bash -c "! ip netns exec '$L' ping -c 2 -W 1 '$CADDR' >/dev/null"
table=$(ip netns exec "$S" nft list table inet kpptpd 2>&1)
echo "$table" | sed 's/^/# /'
ktap_check "... kpptpd's nftables table holds the call's address and interface" \
	eval "grep -q 'elements = { $CADDR }' <<<\"\$table\" && grep -qE 'elements = \\{ \"ppp[0-9]+\" \\}' <<<\"\$table\""
ktap_check "... and counted the drops both ways" eval "grep -qE 'saddr @local_addrs counter packets [1-9]' <<<\"\$table\" && grep -qE 'daddr @local_addrs counter packets [1-9]' <<<\"\$table\""
hang_up
wait_for 5 bash -c "! ip netns exec '$S' nft list table inet kpptpd | grep -q elements"
ktap_check "the call's elements leave with it" \
	bash -c "! ip netns exec '$S' nft list table inet kpptpd | grep -q elements"
kill -TERM "$KPPTPD"
wait_for 15 gone "$KPPTPD"
ktap_check "kpptpd removes its table when it stops" \
	bash -c "! ip netns exec '$S' nft list table inet kpptpd >/dev/null 2>&1"
ktap_finish
