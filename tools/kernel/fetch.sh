#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bring a guest kernel and its headers into the cache, never into this
# machine's /boot: the packages are downloaded and unpacked (dpkg-deb -x),
# not installed.
#
# usage: tools/kernel/fetch.sh NAME      prints the kernel's directory
#
# NAME is one of
#   6.1      Debian 12's kernel (what linux-headers-amd64 points at)
#   6.12     Debian's 6.12 for Debian 12 (the same series as Debian 13's)
#   newest   the newest kernel in Debian 13's trixie-backports
#   debug    the debug build of 6.1 (tools/kernel/build-debug.sh)
#
# The directory holds: vmlinuz, kver (the release), kdir (the tree to build
# modules against), modules (the image's lib/modules/KVER, for the initramfs)
# and, for kernels whose build tools need Debian 13's libc and compiler,
# chroot (the Debian 13 build root, tools/kernel/trixie-root.sh) with the
# headers installed inside it at kdir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KPPTP_CACHE:-/var/cache/kpptp}
name=${1:?usage: fetch.sh 6.1|6.12|newest|debug}

die() { echo "fetch: $*" >&2; exit 1; }
# The Depends: line of a package's newest version (awk reads it all: no SIGPIPE).
depends() { apt-cache show "$1" 2>/dev/null | awk '/^Depends:/ && !n++'; }

case $name in
debug)
	exec "$here/build-debug.sh"
	;;
6.1)
	kver=$(depends linux-headers-amd64 | grep -oE 'linux-headers-[^ ,]+' || true)
	kver=${kver#linux-headers-}
	where=host
	;;
6.12)
	kver=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
	       awk '{print $1}' | sort -V | tail -1)
	kver=${kver#linux-headers-}
	where=host
	;;
newest)
	root=$("$here/trixie-root.sh")
	kver=$(chroot "$root" apt-cache search --names-only '^linux-headers-[0-9].*-amd64$' |
	       awk '{print $1}' | grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -1)
	kver=${kver#linux-headers-}
	where=trixie
	;;
*)
	die "unknown kernel '$name': 6.1, 6.12, newest or debug"
	;;
esac
[[ -n $kver ]] || die "no $name kernel found in apt's lists: run 'apt-get update' (make deps does)"

dir=$cache/kernels/$kver
if [[ -e $dir/done ]]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache/kernels"
exec 9>"$cache/kernels/.$kver.lock"
flock 9
[[ -e $dir/done ]] && { echo "$dir"; exit 0; }
rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root"
echo "fetch: downloading $kver" >&2

if [[ $where == host ]]; then
	# The headers' package depends on the image: download, do not install.
	common=$(depends "linux-headers-$kver" | grep -oE 'linux-headers-[^ ,]+-common|linux-kbuild-[^ ,]+' | sort -u)
	(cd "$dir/debs" && apt-get download -q "linux-image-$kver" \
		"linux-headers-$kver" $common) >&2 ||
		die "apt-get download of linux-image-$kver failed"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	kdir=$dir/root/usr/src/linux-headers-$kver
	# Debian's arch Makefile includes the common one by absolute path.
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$kdir/Makefile"
else
	"$here/root-install.sh" "$root" "linux-headers-$kver" ||
		die "installing linux-headers-$kver in the Debian 13 root failed"
	rm -rf "$root/tmp/kpptp-debs"
	mkdir -p "$root/tmp/kpptp-debs"
	# Newer images are split: the image package depends on the kernel
	# (linux-binary-*), its modules (linux-modules-*) and their index
	# (linux-base-*: modules.builtin, modules.order).
	parts=$(chroot "$root" apt-cache show "linux-image-$kver" |
		awk '/^Depends:/ && !n++' | grep -oE 'linux-(base|binary|modules)-[^ ,]+' |
		grep -Fx -e "linux-base-$kver" -e "linux-binary-$kver" -e "linux-modules-$kver" | sort -u | tr "\n" " " || true)
	chroot "$root" sh -c "cd /tmp/kpptp-debs && apt-get download -q linux-image-$kver $parts" >&2 ||
		die "apt-get download of linux-image-$kver failed"
	for deb in "$root"/tmp/kpptp-debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	rm -rf "$root/tmp/kpptp-debs"
	kdir=/usr/src/linux-headers-$kver
	echo "$root" >"$dir/chroot"
fi
# Where the image keeps the kernel and the modules (merged /usr or not).
for m in lib/modules usr/lib/modules; do
	[[ -d $dir/root/$m/$kver/kernel ]] && ln -sfn "root/$m/$kver" "$dir/modules"
done
for v in "boot/vmlinuz-$kver" "usr/lib/modules/$kver/vmlinuz" "lib/modules/$kver/vmlinuz"; do
	[[ -e $dir/root/$v ]] && ln -sf "root/$v" "$dir/vmlinuz"
done
[[ -e $dir/vmlinuz ]] || die "linux-image-$kver has no vmlinuz"
[[ -e $dir/modules ]] || die "linux-image-$kver has no modules"
echo "$kver" >"$dir/kver"
echo "$kdir" >"$dir/kdir"
rm -rf "$dir/debs"
touch "$dir/done"
echo "$dir"
