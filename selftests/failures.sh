#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every failing point of the last make check (and make check-packages),
# one line each, named by its stage and guest test. check.sh and .ci/run
# print these just above their totals, where the tail of a CI log shows
# them: a failure in a 10,000-line log is found without the whole log.
#
# usage: selftests/failures.sh [RESULTS-DIR]   (default: build/results)
# Reads RESULTS-DIR/stage-*.log (check.sh's stages) and packages.out
# (.ci/run's copy of make check-packages' output). Prints nothing when
# nothing failed; at most 60 lines, then how many more.
set -uo pipefail
results=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/results}
max=60
# A pattern that matches nothing stays itself: not a file, skipped.
lines=$(for f in "$results"/stage-*.log "$results"/packages.out; do
	[[ -f $f ]] || continue
	stage=${f##*/}
	stage=${stage#stage-}
	stage=${stage%.*}
	# "# ===== fastpath.sh (debug)": the guest test (and kernel) the next
	# points are of; outside one, the stage's name says where.
	awk -v stage="$stage" '
		/^# ===== / { test = substr($0, 9) }
		/^not ok/ { printf "# failed: %s: %s\n", test == "" ? stage : test, $0 }
	' "$f"
done)
[[ -n $lines ]] || exit 0
n=$(wc -l <<<"$lines")
head -n "$max" <<<"$lines"
((n <= max)) || echo "# failed: ... and $((n - max)) more (build/results/stage-*.log)"
