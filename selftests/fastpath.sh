#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fast path: a kpptpd call without MPPE whose pppds ask for it
# (kpptp-fastpath) hands IPv4 to GRO on pppN and sends it from pppN's
# egress hook: the receiver's TCP sees fewer, bigger segments than the
# sender sent, pppN's counters still add up, the wire order is the GRE
# numbering, and switching it off under load works. When the plugin does
# not ask: fastpath-policy.sh. The pair: fastpath-lib.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fastpath-lib.sh"

ktap_header
ktap_plan 24
fastpath_pair

# A kernel without the netfilter egress hook (none of the tested ones) has the
# receive half only: kpptp.ko says so when it loads.
tx_fast=1
dmesg | grep -q 'fast path: receive only' && tx_fast=0
# Emulated CPUs on a busy host (make check runs two guests on two cores;
# the debug guest is some 30 times slower) lag each other by more than the
# default 20 ms a gap is held at most, and by more than 64 packets: 46
# packets lost and 46 late in 4 s under make check. What this test checks
# is the fast path's numbering and switching, not those limits (reorder.sh
# does): 200 ms and 256 packets, for the sessions made here only.
params=/sys/module/kpptp/parameters
defer "echo $(cat $params/reorder_timeout_ms) >$params/reorder_timeout_ms"
defer "echo $(cat $params/reorder_window) >$params/reorder_window"
echo 200 >$params/reorder_timeout_ms
echo 256 >$params/reorder_window
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server) did not start"
call "$work/c1.log" nomppe
ktap_check "both pppds turned the fast path on for IPv4" eval \
	"grep -q 'fast path on for IPv4' '$work/c1.log' && grep -q 'fast path on for IPv4' '$work/server.log'"
ktap_eq "kpptp.ko says so on both ends" "1 1" "$(field "$C" fastpath) $(field "$S" fastpath)"

in0=$(snmp "$S" Tcp InSegs) out0=$(snmp "$C" Tcp OutSegs)
r0=$(link "$S" rx_packets) k0=$(field "$S" rx_packets)
t0=$(link "$C" tx_packets) kt0=$(field "$C" tx_packets) f0=$(field "$C" fast_tx)
rb0=$(link "$S" rx_bytes) kb0=$(field "$S" rx_bytes)
tb0=$(link "$C" tx_bytes) ktb0=$(field "$C" tx_bytes)
mbps=$(IPERF_JSON=$work/iperf1.json iperf_run "$C" 203.0.113.1 "$S" -t 3)
echo "# iperf3 client -> server, fast path: ${mbps:-failed} Mbit/s"
ktap_ge "iperf3 through the fast path" 1 "${mbps:-0}"
sent=$(($(snmp "$C" Tcp OutSegs) - out0)) got=$(($(snmp "$S" Tcp InSegs) - in0))
echo "# the sender sent $sent TCP segments; the receiver's TCP took $got"
# GRO merges what one NAPI poll finds of a flow: 30 to 45 segments at a
# time on an idle host, 3 to 6 on the debug kernel under make check (the
# receiver's TCP took about 410 segments in 3 s there, however many were
# sent). Without GRO, got is sent or more. A fifth fewer tells the two
# apart on any host.
ktap_ge "GRO merged: the receiver's TCP took at most four fifths of the segments" \
	"$((got * 5))" "$((sent * 4))"
rx=$(($(link "$S" rx_packets) - r0)) kx=$(($(field "$S" rx_packets) - k0))
echo "# the server's ppp0 counted $rx frames received, kpptp.ko $kx"
# kpptp counts every frame; ppp0 every frame but the few of LCP/CCP that
# ppp_generic hands to pppd (none in a 3 s transfer with echoes off).
ktap_eq "pppN's rx_packets are kpptp.ko's" "$kx" "$rx"
# The transmit half: the client's packets went past ppp_generic, from
# pppN's egress hook, and pppN still counted them.
tx=$(($(link "$C" tx_packets) - t0)) kt=$(($(field "$C" tx_packets) - kt0))
ft=$(($(field "$C" fast_tx) - f0))
echo "# the client's ppp0 counted $tx frames sent, kpptp.ko $kt, $ft of them from the fast path"
if ((tx_fast)); then
	ktap_ge "the client sent the transfer from pppN's egress hook" "$((kt * 9 / 10))" "$ft"
