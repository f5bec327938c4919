#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the libFuzzer targets with ASan/UBSan and run each for SECONDS
# (default 60) from its corpus (tools/fuzz/corpus/TARGET, plus what earlier
# runs found under build/fuzz/). A crash fails the run and leaves the input
# in build/fuzz/TARGET-crash-*.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=$repo/build/fuzz
mkdir -p "$out"
cd "$repo" || exit 1

flags="-O1 -g -std=c11 -Wall -Wextra -Werror -Iinclude/uapi -Iuserspace/include
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
rc=0
for target in nl-parse; do
	# shellcheck disable=SC2086
	clang $flags -o "$out/fuzz-$target" "tools/fuzz/fuzz-$target.c" \
		userspace/lib/parse.c userspace/lib/nl.c -lmnl || exit 1
	mkdir -p "$out/corpus-$target"
	"$out/fuzz-$target" -max_total_time="$secs" -max_len=4096 -timeout=5 \
		-artifact_prefix="$out/$target-" \
		"$out/corpus-$target" "tools/fuzz/corpus/$target" || rc=1
done
exit $rc
