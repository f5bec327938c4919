#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A clean Debian system for the package test, made with mmdebstrap and
# cached as a directory: what an admin's Debian 12 or 13 router has before
# kpptp (systemd as init, its own Debian kernel and headers, ppp, dkms and
# the compiler DKMS needs), nothing of ours. This machine's apt sources
# and /boot are not touched: the kernel goes into the root only.
#
# usage: tools/pkgtest/mkroot.sh bookworm|trixie    prints its directory
# (copy it: the test changes the copy, never the cache)
set -euo pipefail
release=${1:?usage: mkroot.sh bookworm|trixie}
cache=${KPPTP_CACHE:-/var/cache/kpptp}
dir=$cache/pkgroot-$release
pkgs=systemd,systemd-sysv,udev,dbus,kmod,iproute2,iputils-ping,procps,ppp,dkms
pkgs+=,linux-image-amd64,linux-headers-amd64,initramfs-tools,e2fsprogs

case $release in
bookworm | trixie) ;;
*) echo "mkroot: bookworm or trixie, not '$release'" >&2; exit 2 ;;
esac
if [[ -e $dir/.done ]]; then
	echo "$dir"
	exit 0
fi
command -v mmdebstrap >/dev/null || { echo "mkroot: mmdebstrap missing: run 'make deps'" >&2; exit 1; }
# The Debian archive this machine already uses (its bookworm/main entry).
mirror=$(apt-cache policy | awk '$3 == "bookworm/main" { print $2; exit }')
[[ -n $mirror ]] || { echo "mkroot: no Debian archive in this machine's apt sources" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.pkgroot-$release.lock"
flock 9
[[ -e $dir/.done ]] && { echo "$dir"; exit 0; }
echo "mkroot: making a clean Debian $release system in $dir (a few minutes)" >&2
rm -rf "$dir.tmp"
# The root's login is irrelevant: the test runs as a unit at boot.
mmdebstrap --variant=minbase --include="$pkgs" \
	--customize-hook='echo kpptp-test >"$1/etc/hostname"' \
	--customize-hook='echo "/dev/vda / ext4 rw 0 1" >"$1/etc/fstab"' \
	"$release" "$dir.tmp" "deb $mirror $release main" >&2
touch "$dir.tmp/.done"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir"
