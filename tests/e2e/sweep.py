#!/usr/bin/env python3
"""The edge/level race of the RP2 ports, swept: a bounce of five edges at a given spacing, on the
release (as in the scenario release-bounce-race.scn of press-to-alert) and on the press, for
every spacing in SPACINGS_US. Each case runs on the host board, whose output and pin changes
become the expectations, and then on the virtual Pico (run_e2e.py), which must match them: the
same lines, and the same changes of the LED and the buzzer, each within 1 ms. A port that
acknowledges an edge without reflecting it ends a bounce with the wrong level: a release is
lost (a long press is reported that never was, the next press is not counted) or a press is.

An SDK-built image (IMAGE.uf2 for the `pico` board) runs with the RP2040 boot ROM of the
rp2040js repository (demo/bootrom.ts, not part of this project), as with run_e2e.py.

usage: sweep.py NODE HARNESS IMAGE.bin HOST_BINARY
       sweep.py NODE HARNESS IMAGE.uf2 HOST_BINARY BOOTROM.ts
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SPACINGS_US = list(range(1, 13)) + [15, 20, 30, 50, 100]
WATCH = ("LED", "GP16")


def bounce(start_ms, first_level, spacing_us):
    """Five edges from start_ms, spacing_us apart, the first to first_level."""
    return [(start_ms * 1000 + i * spacing_us, first_level if i % 2 == 0 else 1 - first_level)
            for i in range(5)]


def cases(spacing_us):
    # Release: pressed at 1000, released at 1300 with a bounce; pressed again at 2300. Lost, the
    # release turns into a 1000 ms hold ("Long press" at 2000) and the press at 2300 is missed.
    release = [(1_000_000, 0)] + bounce(1300, 1, spacing_us) + [(2_300_000, 0), (2_350_000, 1)]
    # Press: pressed with a bounce at 1000 and held to 2500 ("Long press" at 2000), pressed
    # again at 3000. Lost, the press looks released at once: no long press.
    press = bounce(1000, 0, spacing_us) + [(2_500_000, 1), (3_000_000, 0), (3_050_000, 1)]
    return {"release": (release, 2650), "press": (press, 3350)}


def fmt(us):
    return f"{us // 1000}.{us % 1000:03d}"


def write_scenario(path, events, end_ms, host):
    body = "".join(f"{fmt(t)} GP14 {level}\n" for t, level in events) + f"end {end_ms}\n"
    with open(path, "w") as f:
        f.write(body)
    blessed = subprocess.run([sys.executable, os.path.join(HERE, "..", "scenario",
                                                           "run_scenario.py"), "--bless", host,
                              path], capture_output=True, text=True)
    if blessed.returncode != 0:
        sys.exit(f"{path}: the host run failed: {blessed.stderr.strip()}")
    keep = [ln for ln in blessed.stdout.splitlines()
            if ln.startswith("#> ") or (ln.startswith("#= ") and ln.split()[1] in WATCH)]
    if not any(ln.startswith("#> ") for ln in keep):
        sys.exit(f"{path}: the host run printed nothing")
    with open(path, "w") as f:
        f.write(body + "\n".join(keep) + "\n")


def main():
    if len(sys.argv) not in (5, 6):
        print("\n".join(__doc__.strip().splitlines()[-2:]), file=sys.stderr)
        sys.exit(2)
    node, harness, image, host = sys.argv[1:5]
    bootrom = sys.argv[5:]
    failed = []
    with tempfile.TemporaryDirectory() as d:
        for spacing in SPACINGS_US:
            for side, (events, end_ms) in cases(spacing).items():
                scn = os.path.join(d, f"{side}-bounce-{spacing}us.scn")
                write_scenario(scn, events, end_ms, host)
                p = subprocess.run([sys.executable, os.path.join(HERE, "run_e2e.py"), node,
                                    harness, image, scn] + bootrom, capture_output=True,
                                   text=True)
                verdict = "ok" if p.returncode == 0 else "FAIL"
                print(f"{verdict}: {side}, bounce spacing {spacing} us")
                if p.returncode != 0:
                    failed.append(f"{side} {spacing} us")
                    print(p.stdout + p.stderr)
    if failed:
        print(f"{len(failed)} of {2 * len(SPACINGS_US)} cases differ from the host: "
              + ", ".join(failed))
        sys.exit(1)
    print(f"all {2 * len(SPACINGS_US)} cases as on the host")


if __name__ == "__main__":
    main()
