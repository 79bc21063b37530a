#!/usr/bin/env python3
"""Run a shipped scenario on the virtual Pico (the bare-metal RP2040 image in rp2040js) and check
the same expectations as the host simulator: every printed line (text exact, time within 1 ms
of emulated time) and every change of the pins the scenario names (level exact, time within
1 ms). Where the hardware must differ from the host, a scenario says so with its own lines:
`#>rp2040 [ms] text` replaces the `#>` lines (the RP2 latches one edge of each kind between
two services of the interrupt, so chatter faster than that never overflows the edge queue).

An SDK-built image (IMAGE.uf2, for the `pico` board) runs with the RP2040 boot ROM that the
rp2040js repository ships as demo/bootrom.ts, given as BOOTROM (not part of this project).

usage: run_e2e.py NODE HARNESS IMAGE.bin SCENARIO
       run_e2e.py NODE HARNESS IMAGE.uf2 SCENARIO BOOTROM.ts
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenario"))
from run_scenario import expectations  # noqa: E402

LED_GPIO = 25  # the original Pico


def fail(msg):
    """Bad input: one line naming the place, exit status 2."""
    print(msg, file=sys.stderr)
    sys.exit(2)
TOLERANCE_US = 1000


def gpio_of(name, where):
    if name == "LED":
        return LED_GPIO
    if name.startswith("GP") and name[2:].isdigit() and int(name[2:]) <= 29:
        return int(name[2:])
    fail(f"{where}: unknown pin '{name}'")


def ms_to_us(text, where):
    try:
        whole, _, frac = text.partition(".")
        if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 3)):
            raise ValueError
        return int(whole) * 1000 + int((frac + "000")[:3])
    except ValueError:
        fail(f"{where}: bad time '{text}' (ms, up to 3 decimals)")


def inputs(path):
    events, end = [], None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            where = f"{path}:{n}"
            tok = raw.split("#", 1)[0].split()
            if not tok:
                continue
            if tok[0] == "end" and len(tok) == 2:
                end = ms_to_us(tok[1], where)
            elif len(tok) == 3 and tok[2] in ("0", "1"):
                events.append([ms_to_us(tok[0], where), gpio_of(tok[1], where), int(tok[2])])
            else:
                fail(f"{where}: expected 'MS PIN LEVEL' or 'end MS'")
    if end is None:
        end = (events[-1][0] if events else 0) + 2_000_000
    return events, end


def rp2040_lines(path):
    with open(path) as f:
        return [raw[len("#>rp2040 "):].rstrip("\n") for raw in f if raw.startswith("#>rp2040 ")]


def split_line(text):
    """'[1000.000] Press count: 1' -> (1000000, 'Press count: 1')"""
    stamp, _, rest = text.partition("] ")
    return round(float(stamp.lstrip("[")) * 1000), rest


def main():
    if len(sys.argv) not in (5, 6):
        fail("\n".join(__doc__.strip().splitlines()[-2:]))
    node, harness, image, scenario = sys.argv[1:5]
    bootrom = sys.argv[5:]
    events, end = inputs(scenario)
    want_lines, want_changes = expectations(scenario)
    own = rp2040_lines(scenario)
    want_lines = own or want_lines
    pins = {name: gpio_of(name, scenario) for name in want_changes}
    # Each input idles at the level before its first edge (no pulls in the emulator: a button
    # to GND with a pull-up idles at 1, a sensor that drives the line high when active at 0).
    idle = {}
    for _, gpio, level in events:
        idle.setdefault(gpio, 1 - level)
    # The host ends its run after what happens at `end` itself; here that comes a few
    # microseconds later, so the run goes on for the tolerance more.
    job = {"end_us": end + TOLERANCE_US, "events": events, "watch": sorted(set(pins.values())),
           "idle": sorted([g, v] for g, v in idle.items())}
    with tempfile.TemporaryDirectory() as d:
        job_path = os.path.join(d, "job.json")
        with open(job_path, "w") as f:
            json.dump(job, f)
        p = subprocess.run([node, harness, image, job_path] + bootrom, capture_output=True,
                           text=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"harness exited {p.returncode}: {p.stderr.strip()}")
    got = json.loads(p.stdout)

    errors = []
    got_lines = got["lines"]
    for i in range(max(len(want_lines), len(got_lines))):
        w = split_line(want_lines[i]) if i < len(want_lines) else None
        g = got_lines[i] if i < len(got_lines) else None
        if w is None or g is None or w[1] != g[1] or abs(w[0] - g[0]) > TOLERANCE_US:
            errors.append(f"line {i + 1}: want {w}, got {g}")
    for name, gpio in pins.items():
        want = want_changes[name]
        have = got["changes"].get(str(gpio), [])
        for i in range(max(len(want), len(have))):
            w = want[i] if i < len(want) else None
            g = have[i] if i < len(have) else None
            if w is None or g is None or w[1] != g[1] or abs(w[0] - g[0]) > TOLERANCE_US:
                errors.append(f"{name} change {i + 1}: want {w}, got {g} (us, level)")
    name = os.path.basename(scenario)
    if errors:
        print(f"FAIL {name} on the virtual Pico:")
        for e in errors[:20]:
            print("  " + e)
        if len(errors) > 20:
            print(f"  ... {len(errors) - 20} more")
        print("printed:")
        for t, text in got_lines:
            print(f"  [{t / 1000:.3f}] {text}")
        sys.exit(1)
    worst = 0
    for i, g in enumerate(got_lines):
        worst = max(worst, abs(split_line(want_lines[i])[0] - g[0]))
    for name_, gpio in pins.items():
        for w, g in zip(want_changes[name_], got["changes"].get(str(gpio), [])):
            worst = max(worst, abs(w[0] - g[0]))
    print(f"ok: {name}: {len(got_lines)} lines"
          f"{' (its RP2 lines)' if own else ''}, "
          f"{sum(len(v) for v in want_changes.values())} pin changes as on the host "
          f"(largest time difference {worst} us; {got['instructions']} instructions emulated)")


if __name__ == "__main__":
    main()