else
	ktap_skip "the client sent the transfer from pppN's egress hook" "no egress hook in this kernel"
fi
ktap_eq "pppN's tx_packets are kpptp.ko's" "$kt" "$tx"
# The bytes, three ways. iperf3 counts TCP payload: what the server read
# (RECV) and what the client wrote (SENT, some of which may still have
# been in flight when the test ended). pppN counts IP packets
# (ppp_generic's definition: the frame less its protocol field): each end
# carried at least RECV, and at most SENT plus 40 to 80 octets of IP and
# TCP headers per frame, the retransmitted segments and iperf3's control
# connection (a few KB). kpptp counts the PPP frame carried in GRE:
# pppN's bytes plus 1 to 4 octets (address, control and protocol fields,
# compressed or not) per frame. A frame counted twice, or missed by
# either path, breaks one of the two.
RECV=$(jq '.end.sum_received.bytes' "$work/iperf1.json")
SENT=$(jq '.end.sum_sent.bytes' "$work/iperf1.json")
RETX=$(jq '.end.sum_sent.retransmits' "$work/iperf1.json")
reconcile() {	# reconcile WHAT PPPN-BYTES KPPTP-BYTES FRAMES
	local what=$1 pb=$2 kb=$3 n=$4
	echo "# $what: pppN $pb octets, kpptp.ko $kb, in $n frames; iperf3 read $RECV, wrote $SENT, $RETX retransmitted"
	ktap_check "$what: iperf3's bytes <= pppN's <= iperf3's + headers; kpptp.ko's = pppN's + 1-4 per frame" \
		test "${RECV:-0}" -gt 0 -a "$pb" -ge "${RECV:-0}" \
		-a "$pb" -le "$((${SENT:-0} + n * 80 + ${RETX:-0} * 1500 + 65536))" \
		-a "$kb" -ge "$((pb + n))" -a "$kb" -le "$((pb + n * 4))"
}
reconcile "received by the server" "$(($(link "$S" rx_bytes) - rb0))" \
	"$(($(field "$S" rx_bytes) - kb0))" "$kx"
reconcile "sent by the client" "$(($(link "$C" tx_bytes) - tb0))" \
	"$(($(field "$C" tx_bytes) - ktb0))" "$kt"

# Small UDP datagrams go around GRO, which could only check their
# checksums and pass them on (no socket here asked for UDP GRO); with
# rx-udp-gro-forwarding on pppN GRO merges UDP, and they go through it.
# Either way every datagram arrives, in order. udp_run TAG: iperf3 UDP
# from the client, 64-octet datagrams; sets UGOT (datagrams the server
# received), ULOST, UOOO (out of order) and UNOGRO (fast_rx_nogro's rise).
udp_run() {
	local j=$work/udp-$1.json n0
	UGOT='' ULOST='' UOOO='' UNOGRO=''
	n0=$(field "$S" fast_rx_nogro)
	IPERF_JSON=$j iperf_run "$C" 203.0.113.1 "$S" -u -b 400K -l 64 -t 2 >/dev/null || return 1
	ULOST=$(jq '.end.sum_received.lost_packets' "$j")
	UGOT=$(($(jq '.end.sum_received.packets' "$j") - ULOST))
	UOOO=$(jq '.end.streams[0].udp.out_of_order' "$j")
	UNOGRO=$(($(field "$S" fast_rx_nogro) - n0))
	echo "# UDP ($1): the server received $UGOT datagrams, $ULOST lost, $UOOO out of order; $UNOGRO went around GRO"
}
udp_run plain || ktap_bail "iperf3 UDP through the fast path"
# A kernel that does not export udp_encap_needed_key (6.15 and later)
# cannot tell: every datagram goes to GRO there, and kpptp.ko says so.
if dmesg | grep -q 'fast path: all UDP goes through GRO'; then
	ktap_check "UDP, a kernel that cannot tell who takes UDP GRO: all through GRO ($UNOGRO of $UGOT around it)" \
		test "$UGOT" -gt 100 -a "$UNOGRO" -eq 0
else
	ktap_check "UDP, no socket with UDP GRO: every datagram went around GRO ($UNOGRO of $UGOT)" \
		test "$UGOT" -gt 100 -a "$UNOGRO" -ge "$UGOT"
