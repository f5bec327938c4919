#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the guest: run one selftest, keep its TAP in $VM_OUT for the host.
name=$1
cd "$(dirname "$0")" || exit 125
timeout --foreground -k 10 "${KSFT_TIMEOUT:-280}" bash "./$name" 2>&1 |
	tee "$( ((${VM_INDEX:-0} == 0)) && echo "${VM_OUT:-/tmp}" || echo /tmp)/${name%.sh}.tap"
st=("${PIPESTATUS[@]}")
# A TAP file that could not be written whole (tee's write to the 9p share
# failed, say under memory pressure) fails the run, not just the count.
if ((st[0] == 0 && st[1] != 0)); then
	echo "ktap-wrap: writing ${name%.sh}.tap failed (tee status ${st[1]})" >&2
	exit 1
fi
exit "${st[0]}"
