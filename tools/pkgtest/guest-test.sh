#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The package test, inside a clean Debian system booted with systemd as
# init and its own Debian kernel (tools/pkgtest/run.sh). The previous
# build of kpptp and kpptp-dkms was installed before boot (apt install in the
# root); here, as an admin would:
#   configure kpptpd, systemctl start, a client in a namespace dials it
#   (MS-CHAPv2 + MPPE-128) and passes traffic; upgrade to this build with
#   the call up (DKMS builds the new module on this system; the postinst
#   moves the call onto the new kpptpd, restart in place); restart onto
#   the new module; systemctl stop clears the calls; purge leaves nothing.
# TAP on the serial console between KPPTP-PKGTEST BEGIN/END, then poweroff.
set -u
# shellcheck source=/dev/null
source /root/pkgtest.env	# PREV, NEW: the two versions
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
# The console is the TAP stream: a check's own output stays off it.
check() { local d=$1; shift; if "$@" >/dev/null; then ok "$d"; else notok "$d"; fi; }
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do ((SECONDS < end)) || return 1; sleep 0.2; done
}
kver=$(uname -r)
echo "KPPTP-PKGTEST BEGIN"
echo "# $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $kver, kpptp $PREV -> $NEW"

check "systemd is PID 1" test "$(cat /proc/1/comm)" = systemd
dkms status kpptp | sed 's/^/# dkms: /'
check "DKMS built kpptp $PREV for $kver when the package was installed" \
	bash -c "dkms status kpptp | grep '^kpptp/$PREV, $kver, [^:]*: installed' >/dev/null &&
		modinfo -n kpptp | grep -q /updates/dkms/ && [[ \$(modinfo -F version kpptp) == '$PREV' ]]"

# The admin's part: addresses, a user, a client network.
sed -i 's/^#listen .*/listen 198.51.100.1/; s/^#local-ip/local-ip/; s/^#remote-ip/remote-ip/' \
	/etc/kpptp/kpptpd.conf
echo 'alice kpptpd s3cret-Pw *' >/etc/ppp/chap-secrets
ip netns add cl
ip link add veth0 type veth peer name veth1 netns cl
ip addr add 198.51.100.1/24 dev veth0
ip link set veth0 up
ip -n cl addr add 198.51.100.2/24 dev veth1
ip -n cl link set veth1 up
ip -n cl link set lo up
check "kpptpd --check-config accepts the configured default file" kpptpd --check-config
systemctl start kpptpd
check "systemctl start kpptpd: active, listening on 1723" \
	wait_for 20 bash -c "systemctl is-active -q kpptpd && ss -ltn | grep -q '198.51.100.1:1723'"
check "... with the module loaded by its netlink family: data path kpptp.ko" \
	wait_for 5 bash -c "journalctl -u kpptpd | grep -q 'data path kpptp.ko'"

# dial: kpptpd --client in the namespace, the package's default plugin.
dial() {
	ip netns exec cl kpptpd --client 198.51.100.1 -- name alice password s3cret-Pw \
		remotename kpptpd require-mppe-128 refuse-pap refuse-chap refuse-mschap noauth \
		nodefaultroute lcp-echo-interval 0 >"/root/client-$1.log" 2>&1 &
	CLIENT=$!
}
up() { ip -n cl -4 addr show | grep -q 'inet 203\.0\.113\.'; }
dial 1
wait_for 60 up || sed 's/^/# client: /' /root/client-1.log
check "a client dials it: MS-CHAPv2, MPPE-128, an address from the pool" up
check "... and passes traffic (ping through the call)" ip netns exec cl ping -c 3 -W 2 203.0.113.1
check "kpptpctl calls shows alice's call" bash -c "kpptpctl calls | grep -q ' alice '"

# Upgrade with the call up.
old_pid=$(systemctl show -p MainPID --value kpptpd)
dpkg -i /root/new/kpptp_*.deb /root/new/kpptp-dkms_*.deb >/root/upgrade.log 2>&1
st=$?
tail -5 /root/upgrade.log | sed 's/^/# dpkg: /'
check "upgrade $PREV -> $NEW with dpkg -i: exit 0" test $st -eq 0
check "... DKMS built kpptp $NEW for $kver on this system" \
	bash -c "dkms status kpptp | grep '^kpptp/$NEW, $kver, [^:]*: installed' >/dev/null &&
		[[ \$(modinfo -F version kpptp) == '$NEW' ]]"