fi
ktap_eq "... in order" 0 "$UOOO"
ppp_s=$(pppif "$S")
nsexec "$S" ethtool -K "$ppp_s" rx-udp-gro-forwarding on
udp_run gro-forwarding || ktap_bail "iperf3 UDP through the fast path, GRO forwarding"
nsexec "$S" ethtool -K "$ppp_s" rx-udp-gro-forwarding off
ktap_check "UDP with rx-udp-gro-forwarding on pppN: through GRO ($UNOGRO of $UGOT around it)" \
	test "$UGOT" -gt 100 -a "$UNOGRO" -eq 0
ktap_eq "... in order" 0 "$UOOO"

f0=$(field "$S" fast_tx) kt0=$(field "$S" tx_packets)
echo "# TCP retransmissions so far: $(snmp "$C" Tcp RetransSegs) $(snmp "$S" Tcp RetransSegs)"
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 3 -R)
echo "# TCP retransmissions so far: $(snmp "$C" Tcp RetransSegs) $(snmp "$S" Tcp RetransSegs)"
ft=$(($(field "$S" fast_tx) - f0)) kt=$(($(field "$S" tx_packets) - kt0))
echo "# iperf3 server -> client, fast path: ${mbps:-failed} Mbit/s, $ft of $kt packets fast"
if ((tx_fast)); then
	ktap_check "the other way, the server sent from its egress hook ($ft of $kt)" \
		test "$kt" -ge 200 -a "$ft" -ge "$((kt * 9 / 10))"
else
	ktap_skip "the other way, the server sent from its egress hook" "no egress hook in this kernel"
fi
ktap_check "ping still works both ways" eval \
	"nsexec '$C' ping -c 2 -W 2 203.0.113.1 && nsexec '$S' ping -c 2 -W 2 203.0.113.10"
# The admin's switch: off, and the call goes on through ppp_generic.
id=$(ip netns exec "$S" "$BIN/kpptpctl" -j session list | grep -o '"id":[0-9]*' | head -1)
ip netns exec "$S" "$BIN/kpptpctl" session set "${id#*:}" fastpath off
ktap_eq "kpptpctl session set ID fastpath off: off on the server" "1 0" \
	"$(field "$C" fastpath) $(field "$S" fastpath)"
ktap_check "... and the call goes on" nsexec "$C" ping -c 2 -W 2 203.0.113.1
client_hangup

# The wire: both paths number from one counter under one lock, so the GRE
# sequence numbers rise by exactly one per packet each way, with LCP echoes
# (the slow path) among bulk TCP (the fast path) both ways.
sed -i 's/^lcp-echo-interval 0$/lcp-echo-interval 1/' "$work/options.pptp"
call "$work/c4.log" nomppe
# tcpext NS FIELD: a TcpExt counter of NS.
tcpext() {
	ip netns exec "$1" awk -v f="$2" '$1 == "TcpExt:" && !n { for (i = 2; i <= NF; i++) c[$i] = i; n = 1; next }
		$1 == "TcpExt:" { print $c[f] + 0; exit }' /proc/net/netstat
}
# tunnel_harm: what a tunnel that loses or reorders costs TCP, both ends:
# fast retransmissions (duplicate acks, SACK) and segments dropped for
# arriving behind newer ones (PAWS). Not counted: loss probes and timeouts,
# which a busy emulated CPU triggers on its own.
tunnel_harm() {
	echo $(($(tcpext "$S" TCPFastRetrans) + $(tcpext "$C" TCPFastRetrans) +
		$(tcpext "$S" PAWSEstab) + $(tcpext "$C" PAWSEstab)))
}
cap "$S" kpv0 198.51.100.1
cap "$C" kpv1 198.51.100.2
wait_for 10 eval "grep -q 'listening on' '$work/kpv0.log' && grep -q 'listening on' '$work/kpv1.log'" ||
	ktap_bail "tcpdump did not start"
