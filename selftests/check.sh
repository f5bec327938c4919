#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host tests, then the whole guest suite booting each supported
# kernel in turn, then one summary line "N passed, N failed, N skipped"
# (the last line of the output).
#
# KPPTP_CHECK_KERNELS (default "6.1 debug 6.12 newest"): the guest kernels,
# as tools/kernel/fetch.sh names them. Debian 12's stock kernel comes first,
# then the debug build of it (KASAN, lockdep, RCU and object debugging:
# any report fails the run), then Debian's 6.12 and the newest
# packaged kernel.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
results=$repo/build/results
kernels=${KPPTP_CHECK_KERNELS:-6.1 debug 6.12 newest}
mkdir -p "$results"
rm -f "$results"/*.counts

stage() {	# stage NAME COMMAND...: run one stage, say how long it took
	local t0=$SECONDS
	"${@:2}"
	echo "# stage $1: $((SECONDS - t0)) s"
}
stage host "$here/host/run.sh"
for k in $kernels; do
	stage "guest $k" env KPPTP_KERNEL="$k" "$here/run-vm.sh"
done

pass=0 fail=0 skip=0
for f in host $(printf 'vm-%s ' $kernels); do
	f=$results/$f.counts
	if [[ ! -s $f ]]; then
		echo "check: ${f##*/} missing: that stage did not finish"
		fail=$((fail + 1))
		continue
	fi
	read -r p fl s <"$f"
	echo "# ${f##*/}: $p passed, $fl failed, $s skipped"
	pass=$((pass + p)) fail=$((fail + fl)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
