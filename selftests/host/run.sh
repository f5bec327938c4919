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

# --- the netlink library and kpptpctl, with sanitizers
lib="userspace/lib/nl.c userspace/lib/parse.c"
ucflags="$cflags -Iuserspace/include"
check "kpptpctl builds with ASan/UBSan" \
	cc $ucflags -o "$asan/kpptpctl" tools/kpptpctl/*.c $lib -lmnl
check "nl-raw builds with ASan/UBSan" \
	cc $ucflags -o "$asan/nl-raw" selftests/nl-raw.c $lib -lmnl
check "the decoder's unit tests build with ASan/UBSan" \
	cc $ucflags -o "$asan/parse-test" selftests/host/parse-test.c $lib -lmnl
"$asan/parse-test" >"$results/parse-test.log" 2>&1
st=$?
sed 's/^/# /' "$results/parse-test.log"
check "decoder unit tests: all pass" test $st -eq 0
kc=$asan/kpptpctl
expect 0 '^$' "$kc" --help
expect 2 'usage:' "$kc"
expect 2 "unknown option '--bogus'" "$kc" --bogus
expect 2 'session needs list, show, add, del or set' "$kc" session
expect 2 'local needs an IPv4 address' "$kc" session add local x peer 192.0.2.1 peer-call 1
expect 2 'peer-call needs a call ID 0..65535' "$kc" session add local 192.0.2.1 peer 192.0.2.2 peer-call 65536
expect 2 'needs local ADDR, peer ADDR and peer-call N' "$kc" session add local 192.0.2.1
expect 2 'reorder-window needs a number 0..256' "$kc" session set 1 reorder-window 257
expect 2 'session set needs at least one tunable' "$kc" session set 1
expect 2 "takes no argument, not 'x'" "$kc" session list x
expect 2 "unknown command 'sessions'" "$kc" sessions
expect 2 '-b takes no command' "$kc" -b /dev/null session list
expect 2 'No such file' "$kc" -b /nonexistent
# This host has generic netlink but no kpptp family: exit 3, said plainly.
expect 3 'the kpptp module is not loaded' "$kc" session list
expect 3 'the kpptp module is not loaded' "$kc" -j stats
check "kpptpctl -j: a failed read still prints a whole JSON array" \
	bash -c "[[ \$('$kc' -j session list 2>/dev/null) == '[]' ]]"
expect 3 'the kpptp module is not loaded' "$kc" monitor
printf 'session list\n' >"$asan/batch"
expect 3 'the kpptp module is not loaded' "$kc" -b "$asan/batch"
printf '%01100d\n' 0 >"$asan/batch"
expect 2 'line too long' "$kc" -b "$asan/batch"
expect 2 'usage: nl-raw' "$asan/nl-raw" no-such-command
expect 2 'usage: nl-raw' "$asan/nl-raw" session-new local-addr:zz

# --- the netlink spec is the definition: the header, policy and names follow
check "spec, uapi header, kernel policy and tool names agree" \
	python3 tools/spec/check-spec.py "$repo"

# --- fuzzing the decoder (a short smoke run; 'make fuzz' runs longer)
if clang -fsanitize=fuzzer -x c -o /dev/null - <<<'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' 2>/dev/null; then
	tools/fuzz/run.sh 20 >"$results/fuzz.log" 2>&1
	st=$?
	tail -3 "$results/fuzz.log" | sed 's/^/# /'
	check "fuzz-nl-parse: 20 s under ASan/UBSan, no crash" test $st -eq 0
else
	n=$((n + 1)); skip=$((skip + 1)); echo "ok $n fuzz-nl-parse # SKIP clang with libFuzzer missing"
fi

echo "1..$n"
echo "$pass $fail $skip" >"$results/host.counts"
echo "host: $pass passed, $fail failed, $skip skipped"
((fail == 0))
