#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install (idempotently) everything the build, the tests and the demo need,
# from Debian's archive. Safe to run again: it installs only what is missing.
set -euo pipefail

pkgs=(
	# guest kernels are fetched, not installed (tools/kernel/fetch.sh);
	# the debug kernel is built from this source, Debian 13's in a root
	linux-source-6.1 mmdebstrap bc flex bison libelf-dev libssl-dev
	# 6.12 modules carry BTF: kbuild runs pahole on them
	pahole
	# the guest and what goes into its initramfs
	qemu-system-x86 busybox-static kmod cpio iproute2 iperf3 tcpdump
	ppp ppp-dev pptpd pptp-linux ethtool
	# what checks that kpptpctl's JSON output is JSON, in the guest
	jq
	# the NAT router of kpptpd-nat.sh (masquerade, the PPTP helper)
	nftables
	# build and checks (tshark: an independent PPTP dissector for kpptpd's messages)
	build-essential sparse python3-yaml libmnl-dev pkg-config tshark
	# the Windows-like test client's MS-CHAPv2 and MPPE keys
	nettle-dev
	# kpptpd enforces "access local" with nftables through its library
	libnftables-dev
	clang libclang-rt-14-dev
	# the kpptpctl completion's test loads bash-completion's helpers
	bash-completion
	# make deb: the packages, and lintian on them
	debhelper dh-dkms dkms dpkg-dev fakeroot lintian
	# the documentation's own check (reST)
	python3-docutils
	# profiles in the guest (make bench --profile)
	linux-perf
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
if ((${#missing[@]} == 0)); then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=
((EUID == 0)) || sudo=sudo
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
