#!/usr/bin/env python3
"""24 hours of virtual time, a press every minute: press-to-alert must count every one at its
exact time and end at "Press count: 1440". The microsecond tick wraps about 20 times on the way.

usage: test_day.py PRESS_TO_ALERT
"""
import os
import subprocess
import sys
import tempfile
import time

MINUTE_MS = 60_000
PRESSES = 24 * 60


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        scn = os.path.join(d, "day.scn")
        with open(scn, "w") as f:
            f.write("# a press every minute for 24 hours, with a short bounce\n")
            for k in range(PRESSES):
                t = 30_000 + k * MINUTE_MS
                f.write(f"{t} GP14 0\n{t}.400 GP14 1\n{t}.900 GP14 0\n{t + 120} GP14 1\n")
            f.write(f"end {24 * 60 * MINUTE_MS}\n")
        start = time.monotonic()
        p = subprocess.run([binary, "--scenario", scn], capture_output=True, text=True, timeout=300)
        took = time.monotonic() - start
    if p.returncode != 0:
        print(f"FAIL: exit {p.returncode}\n{p.stderr}")
        return 1
    counts = [line for line in p.stdout.splitlines() if "Press count:" in line]
    want = [f"[{30_000 + k * MINUTE_MS}.000] Press count: {k + 1}" for k in range(PRESSES)]
    if counts != want:
        bad = next(i for i in range(min(len(counts), len(want)) + 1)
                   if i >= len(counts) or i >= len(want) or counts[i] != want[i])
        print(f"FAIL: {len(counts)} count lines; first difference at #{bad}: "
              f"{counts[bad] if bad < len(counts) else None!r} != "
              f"{want[bad] if bad < len(want) else None!r}")
        return 1
    print(f"ok: 24 h of virtual time, {PRESSES} presses counted at their exact times, "
          f"ends at 'Press count: {PRESSES}' ({took:.2f} s of real time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
