#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host tests, then guest selftests, then one summary line
# "N passed, N failed, N skipped" (the last line of the output).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
results=$repo/build/results
mkdir -p "$results"
rm -f "$results"/*.counts

"$here/host/run.sh"
"$here/run-vm.sh"

pass=0 fail=0 skip=0
for f in "$results"/host.counts "$results"/vm.counts; do
	if [[ ! -s $f ]]; then
		echo "check: ${f##*/} missing: that stage did not finish"
		fail=$((fail + 1))
		continue
	fi
	read -r p fl s <"$f"
	pass=$((pass + p)) fail=$((fail + fl)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
