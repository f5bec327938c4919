#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the guest selftests, one guest boot each (a crash in one cannot hide
# the others), and count their KTAP test points.
#
# usage: selftests/run-vm.sh [TEST...]    (default: every test in TESTS)
# The guest kernel is $KPPTP_KERNEL (default 6.1; tools/kernel/fetch.sh
# names); kpptp.ko is built for it first.
# Prints each test's TAP, then "vm KERNEL: N passed, N failed, N skipped".
# Writes the counts to build/results/vm-KERNEL.counts and each guest's
# console to build/results/TEST.KERNEL.vm.log. Exit 0 iff nothing failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
kernel=${KPPTP_KERNEL:-6.1}
export KPPTP_KERNEL=$kernel

# name:timeout-seconds:vm-options[:kernels]
# vm-options: tools/vm/run's; @trixie-root stands for the Debian 13 root
# (tools/kernel/trixie-root.sh), with pppd 2.5 and kpptp.so built for it.
# kernels: where the test runs in the full suite (default: every kernel).
# The control-plane tests exercise userspace against the module: one
# kernel carries them all; kpptpd.sh (the daemon's netlink and owned
# sessions) runs on every kernel, the debug one included.
TESTS=(
	datapath.sh:300:
	malformed.sh:300:
	reorder.sh:300:
	# the debug kernel's run, both halves of the fast path, passed 300 s
	fastpath.sh:480:
	# fastpath.sh's last points, a boot of their own: together they ran
	# out of 480 s on the debug kernel on a slow host
	fastpath-policy.sh:300:
	netns.sh:300:
	icmp.sh:300:
	loadunload.sh:600:
	interop.sh:600:--pair
	netlink.sh:300:
	# KUnit's tests run only with kunit.enable=1 (6.1.y: KUNIT_DEFAULT_ENABLED off)
	'kunit.sh:120:--append kunit.enable=1:debug'
	events.sh:300:
	scale.sh:900:
	# 65535 sockets: about 600 MB of slab on the debug kernel (KASAN)
	'hardening.sh:900:--mem 2048'
	exerciser.sh:600:
	faults.sh:600:
	kpptpd.sh:300:
	kpptpd-client.sh:500::6.1
	kpptpd-mtu.sh:300::6.1
	kpptpd-intree.sh:300::6.1
	kpptpd-pptpd.sh:300::6.1
	'kpptpd-scale.sh:600:--mem 2048:6.1'	# quoted: one entry
	'kpptpd-pppd25.sh:300:--share @trixie-root:6.1'
	'kpptpd-radius.sh:300:--share @trixie-root:6.1'
	kpptpd-nat.sh:300::6.1
	kpptpd-access.sh:300::6.1
	kpptpd-ipv6.sh:300::6.1
	kpptpd-windows.sh:300::6.1
	kpptpd-fds.sh:300::6.1
	'kpptpd-restart.sh:500:--mem 2048:6.1'
	'kpptpd-hostile.sh:600:--mem 2048:6.1'
	probe.sh:400::6.1
)

want=("$@")
results=$repo/build/results
mkdir -p "$results"
counts=$results/vm-$kernel.counts
rm -f "$counts"
pass=0 fail=0 skip=0
if ! "$repo/tools/kernel/build-module.sh" "$kernel" >/dev/null 2>"$results/build-$kernel.log"; then
	sed 's/^/# /' "$results/build-$kernel.log" | tail -20
	echo "not ok - kpptp.ko does not build for $kernel: no guest test ran"
	echo "0 1 0" >"$counts"
	echo "vm $kernel: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
for entry in "${TESTS[@]}"; do
	IFS=: read -r name tmo vmopts kernels <<<"$entry"
	if [[ $name != *.sh || ! $tmo =~ ^[0-9]+$ ]]; then
		echo "not ok - run-vm.sh: malformed TESTS entry '$entry'"
		fail=$((fail + 1))
		continue
	fi
	if ((${#want[@]})); then
		[[ " ${want[*]} " == *" $name "* ]] || continue
	elif [[ -n $kernels && " $kernels " != *" $kernel "* ]]; then
		echo "# $name: runs on $kernels only (selftests/run-vm.sh $name to run it here)"
		continue
	fi
	env_extra=()
	if [[ $vmopts == *@trixie-root* ]]; then
		if ! troot=$("$repo/tools/kernel/trixie-root.sh" 2>>"$results/build-$kernel.log") ||
		   ! "$repo/tools/pppd/plugin-2.5.sh" >/dev/null 2>>"$results/build-$kernel.log"; then
			echo "not ok - $name: the Debian 13 root or kpptp.so for pppd 2.5 could not be made (build/results/build-$kernel.log)"
			fail=$((fail + 1))
			continue
		fi
		vmopts=${vmopts//@trixie-root/$troot}
		env_extra=(KPPTP_TRIXIE_ROOT="$troot")
	fi
	out=$(mktemp -d "$repo/build/vm-out.XXXXXX")
	echo "# ===== $name ($kernel)"
	log=$results/${name%.sh}.$kernel.vm.log
	t_start=$SECONDS
	# shellcheck disable=SC2086
	"$repo/tools/vm/run" --quiet --timeout "$tmo" --out "$out" $vmopts -- \
		env KSFT_TIMEOUT=$((tmo - 30)) ${KPPTP_SEED:+KPPTP_SEED=$KPPTP_SEED} "${env_extra[@]}" \
		selftests/ktap-wrap.sh "$name" \
		>"$log" 2>&1
	st=$?
	bad_run=$((st != 0 && st != 4))	# 4: the test skipped (KTAP)
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
	elif ((bad_run && f == 0)); then
		echo "not ok - $name: guest run failed (status $st), see ${log#"$repo"/}"
		f=$((f + 1))
	fi
	if ((bad_run)); then
		tail -40 "$log" | sed 's/^/#   /'
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	# Each guest's wall time, boot included: what to look at when make
	# check nears its time budget.
	echo "# $name ($kernel): $((SECONDS - t_start)) s"
	rm -rf "$out"
done
echo "$pass $fail $skip" >"$counts"
echo "vm $kernel: $pass passed, $fail failed, $skip skipped"
((fail == 0))
