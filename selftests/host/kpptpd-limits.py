#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kpptpd's per-source limits against a hostile peer, on the host.

kpptpd (the ASan/UBSan build) listens on 127.0.0.1 with the defaults of
kpptpd.conf(5) for everything a peer can make it hold. An attacker at
127.0.0.2 opens connections as fast as it can, keeps them, floods one of
them with Set-Link-Info and unknown-call messages, and never places a
call; meanwhile a legitimate peer at 127.0.0.3 must be answered at once,
every time. Each limit that bites is counted (kpptpctl limits), shown per
source (kpptpctl sources) and logged a bounded number of times.

Calls need PPPoX (the guest's kpptpd-hostile.sh): here only what a
control connection can hold.

usage: kpptpd-limits.py KPPTPD PLUGIN WORKDIR KPPTPCTL  (KTAP on stdout)
"""
import importlib.util
import json
import os
import socket
import struct
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("wire", os.path.join(here, "kpptpd-wire.py"))
wire = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wire)
# Its messages, and its test points (and their counts: wire.n, wire.failed).
msg, sccrq, point = wire.msg, wire.sccrq, wire.point


def connect_from(src, port, timeout=3.0):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_msg(s, timeout=3.0):
    """(type, raw) of the next whole message; None when closed or silent."""
    s.settimeout(timeout)
    buf = b""
    try:
        while True:
            if len(buf) >= 12:
                length, _, _, ctype, _ = struct.unpack("!HHIHH", buf[:12])
                if len(buf) >= length:
                    return ctype, buf[:length]
            d = s.recv(4096)
            if not d:
                return None
            buf += d
    except (socket.timeout, ConnectionResetError):
        return None


def answered(src, port):
    """A new connection from src gets an SCCRP (the socket, or None)."""
    try:
        s = connect_from(src, port)
        s.sendall(sccrq())
        r = read_msg(s, 2)
    except OSError:
        return None
    if r and r[0] == 2:
        return s
    s.close()
    return None


def main():
    kpptpd, plugin, work, kpptpctl = sys.argv[1:5]
    # The defaults of every limit, but a short idle-timeout to test it.
    d, port, ctl, logpath, _ = wire.start_kpptpd(kpptpd, work, "kpptpd-limits",
                                              "plugin %s\nidle-timeout 20\n" % plugin)
    cenv = dict(os.environ, KPPTPD_SOCKET=ctl)

    def ctl_run(*a):
        return subprocess.run([kpptpctl, *a], env=cenv, capture_output=True, text=True,
                              timeout=10)

    print("TAP version 13", flush=True)

    # 0. A control client that sends half a request and waits: the loop
    # must not wait with it (it used to poll() for it, every peer stalled).
    slow = socket.socket(socket.AF_UNIX)
    slow.connect(ctl)
    slow.sendall(b"cal")
    t = time.time()
    peer = answered("127.0.0.4", port)
    waited = time.time() - t
    point(peer is not None and waited < 0.5,
          "a control client that dribbles: a PPTP peer is still answered at once (%.0f ms)"
          % (waited * 1000))
    if peer:
        peer.close()
    t = time.time()
    r = ctl_run("limits")
    waited = time.time() - t
    point(r.returncode == 0 and waited < 0.9,
          "... and so is another control client (%.0f ms)" % (waited * 1000))
    slow.settimeout(3)
    try:
        gone = slow.recv(100) == b""
    except OSError:
        gone = False
    point(gone, "... the dribbling one is dropped after its second")
    slow.close()

    # 1. A burst of 200 connections from one address, as fast as it goes.
    held, refused = [], 0
    t0 = time.time()
    for _ in range(200):
        c = answered("127.0.0.2", port)
        if c:
            held.append(c)
        else:
            refused += 1
    burst_s = time.time() - t0
    point(10 <= len(held) <= 20 + 5 * (burst_s + 1),
          "200 connections from one address in %.1f s: %d answered (connect-burst 20, "
          "connect-rate 5/s), %d refused" % (burst_s, len(held), refused))
    good = answered("127.0.0.3", port)
    point(good is not None, "... another address is answered at once meanwhile")
    if good:
        good.close()

    # 2. Paced under the rate: max-connections-per-source (32) holds.
    t0 = time.time()
    over = 0
    while over < 3 and time.time() - t0 < 10:
        c = answered("127.0.0.2", port)
        if c:
            held.append(c)
        over += len(held) >= 32 and not c
        time.sleep(0.21)
    point(len(held) == 32 and over == 3, "paced under connect-rate, one address holds at most "
          "max-connections-per-source (32): %d, and %d more refused" % (len(held), over))
    r = ctl_run("sources")
    line = [x for x in r.stdout.splitlines() if x.startswith("127.0.0.2 ")]
    point(r.returncode == 0 and line and line[0].split()[1] == "32",
          "kpptpctl sources: 127.0.0.2 holds 32 connections (%s)" % (line[0] if line else r.stdout))
    good = answered("127.0.0.3", port)
    point(good is not None, "... another address is still answered")

    # 3. A flood of unknown-call messages and Set-Link-Info on one connection.
    size_before = os.path.getsize(logpath)
    flood = held[0]
    sli = msg(15, struct.pack("!HHII", 4711, 0, 0xffffffff, 0xffffffff))
    ccrq = msg(12, struct.pack("!HH", 4712, 0))
    burst = (sli + ccrq) * 1000
    for _ in range(10):
        flood.sendall(burst)
    flood.sendall(msg(5, b"\0\0\0\x2a"))
    r = read_msg(flood, 5)
    while r and r[0] != 6:
        r = read_msg(flood, 5)
    point(r and r[0] == 6, "20,000 SLI and CCRQ for calls it does not have: still answered")
    grown = os.path.getsize(logpath) - size_before
    point(grown < 20000, "... kpptpd's log grew %d octets for them (log-burst 20, then "
          "log-rate 60 a minute per source)" % grown)
    r = ctl_run("-j", "limits")
    try:
        lim = json.loads(r.stdout)
    except ValueError:
        lim = {}
    point(lim.get("log-suppressed", 0) >= 19000,
          "kpptpctl -j limits: log-suppressed %s" % lim.get("log-suppressed"))
    point(lim.get("refused-connect-rate", 0) > 0 and
          lim.get("refused-connections-per-source", 0) > 0,
          "... refused-connect-rate %s and refused-connections-per-source %s counted"
          % (lim.get("refused-connect-rate"), lim.get("refused-connections-per-source")))
    r = read_msg(good, 1) if good else None
    point(good is not None and r is None, "the other address's connection saw nothing of it")

    # 4. idle-timeout: connections that never place a call are stopped.
    r = read_msg(good, 25) if good else None
    point(r is not None and r[0] == 3 and r[1][12] == 1,
          "idle-timeout (20 s) with no call: Stop-Control-Connection-Request, reason 1 (None)")
    if good:
        good.sendall(msg(4, b"\x01"))
        good.close()
    for c in held:
        c.close()
    time.sleep(0.5)
    r = ctl_run("-j", "limits")
    try:
        lim = json.loads(r.stdout)
    except ValueError:
        lim = {}
    point(lim.get("closed-idle", 0) >= 32 and lim.get("connections", -1) == 0,
          "... counted: closed-idle %s, connections left %s"
          % (lim.get("closed-idle"), lim.get("connections")))
    summary = "similar lines (the peer's control messages) suppressed"
    text = open(logpath).read()
    point(summary in text or lim.get("log-suppressed", 0) == 0,
          "a summary line says how many of its lines were suppressed")
    r = ctl_run("source", "unblock", "127.0.0.2")
    point(r.returncode == 4 and "no failed logins" in r.stderr,
          "kpptpctl source unblock of an address with no failed logins: exit 4, said")
    r = ctl_run("source", "unblock", "nonsense")
    point(r.returncode == 2, "kpptpctl source unblock nonsense: exit 2")
    r = ctl_run("-j", "sources")
    try:
        json.loads(r.stdout)
        ok = r.returncode == 0
    except ValueError:
        ok = False
    point(ok, "kpptpctl -j sources is JSON")

    d.terminate()
    try:
        rc = d.wait(10)
    except subprocess.TimeoutExpired:
        d.kill()
        rc = -1
    text = open(logpath).read()
    point(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
    point("Sanitizer" not in text and "runtime error" not in text,
          "no ASan/UBSan report in kpptpd's log")
    return 1 if wire.failed else 0


if __name__ == "__main__":
    rc = main()
    print("1..%d" % wire.n)
    sys.exit(rc)
