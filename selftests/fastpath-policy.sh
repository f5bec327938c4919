#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# When kpptp.so does not ask for the fast path, or asks and hands pppd
# what it reads from ppp_generic: multilink and a pass-filter refused;
# pppd's idle limit still sees a busy fast call and hangs up an idle one;
# MPPE refused, with no IP packet in clear on the wire; kpptp.ko's
# fastpath parameter 0, refused and said. The pair: fastpath-lib.sh.
#
# fastpath.sh's last points until they ran it out of its time on the
# debug kernel of a slow host: a guest boot of their own, on every kernel.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fastpath-lib.sh"

ktap_header
ktap_plan 11
fastpath_pair
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server) did not start"

# Multilink: ppp_generic would put its header on every frame.
call "$work/c9.log" nomppe multilink
ktap_check "with multilink the client refuses" grep -q 'no fast path: multilink' "$work/c9.log"
ktap_eq "... off on the client's end" 0 "$(field "$C" fastpath)"
client_hangup

# pppd's idle limit on a fast call: pppd reads the idle time from
# ppp_generic, which the transfer goes around; kpptp.so's idle hook adds
# the fast path's. Busy for longer than the limit: up; then idle: down.
call "$work/c6.log" nomppe idle 5
ktap_check "with an idle limit the fast path is on" grep -q 'fast path on for IPv4' "$work/c6.log"
mbps=$(iperf_run "$C" 203.0.113.1 "$S" -t 9)
echo "# 9 s of iperf3 with idle 5: ${mbps:-failed} Mbit/s"
ktap_check "busy for 9 s with idle 5: still up" eval \
	"has_addr '$C' '203\.0\.113\.1[01] ' && ! grep -q 'lack of activity' '$work/c6.log'"
wait_for 20 gone "$CLIENT"
finished "$CLIENT"
ktap_check "then idle: pppd hangs up for lack of activity" \
	grep -q 'Terminating connection due to lack of activity' "$work/c6.log"
wait_for 15 no_pppd

# A pass-filter: fast packets would not pass it, so the plugin does not ask.
call "$work/c7.log" nomppe pass-filter 'ip'
ktap_check "with a pass-filter the client refuses" \
	grep -q 'no fast path: a pass-filter is set' "$work/c7.log"
ktap_eq "... off on the client's end" 0 "$(field "$C" fastpath)"
client_hangup

# MPPE: CCP is up when IPCP comes up; the plugin does not ask, and not one
# IP packet crosses the wire in clear (tcpdump decodes GRE, PPP and IP).
sed -i 's/^nomppe$/require-mppe-128/' "$work/options.pptp"
call "$work/c2.log" require-mppe-128
ktap_check "with MPPE the client refuses: compression is up" \
	grep -q 'no fast path: compression (CCP) is up' "$work/c2.log"
ktap_eq "... and kpptp.ko has it off on both ends" "0 0" \
	"$(field "$C" fastpath) $(field "$S" fastpath)"
rm -f "$work/kpv1.log"
cap "$C" kpv1 198.51.100.2
wait_for 10 grep -q 'listening on' "$work/kpv1.log" || ktap_bail "tcpdump did not start"
iperf_run "$C" 203.0.113.1 "$S" -t 2 --bidir >/dev/null
nsexec "$C" ping -c 3 -W 2 203.0.113.1 >/dev/null
cap_stop
clear=$(tcpdump -n -r "$work/kpv1.pcap" 2>/dev/null | grep -c ': IP6\? [0-9a-f.:]* > ')
sealed=$(tcpdump -n -r "$work/kpv1.pcap" 2>/dev/null | grep -c 'GREv1')
echo "# MPPE call: $sealed GRE packets from the client, $clear of them with IP in clear"
ktap_eq "with MPPE no IP packet in clear on the wire (of $sealed)" "0 yes" \
	"$clear $( ((sealed > 200)) && echo yes || echo no)"
client_hangup

# The module parameter off: asked, refused, said.
echo 0 >/sys/module/kpptp/parameters/fastpath
sed -i 's/^require-mppe-128$/nomppe/' "$work/options.pptp"
call "$work/c3.log" nomppe
ktap_check "fastpath=0: the client's pppd says why not" \
	grep -q "no fast path: kpptp.ko's fastpath parameter is 0" "$work/c3.log"
client_hangup
ktap_finish
