#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kpptpd's control plane on the wire, on the host (no PPPoX needed).

Starts kpptpd (the ASan/UBSan build) on 127.0.0.1 and talks PPTP to it the
way broken and hostile peers do: split and coalesced messages, bad
cookies, huge lengths, call messages before the connection is up, a
second SCCRQ, slowloris, hundreds of silent connections, a thousand rapid
ones. Each case checks the answer (result and error codes) and that every
other peer is still served. Every message kpptpd sent is then written to
a pcap and given to tshark's PPTP dissector, which must find nothing
malformed and raise no expert warning.

usage: kpptpd-wire.py KPPTPD PLUGIN WORKDIR [MESSAGES [KPPTPCTL]]  (KTAP on stdout)
MESSAGES: a file of control messages back to back (conn-test's
KPPTP_DUMP_MSGS: what the state machine sends in both roles), dissected too.
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

MAGIC = 0x1A2B3C4D
LEN = {1: 156, 2: 156, 3: 16, 4: 16, 5: 16, 6: 20, 7: 168, 8: 32, 9: 220,
       10: 24, 11: 28, 12: 16, 13: 148, 14: 40, 15: 24}

n = failed = 0
sent_by_server = []     # (conn no., bytes) for the pcap


def point(ok, what):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok " if ok else "not ok ") + "%d %s" % (n, what), flush=True)


def msg(ctype, body=b""):
    """A control message of type ctype, body padded to the type's length."""
    total = LEN[ctype]
    body = body.ljust(total - 12, b"\0")
    return struct.pack("!HHIHH", total, 1, MAGIC, ctype, 0) + body


def sccrq(version=0x0100):
    return msg(1, struct.pack("!HHIIHH", version, 0, 1, 1, 1, 1) +
               b"wire-test".ljust(64, b"\0") + b"python".ljust(64, b"\0"))


def ocrq(call_id, window=16):
    return msg(7, struct.pack("!HHIIIIHHHH", call_id, 1, 300, 100000000, 3, 3,
                              window, 0, 0, 0))


class Peer:
    """One TCP connection to kpptpd, reading whole messages back."""
    count = 0

    def __init__(self, port, timeout=3.0):
        Peer.count += 1
        self.no = Peer.count
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def read(self, timeout=3.0):
        """The next whole message as (type, raw), or None if closed/timeout."""
        self.s.settimeout(timeout)
        try:
            while True:
                if len(self.buf) >= 12:
                    length, _, _, ctype, _ = struct.unpack("!HHIHH", self.buf[:12])
                    if len(self.buf) >= length:
                        raw, self.buf = self.buf[:length], self.buf[length:]
                        sent_by_server.append((self.no, raw))
                        return ctype, raw
                d = self.s.recv(4096)
                if not d:
                    return None
                self.buf += d
        except (socket.timeout, ConnectionResetError):
            return None

    def closed(self, timeout=3.0):
        """True if kpptpd closes the connection within timeout (no message)."""
        self.s.settimeout(timeout)
        try:
            while True:
                d = self.s.recv(4096)
                if not d:
                    return True
                self.buf += d
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def result_of(raw, ctype):
    """(result, error) of a reply."""
    off = {2: 14, 4: 12, 6: 16, 8: 16, 10: 16, 13: 14}[ctype]
    return raw[off], raw[off + 1]


def up(port):
    p = Peer(port)
    p.send(sccrq())
    r = p.read()
    return p, r


def pcap(path, messages):
    """Messages as TCP segments from 127.0.0.2:1723 to each peer."""
    def csum(b):
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        s = (s >> 16) + (s & 0xffff)
        return ~(s + (s >> 16)) & 0xffff

    seqs = {}
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i, (conn, raw) in enumerate(messages):
            seq = seqs.get(conn, 1000)
            seqs[conn] = seq + len(raw)
            sport, dport = 1723, 40000 + conn % 20000
            tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, 0x18,
                              65535, 0, 0)
            tot = 20 + len(tcp) + len(raw)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, i & 0xffff, 0x4000, 64, 6,
                             0, socket.inet_aton("127.0.0.2"),
                             socket.inet_aton("127.0.0.3"))
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp) + len(raw))
            seg = tcp + raw
            c = csum(pseudo + seg + (b"\0" if len(seg) % 2 else b""))
            tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
            pkt = ip + tcp + raw
            f.write(struct.pack("<IIII", i, 0, len(pkt), len(pkt)) + pkt)


