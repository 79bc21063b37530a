#!/usr/bin/env python3
"""Misuse caught at compile time (include/handoff/check.h): each snippet must fail to compile,
with the error at the snippet's own file:line and the check's message; the same snippet with
the misuse removed must compile (so the failure is the check's, not a typo's).

Also the user configuration (include/handoff/config.h): a handoff_config.h on the include path
sets options; a value out of range stops the build with its #error; a program built with a
layout-changing option other than the library's fails to link, naming the symbol.

usage: compile_fail.py CC LIBRARY INCLUDE_DIR...   (LIBRARY: the host library, libhandoff_posix.a;
       the environment's HF_TEST_LIBS: the libraries it needs, HF_TEST_CFLAGS: flags)
"""
import os
import re
import subprocess
import sys
import tempfile

HEAD = '#include "handoff/handoff.h"\n'
TASK = """static int fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
%s
    HF_TASK_END();
}
"""

# name, bad snippet, good snippet, line marker (the line the error must name), message regex
CASES = [
    ("sleep beyond the tick (HF_AWAIT_MS)", TASK % "    HF_AWAIT_MS(2147484); /* here */",
     TASK % "    HF_AWAIT_MS(2147483); /* here */", "size of array|negative"),
    ("sleep beyond the tick (HF_AWAIT_US)", TASK % "    HF_AWAIT_US(2147483648u); /* here */",
     TASK % "    HF_AWAIT_US(2147483647u); /* here */", "size of array|negative"),
    ("time-out beyond the tick", TASK % "    HF_AWAIT_UNTIL_TIMEOUT_MS(0, 3000000); /* here */",
     TASK % "    HF_AWAIT_UNTIL_TIMEOUT_MS(0, 3000); /* here */", "size of array|negative"),
    ("edge queue capacity not a power of two", "HF_EVQ_DEFINE(q, 6); /* here */\n",
     "HF_EVQ_DEFINE(q, 8); /* here */\n", "power of two"),
    ("an await on the FINALLY marker's line",
     TASK % "#line 65535\n    HF_AWAIT_MS(1); /* here */",
     TASK % "#line 65534\n    HF_AWAIT_MS(1); /* here */", "FINALLY marker"),
]


def compile_c(cc, incs, src, d):
    path = os.path.join(d, "misuse.c")
    with open(path, "w") as f:
        f.write(src)
    p = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-c", "-o", os.devnull, path]
                       + [f"-I{i}" for i in incs], capture_output=True, text=True)
    return p.returncode, p.stderr, path


def error_place(err, path):
    """The snippet's line the first error names: its own location when it is in the snippet
    (clang), else the snippet line whose macro expansion led to it (gcc's notes)."""
    lines = err.splitlines()
    for i, l in enumerate(lines):
        m = re.search(r"(\S+?):(\d+):(?:\d+:)? (?:fatal )?error: (.*)", l)
        if m is None:
            continue
        if m.group(1) == path:
            return m.group(2), m.group(3)
        for n in lines[i + 1:]:
            e = re.match(re.escape(path) + r":(\d+):(?:\d+:)? note: in expansion of macro", n)
            if e:
                return e.group(1), m.group(3)
        return None
    return None


def marker_line(src):
    """The line of the /* here */ marker, counting #line directives as the compiler does."""
    line = 0
    for text in src.splitlines():
        m = re.match(r"#line (\d+)", text)
        if m:
            line = int(m.group(1)) - 1
            continue
        line += 1
        if "/* here */" in text:
            return line
    raise SystemExit("no marker")


def config_checks(cc, lib, incs, d):
    """[(name, ok, detail)] for the user configuration header and the layout check."""
    out = []
    main_c = HEAD + "int main(void) { hf_loop_init(); return 0; }\n"
    user = os.path.join(d, "user")
    os.makedirs(user, exist_ok=True)

    def build(src, extra, link):
        path = os.path.join(d, "prog.c")
        with open(path, "w") as f:
            f.write(src)
        cmd = [cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", user] + \
              [f"-I{i}" for i in incs] + extra + os.environ.get("HF_TEST_CFLAGS", "").split()
        cmd += [path, lib, "-lpthread", *os.environ.get("HF_TEST_LIBS", "").split(),
                "-o", os.path.join(d, "prog")] if link else \
            ["-c", path, "-o", os.devnull]
        p = subprocess.run(cmd, capture_output=True, text=True)
        return p.returncode, p.stderr

    def user_config(text):
        with open(os.path.join(user, "handoff_config.h"), "w") as f:
            f.write(text)

    user_config("#define HF_CFG_HOG_US 12345u\n")
    rc, err = build(HEAD + '_Static_assert(HF_CFG_HOG_US == 12345u, "not read");\n', [], False)
    out.append(("handoff_config.h on the include path sets an option", rc == 0, err))
    user_config("#define HF_CFG_MAX_TASKS 0u\n")
    rc, err = build(HEAD, [], False)
    out.append(("an option out of range stops the build",
                rc != 0 and "HF_CFG_MAX_TASKS must be 1 to 1048576" in err, err))
    user_config("")
    rc, err = build(main_c, [], True)
    out.append(("a program with the library's options links", rc == 0, err))
    rc, err = build(main_c, ["-DHF_CFG_NOTIFY_OUTBOX=8u"], True)
    out.append(("a program with another outbox size does not link",
                rc != 0 and "undefined reference to `hf__config_t16_l256u_o8u_r1024u'" in err,
                err))
    return out


def main():
    cc, lib, incs = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name, ok, detail in config_checks(cc, lib, incs, d):
            print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f":\n{detail}"))
            failed += not ok
        for name, bad, good, msg in CASES:
            rc, err, path = compile_c(cc, incs, HEAD + "static int unused_;\n" + bad, d)
            line = marker_line(HEAD + "static int unused_;\n" + bad)
            where = error_place(err, path)
            good_rc, good_err, _ = compile_c(cc, incs, HEAD + "static int unused_;\n" + good, d)
            ok = (rc != 0 and where is not None and int(where[0]) == line
                  and re.search(msg, err) is not None and good_rc == 0)
            print(f"{'ok  ' if ok else 'FAIL'} {name}: "
                  + (f"error at line {where[0]} (expected {line}): {where[1]}"
                     if where else "no error" if rc == 0 else f"error elsewhere:\n{err}")
                  + ("" if good_rc == 0 else f"\n     the correct snippet failed too:\n{good_err}"))
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
