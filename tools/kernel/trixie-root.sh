#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cached Debian 13 (trixie) build root, made with mmdebstrap, for the
# kernels whose build tools (kbuild's fixdep and modpost, gcc-14) need
# Debian 13's libc and compiler. This machine's apt sources are not
# touched: the root has its own, pointing at the same Debian archive this
# machine uses, with trixie-backports for the newest kernels.
#
# usage: tools/kernel/trixie-root.sh     prints the root's path
set -euo pipefail
cache=${KPPTP_CACHE:-/var/cache/kpptp}
root=$cache/trixie-root
pkgs=build-essential,gcc-14,make,libelf-dev,bc,bison,flex,kmod,ca-certificates

# The package lists, fresh within a day (mmdebstrap leaves none). Under
# the root's lock: two callers at once (make check's parallel stages)
# would otherwise both run apt-get update, and one fails on apt's lock.
refresh() {
	exec 9>"$cache/.trixie-root.lock"
	flock 9
	if [[ -z $(find "$root/var/lib/apt/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null) ]]; then
		cp /etc/resolv.conf "$root/etc/resolv.conf"
		chroot "$root" apt-get update -q >&2 ||
			{ echo "trixie-root: apt-get update in $root failed" >&2; exit 1; }
	fi
}

if [[ -e $root/.done ]]; then
	refresh
	echo "$root"
	exit 0
fi
command -v mmdebstrap >/dev/null ||
	{ echo "trixie-root: mmdebstrap missing: run 'make deps'" >&2; exit 1; }
# The Debian archive this machine already uses (its bookworm/main entry).
mirror=$(apt-cache policy | awk '$3 == "bookworm/main" { print $2; exit }')
[[ -n $mirror ]] ||
	{ echo "trixie-root: no Debian archive in this machine's apt sources" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.trixie-root.lock"
flock 9
[[ -e $root/.done ]] && { echo "$root"; exit 0; }
rm -rf "$root"
echo "trixie-root: making a Debian 13 build root in $root (a few minutes)" >&2
mmdebstrap --variant=minbase --include="$pkgs" trixie "$root" \
	"deb $mirror trixie main" "deb $mirror trixie-backports main" >&2
touch "$root/.done"
refresh
echo "$root"
