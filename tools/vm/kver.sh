#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The newest installed Debian kernel that has both its headers and a vmlinuz:
# the one the module is built for and the guest boots.
for d in $(ls -1d /lib/modules/*/ 2>/dev/null | sort -rV); do
	v=$(basename "$d")
	if [ -e "/boot/vmlinuz-$v" ] && [ -e "$d/build/Makefile" ]; then
		echo "$v"
		exit 0
	fi
done
echo "kver.sh: no kernel with both /boot/vmlinuz-* and headers: run 'make deps'" >&2
exit 1
