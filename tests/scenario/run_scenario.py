#!/usr/bin/env python3
"""Run an example on a scenario and check what it printed and how its pins moved.

A scenario file carries its own expectations in comments:
    #> [1000.000] Press count: 1     a line the program must print (all of them, in order)
    #= LED 1000.000 1                a change of pin LED at 1000 ms to 1 (the complete list of
                                     changes, from the value at 0 ms, for every pin named)
The run is repeated with its own VCD as the scenario (replay); the output and the VCD must be
identical. With --wrap, the run is repeated with the 32-bit microsecond tick starting so that it
wraps where it hurts: 1.5 s in, in the middle of the tightest bounce, exactly at a press and
1 us after it, in the middle of the longest hold, in the middle of an alert (the two closest
changes of an output) and 1 us before the first printed line; each run must meet the same
expectations and print and record exactly what the run from tick 0 does (a CTest test of its
own, label "wrap").

usage: run_scenario.py BINARY SCENARIO          check
       run_scenario.py --wrap BINARY SCENARIO   check across the tick wrap
       run_scenario.py --bless BINARY SCENARIO  print the expectation lines of a run (for review)
"""
import os
import subprocess
import sys
import tempfile

def expectations(path):
    lines, changes = [], {}
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            if raw.startswith("#> "):
                lines.append(raw[3:].rstrip("\n"))
            elif raw.startswith("#="):
                parts = raw[2:].split()
                if len(parts) != 3:
                    sys.exit(f"{path}:{n}: expected '#= PIN MS LEVEL'")
                pin, ms, level = parts
                changes.setdefault(pin, []).append((round(float(ms) * 1000), int(level)))
    return lines, changes


def parse_vcd(path):
    ids, changes, t = {}, {}, 0
    with open(path) as f:
        for raw in f:
            tok = raw.split()
            if not tok:
                continue
            if tok[0] == "$var":
                ids[tok[3]] = tok[4]
                changes[tok[4]] = []
            elif tok[0].startswith("#"):
                t = int(tok[0][1:])
            elif tok[0][0] in "01x" and tok[0][1:] in ids:
                if tok[0][0] != "x":
                    changes[ids[tok[0][1:]]].append((t, int(tok[0][0])))
    return changes


