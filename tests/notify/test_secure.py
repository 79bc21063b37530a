#!/usr/bin/env python3
"""HTTPS and the bearer token end to end over loopback, with a test CA made at run time
(certs.py, the openssl command) and tests/notify/server.py serving TLS.

  tls    the right CA delivers every press once; a server certificate from another CA, for
         another host name, or expired is refused with its reason ("certificate not trusted",
         "host name mismatch", "certificate expired") and nothing is delivered
  stall  a server that takes the connection and the ClientHello but never answers: the LED and
         buzzer changes in the VCD are within 1 ms of the run without notify, and the attempt
         times out ("no connection within 3000 ms")
  token  --notify-token-file: the token reaches the server as "Authorization: Bearer TOKEN"
         and appears in nothing the program writes (stdout, stderr, VCD, SVG), nor in the
         error for a token file that other users may read

usage: test_secure.py tls|stall|token PRESS_TO_ALERT NOTIFY
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from certs import make_certs  # noqa: E402
from test_notify import (Server, check_delivered, notify_args, parse_vcd, run,  # noqa: E402
                         same_run, scenario)

PRESSES = [1000, 1500, 2000]


def https(server):
    """The server's URL with the host name its certificates name."""
    return server.url.replace("http://127.0.0.1", "https://localhost")


def test_tls(binaries):
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        c = make_certs(os.path.join(d, "certs"))
        cases = [  # name, server certificate, CA file given, reason (None: delivered)
            ("right CA", c["good"], c["ca"], None),
            ("other CA", c["good"], c["other_ca"], "certificate not trusted"),
            ("wrong host name", c["wronghost"], c["ca"], "host name mismatch"),
            ("expired", c["expired"], c["ca"], "certificate expired"),
        ]
        for name, (cert, key), ca, reason in cases:
            tag = name.replace(" ", "-")
            server = Server(d, tag, ["--tls", cert, key])
            try:
                out, err = run(binaries[0], scenario(d, tag, PRESSES, 4000),
                               notify_args(https(server)) + ["--ca-file", ca])
            finally:
                records = server.stop()
            problems = []
            retries = [line for line in err.splitlines() if "Notify retry" in line]
            if reason is None:
                check_delivered(records, len(PRESSES), out, problems)
                if retries:
                    problems.append(f"retried: {retries}")
            else:
                if records or "Notify sent" in out:
                    problems.append(f"delivered {len(records)} events through a bad certificate")
                if not retries or not all(r.endswith(": " + reason) for r in retries):
                    problems.append(f"retries without the reason '{reason}': {retries}")
            if problems:
                failed += 1
                print(f"FAIL {name}:\n  " + "\n  ".join(problems) + "\n" + out + err +
                      server.log_text)
            elif reason is None:
                print(f"ok   {name}: {len(PRESSES)} presses delivered once each over TLS")
            else:
                print(f"ok   {name}: refused, '{reason}' in each of {len(retries)} retries, "
                      "nothing delivered")
    return failed


def test_stall(binaries):
    presses = [1000, 2000, 3000, 4000]
    with tempfile.TemporaryDirectory() as d:
        c = make_certs(os.path.join(d, "certs"))
        scn = scenario(d, "stall", presses, 7000)
        plain_vcd, tls_vcd = os.path.join(d, "plain.vcd"), os.path.join(d, "tls.vcd")
        plain_out, _ = run(binaries[0], scn, [], plain_vcd)
        server = Server(d, "stall", ["--tls", *c["good"], "--fault", "stall"])
        try:
            out, err = run(binaries[0], scn, notify_args(https(server)) + ["--ca-file", c["ca"]],
                           tls_vcd)
        finally:
            server.stop()
        plain, timed = parse_vcd(plain_vcd), parse_vcd(tls_vcd)
    problems, worst = same_run(plain, timed, plain_out, out)
    if "stalling a handshake" not in server.log_text:
        problems.append("the server never saw a handshake begin")
    if "no connection within 3000 ms" not in err:
        problems.append("the stalled handshake did not time out")
    if problems:
        print("FAIL stall:\n  " + "\n  ".join(problems) + "\n" + err + server.log_text)
        return 1
    print(f"ok   stall: handshakes stalled by the server; {sum(len(v) for v in plain.values())} "
          f"pin changes, largest shift {worst} us; timed out and retried")
    return 0


def test_token(binaries):
    token = "hf-test-" + os.urandom(12).hex()
    problems = []
    with tempfile.TemporaryDirectory() as d:
        c = make_certs(os.path.join(d, "certs"))
        tok = os.path.join(d, "token")
        with open(tok, "w") as f:
            f.write(token + "\n")
        os.chmod(tok, 0o600)
        headers = os.path.join(d, "headers.jsonl")
        server = Server(d, "token", ["--tls", *c["good"], "--headers", headers])
        vcd, svg = os.path.join(d, "token.vcd"), os.path.join(d, "token.svg")
        try:
            out, err = run(binaries[0], scenario(d, "token", PRESSES, 4000),
                           notify_args(https(server)) + ["--ca-file", c["ca"],
                                                         "--notify-token-file", tok,
                                                         "--svg", svg], vcd)
        finally:
            records = server.stop()
        check_delivered(records, len(PRESSES), out, problems)
        with open(headers) as f:
            heads = [json.loads(line) for line in f]
        auth = [h for head in heads for h in head if h.lower().startswith("authorization:")]
        if len(heads) < len(PRESSES) or auth != ["Authorization: Bearer " + token] * len(heads):
            problems.append(f"Authorization headers {auth} in {len(heads)} requests")
        written = {"stdout": out, "stderr": err}
        for path in (vcd, svg):
            with open(path, errors="replace") as f:
                written[os.path.basename(path)] = f.read()
        # a token file that others may read: refused, and the message does not show the token
        os.chmod(tok, 0o640)
        p = subprocess.run([binaries[1], "--notify-url", "http://127.0.0.1:9/e",
                            "--notify-token-file", tok], capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL)
        written["refusal"] = p.stdout + p.stderr
        if p.returncode != 2 or "other users have access (mode 0640): chmod 600 it" not in p.stderr:
            problems.append(f"a group-readable token file was not refused: {p.returncode} "
                            f"{p.stderr!r}")
    leaks = [name for name, text in written.items() if token in text or token[8:] in text]
    if leaks:
        problems.append(f"the token appears in {leaks}")
    if problems:
        print("FAIL token:\n  " + "\n  ".join(problems) + "\n" + server.log_text)
        return 1
    print(f"ok   token: 'Authorization: Bearer' in each of {len(heads)} requests; the token is in "
          f"none of {', '.join(written)}; a group-readable file is refused")
    return 0


def main():
    what, binaries = sys.argv[1], sys.argv[2:4]
    tests = {"tls": test_tls, "stall": test_stall, "token": test_token}
    return 1 if tests[what](binaries) else 0


if __name__ == "__main__":
    sys.exit(main())
