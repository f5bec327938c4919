#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kpptpd's restart in place, on the host: control connections only.

kpptpd (the ASan/UBSan build) listens on 127.0.0.1. A peer holds a control
connection with half a message sent; `kpptpctl daemon restart --binary
kpptpd-next` (the same code, another version) takes over in the same
process; the rest of the message is answered by the new binary, and the
peer never sees its connection end. A binary that reads another state
format, or refuses the configuration, is never run: the old kpptpd goes
on and logs one line. Calls need PPPoX: the guest's kpptpd-restart.sh.

usage: kpptpd-restart.py KPPTPD KPPTPD_NEXT PLUGIN WORKDIR KPPTPCTL  (KTAP)
"""
import importlib.util
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
msg, sccrq, point, Peer = wire.msg, wire.sccrq, wire.point, wire.Peer

ECHO_RQ, ECHO_RP, SCCRP, STOPCCRQ = 5, 6, 2, 3


def echo(n):
    return msg(ECHO_RQ, struct.pack("!I", n))


def fake(path, text):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + text)
    os.chmod(path, 0o755)


def main():
    kpptpd, nxt, plugin, work, kpptpctl = sys.argv[1:6]
    d, port, ctl, logpath, _ = wire.start_kpptpd(
        kpptpd, work, "kpptpd-restart",
        "plugin %s\nidle-timeout 600\necho-interval 600\n" % os.path.abspath(plugin),
        asan="detect_leaks=0")
    cenv = dict(os.environ, KPPTPD_SOCKET=ctl)

    def ctl_run(*a):
        return subprocess.run([kpptpctl, *a], env=cenv, capture_output=True, text=True,
                              timeout=20)

    def logged(what):
        with open(logpath) as f:
            return sum(what in line for line in f)

    def exe():
        try:
            return os.readlink("/proc/%d/exe" % d.pid)
        except OSError:
            return "(gone)"

    print("TAP version 13", flush=True)
    print("1..14", flush=True)

    a = Peer(port)
    a.send(sccrq())
    r = a.read()
    point(r is not None and r[0] == SCCRP, "a control connection is up")
    # Half of an Echo-Request now, the rest after the hand-over.
    a.send(echo(7)[:10])
    time.sleep(0.2)
    fds0 = len(os.listdir("/proc/%d/fd" % d.pid))
    r = ctl_run("daemon", "restart", "--binary", os.path.abspath(nxt))
    print("# %s%s" % (r.stdout, r.stderr), end="")
    point(r.returncode == 0 and "restarted kpptpd 0.2.0+next (was 0.2.0): 1 connections"
          in r.stdout, "kpptpctl daemon restart: the new version answers")
    point(d.poll() is None and exe() == os.path.abspath(nxt),
          "... in the same process (pid %d runs %s)" % (d.pid, exe()))
    a.send(echo(7)[10:])
    r = a.read()
    point(r is not None and r[0] == ECHO_RP and r[1][12:16] == struct.pack("!I", 7),
          "a message split across the hand-over is answered by the new kpptpd")
    b = Peer(port)
    b.send(sccrq())
    r = b.read()
    point(r is not None and r[0] == SCCRP, "a new connection after it is served")
    r = ctl_run("sources")
    point(r.returncode == 0 and "127.0.0.1" in r.stdout,
          "the source table came along (kpptpctl sources)")

    # A binary that reads another format is never run.
    bad = os.path.join(os.path.abspath(work), "kpptpd-other-format")
    fake(bad, 'case "$1" in --state-format) echo "kpptpd-state 99 9.9";; *) exit 1;; esac\n')
    before = logged("restart refused")
    r = ctl_run("daemon", "restart", "--binary", bad)
    print("# %s" % r.stderr, end="")
    point(r.returncode == 1 and "reads state format 99, this kpptpd writes 1" in r.stderr,
          "a binary of another state format: refused, with why")
    point(logged("restart refused") == before + 1 and d.poll() is None and
          exe() == os.path.abspath(nxt), "... one log line, the running kpptpd goes on")
    a.send(echo(8))
    r = a.read()
    point(r is not None and r[0] == ECHO_RP, "... and still answers its peers")

    # One that refuses the configuration is not run either.
    picky = os.path.join(os.path.abspath(work), "kpptpd-picky")
    fake(picky, 'case "$1" in --state-format) echo "kpptpd-state 1 x";;\n'
         '--check-config) echo "kpptpd: conf:1: unknown key"; exit 1;; *) exit 1;; esac\n')
    r = ctl_run("daemon", "restart", "--binary", picky)
    point(r.returncode == 1 and "refuses" in r.stderr and "unknown key" in r.stderr,
          "a binary that refuses the configuration: not run, its words quoted")

    # Back to the first binary; a restart with no binary runs its own file.
    r = ctl_run("daemon", "restart", "--binary", os.path.abspath(kpptpd))
    r2 = ctl_run("daemon", "restart")
    print("# %s%s" % (r2.stdout, r2.stderr), end="")
    point(r.returncode == 0 and r2.returncode == 0 and "(was 0.2.0)" in r2.stdout and
          exe() == os.path.abspath(kpptpd), "restarts back, and onto its own file")
    a.send(echo(9))
    r = a.read()
    point(r is not None and r[0] == ECHO_RP, "the first connection lived through three")
    fds1 = len(os.listdir("/proc/%d/fd" % d.pid))
    # One more connection (b) than before the first restart: its socket.
    point(fds1 == fds0 + 1, "no descriptor leaked by three restarts (%d, then %d)" % (fds0, fds1))

    d.terminate()
    r = a.read(timeout=5)
    point(r is not None and r[0] == STOPCCRQ, "SIGTERM: it stops its peers as before")
    try:
        d.wait(timeout=10)
    except subprocess.TimeoutExpired:
        d.kill()
    a.close()
    b.close()
    return 1 if wire.failed else 0


if __name__ == "__main__":
    sys.exit(main())
