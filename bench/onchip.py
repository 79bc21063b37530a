#!/usr/bin/env python3
"""Interrupt to task on the chip, counted exactly: every instruction QEMU executes, one at a
time (-singlestep -d exec,nochain, -icount shift=0 so that the emulated clock follows the
instructions and every run is the same), from the first instruction of the interrupt handler
(the vector, irq_dispatch) to the first instruction of bench_resumed(), the task's first call
after its await; and the interrupt side alone, from the same first instruction to the first
one back in thread mode (in hf_port_sleep(), after the WFI the loop slept in).

The images are bench/onchip/irq.c as the Cortex-M sub-builds make them (bench_irq_KIND_N.elf:
KIND flag or evq, N other tasks each awaiting a flag of its own that is never set).

The RP2040 itself, with its own port (ports/rp2040: the TIMER as the clock, the IO_BANK0 edge
interrupt): bench/onchip/button.c, the lesson's button, in the rp2040js emulator
(tests/e2e/irqcount.mjs), which executes one instruction per step; a falling edge on GP14 posts
from the pin's handler. The same two counts, from the first instruction of the interrupt handler
(IO_IRQ_BANK0); any other exception inside the window is an error.

With --by-function, each count is followed by the instructions per function, in the order they
first ran (the vector, the QEMU boards' timer acknowledge and the RP2040's IO_BANK0 service are
the board's; the rest is handoff's).

With --pico-sdk, the same program as ports/pico-sdk builds it (a `pico` build configured with
-DHF_PICO_BENCH=ON: bench_button_flag.uf2, bench_button_evq.uf2), run after the RP2040 boot ROM
(BOOTROM.ts: the rp2040js repository's demo/bootrom.ts, not part of this project): the SDK's
IO_BANK0 dispatch, its spin-locked critical sections and its alarm.

usage: bench/onchip.py BUILD [--by-function] [--pico-sdk DIR --bootrom BOOTROM.ts]
    BUILD  the host build directory, with its sub-builds BUILD/cortex-m33, BUILD/cortex-m0plus
           and BUILD/rp2040
    DIR    a ports/pico-sdk build for PICO_BOARD=pico with -DHF_PICO_BENCH=ON
Prints a markdown table; exit 1 when an image is missing or a run does not reach its marks.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "tests", "e2e")
RP2040_LABEL = "RP2040 (rp2040js), a GPIO edge"
PICO_LABEL = "RP2040 (rp2040js), Pico SDK 2.2.0 port, a GPIO edge"
RP2040_KINDS = [("flag", "`hf_flag_set` in the pin's handler → `HF_AWAIT_FLAG`"),
                ("evq", "`hf_evq_isr` as the pin's handler → `HF_AWAIT_EVQ`")]
BOARDS = [("cortex-m33", "Cortex-M33 (mps2-an505)", ["-M", "mps2-an505", "-cpu", "cortex-m33"]),
          ("cortex-m0plus", "Cortex-M0+ (microbit)", ["-M", "microbit"])]
KINDS = [("flag", "`hf_flag_set` → `HF_AWAIT_FLAG`"), ("evq", "`hf_evq_push` → `HF_AWAIT_EVQ`")]
OTHERS = [0, 10, 100]
TRACE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/[0-9a-f]+/[0-9a-f]+\] (\S*)")


def count(qemu, machine, elf, tmp):
    log = os.path.join(tmp, "exec.log")
    p = subprocess.run([qemu, *machine, "-nographic", "-monitor", "none", "-serial", "none",
                        "-semihosting-config", "enable=on,target=native",
                        "-icount", "shift=0,align=off,sleep=off", "-singlestep",
                        "-d", "exec,nochain", "-D", log, "-kernel", elf],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0 or "resumed" not in p.stdout + p.stderr:
        raise SystemExit(f"{elf}: status {p.returncode}, no 'resumed':\n{p.stdout}{p.stderr}")
    start = isr_end = end = None
    n = 0
    per = {}
    with open(log) as f:
        for line in f:
            m = TRACE.match(line)
            if m is None:
                continue
            sym = m.group(2)
            if start is None:
                if sym == "irq_dispatch":
                    start = n
            if start is not None:
                if sym == "bench_resumed":
                    end = n
                    break
                per[sym] = per.get(sym, 0) + 1
                if sym == "hf_cm_systick_isr":
                    raise SystemExit(f"{elf}: a SysTick interrupt inside the measured window")
                if isr_end is None and sym == "hf_port_sleep":
                    isr_end = n
            n += 1
    if start is None or isr_end is None or end is None:
        raise SystemExit(f"{elf}: the trace does not reach the marks")
    return isr_end - start, end - start, per


def symbols(elf):
    """[(address, size, name)] of the functions in elf, by address."""
    try:
        out = subprocess.run(["arm-none-eabi-nm", "-S", "-n", elf], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"{elf}: arm-none-eabi-nm failed: {e}")
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTwW":
            syms.append((int(f[0], 16), int(f[1], 16), f[3]))
    return syms


def count_rp2040(node, elf, ext=".bin", bootrom=None):
    """(interrupt side, interrupt to task, {function: instructions}) of one bench_button image:
    the .bin beside elf (ports/rp2040), or the .uf2 (ports/pico-sdk) run after the boot ROM."""
    syms = symbols(elf)
    resumed = [a for a, _, n in syms if n == "bench_resumed"]
    if not resumed:
        raise SystemExit(f"{elf}: no bench_resumed")
    image = elf[:-len(".elf")] + ext
    try:
        p = subprocess.run([node, os.path.join(E2E, "irqcount.mjs"), image, hex(resumed[0])]
                           + ([bootrom] if bootrom else []),
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"{image}: tests/e2e/irqcount.mjs ran for more than 300 s")
    if p.returncode != 0:
        raise SystemExit(f"{image}: status {p.returncode}: {p.stderr.strip()}")
    try:
        d = json.loads(p.stdout)
        isr, total, pcs = d["isr"], d["total"], d["pcs"]
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"{image}: irqcount.mjs printed no count ({e}): {p.stdout[:200]!r}")
    per = {}
    for pc in pcs:
        name = next((n for a, sz, n in syms if a <= pc < a + sz), hex(pc))
        per[name] = per.get(name, 0) + 1
    return isr, total, per


def parse_args(argv):
    """(build, by_function, pico_sdk_dir, bootrom) from the command line; exit 2 on bad usage."""
    usage = "usage: bench/onchip.py BUILD [--by-function] [--pico-sdk DIR --bootrom BOOTROM.ts]"
    build, by_function, pico, bootrom = None, False, None, None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--by-function":
            by_function = True
        elif a in ("--pico-sdk", "--bootrom"):
            if not args:
                print(f"bench/onchip.py: {a} needs a value; {usage}", file=sys.stderr)
                sys.exit(2)
            v = args.pop(0)
            if a == "--pico-sdk":
                pico = v
            else:
                bootrom = v
        elif a.startswith("-") or build is not None:
            print(f"bench/onchip.py: {a}: unexpected; {usage}", file=sys.stderr)
            sys.exit(2)
        else:
            build = a
    if build is None or (pico is None) != (bootrom is None):
        print(f"bench/onchip.py: {usage} (--pico-sdk and --bootrom go together)", file=sys.stderr)
        sys.exit(2)
    return build, by_function, pico, bootrom


def main():
    build, by_function, pico, bootrom = parse_args(sys.argv[1:])
    qemu = shutil.which("qemu-system-arm")
    if qemu is None:
        raise SystemExit("qemu-system-arm not found (tools/bootstrap installs it)")
    print("| core | post → await | other tasks waiting | interrupt side | interrupt → task |")
    print("|---|---|---:|---:|---:|")

    def row(label, what, n, counted):
        isr, total, per = counted
        print(f"| {label} | {what} | {n} | {isr} | {total} |")
        if by_function:
            print("|  |  |  | " + ", ".join(f"{k} {v}" for k, v in per.items()) + " |  |")

    with tempfile.TemporaryDirectory() as tmp:
        for sub, label, machine in BOARDS:
            for kind, what in KINDS:
                for n in OTHERS:
                    elf = os.path.join(build, sub, f"bench_irq_{kind}_{n}.elf")
                    if not os.path.exists(elf):
                        raise SystemExit(f"{elf} is missing: build the Cortex-M sub-builds")
                    row(label, what, n, count(qemu, machine, elf, tmp))
    node = shutil.which("node")
    if node is None or not os.path.exists(os.path.join(E2E, "node_modules", "rp2040js")):
        raise SystemExit("node or tests/e2e/node_modules/rp2040js is missing (tools/bootstrap "
                         "installs both)")
    for kind, what in RP2040_KINDS:
        for n in OTHERS:
            elf = os.path.join(build, "rp2040", f"bench_button_{kind}_{n}.elf")
            if not os.path.exists(elf):
                raise SystemExit(f"{elf} is missing: build the RP2040 sub-build")
            row(RP2040_LABEL, what, n, count_rp2040(node, elf))
    if pico is not None:
        for kind, what in RP2040_KINDS:
            elf = os.path.join(pico, f"bench_button_{kind}.elf")
            if not os.path.exists(elf):
                raise SystemExit(f"{elf} is missing: build ports/pico-sdk for PICO_BOARD=pico "
                                 "with -DHF_PICO_BENCH=ON")
            row(PICO_LABEL, what, 0, count_rp2040(node, elf, ".uf2", bootrom))
    return 0


if __name__ == "__main__":
    sys.exit(main())
