#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A fast-path call, recorded in the guest (selftests/capture-fastpath.sh),
read by tshark's GRE and PPP dissectors: with kpptp.ko's fast path on
both ends, bulk TCP both ways and LCP echoes every second, the GRE
sequence numbers each end sends rise by exactly one per packet, and LCP
(the slow path's) interleaves with IP (the fast path's) in each
direction. Each end's packets come from its own capture (see the guest
script: a receiving veth may reorder across CPUs).

usage: fastpath-dissect.py OUT_DIR    (KTAP on stdout)
  OUT_DIR holds server.pcap, client.pcap and capture.log
"""
import collections
import re
import shutil
import subprocess
import sys

n = 0
failed = 0


def point(ok, desc):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%s %d %s" % ("ok" if ok else "not ok", n, desc))


def gre_frames(pcap):
    """(frame, src, call, seq or None, ppp protocol, ppp code) per GRE packet."""
    cmd = ["tshark", "-r", pcap, "-Y", "gre", "-T", "fields", "-E", "separator=\t",
           "-e", "frame.number", "-e", "ip.src", "-e", "gre.key.call_id",
           "-e", "gre.flags.sequence_number", "-e", "gre.sequence_number",
           "-e", "ppp.protocol", "-e", "ppp.code"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    out = []
    for line in r.stdout.splitlines():
        f = line.split("\t") + [""] * 7
        has_seq = f[3] in ("1", "True")
        proto = int(f[5].split(",")[0], 16) if f[5] else None
        code = int(f[6].split(",")[0]) if f[6] else None
        # An IP frame inside gives a second ip.src (the inner one): the outer counts.
        out.append((int(f[0]), f[1].split(",")[0], f[2].split(",")[0],
                    int(f[4].split(",")[0]) if has_seq and f[4] else None, proto, code))
    return out


def gaps(frames):
    """Per (direction, call): sequence steps that are not exactly +1."""
    last = {}
    bad = []
    for fr, src, call, seq, _, _ in frames:
        if seq is None:
            continue
        k = (src, call)
        if k in last and (seq - last[k]) % (1 << 32) != 1:
            bad.append("frame %d %s call %s: %d after %d" % (fr, src, call, seq, last[k]))
        last[k] = seq
    return bad


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    d = sys.argv[1]
    log = d + "/capture.log"
    server = "198.51.100.1"
    if not shutil.which("tshark") or not shutil.which("editcap"):
        print("ok 1 tshark's dissectors # SKIP tshark or editcap missing (make deps)")
        print("1..1")
        return 0
    frames = gre_frames(d + "/server.pcap") + gre_frames(d + "/client.pcap")
    pcap = d + "/client.pcap"
    dirs = collections.Counter(f[1] for f in frames if f[4] == 0x0021)
    point(len(dirs) == 2 and min(dirs.values()) >= 1000,
          "bulk IP both ways in GRE: %s" % dict(dirs))
    text = open(log).read()
    fast = {}
    for who in ("server", "client"):
        m = re.search(r"^%s fast_rx (\d+) fast_tx (\d+)" % who, text, re.M)
        fast[who] = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    point(all(rx >= 1000 and tx >= 1000 for rx, tx in fast.values()),
          "the fast path carried it, receive and transmit, on both ends: %s" % fast)
    # What each end's fast path sent is what its capture holds: the IP
    # frames on the wire, give or take the few sent before it was on.
    wire = {"server": dirs.get(server, 0), "client": sum(v for k, v in dirs.items() if k != server)}
    point(all(0 <= wire[w] - fast[w][1] <= 10 for w in wire),
          "... and its transmit counter is the IP frames on the wire (%s)" %
          ", ".join("%s %d sent, %d seen" % (w, fast[w][1], wire[w]) for w in wire))
    bad = gaps(frames)
    for b in bad[:10]:
        print("# " + b)
    seqd = collections.Counter((f[1], f[2]) for f in frames if f[3] is not None)
    point(len(seqd) == 2 and not bad,
          "GRE sequence numbers rise by exactly one per packet in each direction (%s)" %
          ", ".join("%s call %s: %d" % (s, c, k) for (s, c), k in sorted(seqd.items())))
    # LCP between IP frames of the same direction: the slow path's frames
    # take their numbers in line with the fast path's.
    for src in sorted(dirs):
        mine = [f for f in frames if f[1] == src and f[4] in (0x0021, 0xc021)]
        ip_at = [i for i, f in enumerate(mine) if f[4] == 0x0021]
        lcp = [i for i, f in enumerate(mine) if f[4] == 0xc021 and f[5] in (9, 10)]
        inside = [i for i in lcp if ip_at and ip_at[0] < i < ip_at[-1]]
        point(len(inside) >= 2, "from %s: LCP echoes among the bulk IP frames (%d of %d)" %
              (src, len(inside), len(lcp)))
    # The check can fail: a copy without one numbered packet has a gap.
    mine = gre_frames(pcap)
    victim = next(f[0] for f in mine if f[3] is not None and f[4] == 0x0021)
    broken = pcap + ".gap"
    subprocess.run(["editcap", pcap, broken, str(victim)], check=True, capture_output=True)
    point(len(gaps(gre_frames(broken))) == 1,
          "... and the same check finds the gap in a copy without frame %d" % victim)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
