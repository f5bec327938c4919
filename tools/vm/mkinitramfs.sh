#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs: busybox, the real tools the tests need
# (bash, iproute2, iperf3, tcpdump, pppd, pptpd, pptp-linux) with their
# shared libraries, and the kernel modules we load with everything they
# depend on (modprobe --show-depends). The project itself is not in it:
# the guest mounts the repository over 9p, so a rebuilt kpptp.ko needs no
# new initramfs.
#
# usage: mkinitramfs.sh KVER MODULES_DIR OUTPUT.cpio.gz
#   MODULES_DIR: the kernel's lib/modules/KVER (a fetched kernel's "modules")
set -euo pipefail

kver=${1:?usage: mkinitramfs.sh KVER MODULES_DIR OUTPUT}
moddir=$(cd "${2:?usage: mkinitramfs.sh KVER MODULES_DIR OUTPUT}" && pwd)
out=${3:?usage: mkinitramfs.sh KVER MODULES_DIR OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)

# Modules loaded in the guest (by init or by tests), dependencies follow.
modules=(
	virtio_pci virtio_net 9pnet_virtio 9p
	ppp_generic pppox gre pptp ppp_async ppp_synctty ppp_mppe
	veth sch_netem dummy ip_gre
)
# Wanted when the kernel has them (the debug kernel's config does not):
# tests that need them skip those points without.
optional_modules=(sch_prio cls_u32 act_gact
	nf_tables nft_ct nft_objref nft_masq nft_chain_nat nf_conntrack_pptp nf_nat_pptp
	nft_reject_inet nft_reject_ipv4 nft_quota)

# Programs copied with their libraries, at their path on this machine.
programs=(
	/usr/bin/bash /usr/sbin/ip /usr/sbin/tc /usr/bin/iperf3
	/usr/bin/tcpdump /usr/sbin/pppd /usr/sbin/pptpd /usr/sbin/pptpctrl
	/usr/sbin/pptp /usr/sbin/ethtool /usr/bin/kmod /usr/bin/timeout
	/usr/bin/setsid /usr/bin/flock /usr/bin/setpriv /usr/bin/perf
	/usr/sbin/nft /usr/bin/jq
)
extra_files=(
	/usr/lib/pptpd/pptpd-logwtmp.so
	/etc/ppp/pptpd-options
)

for p in "${programs[@]}"; do
	[[ -x $p ]] || { echo "mkinitramfs: $p missing: run 'make deps'" >&2; exit 1; }
done
[[ -x /bin/busybox ]] || { echo "mkinitramfs: busybox missing: run 'make deps'" >&2; exit 1; }

root=$(mktemp -d)
base=$(mktemp -d)
trap 'rm -rf "$root" "$base"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/ppp,proc,sys,dev,tmp,run,var/run,var/log,root}
# mktemp made the root 0700: unprivileged test users must reach /usr/lib.
chmod 755 "$root"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
done

copy() {	# copy a file to the same path in the image, with parent dirs
	local f=$1
	mkdir -p "$root$(dirname "$f")"
	cp -L "$f" "$root$f"
}

declare -A libs=()
add_libs() {
	local lib
	while read -r lib; do
		[[ -n $lib ]] && libs[$lib]=1
	done < <(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true)
}

for p in "${programs[@]}"; do
	copy "$p"
	add_libs "$p"
done
for f in "${extra_files[@]}"; do
	[[ -e $f ]] && copy "$f" && add_libs "$f"
done
# pppd plugins (pppol2tp and friends) and libraries our tools link.
if [[ -d /usr/lib/pppd ]]; then
	while read -r f; do copy "$f"; add_libs "$f"; done < <(find /usr/lib/pppd -name '*.so')
fi
for lib in /usr/lib/x86_64-linux-gnu/libmnl.so.0 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 \
	/usr/lib/x86_64-linux-gnu/libnettle.so.8; do
	[[ -e $lib ]] && libs[$lib]=1
done
for lib in "${!libs[@]}"; do
	copy "$lib"
done
ln -sf ../usr/bin/kmod "$root/sbin/modprobe"
ln -sf ../usr/bin/kmod "$root/sbin/insmod"
ln -sf ../usr/bin/kmod "$root/sbin/rmmod"
ln -sf ../usr/bin/kmod "$root/sbin/lsmod"
ln -sf ../usr/bin/kmod "$root/sbin/modinfo"
ln -sf /usr/bin/bash "$root/bin/bash"
# pptp-linux calls /bin/ip; the full iproute2, not busybox's.
ln -sf /usr/sbin/ip "$root/bin/ip"
ln -sf /usr/sbin/ip "$root/sbin/ip"
rm -f "$root/bin/timeout" "$root/bin/setsid" "$root/bin/flock" "$root/bin/setpriv"

# Kernel modules and the index files modprobe needs. The fetched kernel's
# modules are indexed in a scratch tree (Debian's packages ship no
# modules.dep), then what the guest loads is copied with its dependencies.
mdir=/lib/modules/$kver
mkdir -p "$base/lib/modules" "$root$mdir"
cp -rs "$moddir" "$base$mdir"
depmod -b "$base" "$kver"
cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$root$mdir/" 2>/dev/null || true
for m in "${modules[@]}" "${optional_modules[@]}"; do
	if [[ " ${optional_modules[*]} " == *" $m "* ]] &&
	   ! modprobe -d "$base" --show-depends -S "$kver" "$m" >/dev/null 2>&1; then
		continue
	fi
	modprobe -d "$base" --show-depends -S "$kver" "$m" | while read -r kind path _; do
		[[ $kind == insmod ]] || continue
		mkdir -p "$root$(dirname "${path#"$base"}")"
		cp -L "$path" "$root${path#"$base"}"
	done
done
depmod -b "$root" "$kver"

# tcpdump drops privileges to its own user; unprivileged tests run as nobody.
printf '%s\n' root:x:0:0:root:/root:/bin/bash tcpdump:x:101:101::/:/bin/false \
	nobody:x:65534:65534:nobody:/:/bin/false >"$root/etc/passwd"
printf '%s\n' root:x:0: tcpdump:x:101: nogroup:x:65534: >"$root/etc/group"
printf 'hosts: files\nprotocols: files\nservices: files\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
[[ -e /etc/protocols ]] && cp /etc/protocols "$root/etc/"
[[ -e /etc/services ]] && cp /etc/services "$root/etc/"
: >"$root/etc/ppp/options"

install -m 0755 "$here/init" "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
