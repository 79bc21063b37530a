#!/usr/bin/env python3
"""Peak memory of a long run without output: it must not grow with the days simulated.

Runs BINARY (press-to-alert: its idle blink changes the LED 1.4 times a second) on scenarios of
1 day and of DAYS days of virtual time with a press at the start and no --vcd or --svg, and
compares the peak resident set size (getrusage of each child). Without an output the host board
keeps no record of pin changes, so the longer run may not need more than the shorter one plus
SLACK_KB (allocator noise). Also checks that each run printed exactly its two lines.

usage: test_memory.py BINARY [--days N]
"""
import argparse
import os
import subprocess
import sys
import tempfile

SLACK_KB = 256
DAY_MS = 24 * 3600 * 1000


def peak_kb(binary, days, d):
    scn = os.path.join(d, f"{days}d.scn")
    with open(scn, "w") as f:
        f.write(f"1000 GP14 0\n1100 GP14 1\nend {days * DAY_MS}\n")
    p = subprocess.Popen([binary, "--scenario", scn], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    out = p.stdout.read()  # two short lines: no pipe fills
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = 0  # reaped here
    if status != 0:
        sys.exit(f"FAIL: {days} days: exit status {status >> 8}: {err.strip()}")
    lines = out.splitlines()
    want = ["[0.000] Press-to-alert ready", "[1000.000] Press count: 1"]
    if lines != want:
        sys.exit(f"FAIL: {days} days: printed {lines[:5]}, expected {want}")
    return usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--days", type=int, default=30)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        short = peak_kb(a.binary, 1, d)
        long = peak_kb(a.binary, a.days, d)
    print(f"peak RSS: 1 day {short} KB, {a.days} days {long} KB (slack {SLACK_KB} KB)")
    if long > short + SLACK_KB:
        sys.exit(f"FAIL: peak memory grows with the days: {short} KB -> {long} KB")
    print("ok")


if __name__ == "__main__":
    main()
