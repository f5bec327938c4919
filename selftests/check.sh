#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host tests and the whole guest suite booting each supported
# kernel, then one summary line "N passed, N failed, N skipped" (the last
# line of the output).
#
# KPPTP_CHECK_KERNELS (default "6.1 debug 6.12 newest"): the guest kernels,
# as tools/kernel/fetch.sh names them: Debian 12's stock kernel, the debug
# build of it (KASAN, lockdep, RCU and object debugging: any report fails
# the run), Debian's 6.12 and the newest packaged kernel.
#
# KPPTP_CHECK_JOBS (default 2): stages run at once. A TCG guest keeps
# about one host CPU busy, so on two CPUs two stages side by side take
# about two thirds of the time one after the other (measured: the 6.12
# and newest suites, 532 s together against 399 s each; the whole of
# make check, 2449 s against about 3300 s). The debug stage is the
# longest: it starts first. Each stage's output is printed whole when it
# ends.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
results=$repo/build/results
kernels=${KPPTP_CHECK_KERNELS:-6.1 debug 6.12 newest}
jobs=${KPPTP_CHECK_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] ||
	{ echo "check: KPPTP_CHECK_JOBS must be a whole number of at least 1, not '$jobs'"; exit 2; }
mkdir -p "$results"
rm -f "$results"/*.counts "$results"/stage-*.log "$results"/packages.out

# What the stages share goes first, one step at a time: the downloaded
# kernels and the Debian 13 root are installed with apt, and two apt runs
# in one root fail on its lock; the debug kernel (built once, with both
# CPUs) is needed by the host stage too (W=1 builds against every
# kernel). A step that fails here fails again, with its message, in the
# stage that needs it.
prepare() {
	local k rc=0
	for k in $kernels; do
		"$repo/tools/kernel/fetch.sh" "$k" >/dev/null || rc=1
	done
	if [[ " $kernels " == *" 6.1 "* ]]; then
		"$repo/tools/kernel/trixie-root.sh" >/dev/null &&
			"$repo/tools/pppd/plugin-2.5.sh" >/dev/null || rc=1
	fi
	return "$rc"
}
t0=$SECONDS
prepare >"$results/prepare.log" 2>&1 ||
	echo "# preparing the stages failed (build/results/prepare.log); the stages say what is missing"
echo "# prepared the kernels and the Debian 13 root: $((SECONDS - t0)) s"

stages=()
[[ " $kernels " == *" debug "* ]] && stages+=(debug)
stages+=(host)
for k in $kernels; do
	[[ $k == debug ]] || stages+=("$k")
done

stage() {	# stage NAME: run one stage into its log
	local t=$SECONDS
	if [[ $1 == host ]]; then
		"$here/host/run.sh"
	else
		KPPTP_KERNEL=$1 "$here/run-vm.sh"
	fi
	echo "# stage $1: $((SECONDS - t)) s"
}
declare -A name_of=()
# Stopped (CI's time limit, a kill): the stages and everything they
# started (run-vm.sh, timeout, qemu) go too. Each stage runs as its own
# process group (set -m), so that its whole tree can be signalled even
# when its first process is already gone: a "pkill -f check.sh" also
# matches the stages' subshells, whose children would be left running.
set -m
stop_stages() {
	local p
	for p in "${!name_of[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	exit 130
}
trap stop_stages INT TERM
finish() {	# finish: wait for one stage and print its output
	local pid
	wait -n -p pid
	echo "# ===== stage ${name_of[$pid]}"
	cat "$results/stage-${name_of[$pid]}.log"
	unset "name_of[$pid]"
}
for s in "${stages[@]}"; do
	((${#name_of[@]} < jobs)) || finish
	stage "$s" </dev/null >"$results/stage-$s.log" 2>&1 &
	name_of[$!]=$s
done
while ((${#name_of[@]})); do
	finish
done
echo "# make check: $((SECONDS - t0)) s"

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
"$here/failures.sh" "$results"
echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
