#!/usr/bin/env python3
"""Runs every benchmark and writes one markdown report (and the latency plot) to OUT:

    OUT/report.md      the report, also printed
    OUT/latency.svg    the latency distributions (drawn by bench/plot.py)

Each figure is the median of --reps runs with its spread (min-max); a comparison is the ratio
of two figures taken in the same run (the same repetition), then the median of those ratios.
The bench target of the CMake build runs this:  cmake --build build --target bench

usage: bench/run.py --build BUILD --out OUT [--reps N] [--quick]
    --quick   tiny counts and one repetition: checks that everything runs, measures nothing
"""
import argparse
import array
import datetime
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import plot  # noqa: E402  (bench/plot.py)

SYSTEMS = ("handoff", "libuv", "floor")
GOALS = []  # (goal, measured, met) in the order of the report, for its summary

# MicroPython unix, measured earlier (bench/reference-figures.md): used only when MICROPYTHON
# does not name a binary to measure now, and labelled as a reference.
MP_UNIX_REFERENCE = {"ping-pong round trips": 105000, "task switches (yields)": 333000}


def sh(cmd, **kw):
    """Run cmd; return its stdout (stderr passes through). Exits on failure."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {r.returncode}")
    return r.stdout


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"
    except OSError:
        return None


def row_cells(out, prefix="| "):
    """The cells of the table rows a bench program printed."""
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in out.splitlines() if line.startswith(prefix)]


def num(cell):
    return float(re.match(r"[-0-9.e+]+", cell).group(0))


def spread(values, fmt="{:.1f}"):
    """'median (min-max)' of values."""
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def pct(sorted_v, p):
    return sorted_v[min(len(sorted_v) - 1, int(len(sorted_v) * p))]


def load_avg():
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# ---- the machine --------------------------------------------------------------------------------

def machine_line():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    gcc = first_line(["gcc", "--version"])
    clang = first_line(["clang", "--version"])
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{when} · {cpu}, {os.cpu_count()} cores · Linux {platform.release()} · "
            f"{gcc} · {clang or 'clang not installed'}")


def versions():
    uv = subprocess.run(["pkg-config", "--modversion", "libuv"], capture_output=True,
                        text=True).stdout.strip() or "?"
    node = first_line(["node", "--version"]) or "not installed"
    vg = first_line(["valgrind", "--version"]) or "not installed"
    return f"libuv {uv} · Node {node} · {vg}"


# ---- 1. interrupt -> task latency ---------------------------------------------------------------

def bench_latency(a, tmp):
    modes = [(1000, a.lat_events_1k), (0, a.lat_events_b2b)]
    runs = {}    # (sys, rate) -> list of (p50, p99, max) in us, per rep
    pooled = {}  # (sys, rate) -> all samples in us
    sched = set()
    for rep in range(a.reps):
        for rate, events in modes:
            order = SYSTEMS[rep % 3:] + SYSTEMS[:rep % 3]  # who runs first changes per rep
            for s in order:
                path = os.path.join(tmp, f"lat-{s}-{rate}.bin")
                out = sh([os.path.join(a.bin, "bench-latency"), "--sys", s, "--rate", str(rate),
                          "--events", str(events), "--out", path])
                sched.add(row_cells(out)[0][-1])
                v = array.array("I")
                with open(path, "rb") as f:
                    v.frombytes(f.read())
                us = sorted(x / 1000.0 for x in v)
                runs.setdefault((s, rate), []).append((pct(us, 0.5), pct(us, 0.99), us[-1]))
                pooled.setdefault((s, rate), []).extend(us)
    lines = ["## 1. Interrupt → task latency", ""]
    lines.append(
        "A second thread raises an event and stamps CLOCK_MONOTONIC just before; the consumer "
        "stamps it when it resumes. **handoff**: the host board's pin interrupt "
        "(`hf_sim_raise_irq`: SIGUSR1 to the loop's thread), whose handler pushes the edge into "
        "an `hf_evq_t`, which wakes the loop sleeping in `ppoll` (ports/posix, real clock); the "
        "task awaiting the queue resumes. **libuv**: `uv_async_send` from the thread; the async "
        "callback runs. **floor**: a hand-written SIGUSR1 handler pushes to a ring; the loop "
        "blocks in `ppoll` with the signal unmasked only there. One event outstanding at a time: "
        f"at 1 kHz (the sender sleeps to its slot) and back to back (the next event as soon as "
        f"the previous one was consumed). Loop pinned to CPU 0, sender to CPU 1, scheduling "
        f"{', '.join(sorted(sched))}. {a.reps} runs each of {a.lat_events_1k} events at 1 kHz "
        f"and {a.lat_events_b2b} back to back (warm-up excluded); figures in µs, median of the "
        f"runs (min–max); \"all\" pools every run.")
    lines += ["", "| system | rate | p50 | p99 | max | all: p50 / p99 / max (events) |",
              "|---|---|---:|---:|---:|---|"]
    for rate, _ in modes:
        for s in SYSTEMS:
            r = runs[(s, rate)]
            p = sorted(pooled[(s, rate)])
            lines.append(
                f"| {s} | {'1 kHz' if rate else 'back to back'} | "
                f"{spread([x[0] for x in r])} | {spread([x[1] for x in r])} | "
                f"{spread([x[2] for x in r], '{:.0f}')} | {pct(p, 0.5):.1f} / "
                f"{pct(p, 0.99):.1f} / {p[-1]:.0f} ({len(p)}) |")
    lines += ["", "Ratios of p99, run by run (median, min–max); goal: handoff ≤ libuv and "
              "≤ 1.2 × floor.", "", "| rate | handoff ÷ libuv | handoff ÷ floor | goal |",
              "|---|---:|---:|---|"]
    for rate, _ in modes:
        h = [x[1] for x in runs[("handoff", rate)]]
        vs_uv = [x / y[1] for x, y in zip(h, runs[("libuv", rate)])]
        vs_fl = [x / y[1] for x, y in zip(h, runs[("floor", rate)])]
        met_uv = statistics.median(vs_uv) <= 1.0
        met_fl = statistics.median(vs_fl) <= 1.2
        name = "1 kHz" if rate else "back to back"
        lines.append(f"| {name} | {spread(vs_uv, '{:.2f}')} | {spread(vs_fl, '{:.2f}')} | "
                     f"{'met' if met_uv and met_fl else 'not met'} |")
        GOALS.append((f"latency {name}: handoff p99 ≤ libuv p99",
                      f"{spread(vs_uv, '{:.2f}')}×", met_uv))
        GOALS.append((f"latency {name}: handoff p99 ≤ 1.2 × floor p99",
                      f"{spread(vs_fl, '{:.2f}')}×", met_fl))
    lines += ["", "Where the time goes. At 1 kHz every loop is asleep when the event comes, and "
              "waking a sleeping CPU dominates all three. handoff's handler also writes a byte to "
              "the wake pipe (the loop may be between its last check and `ppoll`, and a thread "
              "producer needs the same path) and the loop reads it back: two system calls that "
              "the floor, which blocks the signal everywhere but in `ppoll`, does not make. Back "
              "to back, the next event comes while the consumer is still running: handoff's "
              "interrupt signal is unmasked, so that it preempts the loop as a real interrupt "
              "does, and a signal to a running thread costs an inter-processor interrupt (a VM "
              "exit here); the floor's blocked signal is only marked pending and taken at its "
              "next `ppoll`, and libuv finds its eventfd already readable at its next "
              "`epoll_wait`, neither interrupting anything."]
    plot.latency_svg(os.path.join(a.out, "latency.svg"),
                     [("1 kHz", {s: pooled[(s, 1000)] for s in SYSTEMS}),
                      ("back to back", {s: pooled[(s, 0)] for s in SYSTEMS})])
    lines += ["", "![latency distributions](latency.svg)", ""]
    return lines


# ---- 2. task switching --------------------------------------------------------------------------

def bench_switch(a):
    micropython = os.environ.get("MICROPYTHON")
    node_ok = shutil.which("node") is not None
    if node_ok and not os.path.isdir(os.path.join(HERE, "node_modules")):
        sh(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE)
    names = ["ping-pong round trips", "task switches (yields)"]
    res = {}  # (who, name) -> [per_s per rep]
    for rep in range(a.reps):
        out = sh([os.path.join(a.bin, "bench-switch"), "--round-trips", str(a.round_trips),
                  "--tasks", "1000", "--yields", str(a.yields)])
        for c in row_cells(out):
            res.setdefault(("handoff", c[0]), []).append(num(c[3]))
        mp_runs = []
        if node_ok:
            mp_runs.append(("MicroPython wasm", ["node", os.path.join(HERE, "mpy", "run_wasm.mjs")]))
        if micropython:
            mp_runs.append(("MicroPython unix",
                            [micropython, "-X", "heapsize=256k", os.path.join(HERE, "mpy", "switch.py")]))
        for who, cmd in mp_runs:
            for args in (["pingpong", str(a.mp_round_trips)], ["yields", "1000", str(a.yields)]):
                for c in row_cells(sh(cmd + args)):
                    res.setdefault((who, c[0]), []).append(num(c[3]))
    mps = [w for w in ("MicroPython wasm", "MicroPython unix") if (w, names[0]) in res]
    wasm_ver = "?"
    lock = os.path.join(HERE, "package-lock.json")
    if os.path.exists(lock):
        m = re.search(r'micropython-webassembly-pyscript"\s*:\s*\{\s*"version"\s*:\s*"([^"]+)"',
                      open(lock).read())
        wasm_ver = m.group(1) if m else "?"
    lines = ["## 2. Task switching", ""]
    lines.append(
        "The same two programs on each (bench/switch.c, bench/mpy/switch.py): **ping-pong**, two "
        "tasks handing a turn back and forth (handoff: two `hf_flag_t`; MicroPython: two "
        "`asyncio.Event`), counted in round trips; **yields**, 1000 tasks each yielding "
        f"{a.yields} times (`HF_YIELD()`; `await asyncio.sleep_ms(0)`), counted in switches. "
        f"handoff on the real clock, {a.round_trips} round trips; MicroPython WebAssembly "
        f"(npm `@micropython/micropython-webassembly-pyscript` {wasm_ver}, Node, 256 KiB heap), "
        f"{a.mp_round_trips} round trips; "
        + ("" if node_ok else "(not measured: Node is not installed) ")
        + ("MicroPython unix (`$MICROPYTHON -X heapsize=256k`)."
           if micropython else "MicroPython unix: not measured (set `MICROPYTHON` to a unix "
           "MicroPython binary to include it).")
        + f" Per second, median of {a.reps} runs (min–max).")
    head = " | ".join(mps)
    lines += ["", f"| program | handoff | {head} | handoff ÷ fastest MicroPython (same run) | goal ≥ 100× |",
              "|---|---:|" + "---:|" * len(mps) + "---:|---|"]
    for n in names:
        h = res[("handoff", n)]
        cells = [spread(res[(w, n)], "{:,.0f}") for w in mps]
        ratios = [h[i] / max(res[(w, n)][i] for w in mps) for i in range(len(h))] if mps else []
        goal = ("met" if statistics.median(ratios) >= 100 else "not met") if ratios else "n/a"
        lines.append(f"| {n} | {spread(h, '{:,.0f}')} | " + " | ".join(cells) +
                     f" | {spread(ratios, '{:.0f}×')} | {goal} |")
        if ratios:
            GOALS.append((f"{n}: ≥ 100 × the fastest MicroPython measured",
                          spread(ratios, "{:.0f}×"), statistics.median(ratios) >= 100))
    if not micropython:
        refs = [f"{n}: {statistics.median(res[('handoff', n)]) / MP_UNIX_REFERENCE[n]:.0f}× its "
                f"{MP_UNIX_REFERENCE[n]:,}/s" for n in names]
        lines += ["", "Against MicroPython unix as measured earlier (reference, not this run: "
                  "bench/reference-figures.md), handoff's medians here are " +
                  "; ".join(refs) + "."]
    lines.append("")
    return lines


# ---- 3. timer scaling ---------------------------------------------------------------------------

def bench_timers(a):
    sizes = [10, 100, 1000, 10000, 100000]
    res = {}
    for rep in range(a.reps):
        for n in sizes:
            c = row_cells(sh([os.path.join(a.bin, "bench-timers"), "--tasks", str(n),
                              "--expiries", str(a.expiries)]))[0]
            res.setdefault(n, []).append((num(c[1]), num(c[2]), num(c[3])))
    lines = ["## 3. Timer scaling", ""]
    lines.append(
        "N tasks sleeping at once on the host board's virtual clock (no real sleeping: the "
        "loop's own cost), each sleeping a pseudo-random 1 µs – 1 s again and again. "
        "**schedule**: the first round, each task arming its first sleep (a heap insertion, "
        "with the task step around it); **expiry**: the steady state, the earliest deadline "
        "expiring (heap removal), its task running and arming the next sleep (insertion); "
        f"**step**: the same tasks yielding instead (no heap). {a.expiries} expiries per size; "
        f"ns per operation, median of {a.reps} runs (min–max).")
    lines += ["", "| sleeping tasks | schedule | expiry | step (no timer) | expiry − step |",
              "|---:|---:|---:|---:|---:|"]
    heap = {}
    for n in sizes:
        r = res[n]
        heap[n] = statistics.median([x[1] - x[2] for x in r])
        lines.append(f"| {n:,} | {spread([x[0] for x in r])} | {spread([x[1] for x in r])} | "
                     f"{spread([x[2] for x in r])} | {heap[n]:.1f} |")
    # Least squares of the timer's share (expiry - step) against log2(n).
    xs = [math.log2(n) for n in sizes]
    ys = [heap[n] for n in sizes]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    small = [heap[n] for n in sizes if n <= 10000]
    xs_s = [math.log2(n) for n in sizes if n <= 10000]
    mxs, mys = statistics.mean(xs_s), statistics.mean(small)
    slope_s = (sum((x - mxs) * (y - mys) for x, y in zip(xs_s, small)) /
               sum((x - mxs) ** 2 for x in xs_s))
    lines += ["", f"Growth measured: the timer's share of an expiry (expiry − step) grows by "
              f"**{slope:.1f} ns per doubling of N** over 10 … 100 000 (least squares on log2 N; "
              f"{slope_s:.1f} ns per doubling up to 10 000), from {heap[10]:.0f} ns at 10 to "
              f"{heap[100000]:.0f} ns at 100 000: ×{heap[100000] / heap[10]:.1f} for ×10 000 "
              f"tasks, where log2 N grows ×{math.log2(100000) / math.log2(10):.1f} — O(log n) "
              "comparisons, plus cache misses once the heap and the tasks outgrow the caches "
              "(100 000 tasks: 0.8 MiB of heap, 4 MiB of tasks).", ""]
    return lines


# ---- 4. idle cost -------------------------------------------------------------------------------

def proc_sample(pid):
    """(CPU ns, voluntary context switches) of a running process."""
    with open(f"/proc/{pid}/schedstat") as f:
        cpu = int(f.read().split()[0])
    cs = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches"):
                cs = int(line.split()[1])
    return cpu, cs


def bench_idle(a):
    progs = [("press-to-alert (handoff)", ["bin", "press-to-alert"]),
             ("02-polling (check, sleep 10 ms)", ["bin", "polling"]),
             ("floor: bare ppoll, a deadline every 700 ms", ["bench", "bench-idle-floor"])]
    res = {}
    for rep in range(a.idle_reps):
        for name, exe in progs:  # one at a time: neither evicts the other from the caches
            p = subprocess.Popen([os.path.join(a.build, *exe)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL)
            time.sleep(1.0)  # start-up done
            b = proc_sample(p.pid)
            time.sleep(a.idle_s)
            e = proc_sample(p.pid)
            p.send_signal(signal.SIGKILL)
            p.wait()
            res.setdefault(name, []).append(((e[0] - b[0]) / 1e6, e[1] - b[1]))
    deadlines = int(a.idle_s * 1000 // 700)
    lines = ["## 4. Idle cost", ""]
    lines.append(
        f"Each program alone, one after the other in each run, in real time with stdin not a "
        f"terminal (so no screen and no keys), {a.idle_s:.0f} s of real time measured after 1 s "
        f"of start-up: CPU time "
        "from /proc/PID/schedstat (ns), wake-ups as voluntary context switches from "
        "/proc/PID/status (each is one blocking sleep that ended). press-to-alert's idle blink "
        f"toggles every 700 ms: {deadlines} or {deadlines + 1} timer deadlines in the window. "
        f"Median of {a.idle_reps} runs (min–max).")
    lines += ["", "| program | CPU ms | wake-ups | µs per wake-up |", "|---|---:|---:|---:|"]
    for name, _ in progs:
        r = res[name]
        lines.append(f"| {name} | {spread([x[0] for x in r], '{:.3f}')} | "
                     f"{spread([x[1] for x in r], '{:.0f}')} | "
                     f"{spread([x[0] * 1000 / max(x[1], 1) for x in r])} |")
    h, p = res[progs[0][0]], res[progs[1][0]]
    ratio = [y[0] / x[0] for x, y in zip(h, p)]
    wake = statistics.median([x[1] for x in h])
    one_per = abs(wake - a.idle_s * 1000 / 700) <= 1
    fl = res[progs[2][0]]
    per_wake = [(x[0] / max(x[1], 1)) / (y[0] / max(y[1], 1)) for x, y in zip(h, fl)]
    floor_ratio = [y[0] / x[0] for x, y in zip(fl, p)]
    lines += ["", f"CPU, polling ÷ handoff (same run): **{spread(ratio, '{:.0f}×')}** "
              f"(goal ≥ 50×: {'met' if statistics.median(ratio) >= 50 else 'not met'}); "
              f"handoff wake-ups: {wake:.0f} for {a.idle_s * 1000 / 700:.1f} deadlines "
              f"(goal one per deadline: {'met' if one_per else 'not met'}). A handoff wake-up "
              f"costs {spread(per_wake, '{:.2f}')}× a bare `ppoll` wake-up after the same "
              "700 ms: nearly all of it is the wake-up itself (the kernel, and caches gone cold "
              "during the sleep), which costs more after 700 ms than after 10 ms; the bare loop "
              f"with the same deadlines is itself {spread(floor_ratio, '{:.0f}×')} below the "
              "polling loop.", ""]
    GOALS.append(("idle: one wake-up per timer deadline",
                  f"{wake:.0f} for {a.idle_s * 1000 / 700:.1f}", one_per))
    GOALS.append(("idle: CPU ≥ 50 × lower than the polling loop", spread(ratio, "{:.0f}×"),
                  statistics.median(ratio) >= 50))
    return lines


# ---- 5. instructions and footprint --------------------------------------------------------------

OPS = [("flag", "hf_flag_set", "`hf_flag_set` + wake"),
       ("counter", "hf_counter_add", "`hf_counter_add` + wake"),
       ("evq", "hf_evq_push", "`hf_evq_push` + wake"),
       ("defer", "hf_defer", "`hf_defer` + wake"),
       ("dispatch", "hf_loop_run_until,hf_port_sleep", "dispatch: the loop wakes for a posted "
        "flag, the task awaiting it resumes and awaits again, the loop goes back to sleep"),
       ("dispatch-call", "hf_loop_run_until", "the same through `hf_loop_run_until(now)`: "
        "entering and leaving the loop each time"),
       ("uv", "uv_async_send", "`uv_async_send` (libuv, not coalesced)"),
       ("spsc", "bare_spsc_push", "bare SPSC ring push, no wake-up")]


def callgrind_ir(a, tmp, what, fn, count, extra=()):
    out = os.path.join(tmp, f"cg-{what}-{count}.out")
    toggles = [f"--toggle-collect={f}" for f in fn.split(",")]
    subprocess.run(["valgrind", "--tool=callgrind", *toggles,
                    f"--callgrind-out-file={out}", os.path.join(a.bin, "bench-instr"),
                    "--what", what, "--count", str(count), *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = open(out).read()
    m = re.search(r"^totals:\s+(\d+)", text, re.M) or re.search(r"^summary:\s+(\d+)", text, re.M)
    return int(m.group(1))


def bench_instr(a, tmp):
    lines = ["## 5. Instructions per post, and footprint", ""]
    if shutil.which("valgrind") is None:
        return lines + ["valgrind is not installed (tools/bootstrap installs it): not measured.", ""]
    lines.append(
        "Counted by `valgrind --tool=callgrind --toggle-collect=FUNCTION` over a run of N "
        "and of 2N calls (bench/instr.c), the difference divided by N, so that one-off costs "
        "drop out; deterministic, one run. x86-64, gcc -O2 (RelWithDebInfo). The loop is awake "
        "(a post from a task, or an interrupt while the loop runs): the wake-up is the "
        "Dekker store and load; when the loop sleeps, one write(2) to the wake pipe comes on top "
        "(the kernel's instructions are not counted), as it does for libuv's eventfd write, "
        "which `uv_async_send` makes on every fresh send.")
    lines += ["", "| operation | instructions | goal ≤ 40 per post |", "|---|---:|---|"]
    n = a.instr_count
    for what, fn, label in OPS:
        per = (callgrind_ir(a, tmp, what, fn, 2 * n) - callgrind_ir(a, tmp, what, fn, n)) / n
        goal = ("met" if per <= 40 else "not met") if what in ("flag", "counter", "evq", "defer") else ""
        lines.append(f"| {label} | {per:.1f} | {goal} |")
        if goal:
            GOALS.append((f"instructions per `{fn}` + wake ≤ 40", f"{per:.0f}", per <= 40))
    lines += ["", "Dispatch with N other tasks each awaiting a flag of its own that is never set "
              "(`bench-instr --what dispatch --waiting N`: the loop runs and sleeps between "
              "interrupts; counted from the return of each sleep to the next sleep, the "
              "interrupt side left out; the host board's virtual clock, a load as a timer read "
              "is on a chip):", "",
              "| other tasks waiting | instructions per dispatch |", "|---:|---:|"]
    flat = []
    for w in (0, 10, 100, 1000):
        extra = ("--waiting", str(w))
        fn = "hf_loop_run_until,hf_port_sleep"
        per = (callgrind_ir(a, tmp, "dispatch", fn, 2 * n, extra)
               - callgrind_ir(a, tmp, "dispatch", fn, n, extra)) / n
        flat.append(per)
        lines.append(f"| {w} | {per:.1f} |")
    GOALS.append(("dispatch ≤ 150 instructions", f"{flat[0]:.0f}", flat[0] <= 150))
    GOALS.append(("dispatch with 1000 tasks waiting within 10 % of none",
                  f"{flat[3]:.0f}", flat[3] <= 1.1 * flat[0]))
    lines.append("")
    m33 = os.path.join(a.build, "cortex-m33")
    m0 = os.path.join(a.build, "cortex-m0plus")
    lines += ["### Interrupt to task on the chip (measured now, bench/onchip.py)", ""]
    rp = os.path.join(a.build, "rp2040")
    if shutil.which("qemu-system-arm") and shutil.which("node") and os.path.exists(m33) and \
            os.path.exists(m0) and os.path.exists(rp) and \
            os.path.exists(os.path.join(ROOT, "tests", "e2e", "node_modules", "rp2040js")):
        lines += sh([sys.executable, os.path.join(HERE, "onchip.py"), a.build,
                     "--by-function"]).strip().splitlines()
    else:
        lines.append("Not measured: qemu-system-arm, Node.js with tests/e2e/node_modules, or the "
                     "Cortex-M and RP2040 sub-builds are missing (tools/bootstrap installs them).")
    lines += ["", "### Cortex-M footprint (measured now, tools/footprint)", ""]
    if os.path.exists(os.path.join(m33, "libhandoff_core.a")) and \
            os.path.exists(os.path.join(m0, "libhandoff_core.a")):
        fp = sh([sys.executable, os.path.join(ROOT, "tools", "footprint"), m33, m0])
        lines += [re.sub(r"^### ", "#### ", l) for l in fp.strip().splitlines()]
        # the budgets table: | the part[: what it holds] (modules) | budget | cortex-m33 |
        # cortex-m0plus | met |, one row per part
        table = re.search(r"against their budgets.*?\n\n(.*?)\n\n", fp, re.S)
        row = re.compile(r"\| (the [^:(|]*)[^|]*\((\S+\.c[^)]*)\) \| (\d+) \| (\d+) \| (\d+) \|")
        budgets = [row.match(l) for l in table.group(1).splitlines()[2:]] if table else []
        if not budgets or None in budgets:
            raise SystemExit("bench: tools/footprint's budgets table has changed shape: "
                             "bench/run.py reads it for the Goals")
        for name, mods, budget, m33b, m0b in (b.groups() for b in budgets):
            GOALS.append((f"{name.strip()} ({mods}) ≤ {budget} B of text on both cores",
                          f"{m33b} B / {m0b} B", max(int(m33b), int(m0b)) <= int(budget)))
    else:
        lines.append("Not measured: the Cortex-M sub-builds are missing (the build makes them "
                     "when gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm are "
                     "installed: tools/bootstrap).")
    ref = open(os.path.join(HERE, "reference-figures.md")).read().strip()
    lines += ["", ref, ""]
    return lines


# ---- main ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    a.build = os.path.abspath(a.build)
    a.bin = os.path.join(a.build, "bench")
    a.out = os.path.abspath(a.out)
    os.makedirs(a.out, exist_ok=True)
    if a.quick:
        a.reps, a.idle_reps, a.idle_s = 1, 1, 2.0
        a.lat_events_1k, a.lat_events_b2b = 200, 1000
        a.round_trips, a.mp_round_trips, a.yields = 10000, 1000, 10
        a.expiries, a.instr_count = 10000, 100
    else:
        a.idle_reps, a.idle_s = 3, 10.0
        a.lat_events_1k, a.lat_events_b2b = 20000, 100000
        a.round_trips, a.mp_round_trips, a.yields = 1000000, 50000, 100
        a.expiries, a.instr_count = 1000000, 1000

    load0 = load_avg()
    t0 = time.time()
    report = ["# handoff benchmarks", "", machine_line(), "", versions(), ""]
    with tempfile.TemporaryDirectory() as tmp:
        body = []
        for part in (lambda: bench_latency(a, tmp), lambda: bench_switch(a),
                     lambda: bench_timers(a), lambda: bench_idle(a),
                     lambda: bench_instr(a, tmp)):
            lines = part()
            print(f"bench: {lines[0][3:]} done ({time.time() - t0:.0f} s)", file=sys.stderr)
            body += lines
    report.append(f"Load average (1/5/15 min) at the start: {load0}; at the end: {load_avg()}; "
                  f"{time.time() - t0:.0f} s in all.")
    report += ["", "## Goals", "", "| goal | measured (median, min–max) | |", "|---|---|---|"]
    report += [f"| {g} | {m} | {'met' if ok else '**not met**'} |" for g, m, ok in GOALS]
    report += [""] + body
    text = "\n".join(report).rstrip() + "\n"
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(text)
    print(text)
    print(f"bench: wrote {os.path.join(a.out, 'report.md')} and "
          f"{os.path.join(a.out, 'latency.svg')}", file=sys.stderr)


if __name__ == "__main__":
    main()
