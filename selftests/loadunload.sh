#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload, with and without sessions; unloading is refused while a
# session is open; the in-tree pptp module and kpptp exclude each other
# with a message that says how to fix it.
source "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 14
load_ppp_modules
loaded() { grep -q '^kpptp ' /proc/modules; }
unload() { rmmod kpptp 2>/dev/null; ! loaded; }

# The one version number (include/kpptp-version.h) is the module's too.
ver=$(sed -n 's/^#define KPPTP_VERSION "\(.*\)"/\1/p' "$REPO/include/kpptp-version.h")
ktap_eq "modinfo: the module's version is include/kpptp-version.h's" "$ver" \
	"$(modinfo -F version "$KPPTP_KO")"

ok=0
for i in $(seq 20); do
	insmod "$KPPTP_KO" && rmmod kpptp && ok=$((ok + 1))
done
ktap_eq "20 loads and unloads with no session" 20 "$ok"

new_ns A
new_ns B
link_ns "$A" 198.51.100.1 "$B" 198.51.100.2
ok=0
for i in $(seq 20); do
	insmod "$KPPTP_KO" || break
	start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 || break
	pa=$TUN_PID
	start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 || break
	pb=$TUN_PID
	ip netns exec "$A" ping -c 1 -W 2 203.0.113.2 >/dev/null || break
	kill "$pa" "$pb"
	wait "$pa" "$pb" 2>/dev/null
	# Sessions are torn down one RCU grace period after close.
	wait_for 10 unload || break
	ok=$((ok + 1))
done
ktap_eq "20 loads, tunnels with traffic, unloads" 20 "$ok"

insmod "$KPPTP_KO"
start_tunnel "$A" 198.51.100.1 198.51.100.2 100 200 203.0.113.1 203.0.113.2 || ktap_bail "tunnel A"
pa=$TUN_PID
start_tunnel "$B" 198.51.100.2 198.51.100.1 200 100 203.0.113.2 203.0.113.1 || ktap_bail "tunnel B"
pb=$TUN_PID
ktap_check "rmmod is refused while sessions are open" bash -c "! rmmod kpptp 2>/dev/null"
ktap_check "... the module stays and the tunnel still works" \
	nsexec "$A" ping -c 1 -W 2 203.0.113.2
kill "$pa" "$pb"
wait "$pa" "$pb" 2>/dev/null
ktap_check "... and unloads once they are closed" wait_for 10 unload

# The in-tree module holds both slots: kpptp must refuse to load and say why.
modprobe pptp || ktap_bail "modprobe pptp"
dmesg -C
ktap_check "kpptp refuses to load beside the in-tree pptp" bash -c "! insmod $KPPTP_KO 2>/dev/null"
ktap_check "... and the log says to rmmod and blacklist pptp" \
	bash -c "dmesg | grep -q \"run 'rmmod pptp'.*blacklist pptp\""
rmmod pptp
ktap_check "after 'rmmod pptp' kpptp loads" insmod "$KPPTP_KO"

# Parameters out of range are refused, at load time and through sysfs.
rmmod kpptp
dmesg -C
ktap_check "insmod reorder_window=257 is refused" \
	bash -c "! insmod $KPPTP_KO reorder_window=257 2>/dev/null"
ktap_check "... and the log gives the range" \
	bash -c "dmesg | grep -q 'reorder_window must be 0..256, not 257'"
insmod "$KPPTP_KO" ack_delay_ms=5 || ktap_bail "insmod ack_delay_ms=5"
par=/sys/module/kpptp/parameters
ktap_eq "a parameter in range is taken" 5 "$(cat $par/ack_delay_ms)"
ktap_check "writing ack_delay_ms=0 is refused" bash -c "! echo 0 >$par/ack_delay_ms"
ktap_eq "... and the old value stays" 5 "$(cat $par/ack_delay_ms)"
ktap_finish
