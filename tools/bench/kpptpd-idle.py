#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What idle control connections cost kpptpd: memory and CPU, by count.

Starts kpptpd on 127.0.0.1 (its per-source limits lifted: every
connection comes from 127.0.0.0/8), opens N control connections
(SCCRQ answered, no call) spread over 127.0.0.2..127.0.0.41, and reads
from /proc: the resident memory they add, per connection, and the CPU
time kpptpd spends a second while they sit idle, first with Echo off
(nothing is due: the cost of merely holding them) and then with
echo-interval 5 s, every Echo-Request answered (the cost of keeping them
alive, which should grow linearly with N: constant per connection).
With the timer heap, an idle wakeup costs the timers that fire, not a
walk of every connection.

usage: tools/bench/kpptpd-idle.py KPPTPD PLUGIN [N...]   (default 1000 10000)
Needs RLIMIT_NOFILE above the largest N (it raises its soft limit).
Prints one line per N and run; exits 1 if kpptpd failed.
"""
import os
import resource
import selectors
import socket
import struct
import subprocess
import sys
import tempfile
import time

MAGIC = 0x1A2B3C4D
HZ = os.sysconf("SC_CLK_TCK")


def msg(ctype, body, total):
    return struct.pack("!HHIHH", total, 1, MAGIC, ctype, 0) + body.ljust(total - 12, b"\0")


SCCRQ = msg(1, struct.pack("!HHIIHH", 0x0100, 0, 1, 1, 1, 1), 156)


def proc(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = int(fields[11]) + int(fields[12])     # utime + stime, ticks
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(x.split()[1]) for x in f if x.startswith("VmRSS:"))
    return cpu, rss


def run(kpptpd, plugin, n, echo):
    work = tempfile.mkdtemp(prefix="kpptpd-idle.")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    conf = os.path.join(work, "kpptpd.conf")
    with open(conf, "w") as f:
        f.write("listen 127.0.0.1:%d\nlocal-ip 203.0.113.1\nremote-ip 203.0.113.10-20\n"
                "plugin %s\ncontrol-socket none\nmax-connections 100000\n"
                "connect-rate 0\nmax-connections-per-source 100000\nidle-timeout 0\n"
                "echo-interval %d\nlog-rate 0\n" % (port, plugin, echo))
    log = open(os.path.join(work, "kpptpd.log"), "w")
    d = subprocess.Popen([kpptpd, "-f", "-c", conf], stdout=log, stderr=log)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    time.sleep(0.5)
    _, rss0 = proc(d.pid)
    sel = selectors.DefaultSelector()
    conns = []
    for i in range(n):
        c = socket.socket()
        c.bind(("127.0.0.%d" % (2 + i % 40), 0))
        c.connect(("127.0.0.1", port))
        c.sendall(SCCRQ)
        conns.append(c)
    answered = 0
    for c in conns:
        c.settimeout(10)
        if len(c.recv(156, socket.MSG_WAITALL)) == 156:
            answered += 1
        c.setblocking(False)
        sel.register(c, selectors.EVENT_READ)
    time.sleep(1)
    cpu0, rss1 = proc(d.pid)
    t0 = time.time()
    echoes = 0
    window = 10 if not echo else 3 * echo
    while time.time() - t0 < window:
        for key, _ in sel.select(timeout=0.2):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                continue
            # Echo-Requests (16 octets each): Echo-Reply with the identifier.
            for off in range(0, len(data) - 15, 16):
                if struct.unpack("!H", data[off + 8:off + 10])[0] == 5:
                    key.fileobj.send(msg(6, data[off + 12:off + 16] + b"\x01", 20))
                    echoes += 1
    cpu1, _ = proc(d.pid)
    secs = time.time() - t0
    alive = d.poll() is None
    d.terminate()
    d.wait(10)
    for c in conns:
        c.close()
    log.close()
    cpu_ms = (cpu1 - cpu0) * 1000.0 / HZ / secs
    print("N %6d echo %2ds: %6d answered, %6.0f B/connection, idle CPU %6.2f ms/s "
          "(%.4f ms/s per 1000 connections), %d Echo-Requests answered in %.0f s"
          % (n, echo, answered, (rss1 - rss0) * 1024.0 / max(n, 1), cpu_ms,
             cpu_ms * 1000.0 / n, echoes, secs), flush=True)
    return alive and answered == n


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 2
    kpptpd, plugin = sys.argv[1:3]
    counts = [int(x) for x in sys.argv[3:]] or [1000, 10000]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ok = True
    for echo in (0, 5):
        for n in counts:
            if n + 64 > hard:
                print("N %d: RLIMIT_NOFILE's hard limit is %d: skipped" % (n, hard))
                continue
            ok &= run(kpptpd, plugin, n, echo)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