h0=$(tunnel_harm) drops0=$(backlog_drops)
re0=$(($(snmp "$S" Tcp RetransSegs) + $(snmp "$C" Tcp RetransSegs)))
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 4 --bidir -b 100M)
drops=$(($(backlog_drops) - drops0))
re=$(($(snmp "$S" Tcp RetransSegs) + $(snmp "$C" Tcp RetransSegs) - re0))
harm=$(($(tunnel_harm) - h0))
cap_stop
cat "$work/kpv0.log" "$work/kpv1.log" | grep -v listening | sed 's/^/# tcpdump: /'
echo "# iperf3 both ways at once: ${mbps:-failed} Mbit/s; TCP retransmissions $re, $harm of them fast or PAWS"
# seq_steps: per direction, packets with a sequence number and how many of
# them did not follow the one before by exactly one.
seq_steps() {
	for f in "$work/kpv0.pcap" "$work/kpv1.pcap"; do
		tcpdump -n -r "$f" 2>/dev/null
	done | awk '
		/GREv1/ && / seq / {
			# The first seq is the GRE one; the inner TCP has one too.
			for (i = 1; i < NF; i++) if ($i == "seq") { s = $(i + 1) + 0; break }
			d = $3; n[d]++
			if (d in last && s != last[d] + 1) bad[d]++
			last[d] = s
		}
		END { for (d in n) printf "%s %d %d\n", d, n[d], bad[d] + 0 }'
}
steps=$(seq_steps)
echo "$steps" | sed 's/^/# direction, packets, steps not +1: /'
ktap_eq "GRE sequence numbers rise by exactly one, each way" "2 0" \
	"$(echo "$steps" | awk '$2 >= 200 { d++; b += $3 } END { print d + 0, b + 0 }')"
echoes=$(tcpdump -n -r "$work/kpv0.pcap" 2>/dev/null | grep -c 'Echo-Request')
ktap_ge "LCP echoes went among the bulk packets" 2 "$echoes"
got="$(field "$C" rx_lost) $(field "$C" rx_late) $(field "$S" rx_lost) $(field "$S" rx_late) $harm $drops"
# Without the egress hook every packet goes ppp_generic's way from two
# CPUs, at a thirtieth of the speed: what reorder.sh measures, not this.
# Lost is what the reorder engine gave up on; each such packet that still
# came is late too. An emulated CPU that a busy host stalls for longer
# than the hold learnt so far makes pairs (reordering: reorder.sh's
# business); a packet the tunnel really lost, or numbered twice, makes
# lost and late differ, unless a loaded guest's input backlog dropped it
# before the tunnel saw it (softnet_stat counts those: the last number).
# TCP may retransmit only where the engine gave up or a backlog dropped.
if ((tx_fast)); then
	ktap_check "nothing lost on either end; TCP retransmits only where reordering was given up ($got)" \
		eval "echo '$got' | awk '{ gone = \$1 - \$2 + \$3 - \$4
			exit !(\$2 <= \$1 && \$4 <= \$3 && gone <= \$6 && \$5 <= \$1 + \$3 + \$6 + 2) }'" || {
		# Where a frame went: every counter of both ends that is not 0.
		for n in "$C" "$S"; do
			echo "# $(ip netns exec "$n" cat /proc/net/kpptp | tr ' ' '\n' | paste - - |
				awk '$2 != "0" && $1 ~ /^(rx|tx|fast)_/' | tr '\n\t' '  ')"
			ip netns exec "$n" ip -s -s link | grep -A14 -E 'ppp0|kpv' | sed 's/^/# /'
		done
	}
else
	ktap_skip "nothing lost or late on either end ($got)" "no egress hook in this kernel"
fi

client_hangup
sed -i 's/^lcp-echo-interval 1$/lcp-echo-interval 0/' "$work/options.pptp"

# Off under load: the admin turns the server's fast path off in the middle
# of a transfer. Frames queued for GRO go first, then ppp_generic takes
# over: none lost, none twice (pppN counts each once), none overtaken.
# (No LCP echoes: pppN counts them not, kpptp.ko does.)
call "$work/c5.log" nomppe
id=$(ip netns exec "$S" "$BIN/kpptpctl" -j session list | grep -o '"id":[0-9]*' | head -1)
h0=$(tunnel_harm) r0=$(link "$S" rx_packets) k0=$(field "$S" rx_packets)
l0=$(($(field "$S" rx_lost) + $(field "$S" rx_late)))
(sleep 2; ip netns exec "$S" "$BIN/kpptpctl" session set "${id#*:}" fastpath off) &
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 4 -b 200M)
wait $!
harm=$(($(tunnel_harm) - h0)) l=$(($(field "$S" rx_lost) + $(field "$S" rx_late) - l0))
rx=$(($(link "$S" rx_packets) - r0)) kx=$(($(field "$S" rx_packets) - k0))
echo "# fast path off after 2 of 4 s: ${mbps:-failed} Mbit/s; lost or late $l; TCP harm $harm; frames: ppp0 $rx, kpptp.ko $kx"
# Strict: off, and every frame kpptp.ko took reached pppN once, fast or
# slow. TCP's view is printed: after the switch ppp_generic queues frames
# on the CPU that received them (netif_rx), and on a busy host those
# queues reorder what the engine put in order; the queue the fast path
# dropped at the switch once cost 170 to 227 retransmissions.
ktap_eq "off under load: off, every frame reached pppN once, nothing lost" "0 $kx 0" \
	"$(field "$S" fastpath) $rx $(($(field "$S" rx_lost) - $(field "$S" rx_late)))"
