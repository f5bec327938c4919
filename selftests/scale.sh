#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: 100,000 sessions made through netlink in one namespace, listed,
# and deleted. Call IDs are only unique per peer, so 50 peers of 2,000
# sessions each fit; the kernel picks every call ID. Rates and the kernel
# memory per session are printed, not asserted (make bench has the
# figures); what is asserted is that every session is made, listed once,
# and deleted, and that the memory comes back.
source "$(dirname "$0")/lib.sh"

N=${KPPTP_SCALE_N:-100000}
# KASAN and slab debugging make each session many times dearer.
[[ $(uname -r) == *debug* ]] && N=${KPPTP_SCALE_N:-10000}
ktap_header
ktap_plan 7
load_kpptp
CTL=$BIN/kpptpctl
new_ns A
ctl() { ip netns exec "$A" "$CTL" "$@"; }

# Kernel memory of the sessions: slab, and the per-CPU route caches. The
# per-CPU allocator keeps freed chunks populated, so the check that memory
# comes back looks at slab alone.
slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }
percpu_kb() { awk '$1 == "Percpu:" { print $2 }' /proc/meminfo; }
# Every cache is shrunk first. On a KASAN kernel freed objects wait in a
# quarantine (up to 1 MB per CPU and 1/32 of RAM in all) and their slabs
# stay counted; a shrink empties the quarantine of that cache. Without it,
# whatever the quarantine held at the last reading (2.1 MB, seen once on
# the debug kernel) would read as a leak.
shrink_slabs() {
	local f n=0
	for f in /sys/kernel/slab/*/shrink; do
		[[ -w $f ]] || continue
		echo 1 >"$f" && n=$((n + 1))
	done
	((n > 0)) || echo "# no /sys/kernel/slab/*/shrink: slab is read unshrunk"
}
settle_slab() {	# freed sessions go after an RCU grace period
	local a b i
	echo 3 >/proc/sys/vm/drop_caches
	shrink_slabs >&2
	a=$(slab_kb)
	for i in $(seq 30); do
		sleep 0.3
		b=$(slab_kb)
		((a - b < 64 && b - a < 64)) && break
		a=$b
	done
	echo "$b"
}

sessions_batch "$N" 203.0.113 >/tmp/add.batch
slab0=$(settle_slab) pcpu0=$(percpu_kb)

t0=$(now_ms)
ctl -b /tmp/add.batch >/dev/null
st=$?
t1=$(now_ms)
ktap_eq "kpptpctl -b made $N sessions without an error" 0 "$st"
count=$(ctl -j stats | grep -o '"sessions":[0-9]*' | cut -d: -f2)
ktap_eq "the namespace counts $N sessions" "$N" "$count"
slab1=$(settle_slab) pcpu1=$(percpu_kb)
echo "# create: $N sessions in $((t1 - t0)) ms: $((N * 1000 / (t1 - t0 + 1))) sessions/s"
echo "# memory: slab +$((slab1 - slab0)) kB, per-CPU +$((pcpu1 - pcpu0)) kB:" \
	"$(((slab1 - slab0 + pcpu1 - pcpu0) * 1024 / N)) bytes per session"

t0=$(now_ms)
ctl -j session list >/tmp/list.json
t1=$(now_ms)
echo "# dump: $N sessions in $((t1 - t0)) ms"
grep -o '"id":[0-9]*' /tmp/list.json | cut -d: -f2 >/tmp/ids
ktap_eq "the dump lists every session" "$N" "$(wc -l </tmp/ids)"
ktap_eq "... each once" "$N" "$(sort -u /tmp/ids | wc -l)"
ktap_eq "... and no call ID twice towards a peer" "$N" \
	"$(grep -o '"local-call-id":[0-9]*,"local-addr":"[0-9.]*","peer-call-id":[0-9]*,"peer-addr":"[0-9.]*"' /tmp/list.json |
	   sed 's/"peer-call-id":[0-9]*,//' | sort -u | wc -l)"

sed 's/^/session del /' /tmp/ids >/tmp/del.batch
t0=$(now_ms)
ctl -b /tmp/del.batch >/dev/null
t1=$(now_ms)
echo "# delete: $N sessions in $((t1 - t0)) ms: $((N * 1000 / (t1 - t0 + 1))) sessions/s"
ktap_eq "all deleted" 0 "$(ctl -j stats | grep -o '"sessions":[0-9]*' | cut -d: -f2)"
slab2=$(settle_slab)
echo "# memory after delete: slab $((slab2 - slab0)) kB from the start"
# A leak of even 64 bytes per session would be 6 MB.
ktap_check "the memory came back (within 2 MB)" test $((slab2 - slab0)) -lt 2048
ktap_finish
