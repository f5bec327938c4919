#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A misbehaving "server" on 127.0.0.1 for kpptpctl probe's host tests.

probe-peer.py MODE PORTFILE: listen on an ephemeral port (written to
PORTFILE), take one connection, and behave as MODE says:
  banner   send an SSH banner (something else listens on 1723)
  silent   accept and say nothing (a stuck server or a proxy)
  close    close at once without a word (an allow list)
  refuse   answer the SCCRQ with SCCRP result 4 (not authorized)
Exits after 15 s at most.
"""
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D


def msg(ctype, body):
    return struct.pack(">HHIHH", 12 + len(body), 1, MAGIC, ctype, 0) + body


def sccrp(result):
    return msg(2, struct.pack(">HBBIIHH64s64s", 0x100, result, 0, 1, 1, 1, 1,
                              b"probe-peer", b"test"))


def read_msg(c):
    hdr = c.recv(12, socket.MSG_WAITALL)
    if len(hdr) < 12:
        return None, b""
    length, _, _, ctype, _ = struct.unpack(">HHIHH", hdr)
    return ctype, c.recv(length - 12, socket.MSG_WAITALL)


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    s.settimeout(15)
    with open(portfile, "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    c, _ = s.accept()
    c.settimeout(15)
    try:
        if mode == "banner":
            c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
        elif mode == "silent":
            time.sleep(8)
        elif mode == "close":
            pass
        elif mode == "refuse":
            read_msg(c)
            c.sendall(sccrp(4))
        time.sleep(0.5)
    finally:
        c.close()


main()
