#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kpptp.ko for one guest kernel, W=1, from a copy of the sources (so
# builds for several kernels never share objects), and fail on any compiler
# warning. Kernels whose build tools need Debian 13 build in its root.
#
# usage: tools/kernel/build-module.sh NAME [EXTRA_MAKE_ARGS...]
#   NAME as for tools/kernel/fetch.sh (6.1, 6.12, newest, debug)
# Prints the path of the built kpptp.ko:
#   build/modules/KVER/kpptp.ko
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
name=${1:?usage: build-module.sh NAME [MAKE_ARGS...]}
shift
kdir_of() { cat "$1/kdir" 2>/dev/null || echo "$1/build"; }

kern=$("$here/fetch.sh" "$name")
kver=$(cat "$kern/kver")
kdir=$(kdir_of "$kern")
out=$repo/build/modules/$kver
log=$out/build.log
mkdir -p "$out"
# One build per kernel at a time: two would share $out/src.
exec 9>"$out/.lock"
flock 9

# make check builds each kernel's module in its host stage and again before
# that kernel's guest stage: rebuild only when a source or the kernel is
# newer than the last clean build ($out/clean: a build that failed or
# warned is never reused).
if (($# == 0)) && [[ -e $out/clean && -e $out/kpptp.ko ]] &&
	[[ -z $(find "$repo/module" "$repo/include" "$kern/kver" -newer "$out/clean" \
		-not -name '*.o' -not -name '*.ko' -not -name '.*.cmd' -not -name '*.mod*' \
		-not -name Module.symvers -not -name modules.order -print -quit) ]]; then
	echo "$out/kpptp.ko"
	exit 0
fi
rm -f "$out/clean"

copy_src() {	# copy_src DEST: the module's sources and the uapi header
	rm -rf "$1"
	mkdir -p "$1"
	cp -r "$repo/module" "$repo/include" "$1/"
	rm -f "$1"/module/*.o "$1"/module/*.ko "$1"/module/.*.cmd "$1"/module/*.mod* \
		"$1"/module/Module.symvers "$1"/module/modules.order
}

if [[ -e $kern/chroot ]]; then
	root=$(cat "$kern/chroot")
	copy_src "$root/tmp/kpptp-src"
	status=0
	# objtool reads /proc: a private mount namespace, so nothing stays mounted.
	unshare --mount --propagation private -- sh -c \
		'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' sh \
		"$root" "$root" make -C "$kdir" M=/tmp/kpptp-src/module W=1 "$@" modules \
		>"$log" 2>&1 || status=$?
	cp "$root/tmp/kpptp-src/module/kpptp.ko" "$out/" 2>/dev/null || true
	kunit_from=$root/tmp/kpptp-src/module
else
	copy_src "$out/src"
	status=0
	make -C "$kdir" M="$out/src/module" W=1 "$@" modules >"$log" 2>&1 || status=$?
	cp "$out/src/module/kpptp.ko" "$out/" 2>/dev/null || true
	kunit_from=$out/src/module
fi
# The KUnit tests, for a kernel built with KUnit (the debug kernel).
rm -f "$out/kpptp-kunit.ko"
[[ -e $kunit_from/kpptp-kunit.ko ]] && cp "$kunit_from/kpptp-kunit.ko" "$out/"

if ((status)) || grep -q 'warning:' "$log"; then
	grep -E 'error|warning' "$log" >&2 || tail -20 "$log" >&2
	echo "build-module: kpptp.ko for $kver did not build cleanly (W=1): $log" >&2
	exit 1
fi
touch "$out/clean"
echo "$out/kpptp.ko"
