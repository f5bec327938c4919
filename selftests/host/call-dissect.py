#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A real call, recorded in the guest (selftests/capture-call.sh), read
by tshark's PPTP, GRE and PPP dissectors: an implementation that shares
no code with ours. The server's side of both calls is kpptpd and
kpptp.ko; the clients are kpptpd --client (kpptp.ko) and pptp-linux.

usage: call-dissect.py PCAP SERVER_ADDR    (KTAP points on stdout)
"""
import collections
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


def tshark(pcap, *args):
    cmd = ["tshark", "-r", pcap, "-o", "tcp.analyze_sequence_numbers:FALSE",
           "-d", "tcp.port==1723,pptp"] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode:
        print("# tshark %s: status %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def fields(pcap, flt, *names):
    args = ["-Y", flt, "-T", "fields", "-E", "separator=\t"]
    for f in names:
        args += ["-e", f]
    return [line.split("\t") for line in tshark(pcap, *args).splitlines()]


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    pcap, server = sys.argv[1], sys.argv[2]
    if not shutil.which("tshark"):
        print("ok 1 tshark's dissectors # SKIP tshark missing (make deps)")
        print("1..1")
        return 0

    frames = fields(pcap, "frame", "frame.number")
    point(len(frames) > 50, "the capture holds the calls (%d frames)" % len(frames))
    def flagged(path):
        """Malformed frames, and PPTP/GRE/PPP expert warnings or errors.
        TCP's own (pptp-linux answers the server's Stop-Control-Connection
        with a RST, a TCP warning) are not ours to judge here."""
        bad = ["malformed: " + line for line in tshark(path, "-Y", "_ws.malformed").splitlines()]
        for line in tshark(path, "-q", "-z", "expert,warn").splitlines():
            f = line.split()
            if len(f) > 2 and f[0].isdigit():
                print("# expert: " + line.strip())
                if f[2] != "TCP":
                    bad.append("expert: " + line.strip())
        return bad
    bad = flagged(pcap)
    for line in bad:
        print("# " + line)
    point(not bad, "no frame is malformed; no PPTP, GRE or PPP expert warning or error")
    # The check can fail: one magic cookie broken in a copy is flagged.
    data = bytearray(open(pcap, "rb").read())
    at = data.find(bytes.fromhex("1a2b3c4d"))
    data[at:at + 4] = bytes.fromhex("deadbeef")
    broken = pcap + ".broken"
    with open(broken, "wb") as f:
        f.write(data)
    point(at > 0 and any("Magic Cookie" in line for line in flagged(broken)),
          "... and the same check flags a copy with one magic cookie broken")

    types = collections.Counter(int(t[0]) for t in fields(
        pcap, "pptp", "pptp.control_message_type") if t[0].isdigit())
    print("# control messages by type: %s" % dict(sorted(types.items())))
    # SCCRQ/RP, StopCCRQ/RP, Echo, OCRQ/RP, CDN: how the calls start and
    # end (kpptpd --client stops with StopCCRQ alone, which clears its call);
    # Set-Link-Info, which kpptpd --client sends once LCP is up
    want = {1, 2, 3, 4, 5, 6, 7, 8, 13, 15}
    point(want <= set(types), "every control message of the calls' lives decodes "
          "(missing: %s)" % sorted(want - set(types)))

    gre = fields(pcap, "gre", "ip.src", "gre.flags.version", "gre.proto",
                 "gre.key.call_id", "gre.flags.sequence_number", "gre.sequence_number",
                 "gre.flags.ack", "gre.ack_number", "ppp.protocol", "gre.key.payload_length")
    point(gre and all(g[1] == "1" and g[2].lower() == "0x880b" for g in gre),
          "all %d GRE packets are version 1 carrying PPP (0x880b)" % len(gre))
    ours = [g for g in gre if g[0] == server]
    with_seq = [g for g in gre if g[4] in ("1", "True")]
    point(with_seq and all(g[8] for g in with_seq),
          "every GRE packet with a sequence number holds a PPP frame the dissector reads")
    point(any(g[6] in ("1", "True") and g[4] in ("0", "False") for g in ours),
          "kpptp.ko sends ack-only packets (no payload, no sequence number)")
    point(any(g[6] in ("1", "True") and g[4] in ("1", "True") for g in ours),
          "... and piggybacks acks on data")
    mppe = [g for g in gre if g[8] and int(g[8], 16) == 0x00fd]
    point(len(mppe) >= 10, "MPPE-encrypted frames (PPP 0x00fd) both ways: %d" % len(mppe))
    # kpptp.so refuses Van Jacobson compression: pptp-linux asks for it
    # (IPCP option 2 in a Configure-Request), we reject it, nobody acks it.
    asked = len(fields(pcap, "ipcp.opt.type == 2 && ppp.code == 1", "frame.number"))
    acked = len(fields(pcap, "ipcp.opt.type == 2 && ppp.code == 2", "frame.number"))
    rejected = len(fields(pcap, "ipcp.opt.type == 2 && ppp.code == 4 && ip.src == %s" % server,
                          "frame.number"))
    point(asked >= 1 and rejected >= 1 and acked == 0,
          "VJ compression asked for %d time(s), rejected by our side, never acked" % asked)
    # Our transmit sequence: per call, 0, 1, 2... with no gap and no
    # duplicate (two channels on one session would duplicate numbers).
    seqs = collections.defaultdict(list)
    for g in ours:
        if g[4] in ("1", "True"):
            seqs[g[3]].append(int(g[5]))
    point(len(seqs) == 2 and all(s == list(range(s[0], s[0] + len(s))) for s in seqs.values()),
          "kpptp.ko's sequence numbers run 1 by 1 on each of the 2 calls (%s)" %
          ", ".join("call %s: %d..%d" % (c, s[0], s[-1]) for c, s in sorted(seqs.items())))
    # An ack never runs ahead of what the peer sent towards that call.
    sent = collections.defaultdict(int)
    ahead = 0
    for g in gre:
        if g[0] != server and g[4] in ("1", "True"):
            sent[g[0]] = max(sent[g[0]], int(g[5]))
    for g in ours:
        if g[6] in ("1", "True") and int(g[7]) > max(sent.values(), default=0):
            ahead += 1
    point(ahead == 0, "kpptp.ko never acknowledges a number the clients have not sent")
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