client_hangup

# The watch under load: a CCP Configure-Ack with options (MPPE-128) goes
# out on the client's channel 2 s into a transfer both ways, as a pppd
# that renegotiates compression would send it. The client's kpptp.ko sees
# it leave, the server's sees it come: compression may start, so both
# take the fast path back in the middle of the transfer, and the transfer
# goes on ppp_generic's way. Every IP frame one pppN sent reached the
# other's, once: pppN counts what ppp_generic's unit sends and receives,
# the CCP frames pppd answers with too; the injected frame only on the
# server (it left by the channel, not the client's unit).
call "$work/c8.log" nomppe
ct0=$(link "$C" tx_packets) cr0=$(link "$C" rx_packets)
st0=$(link "$S" tx_packets) sr0=$(link "$S" rx_packets) drops0=$(backlog_drops)
kc0=$(field "$C" tx_packets) ks0=$(field "$S" rx_packets)
cl0=$(field "$C" rx_lost) cL0=$(field "$C" rx_late) sl0=$(field "$S" rx_lost) sL0=$(field "$S" rx_late)
(sleep 2; ip netns exec "$C" "$BIN/ppp-chan-send" 80fd0201000a120601000040 >"$work/chan.log" 2>&1) &
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 4 --bidir -b 100M)
wait $!
sed 's/^/# /' "$work/chan.log"
c2s=$(($(link "$C" tx_packets) - ct0 + 1 - ($(link "$S" rx_packets) - sr0)))
s2c=$(($(link "$S" tx_packets) - st0 - ($(link "$C" rx_packets) - cr0)))
drops=$(($(backlog_drops) - drops0))
# Given up and then late: reordering a stalled CPU made (reorder.sh's
# business, as above), dropped by the receiver's engine, counted.
cl=$(($(field "$C" rx_lost) - cl0)) cL=$(($(field "$C" rx_late) - cL0))
sl=$(($(field "$S" rx_lost) - sl0)) sL=$(($(field "$S" rx_late) - sL0))
echo "# CCP Configure-Ack at 2 of 4 s: ${mbps:-failed} Mbit/s; frames sent and not received: client to server $c2s, back $s2c; input backlog drops $drops"
echo "# client to server: ppp0 sent $(($(link "$C" tx_packets) - ct0)), kpptp.ko sent $(($(field "$C" tx_packets) - kc0)); kpptp.ko took $(($(field "$S" rx_packets) - ks0)), ppp0 took $(($(link "$S" rx_packets) - sr0))"
for n in "$C" "$S"; do
	echo "# $(ip netns exec "$n" cat /proc/net/kpptp | grep -o 'rx_lost [0-9]* rx_late [0-9]*\|rx_no_channel [0-9]*\|tx_drop[a-z_]* [1-9][0-9]*\|tx_errors [0-9]*' | tr '\n' ' ')"
done
grep -i 'ccp\|compress' "$work/server.log" "$work/c8.log" | tail -5 | sed 's/^/# /'
ktap_eq "a CCP Configure-Ack mid-transfer: the fast path off on both ends" "0 0" \
	"$(field "$C" fastpath) $(field "$S" fastpath)"
ktap_check "... every IP frame one pppN sent reached the other's once, but those late ($c2s $s2c; late $sL $cL; lost $sl $cl; $drops)" \
	test "$sL" -le "$sl" -a "$cL" -le "$cl" -a "$((sl - sL + cl - cL))" -le "$drops" \
	-a "$c2s" -ge "$sL" -a "$s2c" -ge "$cL" -a "$((c2s - sL + s2c - cL))" -le "$drops"
ktap_check "... and the call goes on" nsexec "$C" ping -c 2 -W 2 203.0.113.1
client_hangup

ktap_finish
