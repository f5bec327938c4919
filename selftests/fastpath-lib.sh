# SPDX-License-Identifier: GPL-2.0
#
# What fastpath.sh and fastpath-policy.sh share: a kpptpd pair whose calls
# carry no MPPE and ask for the fast path, and the helpers that read one
# call's counters and capture its GRE. Sourced after lib.sh.
#
#  ┌─ $C: kpptpd --client + pppd ┐  veth  ┌─ $S: kpptpd + pppd ─────┐
#  │ kpv1 198.51.100.2           ├────────┤ 198.51.100.1 kpv0       │
#  │ ppp 203.0.113.10 (pool)     │PPTP GRE│ 203.0.113.1 ppp         │
#  └─────────────────────────────┘        └─────────────────────────┘

# fastpath_pair: the two namespaces and the server's configuration in
# $work (WORK): a pool of two, no MPPE, kpptp-fastpath in its options;
# kpptp.ko's fastpath parameter on.
fastpath_pair() {
	kpptpd_pair
	echo 1 >/sys/module/kpptp/parameters/fastpath
	work=$WORK
	kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
	sed -i 's/^require-mppe-128$/nomppe/' "$work/options.pptp"
	echo kpptp-fastpath >>"$work/options.pptp"
}

# pppif NS: the call's interface in NS.
pppif() { ip -n "$1" -o link show | awk -F': ' '/: ppp[0-9]+:/ { print $2; exit }'; }
# link NS FIELD: rx_packets, rx_bytes... of the call's interface in NS.
link() { ip netns exec "$1" cat "/sys/class/net/$(pppif "$1")/statistics/$2"; }
# field NS FIELD: a field of the (one) session in NS's /proc/net/kpptp.
field() {
	ip netns exec "$1" awk -v f="$2" '
		$1 == "call" { for (i = 1; i < NF; i += 2) if ($i == f) { print $(i + 1); exit } }
	' /proc/net/kpptp
}
# call LOG MPPE-OPTION [PPPD-OPTION...]: a call from $C asking for the
# fast path, up.
call() {
	local log=$1 mppe=$2
	shift 2
	ip netns exec "$C" "$BIN/kpptpd" --client 198.51.100.1 --plugin "$REPO/build/lib/kpptp.so" \
		-- name alice password s3cret-Pw remotename kpptpd "$mppe" refuse-pap \
		refuse-chap refuse-mschap noauth nodefaultroute lcp-echo-interval 0 \
		kpptp-fastpath "$@" >"$log" 2>&1 &
	CLIENT=$!
	client_up "$log"
}

# Each end's packets as it sent them: captured on its own veth, where the
# taps run in transmit order (the receiving side's per-CPU backlogs may
# reorder what two CPUs sent; that is the reorder engine's business).
# cap NS IF SRC: tcpdump of SRC's GRE on IF in NS, to $work/IF.pcap, in
# the background of this shell (so that wait works): its PID in CAPS.
CAPS=()
cap() {
	ip netns exec "$1" tcpdump -i "$2" -n -s 96 -B 32768 -U -w "$work/$2.pcap" \
		ip proto 47 and src "$3" >/dev/null 2>"$work/$2.log" &
	CAPS+=($!)
}
# cap_stop: every capture ended and flushed.
cap_stop() {
	kill -INT "${CAPS[@]}"
	wait "${CAPS[@]}"
	CAPS=()
}
