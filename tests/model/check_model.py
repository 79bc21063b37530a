#!/usr/bin/env python3
"""Check the Promela model of the ISR -> loop handoff (handoff.pml) with spin.

Two runs per model: a safety search (assertions and invalid end states: a loop asleep forever
with work pending ends in one) and a liveness search of the LTL property `stops` under weak
fairness. Prints the states each search explored.

usage: check_model.py SPIN CC MODEL            the model must pass both searches
       check_model.py --broken SPIN CC MODEL   built with -DBROKEN (the sleeper does not
                                               re-check), then with -DBROKEN_WAKER (the waker
                                               checks before it posts), then with -DBROKEN_MARK
                                               (a post marks its task before it publishes):
                                               every search must fail
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

CONFIG = ["-DCAP=2", "-DN=6"]  # a ring of 2 that fills, drops and wraps its indices


def search(spin, cc, model, workdir, defines, liveness):
    subprocess.run([spin, "-a", *defines, model], cwd=workdir, check=True,
                   capture_output=True, text=True)
    flags = [] if liveness else ["-DSAFETY", "-DNOCLAIM"]
    subprocess.run([cc, "-O2", "-w", *flags, "-o", "pan", "pan.c"], cwd=workdir, check=True)
    args = ["./pan", "-m2000000"] + (["-a", "-f"] if liveness else [])
    p = subprocess.run(args, cwd=workdir, capture_output=True, text=True, timeout=600)
    errors = re.search(r"errors: (\d+)", p.stdout)
    states = re.search(r"(\d+) states, stored", p.stdout)
    if errors is None or states is None:
        sys.exit(f"unexpected pan output:\n{p.stdout}\n{p.stderr}")
    first = next((l for l in p.stdout.splitlines() if l.startswith("pan:1:")), "")
    if "max search depth too small" in p.stdout:
        sys.exit("search depth too small: raise -m")
    return int(errors.group(1)), int(states.group(1)), first


def main():
    broken = sys.argv[1] == "--broken"
    spin, cc, model = sys.argv[2:] if broken else sys.argv[1:]
    model = os.path.abspath(model)
    if shutil.which(spin) is None:
        print(f"FAIL: {spin} not found (tools/bootstrap installs the Debian package spin)")
        return 1
    variants = ["-DBROKEN", "-DBROKEN_WAKER", "-DBROKEN_MARK"] if broken else [None]
    failed = False
    with tempfile.TemporaryDirectory() as d:
        for variant, liveness in [(v, live) for v in variants for live in (False, True)]:
            what = ("liveness (ltl stops, weak fairness)" if liveness
                    else "safety (assertions, end states)")
            defines = CONFIG + ([variant] if variant else [])
            errors, states, first = search(spin, cc, model, d, defines, liveness)
            if broken:
                ok = errors > 0
                print(f"{'ok  ' if ok else 'FAIL'} {variant[2:]} {what}: "
                      f"{first or 'no error found'} after {states} states")
            else:
                ok = errors == 0
                print(f"{'ok  ' if ok else 'FAIL'} {what}: {states} states explored, "
                      f"{errors} errors {first}".rstrip())
            failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
