#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel the module is built for and the guest boots: the running one
# if it has both its headers and a vmlinuz (a router building for itself),
# else the newest installed kernel that has both (a build machine whose own
# kernel is not a Debian one).
has() { [ -e "/boot/vmlinuz-$1" ] && [ -e "/lib/modules/$1/build/Makefile" ]; }
if has "$(uname -r)"; then
	uname -r
	exit 0
fi
for d in $(ls -1d /lib/modules/*/ 2>/dev/null | sort -rV); do
	v=$(basename "$d")
	if has "$v"; then
		echo "$v"
		exit 0
	fi
done
echo "kver.sh: no kernel with both /boot/vmlinuz-* and headers: run 'make deps'" >&2
exit 1
