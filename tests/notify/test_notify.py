#!/usr/bin/env python3
"""Notify end to end over loopback: the host board runs a scenario in paced real time
(--scenario --realtime) and POSTs to tests/notify/server.py, which injects faults.

  faults    each fault mode once (in parallel, a server each): once the fault clears, every
            press arrives exactly once after duplicates (boot, seq) are removed, in order,
            and the program printed "Notify sent seq=N" for each, and a retry with the
            fault's reason
  overflow  36 presses while the server hangs: 32 queued, exactly 4 missed, reported in the
            missed field of the first event delivered and by "Notify missed 4"
  kinds     press-to-alert's presses, long press and reset arrive as those events
  led       a server that takes 10 s to answer: the LED and buzzer changes in the VCD are
            within 1 ms of the run without notify, and the printed lines are the same

usage: test_notify.py faults|overflow|kinds|led PRESS_TO_ALERT NOTIFY
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")
sys.path.insert(0, os.path.join(HERE, "..", "scenario"))
from run_scenario import parse_vcd  # noqa: E402
DEVICE = "bench-1"


class Server:
    """server.py in a subprocess, recording into a file in `d`."""

    def __init__(self, d, name, args):
        self.record = os.path.join(d, f"{name}.jsonl")
        self.log_path = os.path.join(d, f"{name}.server.log")
        self.log = open(self.log_path, "w")
        self.p = subprocess.Popen([sys.executable, SERVER, "--record", self.record] + args,
                                  stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"server {name} did not start: {line!r}")
        self.url = "http://" + line.split()[-1] + "/events"

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=10)
        self.p.stdout.close()
        self.log.close()
        with open(self.log_path) as f:
            self.log_text = f.read()  # what it saw, for failure reports
        if not os.path.exists(self.record):
            return []
        with open(self.record) as f:
            return [json.loads(line) for line in f]


def scenario(d, name, press_ms, end_ms, hold_ms=80, pin="GP14"):
    """Presses of `pin` at press_ms, each held hold_ms (one number, or one per press)."""
    holds = hold_ms if isinstance(hold_ms, list) else [hold_ms] * len(press_ms)
    pins = pin if isinstance(pin, list) else [pin] * len(press_ms)
    path = os.path.join(d, f"{name}.scn")
    with open(path, "w") as f:
        for t, h, p in zip(press_ms, holds, pins):
            f.write(f"{t} {p} 0\n{t + h} {p} 1\n")
        f.write(f"end {end_ms}\n")
    return path


def run(binary, scn, extra, vcd=None):
    args = [binary, "--scenario", scn] + extra + (["--vcd", vcd] if vcd else [])
    p = subprocess.run(args, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p.stdout, p.stderr


def notify_args(url):
    return ["--realtime", "--notify-url", url, "--device", DEVICE]


def unique(records):
    """Records without duplicates (same boot and seq), first arrival kept, in arrival order."""
    seen, out = set(), []
    for r in records:
        key = (r["boot"], r["seq"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def check_delivered(records, n, out, problems, missed_first=0, kinds=None):
    """Events 1..n arrived exactly once (after duplicates), in order, and were reported sent:
    presses counting 1..n, or the (event, count) pairs in `kinds`."""
    events = unique(records)
    if len({r["boot"] for r in records}) > 1:
        problems.append("records from more than one boot")
    got = [(r["seq"], r["count"], r["event"], r["device"]) for r in events]
    kinds = kinds or [("press", k) for k in range(1, n + 1)]
    want = [(k, c, e, DEVICE) for k, (e, c) in enumerate(kinds, 1)]
    if got != want:
        problems.append(f"events (seq, count, event, device) after removing duplicates:\n"
                        f"    got  {got}\n    want {want}")
    missed = [r["missed"] for r in events]
    want_missed = [missed_first] + [0] * (n - 1)
    if missed != want_missed:
        problems.append(f"missed fields {missed}, expected {want_missed}")
    sent = [line.split("] ", 1)[1] for line in out.splitlines() if "Notify sent" in line]
    if sent != [f"Notify sent seq={k}" for k in range(1, n + 1)]:
        problems.append(f"printed {sent}")


# name, binary (0 press-to-alert, 1 notify), server arguments, end of the run (ms: the last
# delivery is due by about 3 s, or 7 s after a time-out, so a loaded machine has 3 s more), the
# reason a retry must give (None: no retry), whether the server receives duplicates
FAULTS = [
    ("refuse", 0, ["--fault", "refuse", "--fault-seconds", "1.5"], 6000, "connection refused",
     False),
    ("500", 0, ["--fault", "500", "--fault-requests", "2"], 6000, "HTTP 500", False),
    ("slow", 0, ["--fault", "slow", "--fault-requests", "1", "--delay", "10"], 9500,
     "no complete reply within 5000 ms", True),
    ("close", 0, ["--fault", "close", "--fault-requests", "2"], 6000,
     "bad reply: connection closed in the headers", True),
    ("garbage", 0, ["--fault", "garbage", "--fault-requests", "2"], 6000,
     "bad reply: status line: control character", True),
    ("silent", 0, ["--fault", "silent", "--fault-requests", "1"], 9500,
     "no complete reply within 5000 ms", False),
    ("none, example 10-notify", 1, [], 6000, None, False),
]
PRESSES = [1000, 1500, 2000]


def test_kinds(binaries):
    """Presses, a long press and a reset of press-to-alert arrive as those events."""
    with tempfile.TemporaryDirectory() as d:
        server = Server(d, "kinds", [])
        scn = scenario(d, "kinds", [1000, 1500, 2000, 3500], 7000, [80, 80, 1300, 80],
                       ["GP14", "GP14", "GP14", "GP15"])
        try:
            out, err = run(binaries[0], scn, notify_args(server.url))
        finally:
            records = server.stop()
    problems = []
    kinds = [("press", 1), ("press", 2), ("press", 3), ("long_press", 3), ("reset", 0)]
    check_delivered(records, len(kinds), out, problems, kinds=kinds)
    uptimes = [r["uptime_ms"] for r in unique(records)]
    if uptimes != sorted(uptimes) or len(set(uptimes)) != len(uptimes):
        problems.append(f"uptime_ms {uptimes} do not increase")
    if problems:
        print("FAIL kinds:\n  " + "\n  ".join(problems) + "\n" + out + err + server.log_text)
        return 1
    print("ok   kinds: press, press, press, long_press, reset with their counts and uptimes")
    return 0


def one_fault(d, binaries, case):
    name, which, server_args, end_ms, reason, dups = case
    tag = name.split(",")[0]
    server = Server(d, tag, server_args)
    try:
        out, err = run(binaries[which], scenario(d, tag, PRESSES, end_ms), notify_args(server.url))
    finally:
        records = server.stop()
    problems = []
    check_delivered(records, len(PRESSES), out, problems)
    retries = [line for line in err.splitlines() if "Notify retry" in line]
    if reason is None and retries:
        problems.append(f"retried without a fault: {retries}")
    if reason is not None and not any(line.endswith(": " + reason) for line in retries):
        problems.append(f"no retry with reason '{reason}' in:\n    " + "\n    ".join(retries))
    if dups and len(records) <= len(unique(records)):
        problems.append("the fault was meant to make the server receive a duplicate")
    if "gave up" in err or "missed" in err:
        problems.append(f"unexpected lines on stderr:\n{err}")
    if problems:
        problems.append(f"device output:\n{out}{err}server log:\n{server.log_text}")
    return name, problems, len(records), len(retries)


def test_faults(binaries):
    with tempfile.TemporaryDirectory() as d:
        with concurrent.futures.ThreadPoolExecutor(len(FAULTS)) as ex:
            results = list(ex.map(lambda c: one_fault(d, binaries, c), FAULTS))
    failed = 0
    for name, problems, n_records, n_retries in results:
        if problems:
            failed += 1
            print(f"FAIL {name}:\n  " + "\n  ".join(problems))
        else:
            print(f"ok   {name}: {len(PRESSES)} presses delivered once each, in order "
                  f"({n_records} bodies received, {n_retries} retries)")
    return failed


def test_overflow(binaries):
    presses = [1000 + 210 * k for k in range(36)]  # done by 8.4 s, before any delivery
    with tempfile.TemporaryDirectory() as d:
        # two attempts hang for the 5 s reply time-out: nothing is delivered before 11.5 s
        server = Server(d, "overflow", ["--fault", "silent", "--fault-requests", "2"])
        try:
            out, err = run(binaries[0], scenario(d, "overflow", presses, 15500),
                           notify_args(server.url))
        finally:
            records = server.stop()
    problems = []
    if "Press count: 36" not in out:
        problems.append("not every press was counted")
    check_delivered(records, 32, out, problems, missed_first=4)
    missed = [line.split("] ", 1)[1] for line in err.splitlines() if "Notify missed" in line]
    if missed != ["Notify missed 4"]:
        problems.append(f"missed reports {missed}, expected ['Notify missed 4']")
    if problems:
        print("FAIL overflow:\n  " + "\n  ".join(problems) + "\n" + out + err + server.log_text)
        return 1
    print("ok   overflow: 36 presses, 32 delivered once each in order, missed 4 in the first "
          "delivered body and in 'Notify missed 4'")
    return 0


def same_run(plain, timed, plain_out, out):
    """Compare a run with notify to the run without: the same LED and buzzer changes, none moved
    by more than 1 ms, the same lines. @return (problems, the largest shift in us)."""
    problems, worst = [], 0
    for pin in ("LED", "GP16"):
        a, b = plain.get(pin, []), timed.get(pin, [])
        if [v for _, v in a] != [v for _, v in b] or not a:
            problems.append(f"{pin}: {len(a)} changes without notify, {len(b)} with")
            continue
        shift = max(abs(ta - tb) for (ta, _), (tb, _) in zip(a, b))
        worst = max(worst, shift)
        if shift > 1000:
            problems.append(f"{pin}: a change moved by {shift} us (more than 1 ms)")
    if out != plain_out:
        problems.append(f"printed lines differ:\n{plain_out}\n---\n{out}")
    return problems, worst


def test_led(binaries):
    presses = [1000, 2000, 3000, 4000]
    with tempfile.TemporaryDirectory() as d:
        scn = scenario(d, "led", presses, 7000)
        plain_vcd, notify_vcd = os.path.join(d, "plain.vcd"), os.path.join(d, "notify.vcd")
        plain_out, _ = run(binaries[0], scn, [], plain_vcd)
        server = Server(d, "led", ["--fault", "slow", "--fault-requests", "1000", "--delay", "10"])
        try:
            out, err = run(binaries[0], scn, notify_args(server.url), notify_vcd)
        finally:
            records = server.stop()
        plain, timed = parse_vcd(plain_vcd), parse_vcd(notify_vcd)
    problems, worst = same_run(plain, timed, plain_out, out)
    if not records or "no complete reply within 5000 ms" not in err:
        problems.append("the slow server was not reached, or no time-out was reported")
    if problems:
        print("FAIL led:\n  " + "\n  ".join(problems))
        return 1
    print(f"ok   led: {sum(len(v) for v in plain.values())} pin changes, largest shift "
          f"{worst} us with a server that takes 10 s ({len(records)} requests sent)")
    return 0


def main():
    what, binaries = sys.argv[1], sys.argv[2:4]
    tests = {"faults": test_faults, "overflow": test_overflow, "led": test_led,
             "kinds": test_kinds}
    return 1 if tests[what](binaries) else 0


if __name__ == "__main__":
    sys.exit(main())
