#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug guest kernel (tools/kernel/debug.config) from Debian's
# linux-source-6.1, once: the result is cached under a key of the source
# version, the fragment and this script, outside the work tree so that a
# fresh clone on the same machine reuses it.
#
# usage: tools/kernel/build-debug.sh     prints the kernel's directory:
#   DIR/vmlinuz          the image qemu boots
#   DIR/root/lib/modules/KVER   its modules (what the initramfs takes)
#   DIR/build            the configured tree to build kpptp.ko against (KDIR)
#   DIR/kver             the release string
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KPPTP_CACHE:-/var/cache/kpptp}
src=/usr/src/linux-source-6.1.tar.xz
[[ -e $src ]] || { echo "build-debug: $src missing: run 'make deps'" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$srcver"; cat "$here/debug.config" "$0"; gcc --version | head -1; } |
	sha256sum | cut -c1-12)
dir=$cache/kernels/debug-$key
if [[ -e $dir/done ]]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache/kernels"
exec 9>"$cache/kernels/.debug.lock"
flock 9
[[ -e $dir/done ]] && { echo "$dir"; exit 0; }
rm -rf "$dir" "$cache"/kernels/debug-*
mkdir -p "$dir"
start=$(date +%s)
echo "build-debug: building the debug kernel ($srcver) in $dir, about 15-25 minutes on 2 cores" >&2
tar -C "$dir" -xf "$src"
mv "$dir/linux-source-6.1" "$dir/build"
cd "$dir/build"
make -s allnoconfig KCONFIG_ALLCONFIG="$here/debug.config" >&2
# Every line of the fragment must have survived (a dependency not met
# drops an option silently).
missing=0
while IFS= read -r line; do
	[[ $line =~ ^CONFIG_ ]] || continue
	if ! grep -qxF "$line" .config; then
		echo "build-debug: $line did not make it into .config" >&2
		missing=1
	fi
done <"$here/debug.config"
((missing == 0)) || exit 1
jobs=$(nproc)
make -s -j"$jobs" bzImage modules >&2
make -s modules_install INSTALL_MOD_PATH="$dir/root" INSTALL_MOD_STRIP=1 >&2
cp arch/x86/boot/bzImage "$dir/vmlinuz"
make -s kernelrelease >"$dir/kver"
ln -sfn "root/lib/modules/$(cat "$dir/kver")" "$dir/modules"
echo "$dir/build" >"$dir/kdir"
# Only what an external module build needs stays: objects go.
find . -name '*.o' -delete
touch "$dir/done"
echo "build-debug: done in $(($(date +%s) - start)) s" >&2
echo "$dir"
