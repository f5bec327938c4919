#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interop: Debian's pptpd (userspace GRE through pptpctrl) serves, kpptpd
# --client dials it over kpptp.ko, with MS-CHAPv2 and MPPE-128.
#
#  ┌─ $C: kpptpd --client, kpptp.ko ┐  veth  ┌─ $S: pptpd + pptpctrl + pppd ┐
#  │ kpv1 198.51.100.2              ├────────┤ 198.51.100.1 kpv0            │
#  └────────────────────────────────┘        └──────────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 5
kpptpd_pair
work=$WORK
kpptpd_setup "$work"	# chap-secrets and the pppd options; pptpd reads them
pptpd_start "$S" "$work" || ktap_bail "pptpd did not listen"

kpptpd_client "$work/client.log" s3cret-Pw
if ! wait_for 40 has_addr "$C" '203\.0\.113\.1[01] '; then
	sed 's/^/# client: /' "$work/client.log"
	sed 's/^/# pptpd: /' "$work/pptpd.log"
fi
ktap_check "kpptpd --client gets an address from pptpd, MPPE-128 on" \
	grep -q 'MPPE 128-bit stateless compression enabled' "$work/client.log"
ktap_check "ping through pptpd's userspace GRE and kpptp.ko" \
	nsexec "$C" ping -c 3 -W 2 203.0.113.1
grep 'control connection up' "$work/client.log" | sed 's/^/# /'
ktap_check "the client logs the server's host and vendor names" \
	grep -qE "control connection up \(server '[^']*', vendor '[^']+'\)" "$work/client.log"
kill -TERM "$CLIENT"
finished "$CLIENT"
ktap_eq "SIGTERM: the client hangs up, exit 0" 0 "$ST"
no_session() { [[ $(netstat_kpptp "$C" sessions) == 0 ]]; }
wait_for 10 no_session
ktap_check "... and its kernel session is gone" no_session
ktap_finish
