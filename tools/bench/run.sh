#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the data-path benchmark, every competitor in one guest boot.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: tools/bench/run.sh [--seconds S] [--wall] [--profile] [PATH...]

Boot one guest and measure, in turn, iperf3 TCP (1 stream, 4 streams, each
way: R is the server sending, iperf3 -R; B is 1 stream the same way with
iperf3's roles swapped, so that its server receives as forward) and UDP with
64-byte payloads between two namespaces over:
  veth1500  bare veth, MTU 1500
  veth1400  bare veth, MTU 1400 (the tunnel's MTU: the upper bound)
  gre-seq   the kernel's GRE tunnel with sequence numbers (oseq iseq), MTU
            1400: a numbered stream like PPTP's, inner GRO kept; the
            ceiling a numbered tunnel reaches today
  pptp      Debian's in-tree pptp.ko, static tunnel (no pppd)
  kpptp     kpptp.ko, the same static tunnel
  kpptp-fast  the same with kpptp.ko's fast path on both ends (GRO on
            receive, GSO from pppN's egress hook on transmit; fastpath=1)
  kpptp-idle  kpptp.ko with 100,000 idle netlink sessions in the receiver's
            namespace (their create, dump and delete times and memory are
            reported too)
  kpptpd, kpptpd-mppe  a full call, kpptpd --client to kpptpd through pppd
            and kpptp.ko, MS-CHAPv2, MPPE off / MPPE-128
  kpptpd-fast  the kpptpd call with kpptp.ko's fast path (kpptp-fastpath
            and fastpath=1)
  pptpd, pptpd-mppe    the same call with Debian's pptp-linux and pptpd
            (userspace GRE through a pty) and the same pppd options
  pptp-x8, kpptp-x8, kpptp-fast-x8  8 static tunnels of pptp.ko, kpptp.ko,
            kpptp.ko's fast path over one veth, one TCP stream through each
            at once: Mbit/s together, the least and most one session got,
            and Jain's fairness index (1: all equal). Run them with --wall
            too: with 2 CPUs the sessions compete for both
  windows-kpptpd, windows-pptpd  20 calls one after the other by
            win-client, which dials as Windows' RAS client does (IPCP in
            the same burst as CCP), to kpptpd or to Debian's pptpd,
            MS-CHAPv2 + MPPE-128: the time from Outgoing-Call-Request to
            IPCP up, median and worst
  setup-kpptpd, setup-pptpd  call setup: N calls (--setup-calls, default
            1000) dialled at once by kpptpd --client to kpptpd or to Debian's
            pptpd, MS-CHAPv2 + MPPE-128, IPv6 only (1,000 IPv4 addresses do
            not fit in the documentation ranges): calls per second and
            memory per call
Prints Mbit/s, TCP retransmissions and GRO's merging (TCP segments sent
per segment the receiving TCP took, 1 stream) per path, and the ratios kpptp/pptp,
kpptp/veth1400, kpptp/gre-seq, kpptp-fast/kpptp, kpptp-fast/gre-seq,
kpptp-fast/pptp, kpptpd-fast/kpptp-fast, kpptp-idle/kpptp, kpptpd/kpptp (a whole call against the static tunnel),
kpptpd/pptpd, kpptpd-mppe/pptpd-mppe, kpptp-x8/pptp-x8,
kpptp-fast-x8/pptp-x8 and kpptp-fast-x8/kpptp-x8 (8 sessions together), and
writes the figures as JSON to
bench/results/datapath-DATE.json.

By default the guest runs with -icount shift=0,sleep=off on one CPU: guest
time advances with executed instructions, so Mbit/s measures the CPU cost
of each path and repeats exactly from run to run. Report these figures.

options:
  --seconds S  length of each iperf3 run in guest seconds (default 10)
  --wall       wall-clock mode (2 CPUs, no icount): noisy, a sanity check
  --setup-calls N  calls for the setup paths (1..1000, default 1000); a
                   server that brings no call up for 120 s is left with
                   the calls it has, and the report says how many
  --cpu MODEL  the guest's qemu CPU model (default max; qemu64 is what
               baseline.md measured with: see Documentation/performance.rst)
  --profile[=TEST]  also profile one run of each path (tcp1, the default,
               tcp4 or udp64) with perf in the guest and print the top
               kernel symbols (the profiler's own cost lowers that run's
               figures)
  -h, --help   this text
USAGE
}

secs=10 wall=0 profile=() cpu=max setup_calls=1000
while (($#)); do
	case $1 in
	--seconds) secs=${2:?--seconds needs a number}; shift 2 ;;
	--wall) wall=1; shift ;;
	--profile) profile=(env BENCH_PROFILE=tcp1); shift ;;
	--profile=tcp1|--profile=tcp4|--profile=udp64) profile=(env "BENCH_PROFILE=${1#--profile=}"); shift ;;
	--profile=*) echo "bench: --profile takes tcp1, tcp4 or udp64, not '${1#--profile=}'" >&2; exit 2 ;;
	--cpu) cpu=${2:?--cpu needs a qemu CPU model}; shift 2 ;;
	--setup-calls) setup_calls=${2:?--setup-calls needs a number}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "bench: --seconds takes a whole number > 0" >&2; exit 2; }
[[ $setup_calls =~ ^[1-9][0-9]*$ ]] && ((setup_calls <= 1000)) ||
	{ echo "bench: --setup-calls takes a number 1..1000" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d "$repo/build/bench.XXXXXX")
mode=(--icount)
((wall)) && mode=(--smp 2)
npaths=$#
((npaths)) || npaths=18
# Each path runs 6 x secs of guest time; icount runs about 3x slower than
# that; the idle sessions take a few minutes more to make and delete.
# The setup paths wait up to 30 min each; each call takes about 2.6 MB
# (both pppds, both kpptpds, the kernel): 8 GB holds 1,000 with room.
mem=$((setup_calls > 500 ? 8192 : 4096))
"$repo/tools/vm/run" --quiet --mem "$mem" --cpu "$cpu" "${mode[@]}" --out "$out" \
	--timeout $((npaths * (secs * 6 + 30) * 6 + 600 + 3600)) -- \
	env KPPTP_SETUP_CALLS="$setup_calls" "${profile[@]}" \
	tools/bench/datapath-guest.sh "$secs" "$@"
mkdir -p "$repo/bench/results"
json=$repo/bench/results/datapath-$(date -u +%Y%m%dT%H%M%SZ).json
python3 "$repo/tools/bench/report.py" --mode "$( ((wall)) && echo wall || echo icount), cpu $cpu" \
	--seconds "$secs" --json "$json" "$out"
echo "bench: figures in ${json#"$repo"/}"
for f in "$out"/*.profile.txt; do
	[[ -e $f ]] || continue
	p=${f##*/}
	echo
	echo "profile of ${p%%.*}, ${profile[1]#BENCH_PROFILE=} (share of CPU time, top symbols):"
	head -25 "$f"
done
rm -rf "$out"
