#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptpd over Debian's in-tree pptp.ko instead of kpptp.ko: both roles,
# sockets only (no kpptp netlink family). It must say once what that
# costs, and calls must work and end cleanly the same way.
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 9
KPPTP_MODULE=pptp kpptpd_pair
grep -q '^kpptp ' /proc/modules && ktap_bail "kpptp.ko is loaded: this test is for pptp.ko"
work=$WORK
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"
ktap_check "kpptpd over pptp.ko says what it cannot do" \
	grep -q 'kpptp netlink family is missing.*calls use PPTP sockets alone' "$work/server.log"

kpptpd_client "$work/c1.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.10 ' || { sed 's/^/# /' "$work/c1.log" "$work/server.log"; }
ktap_check "kpptpd --client to kpptpd, both over pptp.ko: an MPPE-128 call" \
	grep -q 'MPPE 128-bit stateless compression enabled' "$work/c1.log"
ktap_check "ping through it" nsexec "$C" ping -c 3 -W 2 203.0.113.1
kill -TERM "$CLIENT"
finished "$CLIENT"
ktap_eq "SIGTERM: the client exits 0" 0 "$ST"
wait_for 15 no_pppd
ktap_check "... no pppd left on either side" no_pppd

kpptpd_client "$work/c2.log" wrong
finished "$CLIENT"
ktap_eq "wrong password: exit 8" 8 "$ST"
wait_for 15 no_pppd
ktap_check "... no pppd left" no_pppd

# kpptpctl probe over pptp.ko: every step but the ICMP watch works.
printf '%s\n' s3cret-Pw >"$work/pw"
ip netns exec "$C" "$BIN/kpptpctl" -j probe 198.51.100.1 --user alice --password-file "$work/pw" \
	--require-mppe --plugin "$REPO/build/lib/kpptp.so" >"$work/probe.json" 2>&1
st=$?
sed 's/^/# /' "$work/probe.json"
ktap_eq "kpptpctl probe over pptp.ko: every step passes, the login included (exit 0)" 0 "$st"
ktap_check "... and it says that ICMP errors cannot be seen without kpptp.ko" \
	grep -q 'no kpptp netlink family' "$work/probe.json"
wait_for 15 no_pppd
ktap_finish
