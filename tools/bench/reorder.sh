#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reorder-window benchmark: TCP through a kpptp tunnel over a lossy or
# reordering path, the window off (0, as pptp.ko and l2tp) and on (the
# module's default 64, with its adaptive hold).
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: tools/bench/reorder.sh [--seconds S] [--wall] [WINDOW...]

Boot one guest and, for each path impairment (clean; 0.5% and 2% loss;
5% reordering; 1% loss with 5% reordering; netem on both veth ends, 10 ms
each way) and each reorder WINDOW (default: 0 64), run one iperf3 TCP
stream A -> B through a static kpptp tunnel for S guest seconds while
pinging B every 50 ms. Prints Mbit/s, TCP retransmits, ping average and
maximum, and the receiver's rx_lost, per window side by side; writes the
figures as JSON to bench/results/reorder-DATE.json.

By default the guest runs in -icount mode (deterministic guest time).

options:
  --seconds S  length of each run in guest seconds (default 10)
  --wall       wall-clock mode (2 CPUs, no icount)
  -h, --help   this text
USAGE
}

secs=10 wall=0
while (($#)); do
	case $1 in
	--seconds) secs=${2:?--seconds needs a number}; shift 2 ;;
	--wall) wall=1; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "bench: --seconds takes a whole number > 0" >&2; exit 2; }
windows=("$@")
((${#windows[@]})) || windows=(0 64)
for w in "${windows[@]}"; do
	[[ $w =~ ^[0-9]+$ ]] && ((w <= 256)) ||
		{ echo "bench: a window is a number in 0..256, not '$w'" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$repo" all >/dev/null
out=$(mktemp -d "$repo/build/bench.XXXXXX")
mode=(--icount)
((wall)) && mode=(--smp 2)
runs=$((5 * ${#windows[@]}))
"$repo/tools/vm/run" --quiet "${mode[@]}" --out "$out" \
	--timeout $((runs * (secs * 6 + 30) + 300)) -- \
	tools/bench/reorder-guest.sh "$secs" "${windows[@]}"
mkdir -p "$repo/bench/results"
json=$repo/bench/results/reorder-$(date -u +%Y%m%dT%H%M%SZ).json
python3 "$repo/tools/bench/reorder-report.py" --json "$json" \
	--mode "$( ((wall)) && echo wall || echo icount)" "$out" "${windows[@]}"
echo "bench: figures in ${json#"$repo"/}"
rm -rf "$out"
