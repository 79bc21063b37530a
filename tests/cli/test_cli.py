#!/usr/bin/env python3
"""Bad input on the host board's command line: each case must print exactly its one-line error
on stderr, print nothing on stdout, exit with status 2 before anything runs, and leave no
output file behind: neither the VCD nor the SVG (nor their temporaries).

The table: (name, scenario, arguments, expected stderr).
  scenario   None for no --scenario; text (str or bytes) written to {scn}, which is then given
             with --scenario {scn} --vcd {d}/out.vcd --svg {d}/out.svg ahead of the arguments
  arguments  after those; {d} is the case's directory, which holds a directory `adir` and a
             regular file `afile`
  expected   {prog} is the program's name, {scn} and {d} as above

usage: test_cli.py BINARY
"""
import os
import subprocess
import sys
import tempfile

LONG_NAME = "x" * 5000

# An expected text ending in "..." is a prefix: the rest is the system's wording of the reason.
CASES = [
    # ---- options
    ("unknown option", None, ["--bogus"], "{prog}: unknown option '--bogus' (see --help)"),
    ("unknown short option", None, ["-x"], "{prog}: unknown option '-x' (see --help)"),
    ("option with a suffix", None, ["--scenarios", "a"],
     "{prog}: unknown option '--scenarios' (see --help)"),
    ("stray argument", None, ["extra"], "{prog}: unexpected argument 'extra' (see --help)"),
    ("missing value", None, ["--vcd"], "{prog}: option '--vcd' needs a value (see --help)"),
    ("missing scenario value", None, ["--scenario"],
     "{prog}: option '--scenario' needs a value (see --help)"),
    ("missing epoch value", None, ["--epoch-us"],
     "{prog}: option '--epoch-us' needs a value (see --help)"),
    ("empty scenario name", None, ["--scenario="],
     "{prog}: option '--scenario' needs a value (see --help)"),
    ("empty vcd name", None, ["--vcd="], "{prog}: option '--vcd' needs a value (see --help)"),
    ("empty svg name", None, ["--svg", ""], "{prog}: option '--svg' needs a value (see --help)"),
    ("bad epoch", None, ["--epoch-us", "12x"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '12x' (see --help)"),
    ("epoch too large", None, ["--epoch-us=4294967296"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '4294967296' (see --help)"),
    ("negative epoch", None, ["--epoch-us", "-1"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '-1' (see --help)"),
    ("epoch with a sign", None, ["--epoch-us", "+5"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '+5' (see --help)"),
    ("epoch with a space", None, ["--epoch-us", " 5"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not ' 5' (see --help)"),
    ("epoch in hex", None, ["--epoch-us", "0x10"],
     "{prog}: --epoch-us needs a number from 0 to 4294967295, not '0x10' (see --help)"),
    # ---- the scenario file itself
    ("missing scenario", None, ["--scenario", "/nonexistent/s.scn"],
     "/nonexistent/s.scn: No such file or directory"),
    ("scenario is a directory", None, ["--scenario", "{d}/adir"], "{d}/adir: Is a directory"),
    ("scenario under a file", None, ["--scenario", "{d}/afile/s.scn"],
     "{d}/afile/s.scn: Not a directory"),
    ("binary scenario", b"100 GP14 0\n\0\n", [], "{scn}: binary file (contains a NUL byte)"),
    # ---- scenario lines
    ("unknown pin", "100 GP14 0\n200 GP30 1\n", [], "{scn}:2: unknown pin 'GP30' (GP0..GP29)"),
    ("lower-case pin", "100 gp14 0\n", [], "{scn}:1: unknown pin 'gp14' (GP0..GP29)"),
    ("pin with a leading zero", "100 GP014 0\n", [], "{scn}:1: unknown pin 'GP014' (GP0..GP29)"),
    ("pin without a number", "100 GP 0\n", [], "{scn}:1: unknown pin 'GP' (GP0..GP29)"),
    ("pin name with a suffix", "100 LEDX 0\n", [], "{scn}:1: unknown pin 'LEDX' (GP0..GP29)"),
    ("driving the LED", "100 LED 1\n", [], "{scn}:1: LED is an output, it cannot be driven"),
    ("time backwards", "# c\n200 GP14 0\n100 GP14 1\n", [],
     "{scn}:3: time goes backwards (100 after 200.000)"),
    ("bad level", "100 GP14 2\n", [], "{scn}:1: level must be 0 or 1, not '2'"),
    ("level with two digits", "100 GP14 01\n", [], "{scn}:1: level must be 0 or 1, not '01'"),
    ("level as a word", "100 GP14 high\n", [], "{scn}:1: level must be 0 or 1, not 'high'"),
    ("trailing garbage", "100 GP14 0 x\n", [], "{scn}:1: trailing garbage 'x'"),
    ("more trailing garbage", "100 GP14 0 1 2 3\n", [], "{scn}:1: trailing garbage '1'"),
    ("missing level", "\n\n100 GP14\n", [], "{scn}:3: expected '<ms> <pin> <level>'"),
    ("time only", "100\n", [], "{scn}:1: expected '<ms> <pin> <level>'"),
    ("four decimals", "100.0001 GP14 0\n", [], "{scn}:1: bad time '100.0001': more than 3 decimals"),
    ("no decimals after the point", "1. GP14 0\n", [], "{scn}:1: bad time '1.': no digits after '.'"),
    ("negative time", "-5 GP14 0\n", [], "{scn}:1: bad time '-5': not a time in ms"),
    ("time in exponent form", "1e3 GP14 0\n", [], "{scn}:1: bad time '1e3': not a time in ms"),
    ("time too large", "99999999999999999999 GP14 0\n", [],
     "{scn}:1: bad time '99999999999999999999': too large"),
    ("line too long", "1 GP14 0 #" + "x" * 300 + "\n", [], "{scn}:1: line too long (310 characters)"),
    ("end without a time", "100 GP14 0\nend\n", [], "{scn}:2: expected 'end <ms>'"),
    ("end with two times", "end 1 2\n", [], "{scn}:1: expected 'end <ms>'"),
    ("bad end", "100 GP14 0\nend soon\n", [], "{scn}:2: bad end time 'soon': not a time in ms"),
    ("end before edge", "100 GP14 0\nend 50\n", [], "{scn}:2: end 50 is before the last edge"),
    ("after end", "end 100\n100 GP14 0\n", [], "{scn}:2: nothing may follow 'end'"),
    # ---- notifications
    ("notify-url without value", None, ["--notify-url"],
     "{prog}: option '--notify-url' needs a value (see --help)"),
    ("notify-url ftp", None, ["--notify-url", "ftp://x/"],
     "{prog}: --notify-url 'ftp://x/': must start with http://, https://, mqtt:// or mqtts://"
     " (see --help)"),
    ("mqtt wildcard topic", None, ["--notify-url", "mqtt://127.0.0.1/a/+"],
     "{prog}: --notify-url 'mqtt://127.0.0.1/a/+': the topic (the path) must be there, without"
     " '+', '#' or a '/' at its end (see --help)"),
    ("ca file missing", None, ["--notify-url", "https://127.0.0.1/", "--ca-file", "/nonexistent"],
     "{prog}: --ca-file '/nonexistent': cannot read it (see --help)"),
    ("ca file not PEM", None, ["--notify-url", "https://127.0.0.1/", "--ca-file", "/etc/passwd"],
     "{prog}: --ca-file '/etc/passwd': ..."),
    ("ca file for http", None, ["--notify-url", "http://127.0.0.1/", "--ca-file", "x"],
     "{prog}: --ca-file is for https:// and mqtts:// (see --help)"),
    ("token for mqtt", None, ["--notify-url", "mqtt://127.0.0.1/t", "--notify-token-file", "x"],
     "{prog}: --notify-token-file is for http:// and https:// (see --help)"),
    ("token file missing", None, ["--notify-url", "http://127.0.0.1/",
                                  "--notify-token-file", "/nonexistent"],
     "{prog}: --notify-token-file '/nonexistent': cannot read it: No such file or directory"
     " (see --help)"),
    ("ha discovery for http", None, ["--notify-url", "http://127.0.0.1/", "--ha-discovery"],
     "{prog}: --ha-discovery is for mqtt:// and mqtts:// (see --help)"),
    ("ha discovery with a value", None, ["--ha-discovery=1"],
     "{prog}: option '--ha-discovery' takes no value (see --help)"),
    ("keepalive zero", None, ["--notify-url", "mqtt://127.0.0.1/t", "--mqtt-keepalive", "0"],
     "{prog}: --mqtt-keepalive needs seconds from 1 to 2147, not '0' (see --help)"),
    ("keepalive without value", None, ["--mqtt-keepalive"],
     "{prog}: option '--mqtt-keepalive' needs a value (see --help)"),
    ("keepalive alone", None, ["--mqtt-keepalive", "5"],
     "{prog}: --mqtt-keepalive needs --notify-url (see --help)"),
    ("ca file alone", None, ["--ca-file", "x"], "{prog}: --ca-file needs --notify-url (see --help)"),
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
    # ---- a VCD given as the scenario
    ("vcd without pins", "$timescale 1 us $end\n$var wire 1 ! D0 $end\n$enddefinitions $end\n#0\n1!\n",
     [], "{scn}:3: no 1-bit signal named GP0..GP29 to replay"),
    ("vcd bad timescale", "$timescale 3 us $end\n", [], "{scn}:1: bad $timescale '3'"),
    ("vcd bad timescale unit", "$timescale 1 xs $end\n", [], "{scn}:1: bad $timescale unit 'xs'"),
    ("vcd backwards", "$timescale 1 ns $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#2000\n0!\n#1000\n1!\n", [], "{scn}:6: time goes backwards (#1000)"),
    ("vcd truncated", "$timescale 1 us $end\n$var wire 1 ! GP14 $end\n", [],
     "{scn}:3: unexpected end of file in the VCD header"),
    ("vcd truncated $var", "$timescale 1 us $end\n$var wire 1 ! GP14\n", [],
     "{scn}:3: unexpected end of file in the VCD header"),
    ("vcd garbage", "$timescale 1 us $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#0\nhello\n", [], "{scn}:5: unexpected 'hello'"),
    ("vcd garbage in the header", "$timescale 1 us $end\nhello\n", [],
     "{scn}:2: unexpected 'hello' before $enddefinitions"),
    ("vcd empty timestamp", "$timescale 1 us $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#\n", [], "{scn}:4: bad timestamp '#'"),
    ("vcd bad timestamp", "$timescale 1 us $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#12a\n", [], "{scn}:4: bad timestamp '#12a'"),
    ("vcd timestamp too large", "$timescale 100 s $end\n$var wire 1 ! GP14 $end\n"
     "$enddefinitions $end\n#1844674407370\n1!\n", [],
     "{scn}:4: timestamp '#1844674407370' too large"),
    ("vcd with too many signals", "$timescale 1 us $end\n"
     + "".join(f"$var wire 1 s{i} GP{i % 30} $end\n" for i in range(65)) + "$enddefinitions $end\n",
     [], "{scn}:66: more than 64 signals"),
    # ---- a run too long to record for --vcd/--svg (31 days at most), refused at parse time
    ("end too far to record", "1000 GP14 0\nend 1000000000000000\n", [],
     "{scn}:2: the run would last 1000000000000000 ms, longer than the 2678400000 ms that --vcd"
     " and --svg can record"),
    ("last edge too far to record", "1000 GP14 0\n2678396000 GP14 1\n", [],
     "{scn}:2: the run would last 2678401000 ms, longer than the 2678400000 ms that --vcd and"
     " --svg can record"),
    ("vcd too long to record", "$timescale 1 s $end\n$var wire 1 ! GP14 $end\n$enddefinitions $end\n"
     "#0\n1!\n#2678401\n0!\n", [],
     "{scn}:6: the run would last 2678401000 ms, longer than the 2678400000 ms that --vcd and"
     " --svg can record"),
    # ---- output files that cannot be written (checked before the run)
    ("vcd unwritable", "end 10\n", ["--vcd", "/nonexistent/dir/out.vcd"],
     "{prog}: --vcd /nonexistent/dir/out.vcd: No such file or directory"),
    ("svg unwritable", "end 10\n", ["--svg", "/nonexistent/dir/out.svg"],
     "{prog}: --svg /nonexistent/dir/out.svg: No such file or directory"),
    ("vcd is a directory", "end 10\n", ["--vcd", "{d}/adir"], "{prog}: --vcd {d}/adir: Is a directory"),
    ("svg is a directory", "end 10\n", ["--svg", "{d}/adir"], "{prog}: --svg {d}/adir: Is a directory"),
    ("vcd under a file", "end 10\n", ["--vcd", "{d}/afile/out.vcd"],
     "{prog}: --vcd {d}/afile/out.vcd: Not a directory"),
    ("svg under a file", "end 10\n", ["--svg", "{d}/afile/out.svg"],
     "{prog}: --svg {d}/afile/out.svg: Not a directory"),
    ("vcd name too long", "end 10\n", ["--vcd", "{d}/" + LONG_NAME],
     "{prog}: --vcd {d}/" + LONG_NAME + ": File name too long"),
]


def run_case(binary, prog, d, name, text, extra, want):
    os.mkdir(os.path.join(d, "adir"))
    with open(os.path.join(d, "afile"), "w") as f:
        f.write("a file\n")
    scn = os.path.join(d, "case.scn")
    fill = {"prog": prog, "scn": scn, "d": d}
    args = [binary]
    if text is not None:
        with open(scn, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
        args += ["--scenario", scn, "--vcd", os.path.join(d, "out.vcd"),
                 "--svg", os.path.join(d, "out.svg")]
    args += [a.format(**fill) for a in extra]
    p = subprocess.run(args, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    want = want.format(**fill)
    stderr = p.stderr.decode(errors="replace")
    problems = []
    if p.returncode != 2:
        problems.append(f"exit status {p.returncode}, expected 2")
    if want.endswith("..."):  # the rest is the system's wording
        if not (stderr.startswith(want[:-3]) and stderr.count("\n") == 1
                and stderr.endswith("\n")):
            problems.append(f"stderr {stderr!r}, expected {want!r}")
    elif stderr != want + "\n":
        problems.append(f"stderr {stderr!r}, expected {want!r}")
    if p.stdout:
        problems.append(f"printed {p.stdout[:200]!r} on stdout")
    left = sorted(set(os.listdir(d)) - {"adir", "afile", "case.scn"})
    left += [f"adir/{f}" for f in os.listdir(os.path.join(d, "adir"))]
    if left:
        problems.append(f"left {left} behind")
    return problems


def main():
    binary = sys.argv[1]
    prog = os.path.basename(binary)
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), "two cases with one name"
    failed = 0
    for name, text, extra, want in CASES:
        with tempfile.TemporaryDirectory() as d:
            problems = run_case(binary, prog, d, name, text, extra, want)
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            print(f"ok   {name}")
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