def start_kpptpd(kpptpd, work, name, conf, asan="detect_leaks=1", args=()):
    """kpptpd -f on 127.0.0.1, a free port, WORK/ctl.sock as its control
    socket, plus the configuration lines conf (a string); its log in
    WORK/NAME.log. Returns (process, port, control socket, log path,
    configuration path) once the control socket is there (kpptpd listens
    on TCP before it)."""
    os.makedirs(work, exist_ok=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ctl = os.path.join(os.path.abspath(work), "ctl.sock")
    path = os.path.join(os.path.abspath(work), name + ".conf")
    with open(path, "w") as f:
        f.write("listen 127.0.0.1:%d\nlocal-ip 203.0.113.1\nremote-ip 203.0.113.10-20\n"
                "control-socket %s\n%s" % (port, ctl, conf))
    if os.path.exists(ctl):
        os.unlink(ctl)
    logpath = os.path.join(work, name + ".log")
    env = dict(os.environ, ASAN_OPTIONS=asan)
    with open(logpath, "w") as log:
        d = subprocess.Popen([os.path.abspath(kpptpd), "-f", *args, "-c", path], stderr=log,
                             stdout=log, env=env)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(ctl):
        time.sleep(0.1)
    return d, port, ctl, logpath, path


def main():
    global n
    kpptpd, plugin, work = sys.argv[1:4]
    # A small ASan quarantine, so that RSS shows what kpptpd keeps; leaks
    # are reported at exit (LeakSanitizer) and fail the log check.
    d, port, _, logpath, conf = start_kpptpd(
        kpptpd, work, "kpptpd-wire",
        "plugin %s\nhello-timeout 2\nmessage-timeout 1\nmax-connections 2000\n"
        "tcp-timeout 5\n"
        # Every peer here is 127.0.0.1: the per-source limits
        # (kpptpd-limits.py tests them) would refuse this test's
        # own thousand connections and hold back its log lines.
        "connect-rate 0\nmax-connections-per-source 2000\nlog-rate 0\n" % plugin,
        asan="quarantine_size_mb=1:detect_leaks=1", args=("-v",))
    print("TAP version 13", flush=True)

    p, r = up(port)
    point(r and r[0] == 2 and result_of(r[1], 2) == (1, 0), "SCCRQ in one segment: SCCRP OK")
    p.send(msg(5, struct.pack("!I", 0xfeedbeef)))
    r = p.read()
    point(r and r[0] == 6 and r[1][12:16] == b"\xfe\xed\xbe\xef" and result_of(r[1], 6) == (1, 0),
          "Echo-Request answered with its identifier")
    p.send(sccrq())
    r = p.read()
    point(r and r[0] == 2 and result_of(r[1], 2)[0] == 3,
          "a second SCCRQ: result 3, the connection stays")
    p.send(ocrq(7))
    r = p.read()
    # No PPPoX on this host: the call fails where the kernel is needed.
    point(r and r[0] == 8 and result_of(r[1], 8) == (2, 6) and r[1][14:16] == b"\x00\x07",
          "OCRQ with no PPTP socket support: OCRP General Error, PAC-Error, our peer's ID")
    p.send(msg(3, b"\x01"))
    r = p.read()
    point(r and r[0] == 4 and result_of(r[1], 4)[0] == 1 and p.closed(),
          "StopCCRQ: StopCCRP OK, then closed")
    p.close()

    p = Peer(port)
    data = sccrq()
    for b in data:
        p.send(bytes([b]))
        time.sleep(0.002)
    r = p.read()
    point(r and r[0] == 2, "SCCRQ one octet per segment: answered")
    p.close()

    p = Peer(port)
    p.send(sccrq() + msg(5, b"\0\0\0\1") + msg(5, b"\0\0\0\2"))
    r1, r2, r3 = p.read(1), p.read(1), p.read(1)
    point(r1 and r2 and r3 and r1[0] == 2 and r2[0] == 6 and r3[0] == 6,
          "SCCRQ and two Echo-Requests in one segment: all three answered at once")
    p.close()

    p = Peer(port)
    p.send(ocrq(9))
    r = p.read()
    point(r and r[0] == 8 and result_of(r[1], 8) == (2, 1) and p.closed(),
          "OCRQ before SCCRQ: OCRP General Error, Not-Connected, closed")
    p.close()

    p = Peer(port)
    p.send(sccrq(0x0200))
    r = p.read()
    point(r and r[0] == 2 and result_of(r[1], 2)[0] == 5 and p.closed(),
          "version 2.0: SCCRP result 5, closed")
    p.close()

    for what, data in (("a bad cookie", struct.pack("!HHIHH", 156, 1, 0x1A2B3C4E, 1, 0)),
                       ("a huge length", b"\xff\xff"),
                       ("management message type 2", struct.pack("!HH", 156, 2)),
                       ("control type 16", struct.pack("!HHIHH", 16, 1, MAGIC, 16, 0)),
                       ("an Echo-Request 20 octets long",
                        struct.pack("!HHIHH", 20, 1, MAGIC, 5, 0)),
                       ("HTTP", b"GET / HTTP/1.0\r\n\r\n")):
        p = Peer(port)
        p.send(data)
        t = time.time()
        point(p.closed(1.5) and time.time() - t < 1.5,
              "%s: closed at once, nothing answered" % what)
        p.close()

    p = Peer(port)
    p.send(sccrq()[:5])
    t = time.time()
    gone = p.closed(4)
    point(gone and 0.8 < time.time() - t < 3, "slowloris (5 octets, then nothing): closed after "
          "message-timeout (1 s), took %.1f s" % (time.time() - t))
    p.close()

    def rss_kb():
        for line in open("/proc/%d/status" % d.pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    rss0 = rss_kb()
    silent = [Peer(port) for _ in range(200)]
    t = time.time()
    p, r = up(port)
    point(r and r[0] == 2 and time.time() - t < 1,
          "200 silent connections: another peer is still answered at once (%.0f ms)"
          % ((time.time() - t) * 1000))
    p.close()
    t = time.time()
    point(all(x.closed(5) for x in silent) and time.time() - t < 5,
          "... and the silent ones are closed by hello-timeout (2 s)")
    for x in silent:
        x.close()

    t = time.time()
    ok = 0
    for _ in range(1000):
        try:
            p, r = up(port)
            ok += bool(r and r[0] == 2)
            p.close()
        except OSError:
            pass
    point(ok == 1000, "1000 connections one after the other: %d answered in %.1f s"
          % (ok, time.time() - t))
    grown = rss_kb() - rss0
    # Connections are freed when they close: 1200 of them must leave
    # nothing behind but allocator slack (ASan's quarantine included).
    # One connection's state is ~5 kB: keeping 1200 would be ~6 MB.
    point(grown < 3072, "memory stays bounded: kpptpd's RSS grew %d kB over 1200 connections"
          % grown)

    p, r = up(port)
    point(r and r[0] == 2 and d.poll() is None, "kpptpd still serves")
    p.close()

    ctl = os.path.join(os.path.abspath(work), "ctl.sock")
    if len(sys.argv) > 5:
        env = dict(os.environ, KPPTPD_SOCKET=ctl)
        run = lambda *a: subprocess.run([sys.argv[5], *a], env=env, capture_output=True,
                                        text=True, timeout=10)
        r = run("calls")
        point(r.returncode == 0 and r.stdout == "no calls\n", "kpptpctl calls: 'no calls'")
        r = run("-j", "calls")
        point(r.returncode == 0 and r.stdout == "[]\n", "kpptpctl -j calls: []")
        r = run("call", "hangup", "5")
        point(r.returncode == 4 and "no call has local call ID '5'" in r.stderr,
              "kpptpctl call hangup 5: exit 4, kpptpd says there is no such call")
        st = os.stat(ctl).st_mode & 0o777
        point(st == 0o600, "the control socket is mode 0600 (got %o)" % st)
        setpriv = shutil.which("setpriv")
        if setpriv and os.geteuid() == 0:
            r = subprocess.run([setpriv, "--reuid", "65534", "--regid", "65534",
                                "--clear-groups", sys.argv[5], "calls"], env=env,
                               capture_output=True, text=True, timeout=10)
            point(r.returncode == 1 and "Permission denied" in r.stderr and "root's" in r.stderr,
                  "kpptpctl calls as nobody: refused by the socket's mode, said so (exit 1)")
        else:
            n += 1
            print("ok %d kpptpctl calls as nobody # SKIP not root or no setpriv" % n)
    c = socket.socket(socket.AF_UNIX)
    c.connect(ctl)
    c.sendall(b"x" * 600)
    point(c.recv(200).startswith(b"error request too long"),
          "the control socket refuses a request over 512 octets")
    c.close()

    # SIGHUP: a bad file changes nothing; a good one applies to new peers.
    text = open(conf).read()
    live, r = up(port)
    with open(conf, "w") as f:
        f.write(text + "max-calls 0\n")
    d.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    p, r = up(port)
    point(r and r[0] == 2, "SIGHUP with a bad file: still serving as before")
    p.close()
    with open(conf, "w") as f:
        f.write(text + "allow 192.0.2.0/24\n")
    d.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    p = Peer(port)
    p.send(sccrq())
    point(p.closed(2) and not p.buf, "SIGHUP with 'allow 192.0.2.0/24': 127.0.0.1 is refused now")
    p.close()
    live.send(msg(5, b"\0\0\0\7"))
    r = live.read()
    point(r and r[0] == 6, "... while a connection made before the reload is still served")
    live.close()
    with open(conf, "w") as f:
        f.write(text)
    d.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    p, r = up(port)
    point(r and r[0] == 2, "SIGHUP with the first file again: 127.0.0.1 is served again")
    p.close()

    d.send_signal(signal.SIGTERM)
    try:
        rc = d.wait(10)
    except subprocess.TimeoutExpired:
        d.kill()
        rc = -1
    text = open(logpath).read()
    point(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
    point("Sanitizer" not in text and "runtime error" not in text,
          "no ASan/UBSan report in kpptpd's log")
    point("peer broke the message framing (bad magic cookie" in text,
          "the log names what was wrong (bad magic cookie)")
    point("call refused: socket(AF_PPPOX, PX_PROTO_PPTP): Address family not supported by "
          "protocol (load kpptp.ko, or the in-tree pptp.ko)" in text,
          "a call with no PPTP socket support: the log says what to load")
    point(re.search(r"reload: .*kpptpd-wire.conf:\d+: max-calls needs a number 1..65535, "
                    r"not '0': keeping the running configuration", text) is not None,
          "the log names the bad line of a reload and keeps the running configuration")

    tshark = shutil.which("tshark")
    if not tshark:
        n += 1
        print("ok %d tshark's dissector # SKIP tshark missing (make deps)" % n)
        return 1 if failed else 0
    def dissect(path):
        """tshark's expert notes and lines that say malformed; the types seen."""
        args = [tshark, "-r", path, "-o", "tcp.analyze_sequence_numbers:FALSE",
                "-d", "tcp.port==1723,pptp"]
        out = subprocess.run(args + ["-z", "expert,note", "-q"], capture_output=True,
                             text=True, timeout=120)
        txt = subprocess.run(args + ["-V"], capture_output=True, text=True, timeout=120)
        types = subprocess.run(args + ["-T", "fields", "-e", "pptp.control_message_type"],
                               capture_output=True, text=True, timeout=120)
        bad = [line.strip() for line in (out.stdout + txt.stdout).splitlines()
               if re.search(r"Malformed|Expert Info \((Warning|Error)|^\s*(Errors|Warns) \(",
                            line)]
        seen = sorted({int(x) for x in types.stdout.split() if x.isdigit()})
        return out.returncode | txt.returncode, bad, seen

    # The check must be able to fail: a truncated SCCRP is malformed.
    bad_path = os.path.join(work, "truncated.pcap")
    pcap(bad_path, [(1, sccrq()[:40])])
    _, bad, _ = dissect(bad_path)
    point(bad, "tshark flags a truncated message as malformed (the check can fail)")
    msgs = list(sent_by_server)
    if len(sys.argv) > 4:
        data = open(sys.argv[4], "rb").read()
        while len(data) >= 2:
            length = struct.unpack("!H", data[:2])[0]
            if length < 12 or length > len(data):
                break
            msgs.append((0, data[:length]))
            data = data[length:]
    path = os.path.join(work, "kpptpd-wire.pcap")
    pcap(path, msgs)
    rc, bad, seen = dissect(path)
    for line in bad[:10]:
        print("# tshark: " + line)
    point(rc == 0 and not bad and len(sent_by_server) > 1000 and
          # every type kpptpd ever sends (it never originates ICRQ, ICCN
          # or WEN: it is never a PAC for incoming calls; SLI is the client's)
          (len(sys.argv) < 5 or seen == [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 15]),
          "tshark's PPTP dissector: %d messages we sent (types %s), nothing malformed, "
          "no expert warning" % (len(msgs), seen))
    return 1 if failed else 0


if __name__ == "__main__":
    rc = main()
    print("1..%d" % n)
    sys.exit(rc)