check "... the call stayed up on the same main PID, the client still passes traffic" \
	bash -c "[[ \$(systemctl show -p MainPID --value kpptpd) == '$old_pid' ]] && kill -0 $CLIENT &&
		ip netns exec cl ping -c 2 -W 2 203.0.113.1 >/dev/null"
journalctl -u kpptpd | grep -E 'restart' | tail -3 | sed 's/^/# journal: /'
check "... moved onto kpptpd $NEW by the postinst (restart in place)" \
	bash -c "journalctl -u kpptpd | grep -q 'restarted in place: kpptpd $NEW took over from $PREV: 1 connections, 1 calls' &&
		[[ \$(readlink /proc/$old_pid/exe) == /usr/sbin/kpptpd ]] &&
		kpptpctl calls | grep -q ' alice '"
n_restarts=$(journalctl -u kpptpd | grep -c 'restarted in place')
systemctl reload kpptpd
check "systemctl reload: a restart in place too (the unit's ExecReload), the call still up" \
	bash -c "[[ \$(journalctl -u kpptpd | grep -c 'restarted in place') -gt $n_restarts ]] &&
		[[ \$(systemctl show -p MainPID --value kpptpd) == '$old_pid' ]] && kill -0 $CLIENT &&
		ip netns exec cl ping -c 2 -W 2 203.0.113.1 >/dev/null"
check "... the loaded module is still $PREV (sessions hold it until a restart)" \
	test "$(cat /sys/module/kpptp/version)" = "$PREV"

# Onto the new version: the calls end, the module is replaced, a redial works.
systemctl stop kpptpd
wait "$CLIENT"
st=$?
check "systemctl stop: the client is told (kpptpd --client exit 11, the server ended it)" \
	test $st -eq 11
check "... no kernel session and no pppd left" \
	wait_for 15 bash -c "! pidof pppd && [[ \$(awk '\$1 == \"sessions\" { print \$2 }' /proc/net/kpptp_stats) == 0 ]]"
rmmod kpptp
systemctl start kpptpd
wait_for 20 bash -c "ss -ltn | grep -q '198.51.100.1:1723'"
dial 2
wait_for 60 up || sed 's/^/# client: /' /root/client-2.log
check "after the restart: kpptpd $NEW and module $NEW carry a new call" \
	bash -c "up() { ip -n cl -4 addr show | grep -q 'inet 203\.0\.113\.'; }; up &&
		[[ \$(kpptpd --version) == 'kpptpd $NEW' && \$(cat /sys/module/kpptp/version) == '$NEW' ]] &&
		ip netns exec cl ping -c 2 -W 2 203.0.113.1 >/dev/null"
systemctl stop kpptpd
wait "$CLIENT"
rmmod kpptp 2>/dev/null

# Purge: nothing of kpptp stays.
dpkg --purge kpptp kpptp-dkms >/root/purge.log 2>&1
st=$?
tail -3 /root/purge.log | sed 's/^/# dpkg: /'
check "dpkg --purge kpptp kpptp-dkms: exit 0" test $st -eq 0
left=$(ls -d /usr/sbin/kpptpd /usr/sbin/kpptpctl /etc/kpptp /etc/modprobe.d/kpptp.conf \
	/lib/systemd/system/kpptpd.service /usr/lib/systemd/system/kpptpd.service \
	/usr/src/kpptp-* /var/lib/dkms/kpptp /usr/lib/pppd/*/kpptp.so \
	/lib/modules/*/updates/dkms/kpptp.ko* 2>/dev/null)
[[ -z $left ]] || sed 's/^/# left: /' <<<"$left"
check "... nothing left: programs, plugin, unit, configuration, module, DKMS tree" test -z "$left"

echo "1..$n"
echo "KPPTP-PKGTEST END $((n - fails)) $fails"
systemctl --no-block poweroff
