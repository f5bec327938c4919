#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Call IDs are per network namespace: the same IDs serve two tunnels at
# once, no packet crosses into another namespace's session, and deleting a
# namespace that still has live sessions cleans up.
#
#  ┌──────────┐ veth ┌──────────┐     ┌──────────┐ veth ┌──────────┐
#  │ $A1      ├──────┤ $B1      │     │ $A2      ├──────┤ $B2      │
#  │ 100↔200  │      │ 200↔100  │     │ 100↔200  │      │ 200↔100  │
#  └──────────┘      └──────────┘     └──────────┘      └──────────┘
#  same addresses (198.51.100.1/.2) and call IDs in both pairs
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 12
load_kpptp

pair() {	# pair SUFFIX: a tunnel pair in two new namespaces
	new_ns "A$1"
	new_ns "B$1"
	local a b
	a=$(eval echo "\$A$1") b=$(eval echo "\$B$1")
	link_ns "$a" 198.51.100.1 "$b" 198.51.100.2
	start_tunnel "$a" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 || return 1
	start_tunnel "$b" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1
}
pair 1 || ktap_bail "pair 1"
ktap_check "the same call IDs in a second pair of namespaces" pair 2
ktap_check "pair 1 passes traffic" nsexec "$A1" ping -c 3 -i 0.1 -W 2 203.0.113.2
ktap_check "pair 2 passes traffic" nsexec "$A2" ping -c 3 -i 0.1 -W 2 203.0.113.2
ktap_eq "pair 1 counted only its own packets" 3 "$(sess "$B1" 200 rx_packets)"
ktap_eq "pair 2 counted only its own packets" 3 "$(sess "$B2" 200 rx_packets)"
ktap_eq "each namespace lists one session" "1 1" \
	"$(ip netns exec "$B1" cat /proc/net/kpptp | wc -l) $(ip netns exec "$B2" cat /proc/net/kpptp | wc -l)"

# A namespace with no session 200 gets a packet for call 200 from the right
# peer address: it must stop there, not reach B1's or B2's session.
new_ns C
veth_ns "$A1" kpv2 192.0.2.1/24 "$C" kpv3 192.0.2.2/24
b1=$(sess "$B1" 200 rx_packets) b2=$(sess "$B2" 200 rx_packets)
ip netns exec "$A1" "$BIN/gre-inject" --src 192.0.2.1 --dst 192.0.2.2 --call 200 --seqs 1-5
ip netns exec "$A1" "$BIN/gre-inject" --src 198.51.100.1 --dst 192.0.2.2 --call 200 --seqs 1-5
ktap_eq "the other namespace counts them as no session" 10 "$(netstat_kpptp "$C" rx_no_session)"
ktap_eq "no session of B1 or B2 saw them" "$b1 $b2" \
	"$(sess "$B1" 200 rx_packets) $(sess "$B2" 200 rx_packets)"

# A call ID is unique per peer: connected towards B1's peer, it cannot be
# used again towards that peer, but it can towards another one.
out=$(ip netns exec "$B1" timeout 10 "$BIN/pptp-static" --local 198.51.100.2 \
	--peer 198.51.100.1 --call 200 --peer-call 7 2>&1)
echo "# $out"
ktap_check "the same call ID towards the same peer: EADDRINUSE" \
	grep -q 'connect: Address already in use' <<<"$out"
ktap_check "the same call ID towards another peer is allowed" \
	start_tunnel "$B1" 198.51.100.2 198.51.100.9 200 7 203.0.113.5 203.0.113.6
ktap_eq "... B1 now has two sessions with call ID 200" 2 \
	"$(ip netns exec "$B1" grep -c '^call 200 ' /proc/net/kpptp)"
kill "$TUN_PID"
wait "$TUN_PID"

# Delete a namespace while its sessions are live, then end their process.
users() { awk '$1 == "kpptp" { print $3 }' /proc/modules; }
users_are() { [[ $(users) == "$1" ]]; }
# Sessions closed above drop their module references asynchronously
# (after an RCU grace period): count from a settled value.
settle() {
	local a b i
	a=$(users)
	for i in $(seq 25); do
		sleep 0.2
		b=$(users)
		[[ $a == "$b" ]] && break
		a=$b
	done
	echo "$a"
}
base=$(settle)
new_ns E
new_ns F
link_ns "$E" 198.51.100.1 "$F" 198.51.100.2
start_tunnel "$E" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 || ktap_bail "tunnel E"
pid=$TUN_PID
nsexec "$E" ping -c 1 -W 1 203.0.113.2 >/dev/null
ip netns del "$E"
ip netns del "$F"
kill "$pid"
wait "$pid" 2>/dev/null
wait_for 10 users_are "$base"
ktap_eq "the module's users return to $base after the namespace is gone" "$base" "$(settle)"
echo "# users: $(users), base $base"
ktap_finish
