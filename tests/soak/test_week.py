#!/usr/bin/env python3
"""Soak: 7 days of virtual time on press-to-alert, every printed line checked.

A fixed-seed generator writes a week of button activity: taps, presses with bouncing contacts,
long presses (some right at the 1000 ms limit), second presses close to the 200 ms lock-out,
releases that chatter around the 20 ms settle time, resets on GP15, and quiet hours (longer
than the 35.8 minutes within which a tick difference is meaningful). An independent model of
the device's rules says what must be printed, and when:

  - a press of A (GP14, active low) is accepted at its first falling edge when more than 200 ms
    have passed since the last accepted press and the line was released (high) for at least
    20 ms before it (or since the start): "Press count: N";
  - it is reported released once the line has been high for 20 ms;
  - a long press: the line still low 1000 ms after an accepted press, with no release reported
    before then: "Long press", then "Buzzer muted" or "Buzzer unmuted" (it toggles);
  - an accepted press of B (GP15, same rules) resets the count: "Counter reset".

Every line the program prints (text and timestamp to the microsecond) must equal the model's,
and nothing may be printed on stderr (no dropped edges, no hog).

usage: test_week.py PRESS_TO_ALERT [--days N] [--seed S]
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

MS = 1000
S = 1000 * MS
DEBOUNCE = 200 * MS
SETTLE = 20 * MS
LONG = 1000 * MS
A, B = "GP14", "GP15"


class Week:
    """The generator: edges (t_us, pin, level) in strictly increasing time, each pin released
    (high) between episodes, A and B never active at once."""

    def __init__(self, rng):
        self.rng = rng
        self.edges = []
        self.t = 0

    def at(self, t, pin, level):
        t = max(t, self.t + 1)  # one edge per microsecond: nothing for the queue to drop
        self.edges.append((t, pin, level))
        self.t = t
        return t

    def bounce(self, pin, level, count):
        """`count` extra changes a few microseconds to 3 ms apart, ending at `level`."""
        for k in range(count * 2):
            self.at(self.t + self.rng.randint(20, 3000), pin, level if k % 2 else 1 - level)

    def press(self, pin, hold_us, bounces=0, release_bounces=0):
        start = self.at(self.t + 1, pin, 0)
        self.bounce(pin, 0, bounces)
        self.at(max(self.t + 1, start + hold_us), pin, 1)
        self.bounce(pin, 1, release_bounces)

    def episode(self):
        r = self.rng
        kind = r.choices(["tap", "bouncy", "long", "near-long", "double", "chatter", "reset"],
                         weights=[30, 25, 10, 8, 12, 8, 7])[0]
        if kind == "tap":
            self.press(A, r.randint(30 * MS, 600 * MS))
        elif kind == "bouncy":
            self.press(A, r.randint(40 * MS, 900 * MS), r.randint(1, 8), r.randint(1, 8))
        elif kind == "long":
            self.press(A, r.randint(1100 * MS, 4000 * MS), r.randint(0, 4), r.randint(0, 4))
        elif kind == "near-long":
            self.press(A, LONG + r.randint(-3 * MS, 3 * MS))
        elif kind == "double":
            first = self.t + 1
            self.press(A, r.randint(30 * MS, 120 * MS), r.randint(0, 3))
            # the second press around the end of the lock-out
            self.t = max(self.t, first + DEBOUNCE + r.randint(-40 * MS, 40 * MS) - 1)
            self.press(A, r.randint(30 * MS, 300 * MS), r.randint(0, 3))
        elif kind == "chatter":
            # released, then low again after around settle_ms, a few times
            self.press(A, r.randint(100 * MS, 1500 * MS))
            for _ in range(r.randint(1, 4)):
                self.t += SETTLE + r.randint(-5 * MS, 5 * MS)
                self.press(A, r.randint(1 * MS, 30 * MS))
        else:
            self.press(B, r.randint(40 * MS, 400 * MS), r.randint(0, 5), r.randint(0, 5))
        # quiet until the next episode: long enough for every timed event to be over; now and
        # then a night, longer than half the microsecond tick's period (35.8 minutes)
        if r.random() < 0.005:
            self.t += r.randint(30 * 60 * S, 3 * 3600 * S)
        else:
            self.t += r.choice([r.randint(1500 * MS, 5 * S), r.randint(5 * S, 60 * S)])

    def write(self, path, end_us):
        with open(path, "w") as f:
            f.write("# a week of button activity for press-to-alert (tests/soak/test_week.py)\n")
            for t, pin, level in self.edges:
                f.write(f"{t // MS}.{t % MS:03d} {pin} {level}\n")
            f.write(f"end {end_us // MS}.{end_us % MS:03d}\n")


class Button:
    """The debouncer's rules, from its specification, for one active-low button."""

    def __init__(self):
        self.level = 1
        self.high_since = None  # None: high since the start, "released long ago"
        self.last_press = None
        self.pressed = False
        self.long_at = None

    def due(self, t):
        """The timed events at or before t: [(time, 'long'|'release')]."""
        out = []
        if self.long_at is not None and self.long_at <= t:
            if self.level == 0:  # the level since the last edge, so also just before long_at
                out.append((self.long_at, "long"))
            self.long_at = None
        if self.pressed and self.level == 1 and self.high_since + SETTLE <= t:
            out.append((self.high_since + SETTLE, "release"))
            self.pressed = False
            self.long_at = None
        return out

    def edge(self, t, level):
        """The line goes to `level` at t (after due(t)). Returns True for an accepted press."""
        accepted = False
        if level == 0:
            released_long_enough = self.high_since is None or t - self.high_since >= SETTLE
            spaced = self.last_press is None or t - self.last_press > DEBOUNCE
            if released_long_enough and spaced:
                accepted = True
                self.last_press = t
                self.pressed = True
                self.long_at = t + LONG
        else:
            self.high_since = t
        self.level = level
        return accepted


