#!/usr/bin/env python3
"""Bad input on the host board's command line: each case must print exactly its one-line error
on stderr, print nothing on stdout, exit with status 2, and leave no VCD (nor its temporary)
behind.

usage: test_cli.py BINARY
"""
import os
import subprocess
import sys
import tempfile

# (name, scenario text or None, extra arguments, expected stderr; {scn} is the scenario path;
# a trailing "..." stands for the system's wording of the reason)
CASES = [
    ("unknown option", None, ["--bogus"], "{prog}: unknown option '--bogus' (see --help)"),
    ("stray argument", None, ["extra"], "{prog}: unexpected argument 'extra' (see --help)"),
    ("missing value", None, ["--vcd"], "{prog}: option '--vcd' needs a value (see --help)"),
    ("bad epoch", None, ["--epoch-us", "12x"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '12x' (see --help)"),
    ("epoch too large", None, ["--epoch-us=4294967296"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '4294967296' (see --help)"),
    ("negative epoch", None, ["--epoch-us", "-1"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '-1' (see --help)"),
    ("missing scenario", None, ["--scenario", "/nonexistent/s.scn"],
     "/nonexistent/s.scn: No such file or directory"),
    ("unknown pin", "100 GP14 0\n200 GP30 1\n", [], "{scn}:2: unknown pin 'GP30' (GP0..GP29)"),
    ("lower-case pin", "100 gp14 0\n", [], "{scn}:1: unknown pin 'gp14' (GP0..GP29)"),
    ("driving the LED", "100 LED 1\n", [], "{scn}:1: LED is an output, it cannot be driven"),
    ("time backwards", "# c\n200 GP14 0\n100 GP14 1\n", [],
     "{scn}:3: time goes backwards (100 after 200.000)"),
    ("bad level", "100 GP14 2\n", [], "{scn}:1: level must be 0 or 1, not '2'"),
    ("trailing garbage", "100 GP14 0 x\n", [], "{scn}:1: trailing garbage 'x'"),
    ("missing level", "\n\n100 GP14\n", [], "{scn}:3: expected '<ms> <pin> <level>'"),
    ("four decimals", "100.0001 GP14 0\n", [], "{scn}:1: bad time '100.0001': more than 3 decimals"),
    ("negative time", "-5 GP14 0\n", [], "{scn}:1: bad time '-5': not a time in ms"),
    ("bad end", "100 GP14 0\nend soon\n", [], "{scn}:2: bad end time 'soon': not a time in ms"),
    ("end before edge", "100 GP14 0\nend 50\n", [], "{scn}:2: end 50 is before the last edge"),
    ("after end", "end 100\n100 GP14 0\n", [], "{scn}:2: nothing may follow 'end'"),
    ("vcd unwritable", "end 10\n", ["--vcd", "/nonexistent/dir/out.vcd"],
     "{prog}: --vcd /nonexistent/dir/out.vcd: No such file or directory"),
    ("svg unwritable", "end 10\n", ["--svg", "/nonexistent/dir/out.svg"],
     "{prog}: --svg /nonexistent/dir/out.svg: No such file or directory"),
    # notifications
    ("notify-url without value", None, ["--notify-url"],
     "{prog}: option '--notify-url' needs a value (see --help)"),
    ("notify-url ftp", None, ["--notify-url", "ftp://x/"],
     "{prog}: --notify-url 'ftp://x/': must start with http:// (see --help)"),
    ("notify-url https", None, ["--notify-url", "https://x/"],
     "{prog}: --notify-url 'https://x/': https is not supported, only http:// (see --help)"),
    ("notify-url port", None, ["--notify-url", "http://127.0.0.1:99999/e"],
     "{prog}: --notify-url 'http://127.0.0.1:99999/e': port must be a number from 1 to 65535"
     " (see --help)"),
    ("notify-url userinfo", None, ["--notify-url=http://u@h/"],
     "{prog}: --notify-url 'http://u@h/': unexpected character after the host (userinfo, query"
     " without a path?) (see --help)"),
    ("notify-url space", None, ["--notify-url", "http://h/a b"],
     "{prog}: --notify-url 'http://h/a b': path has a space, a control character, '#' or a"
     " non-ASCII byte (see --help)"),
    ("bad device", None, ["--notify-url", "http://127.0.0.1:1/", "--device", "a b"],
     "{prog}: --device 'a b': 1 to 32 letters, digits, '.', '_' or '-' (see --help)"),
    ("notify-url unknown host", None, ["--notify-url", "http://no-such-host.invalid/e"],
     "{prog}: --notify-url 'http://no-such-host.invalid/e': cannot resolve"
     " 'no-such-host.invalid': ..."),
    ("device alone", None, ["--device", "x"], "{prog}: --device needs --notify-url (see --help)"),
    ("notify in virtual time", "end 10\n", ["--notify-url", "http://127.0.0.1:1/"],
     "{prog}: --notify-url with --scenario needs --realtime (sockets run in wall-clock time)"
     " (see --help)"),
    ("realtime alone", None, ["--realtime"],
     "{prog}: --realtime needs --scenario (without one the board runs in real time) (see --help)"),
    # a VCD given as the scenario
    ("vcd without pins", "$timescale 1 us $end\n$var wire 1 ! D0 $end\n$enddefinitions $end\n#0\n1!\n",
     [], "{scn}:3: no 1-bit signal named GP0..GP29 to replay"),
    ("vcd bad timescale", "$timescale 3 us $end\n", [], "{scn}:1: bad $timescale '3'"),
    ("vcd backwards", "$timescale 1 ns $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#2000\n0!\n#1000\n1!\n", [], "{scn}:6: time goes backwards (#1000)"),
    ("vcd truncated", "$timescale 1 us $end\n$var wire 1 ! GP14 $end\n", [],
     "{scn}:3: unexpected end of file in the VCD header"),
    ("vcd garbage", "$timescale 1 us $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#0\nhello\n", [], "{scn}:5: unexpected 'hello'"),
]


def main():
    binary = sys.argv[1]
    prog = os.path.basename(binary)
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name, text, extra, want in CASES:
            scn = os.path.join(d, "case.scn")
            vcd = os.path.join(d, "out.vcd")
            args = [binary]
            if text is not None:
                with open(scn, "w") as f:
                    f.write(text)
                args += ["--scenario", scn, "--vcd", vcd]
            args += extra
            p = subprocess.run(args, capture_output=True, text=True, timeout=30,
                               stdin=subprocess.DEVNULL)
            want = want.format(prog=prog, scn=scn)
            problems = []
            if p.returncode != 2:
                problems.append(f"exit status {p.returncode}, expected 2")
            if want.endswith("..."):
                if not (p.stderr.startswith(want[:-3]) and p.stderr.endswith(" (see --help)\n")
                        and p.stderr.count("\n") == 1):
                    problems.append(f"stderr {p.stderr!r}, expected {want!r}")
            elif p.stderr != want + "\n":
                problems.append(f"stderr {p.stderr!r}, expected {want!r}")
            if p.stdout:
                problems.append(f"printed {p.stdout!r} on stdout")
            left = [f for f in os.listdir(d) if f.startswith("out.vcd")]
            if left:
                problems.append(f"left {left} behind")
            if problems:
                failed += 1
                print(f"FAIL {name}: " + "; ".join(problems))
            else:
                print(f"ok   {name}")
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
