#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kpptp.so for Debian 13's pppd 2.5 from the same source as the
# Debian 12 (pppd 2.4.9) build, inside the cached Debian 13 root
# (tools/kernel/trixie-root.sh), with that root's compiler, glibc and
# ppp-dev, and -Werror as on the host. Installs ppp, ppp-dev and
# freeradius in the root when missing (never on this machine).
#
# usage: tools/pppd/plugin-2.5.sh      prints the path of the plugin:
#   build/lib/pppd-2.5/kpptp.so
# The root's pppd is /usr/sbin/pppd inside "$(tools/kernel/trixie-root.sh)".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
root=$("$repo/tools/kernel/trixie-root.sh")
out=$repo/build/lib/pppd-2.5
mkdir -p "$out"
exec 9>"$root/.kpptp-ppp.lock"
flock 9
# What the guest tests take from the root besides: FreeRADIUS
# (kpptpd-radius.sh). Installing in a chroot starts no service.
"$repo/tools/kernel/root-install.sh" "$root" ppp ppp-dev freeradius
src=$root/tmp/kpptp-plugin
rm -rf "$src"
mkdir -p "$src"
cp "$repo"/userspace/pppd/*.c "$repo"/userspace/pppd/*.h "$repo/userspace/lib/authname.c" \
	"$repo/userspace/lib/dhcp.c" "$src/"
cp -r "$repo/include" "$src/"
mkdir -p "$src/uinc"
cp -r "$repo/userspace/include/kpptp" "$src/uinc/"
# The flags of the Makefile's kpptp.so rule, from its own variables.
flags=$(make -s -C "$repo" --no-print-directory print-plugin-flags)
# shellcheck disable=SC2086
chroot "$root" sh -c "cd /tmp/kpptp-plugin && gcc $flags -Iinclude/uapi -Iuinc -o kpptp.so kpptp-plugin.c kpptp-push.c kpptp-early-ipcp.c kpptp-pmtu.c authname.c dhcp.c" ||
	{ echo "plugin-2.5: kpptp.so does not build against pppd 2.5" >&2; exit 1; }
cp "$src/kpptp.so" "$out/kpptp.so"
rm -rf "$src"
echo "$out/kpptp.so"
