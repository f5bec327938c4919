#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Stand in for kpptpd's control socket (kpptpd(8), CONTROL SOCKET): listen
on a Unix socket, take one request, write it to REQUEST_FILE, answer with
ANSWER_FILE's bytes, close. With HOLD, first wait HOLD seconds (a stuck
kpptpd). Bounded: gives up after 10 s with no client.

usage: ctl-answer.py SOCKET ANSWER_FILE REQUEST_FILE [HOLD]
"""
import os
import socket
import sys
import time

path, answer, request = sys.argv[1:4]
hold = float(sys.argv[4]) if len(sys.argv) > 4 else 0
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(10)
conn, _ = srv.accept()
conn.settimeout(5)
req = b""
while not req.endswith(b"\n"):
    chunk = conn.recv(512)
    if not chunk:
        break
    req += chunk
with open(request, "wb") as f:
    f.write(req)
time.sleep(hold)
with open(answer, "rb") as f:
    try:
        conn.sendall(f.read())
    except BrokenPipeError:  # the client gave up first, as it should
        pass
conn.close()
srv.close()
os.unlink(path)
