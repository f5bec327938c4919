#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit tests of kpptp's pure logic (module/reorder_test.c: the
# receive sequence engine), on a kernel built with KUnit: the debug guest
# kernel (tools/kernel/debug.config). Loading kpptp-kunit.ko runs them;
# their KTAP results come from debugfs, one test point per case here.
# Debian's kernels have no KUnit: there the test says so and skips.
source "$(dirname "$0")/lib.sh"

ktap_header
ko=$(dirname "$KPPTP_KO")/kpptp-kunit.ko
if [[ ! -e $ko ]]; then
	ktap_plan 1
	ktap_skip "KUnit tests of the sequence engine" "kernel $(uname -r) has no KUnit (the debug kernel has)"
	ktap_finish
fi
[[ -d /sys/kernel/debug/kunit ]] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
insmod "$ko" || ktap_bail "insmod $ko"
defer "rmmod kpptp_kunit"
results=/sys/kernel/debug/kunit/kpptp-reorder/results
if [[ ! -r $results ]]; then
	dmesg | grep -iE 'kunit|kpptp' | tail -20 | sed 's/^/# dmesg: /'
	ls /sys/kernel/debug/kunit 2>&1 | sed 's/^/# debugfs: /'
	ktap_bail "no $results: KUnit did not run the suite"
fi
# The suite's own KTAP: its cases are indented one level.
cases=$(grep -E '^ +(not )?ok [0-9]+ ' "$results" | grep -vE '^ {8}')
sed 's/^/# /' "$results" | grep -E 'not ok|Expected|ASSERT|EXPECT|^# +ok' | head -40
ktap_plan "$(grep -c . <<<"$cases")"
while read -r line; do
	name=${line#*ok [0-9]* }
	name=${name#- }
	if [[ $line == not* ]]; then ktap_fail "kpptp-reorder: $name"; else ktap_pass "kpptp-reorder: $name"; fi
done <<<"$cases"
ktap_finish
