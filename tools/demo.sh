#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a guest and show a kpptp tunnel carrying iperf3 traffic.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d "$repo/build/demo.XXXXXX")
: >"$out/demo.log"
echo "demo: booting Debian's kernel in qemu (the whole demo takes about a minute)"
# Stream the guest's narration, not its kernel console.
tail -n +1 -F "$out/demo.log" 2>/dev/null &
tailer=$!
trap 'kill $tailer 2>/dev/null; rm -rf "$out"' EXIT
st=0
"$repo/tools/vm/run" --quiet --timeout 300 --out "$out" -- bash -c \
	'tools/demo-guest.sh >"$VM_OUT/demo.log" 2>&1' || st=$?
sleep 1.5	# let tail print the last lines
((st == 0)) || echo "demo: FAILED (status $st); the guest console is under build/vm/run.*" >&2
exit "$st"
