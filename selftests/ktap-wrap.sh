#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the guest: run one selftest, keep its TAP in $VM_OUT for the host.
name=$1
cd "$(dirname "$0")" || exit 125
timeout --foreground -k 10 "${KSFT_TIMEOUT:-280}" bash "./$name" 2>&1 |
	tee "$( ((${VM_INDEX:-0} == 0)) && echo "${VM_OUT:-/tmp}" || echo /tmp)/${name%.sh}.tap"
exit "${PIPESTATUS[0]}"
