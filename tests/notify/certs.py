"""A test CA and server certificates, made at run time with the openssl command (P-256 keys).

make_certs(d) writes into d and returns the paths:
  ca        the test CA's certificate (what --ca-file trusts)
  other_ca  another CA's certificate, which signed nothing the servers use
  good      (cert, key) for "localhost", valid now, signed by the test CA
  wronghost (cert, key) for "wrong.example", valid now, signed by the test CA
  expired   (cert, key) for "localhost", valid only in January 2020, signed by the test CA
"""
import os
import shutil
import subprocess

CA_CONF = """[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {d}
database = {d}/index.txt
new_certs_dir = {d}
serial = {d}/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
"""


def openssl(*args, cwd):
    if shutil.which("openssl") is None:
        raise RuntimeError("the openssl command is missing: run tools/bootstrap")
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj",
            f"/CN=handoff {name}", cwd=d)
    return os.path.join(d, f"{name}.pem")


def make_leaf(d, name, host, dates):
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={host}", cwd=d)
    with open(os.path.join(d, f"{name}.ext"), "w") as f:
        f.write(f"subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n")
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
            "-in", f"{name}.csr", "-out", f"{name}.pem", "-extfile", f"{name}.ext", "-notext",
            "-startdate", dates[0], "-enddate", dates[1], cwd=d)
    return os.path.join(d, f"{name}.pem"), os.path.join(d, f"{name}.key")


def make_certs(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write(CA_CONF.format(d=d))
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    fmt = "%Y%m%d%H%M%SZ"
    valid = ((now - datetime.timedelta(hours=1)).strftime(fmt),
             (now + datetime.timedelta(days=1)).strftime(fmt))
    return {
        "ca": make_ca(d, "ca"),
        "other_ca": make_ca(d, "other"),
        "good": make_leaf(d, "good", "localhost", valid),
        "wronghost": make_leaf(d, "wronghost", "wrong.example", valid),
        "expired": make_leaf(d, "expired", "localhost", ("20200101000000Z", "20200201000000Z")),
    }