def run(binary, scenario, epoch):
    with tempfile.TemporaryDirectory() as d:
        vcd = os.path.join(d, "run.vcd")
        p = subprocess.run([binary, "--scenario", scenario, "--vcd", vcd, "--epoch-us", str(epoch)],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            sys.exit(f"{binary} exited {p.returncode}\n{p.stderr}")
        with open(vcd) as f:
            vcd_text = f.read()
        return p.stdout, p.stderr, vcd_text, parse_vcd(vcd)


def replayable(path):
    """A VCD keeps one value per pin and instant: scenarios that change a pin twice in one
    instant cannot come back from their VCD; nor can those with no input at all."""
    seen = set()
    with open(path) as f:
        for raw in f:
            tok = raw.split("#", 1)[0].split()
            if len(tok) == 3:
                if (tok[0], tok[1]) in seen:
                    return False
                seen.add((tok[0], tok[1]))
    return bool(seen)


def wrap_points(scenario, changes, lines):
    """Instants (us since start) at which the tick should wrap: where it hurts, as named."""
    inputs = set()
    with open(scenario) as f:
        for raw in f:
            tok = raw.split("#", 1)[0].split()
            if len(tok) == 3:
                inputs.add(tok[1])
    points = [(1_500_000, "1.5 s in")]

    def closest(pins):
        best = None
        for pin in pins:
            ch = changes.get(pin, [])
            for (a, _), (b, _) in zip(ch, ch[1:]):
                if a > 0 and b - a > 1 and (best is None or b - a < best[1] - best[0]):
                    best = (a, b)
        return best

    bounce = closest(inputs)
    if bounce:
        points.append(((bounce[0] + bounce[1]) // 2, "in a bounce"))
    presses = sorted(t for pin in inputs for t, v in changes.get(pin, []) if t > 0)
    if presses:
        points += [(presses[0], "at an edge"), (presses[0] + 1, "1 us after an edge")]
    holds = []  # (length, start, end) of each span in which an input is away from its rest
    for pin in inputs:
        ch = changes.get(pin, [])
        rest = ch[0][1] if ch and ch[0][0] == 0 else None
        holds += [(b - a, a, b) for (a, v), (b, _) in zip(ch, ch[1:]) if a > 0 and v != rest]
    if holds:
        _, a, b = max(holds)
        points.append(((a + b) // 2, "in the longest hold"))
    alert = closest([pin for pin in changes if pin not in inputs])
    if alert:
        points.append(((alert[0] + alert[1]) // 2, "in an alert"))
    for line in lines:
        if line.startswith("[") and "]" in line:
            t = round(float(line[1:line.index("]")]) * 1000)
            if t > 0:
                points.append((t - 1, "1 us before a printed line"))
                break
    seen, out = set(), []
    for t, why in points:
        if t not in seen:
            seen.add(t)
            out.append((t, why))
    return out


def fmt_ms(us):
    return f"{us // 1000}.{us % 1000:03d}"


def check(out, changes, want_lines, want_changes):
    """What differs between a run and the scenario's expectations."""
    failures = []
    got_lines = out.splitlines()
    if got_lines != want_lines:
        failures.append("printed lines differ:\n  expected:\n    " + "\n    ".join(want_lines)
                        + "\n  got:\n    " + "\n    ".join(got_lines))
    for pin, want in want_changes.items():
        got = changes.get(pin)
        if got is None:
            failures.append(f"pin {pin} is not in the VCD")
        elif got != want:
            failures.append(f"pin {pin} changes differ:\n  expected: "
                            + " ".join(f"{fmt_ms(t)}:{v}" for t, v in want)
                            + "\n  got:      " + " ".join(f"{fmt_ms(t)}:{v}" for t, v in got))
    if not want_lines and not want_changes:
        failures.append("the scenario states no expectations (#> or #= lines)")
    return failures


def main():
    mode = sys.argv[1] if sys.argv[1] in ("--bless", "--wrap") else None
    binary, scenario = sys.argv[2:] if mode else sys.argv[1:]
    out, err, vcd_text, changes = run(binary, scenario, 0)
    if mode == "--bless":
        for line in out.splitlines():
            print(f"#> {line}")
        for pin, ch in changes.items():
            for t, v in ch:
                print(f"#= {pin} {fmt_ms(t)} {v}")
        return 0
    want_lines, want_changes = expectations(scenario)
    replayed = False
    wraps = []
    if mode == "--wrap":
        failures = []
        wraps = wrap_points(scenario, changes, out.splitlines())
        for t, why in wraps:
            epoch = (2**32 - t) % 2**32
            out2, err2, vcd2, changes2 = run(binary, scenario, epoch)
            failures += [f"tick wrap at {fmt_ms(t)} ms ({why}): {f}"
                         for f in check(out2, changes2, want_lines, want_changes)]
            if (out2, err2, vcd2) != (out, err, vcd_text):
                failures.append(f"output differs with --epoch-us {epoch} "
                                f"(tick wrap at {fmt_ms(t)} ms, {why})")
    else:
        failures = check(out, changes, want_lines, want_changes)
        replayed = replayable(scenario)
    if replayed:
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "recorded.vcd")
            with open(rec, "w") as f:
                f.write(vcd_text)
            out3, err3, vcd3, _ = run(binary, rec, 0)
        if (out3, vcd3) != (out, vcd_text):
            failures.append("replaying the run's own VCD as the scenario gives another result")
    if failures:
        print(f"FAIL {os.path.basename(binary)} {scenario}")
        for f in failures:
            print(f)
        return 1
    how = ("the same with the tick wrapping at " +
           ", ".join(f"{fmt_ms(t)} ms ({why})" for t, why in wraps) if mode == "--wrap"
           else "and the same from its own VCD" if replayed else "")
    print(f"ok {os.path.basename(binary)} {os.path.basename(scenario)}: "
          f"{len(out.splitlines())} lines, {sum(len(v) for v in want_changes.values())} pin "
          f"changes {how}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
