#!/usr/bin/env python3
"""A small HTTP server for notify tests, with fault modes (Python 3 standard library only).

It takes POST requests with a JSON body and answers 200 {"ok":true}. Every body it accepts is
appended to --record as one JSON line. A fault applies to the first --fault-requests requests,
or to those that arrive in the first --fault-seconds after start; after that the server is OK.

Fault modes (--fault):
  refuse   no listening socket: connections are refused (needs --fault-seconds)
  CODE     answer with that status code, e.g. 500, 429, 404, after --delay seconds (default
           0); the body is not accepted
  slow     accept the body, then answer 200 after --delay seconds (default 10)
  close    accept the body, then close in the middle of the reply
  garbage  accept the body, then answer bytes that are not HTTP
  silent   read the request, never answer, keep the connection open (the body is not accepted)
  stall    with --tls: take the connection and the client's first TLS bytes, never answer
           (a handshake that stalls half-way)
"slow", "close" and "garbage" accept the body (as a real server that stored the event before
its reply was lost), so the client's retry is a duplicate: receivers drop duplicates by
(boot, seq).

--tls CERT KEY serves HTTPS with that certificate chain and key (PEM); a handshake the client
ends (it refused the certificate) is logged as "handshake failed: ...". --headers FILE appends
each request's header lines to FILE, one JSON list per request.

It prints "listening on 127.0.0.1:PORT" as its first line on stdout, and one line on stderr
per request.

usage: server.py [--port N] [--record FILE] [--fault MODE] [--fault-requests N]
                 [--fault-seconds T] [--delay S] [--tls CERT KEY] [--headers FILE]
"""
import argparse
import json
import socket
import ssl
import sys
import threading
import time

OK_BODY = b'{"ok":true}'
GARBAGE = b"\x00\x17 garbage \xff\xfe not http\r\n\r\n"


def reply(code, reason, body=b""):
    return (f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


class Server:
    def __init__(self, args):
        self.args = args
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.requests = 0
        self.record = open(args.record, "a", buffering=1) if args.record else None
        self.headers = open(args.headers, "a", buffering=1) if args.headers else None
        self.tls = None
        if args.tls:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(args.tls[0], args.tls[1])

    def log(self, msg):
        print(f"server [{time.monotonic() - self.t0:7.3f}] {msg}", file=sys.stderr, flush=True)

    def faulty(self, n):
        a = self.args
        if a.fault == "ok":
            return False
        if a.fault_seconds is not None:
            return time.monotonic() - self.t0 < a.fault_seconds
        return n <= a.fault_requests

    def read_request(self, conn):
        """Return the body of one request, or None if the client went away or it is not one."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
            if len(data) > 65536:
                return None
        head, body = data.split(b"\r\n\r\n", 1)
        if self.headers:
            with self.lock:
                lines = head.decode(errors="replace").split("\r\n")
                self.headers.write(json.dumps(lines) + "\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            body += chunk
        return body[:length]

    def accept_body(self, body):
        """Store the event. @return False if it is not a JSON object."""
        try:
            event = json.loads(body)
        except ValueError:
            return False
        if not isinstance(event, dict):
            return False
        with self.lock:
            if self.record:
                self.record.write(json.dumps(event, sort_keys=True) + "\n")
        return True

    def handle(self, conn):
        if self.tls:
            if self.args.fault == "stall":
                with conn:
                    self.log("stalling a handshake")
                    while conn.recv(4096):
                        pass
                return
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as e:
                self.log(f"handshake failed: {e}")
                conn.close()
                return
        with conn:
            body = self.read_request(conn)
            if body is None:
                self.log("connection closed without a request")
                return
            with self.lock:
                self.requests += 1
                n = self.requests
            mode = self.args.fault if self.faulty(n) else "ok"
            self.log(f"request {n}: {body.decode(errors='replace')} -> {mode}")
            if mode == "silent":
                while conn.recv(4096):
                    pass
                return
            if mode.isdigit():
                time.sleep(self.args.delay or 0.0)
                conn.sendall(reply(int(mode), "Fault"))
                return
            if not self.accept_body(body):
                conn.sendall(reply(400, "Bad Request"))
                return
            if mode == "slow":
                time.sleep(10.0 if self.args.delay is None else self.args.delay)
                out = reply(200, "OK", OK_BODY)
            elif mode == "close":
                out = reply(200, "OK", OK_BODY)[:20]
            elif mode == "garbage":
                out = GARBAGE
            else:
                out = reply(200, "OK", OK_BODY)
            try:
                conn.sendall(out)
            except OSError as e:
                self.log(f"request {n}: reply not sent: {e}")

    def listen(self, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(64)
        return s

    def run(self):
        a = self.args
        s = self.listen(a.port)
        port = s.getsockname()[1]
        if a.fault == "refuse":
            s.close()  # nothing listens: connections are refused
        print(f"listening on 127.0.0.1:{port}", flush=True)
        if a.fault == "refuse":
            time.sleep(max(0.0, a.fault_seconds - (time.monotonic() - self.t0)))
            s = self.listen(port)
            self.log("listening again")
        while True:
            conn, _ = s.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--record")
    p.add_argument("--fault", default="ok")
    p.add_argument("--fault-requests", type=int, default=0)
    p.add_argument("--fault-seconds", type=float)
    p.add_argument("--delay", type=float)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--headers")
    a = p.parse_args()
    modes = ("ok", "refuse", "slow", "close", "garbage", "silent", "stall")
    if a.fault not in modes and not (a.fault.isdigit() and 100 <= int(a.fault) <= 599):
        p.error(f"--fault must be one of {', '.join(modes)} or a status code")
    if a.fault == "refuse" and a.fault_seconds is None:
        p.error("--fault refuse needs --fault-seconds")
    if a.fault == "stall" and not a.tls:
        p.error("--fault stall needs --tls")
    try:
        Server(a).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