def fmt(t, text):
    return f"[{t // MS}.{t % MS:03d}] {text}"


def model(edges, end_us):
    """The lines the device must print for `edges`."""
    buttons = {A: Button(), B: Button()}
    lines = [fmt(0, "Press-to-alert ready")]
    count, muted = 0, False

    def timed(t):
        nonlocal muted
        for T, kind in buttons[A].due(t):
            if kind == "long":
                muted = not muted
                lines.append(fmt(T, "Long press"))
                lines.append(fmt(T, "Buzzer muted" if muted else "Buzzer unmuted"))
        buttons[B].due(t)

    for t, pin, level in edges:
        timed(t)
        if buttons[pin].edge(t, level):
            if pin == A:
                count += 1
                lines.append(fmt(t, f"Press count: {count}"))
            else:
                count = 0
                lines.append(fmt(t, "Counter reset"))
    timed(end_us)
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--days", type=float, default=7)
    ap.add_argument("--seed", type=int, default=20240607)
    args = ap.parse_args()
    end_us = int(args.days * 86400 * S)
    week = Week(random.Random(args.seed))
    while week.t < end_us - 130 * S:
        week.episode()
    want = model(week.edges, end_us)
    with tempfile.TemporaryDirectory() as d:
        scn = os.path.join(d, "week.scn")
        week.write(scn, end_us)
        start = time.monotonic()
        p = subprocess.run([args.binary, "--scenario", scn], capture_output=True, text=True,
                           timeout=300)
        took = time.monotonic() - start
    if p.returncode != 0 or p.stderr:
        print(f"FAIL: exit {p.returncode}, stderr:\n{p.stderr[:2000]}")
        return 1
    got = p.stdout.splitlines()
    if got != want:
        i = next(k for k in range(max(len(got), len(want)))
                 if k >= len(got) or k >= len(want) or got[k] != want[k])
        print(f"FAIL: {len(got)} lines printed, {len(want)} expected; first difference at line "
              f"{i + 1}:\n  expected {want[i] if i < len(want) else None!r}\n"
              f"  got      {got[i] if i < len(got) else None!r}")
        return 1
    kinds = {k: sum(1 for line in want if k in line)
             for k in ("Press count", "Long press", "Counter reset")}
    print(f"ok: {args.days:g} days of virtual time ({end_us / 2**32:.0f} tick wraps), "
          f"{len(week.edges)} edges, {kinds['Press count']} presses, {kinds['Long press']} long "
          f"presses, {kinds['Counter reset']} resets: all {len(want)} lines at their exact "
          f"times ({took:.1f} s of real time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
