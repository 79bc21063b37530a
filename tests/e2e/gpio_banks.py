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
    (10, 3, 0), (20, 12, 0), (30, 22, 0), (40, 27, 0),      # one at a time, each register
    (50, 3, 1), (50, 12, 1), (50, 22, 1), (50, 27, 1),      # all four registers at one instant
    (60, 27, 0), (60, 3, 0),                                # two registers, the higher first
    (70, 22, 0), (70, 22, 1),                               # both edges of one pin at once
    (80, 3, 1), (80, 27, 1),
]
EXPECT = ["ready",
          "GP3 0", "GP12 0", "GP22 0", "GP27 0",
          "GP3 1", "GP12 1", "GP22 1", "GP27 1",
          "GP3 0", "GP27 0",
          "GP22 0", "GP22 1",
          "GP3 1", "GP27 1"]


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    node, harness, image = sys.argv[1:]
    spec = {"events": [[ms * 1000, g, v] for ms, g, v in EVENTS], "end_us": 100000, "watch": []}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    p = subprocess.run([node, harness, image, f.name], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        print(f"{image}: the harness failed ({p.returncode}): {p.stderr.strip()}", file=sys.stderr)
        return 1
    got = [text for _, text in json.loads(p.stdout)["lines"]]
    if got != EXPECT:
        print(f"{image}: lines differ\n  expected {EXPECT}\n  got      {got}", file=sys.stderr)
        return 1
    print(f"{image}: {len(EXPECT) - 1} edges over the four IO_BANK0 registers, in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
