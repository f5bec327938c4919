#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kpptp.so on Debian 13's pppd 2.5.2, end to end. The same plugin source
# built in the Debian 13 root (tools/pppd/plugin-2.5.sh) runs in that
# root's pppd, chrooted (the root is shared read-only into the guest with
# tools/vm/run --share; /tmp, /run, /dev, /proc, /sys and /etc/ppp are
# bound into it so both pppds see one chap-secrets and one scratch dir).
# Each way round against Debian 12's pppd 2.4.9 on the other side; the
# 2.5 build of the plugin loads only in pppd 2.5 (its version string), so
# "Plugin .../kpptp-2.5.so loaded" in a log shows which pppd ran:
#
#  ┌─ $C: kpptpd --client + pppd ┐  veth  ┌─ $S: kpptpd + pppd ─────┐
#  │ kpv1 198.51.100.2           ├────────┤ 198.51.100.1 kpv0       │
#  │ 1) pppd 2.4.9  2) pppd 2.5.2│PPTP GRE│ 1) pppd 2.5.2 2) 2.4.9  │
#  └─────────────────────────────┘        └─────────────────────────┘
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 16
root=${KPPTP_TRIXIE_ROOT:?run me through selftests/run-vm.sh (it shares the Debian 13 root)}
p25=$REPO/build/lib/pppd-2.5/kpptp.so
[[ -x $root/usr/sbin/pppd && -e $p25 ]] ||
	ktap_bail "no pppd 2.5 in $root or no $p25 (tools/pppd/plugin-2.5.sh)"
kpptpd_pair
work=$WORK
bind_into_root "$root" dev proc sys tmp run etc/ppp
cp "$p25" "$work/kpptp-2.5.so"
printf '#!/bin/sh\nexec chroot %q /usr/sbin/pppd "$@"\n' "$root" >"$work/pppd-2.5"
chmod +x "$work/pppd-2.5"
ktap_check "Debian 13's pppd runs in its root: version 2.5.2" \
	bash -c "'$work/pppd-2.5' --version 2>&1 | grep -qx 'pppd version 2.5.2'"

sessions() { netstat_kpptp "$1" sessions; }
no_sessions() { [[ $(sessions "$S") == 0 && $(sessions "$C") == 0 ]]; }
clean_both() { wait_for 15 no_pppd && wait_for 10 no_sessions; }
dump_logs() {
	sed 's/^/# client: /' "$1"
	sed 's/^/# server: /' "$work/server.log"
}

# --- 1. the server's pppd is 2.5.2, the client's 2.4.9
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11' "pppd $work/pppd-2.5" \
	"plugin $work/kpptp-2.5.so"
# IPv6CP too, so that the plugin's IPv6 notifier runs on 2.5.
ipv6_on "$S" "$C"
echo +ipv6 >>"$work/options.pptp"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server, pppd 2.5) did not start"
EXTRA_PPP=+ipv6 kpptpd_client "$work/c1.log" s3cret-Pw
wait_for 40 has_addr "$C" '203\.0\.113\.10 ' || dump_logs "$work/c1.log"
ktap_check "server on pppd 2.5.2: the 2.4.9 client gets 203.0.113.10" \
	eval "has_addr $C '203\.0\.113\.10 ' && grep -q 'Plugin .*/kpptp-2\.5\.so loaded' '$work/server.log' &&
	      grep -q 'Plugin .*/build/lib/kpptp\.so loaded' '$work/c1.log'"
ktap_check "... MS-CHAPv2 and MPPE 128-bit" \
	grep -q 'MPPE 128-bit stateless compression enabled' "$work/c1.log"
ktap_check "... ping both ways" eval "nsexec $C ping -c 2 -W 2 203.0.113.1 && nsexec $S ping -c 2 -W 2 203.0.113.10"
# The status fd (user, interface, addresses) goes through the 2.5 accessors.
calls=$(ip netns exec "$S" "$BIN/kpptpctl" calls)
echo "$calls" | sed 's/^/# /'
ktap_check "... kpptpctl calls shows the user, address and pppN that pppd 2.5 told kpptpd" \
	grep -qE '^[0-9]+ +198\.51\.100\.2:[0-9]+ +alice +203\.0\.113\.10 +ppp[0-9]+ .* up ' <<<"$calls"
v6_told() { ip netns exec "$S" "$BIN/kpptpctl" -j calls | grep -q '"address6":"fe80::'; }
ktap_check "... and the IPv6CP link-local address it told through NF_IPV6_UP" \
	wait_for 20 v6_told
kill -TERM "$CLIENT"
finished "$CLIENT"
ktap_eq "... the client hangs up and exits 0" 0 "$ST"
ktap_check "... no pppd and no kernel session left on either side" clean_both

kpptpd_client "$work/c2.log" wrong-password
finished "$CLIENT"
ktap_eq "server on pppd 2.5.2, wrong password: the client exits 8" 8 "$ST"
ktap_check "... and pppd 2.5's reason reaches kpptpd's log" \
	grep -q 'Peer alice failed CHAP authentication' "$work/server.log"
ktap_check "... kpptp.so on pppd 2.5 reports the failed login with its user name" \
	wait_for 10 grep -q "call [0-9]*/[0-9]*: login failed as 'alice'" "$work/server.log"
clean_both
kill -TERM "$KPPTPD"
wait_for 15 gone "$KPPTPD"
wait "$KPPTPD" 2>/dev/null

# --- 2. the client's pppd is 2.5.2, the server's 2.4.9
kpptpd_setup "$work" 'remote-ip 203.0.113.10-11'
kpptpd_start "$S" "$work" || ktap_bail "kpptpd (server, pppd 2.4.9) did not start"
kpptpd_client "$work/c3.log" s3cret-Pw 198.51.100.1 --pppd "$work/pppd-2.5" \
	--plugin "$work/kpptp-2.5.so"
wait_for 40 has_addr "$C" '203\.0\.113\.10 ' || dump_logs "$work/c3.log"
ktap_check "client on pppd 2.5.2: gets 203.0.113.10 from the 2.4.9 server" \
	eval "has_addr $C '203\.0\.113\.10 ' && grep -q 'Plugin .*/kpptp-2\.5\.so loaded' '$work/c3.log'"
ktap_check "... MPPE 128-bit, and ping through the call" \
	eval "grep -q 'MPPE 128-bit stateless compression enabled' '$work/c3.log' && nsexec $C ping -c 2 -W 2 203.0.113.1"
kill -TERM "$CLIENT"
finished "$CLIENT"
ktap_eq "... the client hangs up and exits 0" 0 "$ST"
ktap_check "... no pppd and no kernel session left on either side" clean_both

kpptpd_client "$work/c4.log" wrong-password 198.51.100.1 --pppd "$work/pppd-2.5" \
	--plugin "$work/kpptp-2.5.so"
finished "$CLIENT"
ktap_eq "client on pppd 2.5.2, wrong password: exit 8 (pppd 2.5's status read right)" 8 "$ST"
clean_both
ktap_finish
