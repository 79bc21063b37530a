#!/usr/bin/env python3
"""The RP2040 board's edge interrupt over all four IO_BANK0 registers: runs
tests/e2e/gpio_banks.c (as ports/rp2040 builds it) on the virtual Pico and checks that every
edge reaches the task, with its level, in order: one pin at a time, a pin in each register at
one instant (lowest pin first), and two edges of one pin at one instant (the hardware latches
both; the handler gives the first edge's level, then the line's).

usage: gpio_banks.py NODE HARNESS IMAGE.bin
"""
import json
import subprocess
import sys
import tempfile

# (ms, GPIO, level); every line idles high (pulled up)
EVENTS = [
    (10, 4, 0), (20, 12, 0), (30, 22, 0), (40, 27, 0),    # one at a time, a register each
    (50, 4, 1), (50, 12, 1), (50, 22, 1), (50, 27, 1),    # all four registers at one instant
    (60, 27, 0), (60, 4, 0),                              # two registers, the higher first
    (70, 22, 0), (70, 22, 1),                             # both edges of one pin at once
    (80, 4, 1), (80, 27, 1),
    (90, 7, 0), (90, 4, 0),                               # two pins of one register at once
    (100, 29, 0), (100, 24, 0), (100, 27, 0),             # both ends of register 3, and between
    (110, 16, 0), (120, 16, 1),                           # a falling edge only: the rise is not
    (130, 16, 0), (130, 22, 0),                           #   reported, alone or with another
    (140, 4, 1), (140, 7, 1), (140, 16, 1), (140, 22, 1), (140, 24, 1), (140, 27, 1),
    (140, 29, 1),
]
EXPECT = ["ready",
          "GP4 0", "GP12 0", "GP22 0", "GP27 0",
          "GP4 1", "GP12 1", "GP22 1", "GP27 1",
          "GP4 0", "GP27 0",
          "GP22 0", "GP22 1",
          "GP4 1", "GP27 1",
          "GP4 0", "GP7 0",
          "GP24 0", "GP27 0", "GP29 0",
          "GP16 0",
          "GP16 0", "GP22 0",
          "GP4 1", "GP7 1", "GP22 1", "GP24 1", "GP27 1", "GP29 1"]


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    node, harness, image = sys.argv[1:]
    spec = {"events": [[ms * 1000, g, v] for ms, g, v in EVENTS], "end_us": 200000, "watch": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/input.json"
        with open(path, "w") as f:
            json.dump(spec, f)
        try:
            p = subprocess.run([node, harness, image, path], capture_output=True, text=True,
                               timeout=300)
        except (OSError, subprocess.TimeoutExpired) as e:
            fail(f"{image}: the harness did not run: {e}")
    if p.returncode != 0:
        fail(f"{image}: the harness failed ({p.returncode}): {p.stderr.strip()}")
    try:
        got = [text for _, text in json.loads(p.stdout)["lines"]]
    except (ValueError, KeyError, TypeError) as e:
        fail(f"{image}: the harness's report is not its JSON ({e}): {p.stdout[:200]!r}")
    if got != EXPECT:
        fail(f"{image}: lines differ\n  expected {EXPECT}\n  got      {got}")
    print(f"{image}: {len(EXPECT) - 1} edges over the four IO_BANK0 registers, in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
