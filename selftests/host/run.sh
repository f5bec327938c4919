#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests (no guest): the kernel code standards as test points
# (W=1, checkpatch --strict, sparse) and the CLIs of our tools, built with
# ASan/UBSan, against bad input. KTAP out; counts in build/results/host.counts.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
results=$repo/build/results
asan=$repo/build/asan
mkdir -p "$results" "$asan"
cd "$repo" || exit 1

n=0 pass=0 fail=0 skip=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

echo "TAP version 13"
kver=$(tools/vm/kver.sh) || { echo "Bail out! no kernel headers"; echo "0 1 0" >"$results/host.counts"; exit 1; }
kdir=/lib/modules/$kver/build

# --- kernel code standards
touch module/*.c
make -s -C "$kdir" M="$repo/module" W=1 modules >"$results/w1.log" 2>&1
st=$?
check "module builds against $kver" test $st -eq 0
check "module builds with W=1 and no warning" bash -c "! grep -q 'warning:' '$results/w1.log'"
tools/style.sh >"$results/checkpatch.log" 2>&1
check "checkpatch --strict: no error, warning or check" \
	bash -c "! grep -qE '(ERROR|WARNING|CHECK):' '$results/checkpatch.log'"
if command -v sparse >/dev/null; then
	touch module/*.c
	make -s -C "$kdir" M="$repo/module" C=1 modules >"$results/sparse.log" 2>&1
	check "sparse (C=1): no warning" bash -c "! grep -qE 'warning:|error:' '$results/sparse.log'"
else
	n=$((n + 1)); skip=$((skip + 1)); echo "ok $n sparse # SKIP sparse not installed"
fi
# Leave the module built normally for the guest tests.
make -s -C "$kdir" M="$repo/module" modules >/dev/null 2>&1

# --- the tools' CLIs, with sanitizers
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
cflags="-O1 -g -std=c11 -Wall -Wextra -Werror -Iinclude/uapi $san"
check "pptp-static builds with ASan/UBSan" \
	cc $cflags -o "$asan/pptp-static" tools/pptp-static/pptp-static.c
check "gre-inject builds with ASan/UBSan" \
	cc $cflags -o "$asan/gre-inject" selftests/gre-inject.c

# expect STATUS "stderr regex" command... : exact exit status and message.
expect() {
	local want=$1 re=$2 desc out st
	shift 2
	desc="$(basename "$1") ${*:2}: exit $want"
	out=$("$@" 2>&1 >/dev/null)
	st=$?
	if [[ $st -eq $want ]] && [[ $out =~ $re ]]; then
		ok "$desc"
	else
		echo "# got status $st, stderr: $out"
		notok "$desc"
	fi
}
ps=$asan/pptp-static
gi=$asan/gre-inject
expect 0 '^$' "$ps" --help
expect 2 'required' "$ps"
expect 2 'is not an IPv4 address' "$ps" --local 1.2.3 --peer 192.0.2.1 --peer-call 1
expect 2 'not a number in 0..65535' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 70000
expect 2 'not a number' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call -1
expect 2 '0 is not a call ID' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 0
expect 2 'not a number in 0..256' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 1 --reorder-window 300
expect 2 'unexpected argument' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 1 extra
expect 2 'unrecognized option' "$ps" --bogus
# On this host there is no PPPoX: the failing call must be named.
expect 1 'socket\(AF_PPPOX' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 1
expect 0 '^$' "$gi" --help
expect 2 'required' "$gi" --src 192.0.2.1
expect 2 'bad number' "$gi" --src 192.0.2.1 --dst 192.0.2.2 --call 1 --flags zz
expect 2 'bad number' "$gi" --src 192.0.2.1 --dst 192.0.2.2 --call 1 --seqs 5-2
expect 2 'ip, lcp-echo or none' "$gi" --src 192.0.2.1 --dst 192.0.2.2 --call 1 --ppp x
expect 2 'not an IPv4' "$gi" --src nowhere --dst 192.0.2.2 --call 1

echo "1..$n"
echo "$pass $fail $skip" >"$results/host.counts"
echo "host: $pass passed, $fail failed, $skip skipped"
((fail == 0))
