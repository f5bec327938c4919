#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the guest selftests, one guest boot each (a crash in one cannot hide
# the others), and count their KTAP test points.
#
# usage: selftests/run-vm.sh [TEST...]    (default: every test in TESTS)
# Prints each test's TAP, then "vm: N passed, N failed, N skipped".
# Writes the counts to build/results/vm.counts. Exit 0 iff nothing failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

# name:timeout-seconds:vm-options
TESTS=(
	datapath.sh:300:
	malformed.sh:300:
	reorder.sh:300:
	netns.sh:300:
	icmp.sh:300:
	loadunload.sh:600:
	interop.sh:600:--pair
	netlink.sh:300:
	scale.sh:900:
)

want=("$@")
results=$repo/build/results
mkdir -p "$results"
pass=0 fail=0 skip=0
for entry in "${TESTS[@]}"; do
	IFS=: read -r name tmo vmopts <<<"$entry"
	if ((${#want[@]})) && [[ " ${want[*]} " != *" $name "* ]]; then
		continue
	fi
	out=$(mktemp -d "$repo/build/vm-out.XXXXXX")
	echo "# ===== $name"
	# shellcheck disable=SC2086
	"$repo/tools/vm/run" --quiet --timeout "$tmo" --out "$out" $vmopts -- \
		selftests/ktap-wrap.sh "$name" >"$results/${name%.sh}.vm.log" 2>&1
	st=$?
	tap=$(cat "$out"/*.tap 2>/dev/null)
	echo "$tap"
	p=$(grep -cE '^ok [0-9]+ ' <<<"$tap" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' <<<"$tap" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+ ' <<<"$tap" | tr -d ' ')
	p=$((p - s))
	planned=$(grep -m1 -oE '^1\.\.[0-9]+' <<<"$tap" | head -1 | cut -c4-)
	ran=$((p + s + f))
	# A plan not met, a bail-out, or a guest that failed with no failing
	# point (crash, timeout, kernel warning) each count as one failure.
	if [[ -n $planned ]] && ((ran < planned)); then
		echo "not ok - $name: ran $ran of $planned planned points"
		f=$((f + planned - ran))
	elif ((st != 0 && f == 0)); then
		echo "not ok - $name: guest run failed (status $st), see build/results/${name%.sh}.vm.log"
		f=$((f + 1))
	fi
	if ((st != 0)); then
		tail -40 "$results/${name%.sh}.vm.log" | sed 's/^/#   /'
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	rm -rf "$out"
done
echo "$pass $fail $skip" >"$results/vm.counts"
echo "vm: $pass passed, $fail failed, $skip skipped"
((fail == 0))
