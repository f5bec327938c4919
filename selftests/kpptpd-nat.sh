#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two PPTP clients behind one NAT router, calling one kpptpd at once. The
# router masquerades with nftables and the kernel's PPTP helper
# (nf_conntrack_pptp + nf_nat_pptp), which rewrites the clients' call IDs
# so that the GRE of both calls, coming from one address, reaches the
# right client. The server sees two calls from one peer address.
#
#  ┌─ $C1: kpptpd --client ─┐ lan1 ┌─ $R: masquerade ─┐ wan ┌─ $S: kpptpd ─┐
#  │ 192.0.2.2              ├──────┤ 192.0.2.1        │     │              │
#  └────────────────────────┘      │                  ├─────┤ 198.51.100.1 │
#  ┌─ $C2: pptp-linux ──────┐ lan2 │ 192.0.2.5        │     │ 203.0.113.1  │
#  │ 192.0.2.6              ├──────┤ 198.51.100.2 ────┘     └──────────────┘
#  └────────────────────────┘      └──────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 10
modprobe -a nf_tables nft_ct nft_objref nft_masq nft_chain_nat nf_conntrack_pptp nf_nat_pptp 2>/dev/null ||
	ktap_skip_rest "this kernel has no nftables NAT or PPTP conntrack helper modules"
command -v nft >/dev/null || ktap_bail "nft missing from the guest (tools/vm/mkinitramfs.sh)"
load_kpptp
modprobe ppp_mppe || ktap_bail "modprobe ppp_mppe"
work=$(mktemp -d)
defer "rm -rf $work"
new_ns S
new_ns R
new_ns C1
new_ns C2
veth_ns "$S" wan0 198.51.100.1/24 "$R" wan1 198.51.100.2/24
veth_ns "$C1" lan0 192.0.2.2/30 "$R" lan1 192.0.2.1/30
veth_ns "$C2" lan0 192.0.2.6/30 "$R" lan2 192.0.2.5/30
ip -n "$C1" route add default via 192.0.2.1
ip -n "$C2" route add default via 192.0.2.5
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
# Helpers are not attached automatically (since Linux 4.7): the rule
# assigns the PPTP helper to the control connection.
cat >"$work/nat.nft" <<'EOF'
table ip nat {
	ct helper pptp-helper {
		type "pptp" protocol tcp
	}
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 1723 ct helper set "pptp-helper"
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan1" masquerade
	}
	# GRE that reaches the router itself missed the helper's mapping.
	chain in {
		type filter hook input priority filter; policy accept;
		ip protocol gre counter
	}
}
EOF
ktap_check "the router's ruleset loads: masquerade, PPTP helper on TCP 1723" \
	ip netns exec "$R" nft -f "$work/nat.nft"

kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

# dial_both: both clients dial at once; C1_PID, C2_PID.
dial_both() {
	C=$C1
	kpptpd_client "$work/c1.log" s3cret-Pw
	C1_PID=$CLIENT
	pptp_linux_dial "$C2" "$work/c2.log" s3cret-Pw
	C2_PID=$PPTP_CLIENT
}
no_sessions() { [[ $(netstat_kpptp "$S" sessions) == 0 && $(netstat_kpptp "$C1" sessions) == 0 ]]; }
up() { has_addr "$C1" '203\.0\.113\.1[01] ' && has_addr "$C2" '203\.0\.113\.1[01] '; }
# What the router and both ends saw, when a call did not come up.
diagnose() {
	sed 's/^/# c1: /' "$work/c1.log"; sed 's/^/# c2: /' "$work/c2.log"
	sed 's/^/# server: /' "$work/server.log"
	ip netns exec "$R" nft list chain ip nat in | grep -o 'counter packets [0-9]*' |
		sed 's/^/# GRE to the router itself: /'
	for n in "$S" "$C1"; do
		ip netns exec "$n" cat /proc/net/kpptp | sed "s/^/# kpptp in $n: /"
	done
}
dial_both
# Seen once in about a dozen runs on a loaded TCG host: the call of C1
# carried no GRE either way for 30 s (LCP timeout) while C2's worked.
# Not understood yet: the evidence is printed and the pair dials once more.
if ! wait_for 60 up; then
	echo "# retry: a call did not come up within 60 s; what each side saw:"
	diagnose
	kill -TERM "$C1_PID" "$C2_PID" 2>/dev/null
	finished "$C1_PID"
	finished "$C2_PID"
	wait_for 15 no_pppd
	wait_for 10 no_sessions
	: >"$work/c1.log"
	: >"$work/c2.log"
	dial_both
	wait_for 60 up || diagnose
fi
ktap_check "kpptpd --client behind the NAT: call up" has_addr "$C1" '203\.0\.113\.1[01] '
ktap_check "pptp-linux behind the same NAT, at the same time: call up" \
	has_addr "$C2" '203\.0\.113\.1[01] '

calls=$(ip netns exec "$S" "$BIN/kpptpctl" calls)
echo "$calls" | sed 's/^/# /'
ktap_eq "the server has two calls, both from the router's address" 2 \
	"$(grep -cE '^[0-9]+ +198\.51\.100\.2:[0-9]+ +alice ' <<<"$calls")"
# The helper gave the two calls distinct peer call IDs at the server.
pcalls=$(ip netns exec "$S" awk '$1 == "call" { for (i = 1; i < NF; i++) if ($i == "peer_call") print $(i + 1) }' \
	/proc/net/kpptp | sort -u | wc -l)
ktap_eq "... two kernel sessions with distinct peer call IDs" 2 "$pcalls"
ktap_check "ping from both clients through their calls, at once" \
	eval "nsexec $C1 ping -c 3 -W 2 203.0.113.1 & p=\$!; nsexec $C2 ping -c 3 -W 2 203.0.113.1 && wait \$p"
a1=$(ip -n "$C1" -4 addr show | grep -oE 'inet 203\.0\.113\.1[01]' | cut -d' ' -f2)
a2=$(ip -n "$C2" -4 addr show | grep -oE 'inet 203\.0\.113\.1[01]' | cut -d' ' -f2)
ktap_check "ping from the server to each client's address" \
	eval "nsexec $S ping -c 2 -W 2 $a1 && nsexec $S ping -c 2 -W 2 $a2"
m1=$(iperf_run "$C1" 203.0.113.1 "$S" -t 2)
m2=$(iperf_run "$C2" 203.0.113.1 "$S" -t 2)
echo "# iperf3 through the NAT: kpptpd --client ${m1:-failed}, pptp-linux ${m2:-failed} Mbit/s"
ktap_ge "iperf3 through the NAT from kpptpd --client" 1 "${m1:-0}"
ktap_ge "iperf3 through the NAT from pptp-linux" 1 "${m2:-0}"

kill -TERM "$C1_PID" "$C2_PID"
finished "$C1_PID"
finished "$C2_PID"
wait_for 15 no_pppd
wait_for 10 no_sessions
ktap_check "both hang up: no pppd and no kernel session left" eval "no_pppd && no_sessions"
ktap_finish
