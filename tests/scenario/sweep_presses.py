#!/usr/bin/env python3
"""Every press shows at once, and as distinct flashes: a press at every millisecond of an alert
and of the idle blink, each run checked on its VCD.

The rule (output.h, hf_flash_cfg_t; the examples' header comments):
  1. at each counted press (a line matching --press-line) the LED changes level at that instant,
     or it changed less than 50 ms before; the buzzer (--buzzer) too;
  2. no on or off time of the LED or the buzzer is shorter than 50 ms (a shorter one would be a
     flash too short to see, or a gap that runs two flashes together);
  3. the LED shows exactly --flashes flashes per counted press (on-times shorter than 200 ms;
     longer ones are the idle blink's glow), and the buzzer as many beeps.
With --cancel (08) every second counted press cancels the alert instead: rule 1 holds for its LED,
the buzzer is off from that press on (or from the end of a beep begun less than 50 ms before),
and rule 3 is checked on the runs where no press cancels. --press-line may be given more than
once (08: the lines of the starting and of the cancelling press).

Runs, each a separate scenario (a press: the input active for --hold ms):
  idle:   one press at every ms over a whole idle-blink period (1400 ms from 1000 ms);
  alert:  a press at 1000 ms (LED off), another at every ms of the next 1400 ms (the alert, the
          end of the alert, the idle blink after it);
  glow:   a press at 1700 ms (the LED lit for 300 ms: the alert starts in the opposite phase),
          another at every ms of the next 1400 ms.

usage: sweep_presses.py BINARY --input GP14 --active 0|1 --press-line TEXT... [--buzzer GP16]
                        [--flashes N] [--cancel] [--hold MS] [--step MS] [--runs idle,alert,glow]
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_scenario import parse_vcd  # noqa: E402

MIN_US = 50_000     # the shortest on or off time; the answer's window before a press
ON_US = 100_000     # a flash's on-time
GLOW_US = 200_000   # on-times this long or longer are the idle blink's, not flashes
IDLE_PERIOD_MS = 1400
END_MS = 9000       # every alert of a run is over well before this


def run(binary, presses, args, d):
    scn = os.path.join(d, "sweep.scn")
    vcd = os.path.join(d, "sweep.vcd")
    with open(scn, "w") as f:
        for t in presses:
            f.write(f"{t} {args.input} {args.active}\n{t + args.hold} {args.input} "
                    f"{1 - args.active}\n")
        f.write(f"end {END_MS}\n")
    p = subprocess.run([binary, "--scenario", scn, "--vcd", vcd], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        sys.exit(f"{binary} exited {p.returncode} on presses at {presses} ms\n{p.stderr}")
    counted = []
    for line in p.stdout.splitlines():
        if any(text in line for text in args.press_line):
            counted.append(round(float(line[1:line.index("]")]) * 1000))
    return counted, parse_vcd(vcd)


def periods(changes):
    """(start, end, level) of each closed period after the first change."""
    return [(a, b, v) for (a, v), (b, _) in zip(changes, changes[1:]) if a > 0]


def check(counted, vcd, args):
    """What breaks the rule in one run (an empty list if nothing)."""
    bad = []
    outs = [("LED", vcd.get("LED", []))]
    if args.buzzer:
        outs.append((args.buzzer, vcd.get(args.buzzer, [])))
    for name, ch in outs:
        if not ch:
            return [f"{name} is not in the VCD"]
        for i, t in enumerate(counted):
            cancel = args.cancel and i % 2 == 1
            if cancel and name != "LED":
                last, level = [(c, v) for c, v in ch if c <= t][-1]
                after = [(c, v) for c, v in ch if c > t]
                if not ((level == 0 and not after) or
                        (level == 1 and t - last < MIN_US and after == [(last + ON_US, 0)])):
                    bad.append(f"{name}: not silent from the cancelling press at {t / 1000:.3f} "
                               f"ms (nor at the end of a beep begun less than "
                               f"{MIN_US // 1000} ms before)")
                continue
            if not any(t - MIN_US < c <= t for c, _ in ch if c > 0):
                last = max((c for c, _ in ch if c <= t), default=None)
                bad.append(f"{name}: no change at the press at {t / 1000:.3f} ms nor in the "
                           f"{MIN_US // 1000} ms before (last change at "
                           f"{last / 1000 if last is not None else None} ms)")
        for a, b, v in periods(ch):
            if b - a < MIN_US:
                bad.append(f"{name}: {'on' if v else 'off'} for only {(b - a) / 1000:.3f} ms "
                           f"from {a / 1000:.3f} ms")
        if not args.cancel or len(counted) == 1:
            flashes = [(a, b) for a, b, v in periods(ch) if v == 1 and b - a < GLOW_US]
            if len(flashes) != args.flashes * len(counted):
                bad.append(f"{name}: {len(flashes)} flashes for {len(counted)} presses, expected "
                           f"{args.flashes * len(counted)}: "
                           + " ".join(f"{a / 1000:.3f}-{b / 1000:.3f}" for a, b in flashes))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--input", required=True)
    ap.add_argument("--active", type=int, choices=(0, 1), required=True)
    ap.add_argument("--press-line", required=True, action="append")
    ap.add_argument("--buzzer")
    ap.add_argument("--flashes", type=int, default=3)
    ap.add_argument("--cancel", action="store_true")
    ap.add_argument("--hold", type=int, default=30)
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--runs", default="idle,alert,glow")
    args = ap.parse_args()
    plans = {
        "idle": [[1000 + k] for k in range(0, IDLE_PERIOD_MS, args.step)],
        "alert": [[1000, 1000 + k] for k in range(args.hold + 1, IDLE_PERIOD_MS, args.step)],
        "glow": [[1700, 1700 + k] for k in range(args.hold + 1, IDLE_PERIOD_MS, args.step)],
    }
    failures, runs, presses = [], 0, 0
    with tempfile.TemporaryDirectory() as d:
        for name in args.runs.split(","):
            if name not in plans:
                sys.exit(f"--runs: unknown run '{name}' (idle, alert, glow)")
            for plan in plans[name]:
                counted, vcd = run(args.binary, plan, args, d)
                if not counted:
                    failures.append(f"{name} {plan}: no press counted")
                    continue
                runs += 1
                presses += len(counted)
                failures += [f"{name}, presses at {plan} ms: {b}" for b in check(counted, vcd, args)]
    exe = os.path.basename(args.binary)
    if failures:
        print(f"FAIL {exe}: {len(failures)} breaches of the rule in {runs} runs, for example:")
        for f in failures[:12]:
            print("  " + f)
        return 1
    print(f"ok {exe}: {runs} runs, {presses} counted presses, each shown at once (a change at "
          f"the press or less than {MIN_US // 1000} ms before), no on or off time under "
          f"{MIN_US // 1000} ms, {args.flashes} flashes per press"
          + (" (a second press cancels)" if args.cancel else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
