#!/usr/bin/env python3
"""Makes a test CA and a server certificate (tests/notify/certs.py, the openssl command) and
runs bench-tls-steps with them: how long each call of the TLS layer's connect() holds the loop
during a handshake.

usage: bench/tls_steps.py BENCH_TLS_STEPS [HANDSHAKES]
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "notify"))
from certs import make_certs  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as d:
        c = make_certs(os.path.join(d, "certs"))
        return subprocess.run([sys.argv[1], c["ca"], *c["good"], *sys.argv[2:3]]).returncode


if __name__ == "__main__":
    sys.exit(main())
