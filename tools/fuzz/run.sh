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
# target: its sources besides tools/fuzz/fuzz-TARGET.c, and link flags
declare -A srcs=(
	[nl-parse]="userspace/lib/parse.c userspace/lib/nl.c -lmnl"
	[ctrl-decode]="userspace/lib/ctrl.c userspace/lib/ctrl-names.c"
	[conn]="userspace/lib/conn.c userspace/lib/ctrl.c userspace/lib/ctrl-names.c"
	[authname]="userspace/lib/authname.c"
	[dhcp]="userspace/lib/dhcp.c"
	[state]="userspace/kpptpd/state.c"
)
rc=0
for target in ${KPPTP_FUZZ_TARGETS:-nl-parse ctrl-decode conn authname dhcp state}; do
	[[ -n ${srcs[$target]:-} ]] || { echo "run.sh: no fuzz target '$target'" >&2; exit 2; }
	# shellcheck disable=SC2086
	clang $flags -o "$out/fuzz-$target" "tools/fuzz/fuzz-$target.c" \
		${srcs[$target]} || exit 1
	mkdir -p "$out/corpus-$target"
	echo "# fuzz-$target: $secs s"
	"$out/fuzz-$target" -max_total_time="$secs" -max_len=4096 -timeout=5 \
		-artifact_prefix="$out/$target-" \
		"$out/corpus-$target" "tools/fuzz/corpus/$target" || rc=1
done
exit $rc
