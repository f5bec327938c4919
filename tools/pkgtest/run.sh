#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-packages: prove the packages on clean Debian systems. For
# each release: build this tree's packages and a previous build of them
# (tools/deb/build.sh), copy a clean system (tools/pkgtest/mkroot.sh),
# install the previous build into it with apt (DKMS builds the module
# for the system's own kernel), put the test (guest-test.sh) in as a unit,
# make a disk image of it and boot it in qemu with systemd as init. The
# test's TAP comes back on the serial console.
#
# usage: tools/pkgtest/run.sh [bookworm] [trixie]     (default: both)
# Ends with one line "packages: N passed, N failed, N skipped".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
releases=("$@")
((${#releases[@]})) || releases=(bookworm trixie)
ver=$(sed -n 's/^#define KPPTP_VERSION "\(.*\)"/\1/p' "$repo/include/kpptp-version.h")
prev=0.1.99
results=$repo/build/results
mkdir -p "$results"
pass=0 fail=0 skip=0

notok() { echo "not ok - packages-$1: $2"; fail=$((fail + 1)); }

one() {
	local rel=$1 work=$repo/build/pkgtest/$1 root clean log kernel initrd size kver
	local host_ok=()
	root=$work/root
	log=$results/packages-$rel.log
	clean=$("$repo/tools/pkgtest/mkroot.sh" "$rel" 2>"$work.mkroot.log") || {
		sed 's/^/# /' "$work.mkroot.log" | tail -10
		notok "$rel" "no clean $rel system (mkroot.sh)"
		return
	}
	for v in "" "$prev"; do
		KPPTP_DEB_VERSION=$v "$repo/tools/deb/build.sh" "$rel" >"$work.deb.log" 2>&1 || {
			sed 's/^/# /' "$work.deb.log" | tail -10
			notok "$rel" "the packages ${v:-$ver} do not build"
			return
		}
	done
	rm -rf "$work"
	mkdir -p "$work"
	cp -a "$clean" "$root" || { notok "$rel" "cannot copy $clean"; return; }
	rm -f "$root/.done"
	mkdir -p "$root/root/prev" "$root/root/new"
	cp "$repo/build/deb/$rel-$prev"/kpptp{,-dkms}_"$prev"_*.deb "$root/root/prev/"
	cp "$repo/build/deb/$rel"/kpptp{,-dkms}_"$ver"_*.deb "$root/root/new/"
	printf 'PREV=%s\nNEW=%s\n' "$prev" "$ver" >"$root/root/pkgtest.env"
	# The first install, as on the admin's machine: apt install ./*.deb
	# (the dependencies come from the archive), DKMS builds the module.
	for d in proc sys dev; do mount --bind "/$d" "$root/$d"; done
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	chroot "$root" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends /root/prev/kpptp_*.deb \
		/root/prev/kpptp-dkms_*.deb' >"$work/install.log" 2>&1
	local st=$?
	# The system's own kernel; then a new kernel's headers arrive (DKMS must
	# build for it too), and a kernel without headers (DKMS must say so).
	kver=$(cd "$root/lib/modules" && ls | sort -V | tail -1)
	local rt=${kver%-amd64}-rt-amd64 cloud=${kver%-amd64}-cloud-amd64
	if ((st == 0)); then
		chroot "$root" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends linux-headers-$rt" >"$work/headers.log" 2>&1
		chroot "$root" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends linux-image-$cloud" >"$work/noheaders.log" 2>&1
		chroot "$root" sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/*'
	fi
	for d in dev sys proc; do umount -l "$root/$d"; done
	if ((st)); then
		sed 's/^/# /' "$work/install.log" | tail -15
		notok "$rel" "apt install of $prev into the clean system failed"
		return
	fi
	# Points of the install stage, numbered after the booted test's.
	if [[ -e $root/lib/modules/$rt/updates/dkms/kpptp.ko || -e $root/lib/modules/$rt/updates/dkms/kpptp.ko.xz ]]; then
		host_ok+=("ok - $rel: a new kernel's headers installed later: DKMS built kpptp for $rt too")
	else
		sed 's/^/# /' "$work/headers.log" | tail -10
		host_ok+=("not ok - $rel: a new kernel's headers installed later: DKMS built kpptp for $rt too")
	fi
	if grep -qiE "headers.*(not|missing)|skipped since the kernel headers" "$work/noheaders.log"; then
		grep -iE "headers" "$work/noheaders.log" | head -2 | sed 's/^/# dkms: /'
		host_ok+=("ok - $rel: a kernel without headers ($cloud): DKMS says it skipped it")
	else
		sed 's/^/# /' "$work/noheaders.log" | tail -10
		host_ok+=("not ok - $rel: a kernel without headers ($cloud): DKMS says it skipped it")
	fi
	install -m 0755 "$repo/tools/pkgtest/guest-test.sh" "$root/usr/local/sbin/kpptp-pkgtest"
	cat >"$root/etc/systemd/system/kpptp-pkgtest.service" <<-'EOF'
	[Unit]
	Description=kpptp package test
	After=multi-user.target
	[Service]
	Type=oneshot
	ExecStart=/usr/local/sbin/kpptp-pkgtest
	StandardOutput=tty
	StandardError=tty
	TTYPath=/dev/ttyS0
	[Install]
	WantedBy=multi-user.target
	EOF
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
	ln -sf ../kpptp-pkgtest.service "$root/etc/systemd/system/multi-user.target.wants/"
	# No login prompt on the console the test writes to.
	ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
	kernel=$root/boot/vmlinuz-$kver
	initrd=$root/boot/initrd.img-$kver
	cp "$kernel" "$initrd" "$work/"
	size=$(($(du -sm "$root" | cut -f1) + 1024))
	mkfs.ext4 -q -F -L kpptp-test -d "$root" "$work/disk.img" "${size}M" ||
		{ notok "$rel" "mkfs.ext4 -d failed"; return; }
	rm -rf "$root"
	echo "# packages-$rel: booting $(basename "$kernel") with systemd (TCG; several minutes)"
	timeout 1500 qemu-system-x86_64 -m 2048 -smp 2 -nographic -no-reboot -nic none \
		-kernel "$work/$(basename "$kernel")" -initrd "$work/$(basename "$initrd")" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 systemd.show_status=0" \
		-drive file="$work/disk.img",format=raw,if=virtio >"$log" 2>&1
	rm -f "$work/disk.img"
	# The test's lines on the console (kernel messages interleave).
	local tap
	tap=$(tr -d '\r' <"$log" | sed -n '/KPPTP-PKGTEST BEGIN/,/KPPTP-PKGTEST END/p' |
		grep -E '^(ok|not ok|#|1\.\.)')
	sed "s/^\(not \)\?ok \([0-9]*\)/\1ok \2 $rel:/" <<<"$tap"
	if ! grep -q 'KPPTP-PKGTEST END' "$log"; then
		tail -20 "$log" | tr -d '\r' | sed 's/^/# console: /'
		notok "$rel" "the test did not finish in the booted system (console: $log)"
	fi
	for l in "${host_ok[@]}"; do
		echo "$l"
		if [[ $l == ok* ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
	pass=$((pass + $(grep -c '^ok ' <<<"$tap")))
	fail=$((fail + $(grep -c '^not ok ' <<<"$tap")))
}

for rel in "${releases[@]}"; do
	mkdir -p "$repo/build/pkgtest"
	one "$rel"
done
echo "$pass $fail $skip" >"$results/packages.counts"
echo "packages: $pass passed, $fail failed, $skip skipped"
((fail == 0))
