#!/usr/bin/env python3
"""The footprint of one program in Pico SDK builds, as a Markdown table row per build: text,
data and bss as arm-none-eabi-size counts them, the UF2 file, and the RAM sections .data and .bss
(arm-none-eabi-size -A). Each build folder is one made from ports/pico-sdk (its CMakeCache.txt
names the board).

usage: footprint.py [--program NAME] BUILD_DIR...     (NAME: press-to-alert by default)
"""
import os
import re
import subprocess
import sys


def fail(msg):
    print(f"footprint.py: {msg}", file=sys.stderr)
    sys.exit(2)


def board_of(build):
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            m = re.search(r"^PICO_BOARD:\w+=(\S+)$", f.read(), re.M)
    except OSError as e:
        fail(f"{build}: {e.strerror} (not a build folder)")
    if not m:
        fail(f"{build}/CMakeCache.txt: no PICO_BOARD")
    return m.group(1)


def size(args):
    try:
        return subprocess.run(["arm-none-eabi-size"] + args, capture_output=True, text=True,
                              check=True).stdout
    except FileNotFoundError:
        fail("arm-none-eabi-size not found (Debian: binutils-arm-none-eabi)")
    except subprocess.CalledProcessError as e:
        fail(e.stderr.strip())


def main():
    args = sys.argv[1:]
    program = "press-to-alert"
    if args[:1] == ["--program"]:
        if len(args) < 2:
            fail("--program needs a NAME")
        program, args = args[1], args[2:]
    if not args:
        fail(__doc__.strip().splitlines()[-1])
    print(f"| board | text | data | bss | UF2 file | `.data` (RAM) | `.bss` (RAM) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for build in args:
        board = board_of(build)
        elf = os.path.join(build, f"{program}.elf")
        uf2 = os.path.join(build, f"{program}.uf2")
        if not os.path.exists(elf):
            fail(f"{elf}: missing (build it first)")
        text, data, bss = size([elf]).splitlines()[1].split()[:3]
        sections = dict(re.findall(r"^(\.\w+)\s+(\d+)", size(["-A", elf]), re.M))
        uf2_size = os.path.getsize(uf2) if os.path.exists(uf2) else "-"
        print(f"| `{board}` | {text} | {data} | {bss} | {uf2_size} | "
              f"{sections.get('.data', '-')} | {sections.get('.bss', '-')} |")


if __name__ == "__main__":
    main()
