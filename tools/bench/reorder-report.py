#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The reorder-window benchmark's table, from one boot's output files."""

import argparse
import json
import os
import re
import sys

SCENARIOS = ["clean", "loss0.5", "loss2", "reorder5", "loss1-reorder5"]


def tcp(path):
    """(Mbit/s received, retransmits) of one iperf3 run, or (None, why)."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return None, "unreadable: %s" % e
    if "error" in doc:
        return None, doc["error"]
    end = doc.get("end", {})
    recv, sent = end.get("sum_received"), end.get("sum_sent", {})
    if not recv:
        return None, "no receiver summary"
    return recv["bits_per_second"] / 1e6, sent.get("retransmits")


def ping(path):
    """(average ms, maximum ms, loss %) from ping's summary, or Nones."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None, None, None
    rtt = re.search(r"= [\d.]+/([\d.]+)/([\d.]+)", text)
    loss = re.search(r"([\d.]+)% packet loss", text)
    return (float(rtt.group(1)) if rtt else None,
            float(rtt.group(2)) if rtt else None,
            float(loss.group(1)) if loss else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("dir")
    ap.add_argument("windows", nargs="+")
    a = ap.parse_args()
    doc = {"mode": a.mode, "results": {}}
    bad = 0
    print("%-15s %6s %9s %7s %9s %9s %8s" %
          ("path", "window", "Mbit/s", "retx", "ping avg", "ping max", "rx_lost"))
    for sc in SCENARIOS:
        for w in a.windows:
            base = os.path.join(a.dir, "%s.w%s" % (sc, w))
            mbps, retx = tcp(base + ".json")
            avg, mx, loss = ping(base + ".ping")
            try:
                with open(base + ".lost") as f:
                    lost = f.read().strip()
            except OSError:
                lost = ""
            if mbps is None:
                print("%-15s %6s  failed: %s" % (sc, w, retx))
                bad += 1
                continue
            doc["results"]["%s/w%s" % (sc, w)] = {
                "mbps": mbps, "retransmits": retx, "ping_avg_ms": avg,
                "ping_max_ms": mx, "ping_loss_pct": loss, "rx_lost": lost}
            fmt = lambda v: "%.1f" % v if v is not None else "-"
            print("%-15s %6s %9.1f %7s %9s %9s %8s" %
                  (sc, w, mbps, retx, fmt(avg), fmt(mx), lost or "-"))
    with open(a.json, "w") as f:
        json.dump(doc, f, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
