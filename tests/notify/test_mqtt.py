#!/usr/bin/env python3
"""MQTT end to end over loopback against mosquitto (started here on a free port with a config
file of its own) and a QoS 1 subscriber (mosquitto_sub, persistent session).

  restart    a burst of presses while the broker first stalls (SIGSTOP for longer than the
             PUBACK time-out) and then restarts (SIGTERM, persistence on): every press arrives
             exactly once after duplicates (boot, seq) are removed, in order; the device resent
             with DUP, and each "Notify resend ... with DUP" it logged is a PUBLISH with d1 in
             the broker's log
  keepalive  --mqtt-keepalive 1 and no press: the broker logs a PINGREQ from the device about
             every second, and the connection is never dropped
  silent     a server that accepts TCP but never answers CONNECT: "no CONNACK within 5000 ms",
             and the device connects again
  mqtts      mqtts:// with the test CA (certs.py) and --ha-discovery: every press arrives; the
             status topic goes online, then offline (the retained last will) when the device
             exits; the Home Assistant configs are retained under homeassistant/ with the
             entity's keys

usage: test_mqtt.py restart|keepalive|silent|mqtts NOTIFY
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from certs import make_certs  # noqa: E402
from test_notify import DEVICE, check_delivered, scenario, unique  # noqa: E402

TOPIC = "handoff/test/" + DEVICE


def need(tool):
    """The tool's path (mosquitto is in /usr/sbin, not always on the PATH)."""
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin")
    if path is None:
        raise RuntimeError(f"{tool} is missing: run tools/bootstrap (installs mosquitto, "
                           "mosquitto-clients)")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, seconds, what):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


class Broker:
    """mosquitto on a free port with persistence in d; each run logs to its own file."""

    def __init__(self, d, tls=None):
        self.exe = need("mosquitto")
        self.d, self.port, self.runs = d, free_port(), 0
        self.tls_port = free_port() if tls else None
        conf = [f"listener {self.port} 127.0.0.1", "allow_anonymous true",
                "persistence true", f"persistence_location {d}/", "log_type all",
                "log_dest stderr", "user root"]
        if tls:
            conf += [f"listener {self.tls_port} 127.0.0.1", "allow_anonymous true",
                     f"cafile {tls['ca']}", f"certfile {tls['good'][0]}",
                     f"keyfile {tls['good'][1]}"]
        self.conf = os.path.join(d, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf) + "\n")
        self.logs = []
        self.start()

    def start(self):
        self.runs += 1
        path = os.path.join(self.d, f"mosquitto-{self.runs}.log")
        self.logs.append(path)
        self.log_file = open(path, "w")
        self.p = subprocess.Popen([self.exe, "-c", self.conf], stdout=self.log_file,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_for(lambda: "running" in self.log_text(-1) or self.p.poll() is not None, 10,
                 "mosquitto to start")
        if self.p.poll() is not None:
            raise RuntimeError("mosquitto did not start:\n" + self.log_text(-1))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.send_signal(signal.SIGCONT)
            self.p.wait(timeout=10)
        self.log_file.close()

    def log_text(self, k=None):
        paths = self.logs if k is None else [self.logs[k]]
        text = ""
        for path in paths:
            with open(path, errors="replace") as f:
                text += f.read()
        return text


class Subscriber:
    """mosquitto_sub with a persistent session (QoS 1, -c): lines "topic payload"."""

    def __init__(self, d, broker, topics, name="hf-test-sub"):
        need("mosquitto_sub")
        self.path = os.path.join(d, f"{name}.txt")
        self.out = open(self.path, "w")
        args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1", "-c",
                "-i", name, "-v"]
        for t in topics:
            args += ["-t", t]
        self.p = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        wait_for(lambda: f"Received SUBSCRIBE from {name}" in broker.log_text(), 10,
                 "the subscriber to subscribe")

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=10)
        self.out.close()
        with open(self.path) as f:
            return [line.rstrip("\n").split(" ", 1) for line in f if " " in line]


def events(lines):
    return [json.loads(payload) for topic, payload in lines if topic == TOPIC]


def start_device(binary, scn, url, extra=()):
    return subprocess.Popen([binary, "--scenario", scn, "--realtime", "--notify-url", url,
                             "--device", DEVICE, *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def finish(dev):
    out, err = dev.communicate(timeout=120)
    if dev.returncode != 0:
        raise RuntimeError(f"the device exited {dev.returncode}:\n{err}")
    return out, err


def report(name, problems, ok_text, *texts):
    if problems:
        print(f"FAIL {name}:\n  " + "\n  ".join(problems) + "\n" + "\n".join(texts))
        return 1
    print(f"ok   {name}: {ok_text}")
    return 0


def test_restart(binary):
    presses = [1000 + 400 * k for k in range(15)]  # to 6.6 s
    with tempfile.TemporaryDirectory() as d:
        broker = Broker(d)
        sub = Subscriber(d, broker, [TOPIC])
        url = f"mqtt://127.0.0.1:{broker.port}/{TOPIC}"
        t0 = time.monotonic()
        dev = start_device(binary, scenario(d, "burst", presses, 20000), url)
        try:
            time.sleep(max(0.0, 1.5 - (time.monotonic() - t0)))
            broker.p.send_signal(signal.SIGSTOP)  # a PUBLISH goes unacknowledged for 5 s
            time.sleep(6.0)
            broker.p.send_signal(signal.SIGCONT)
            time.sleep(1.0)
            broker.stop()  # SIGTERM: the sessions are saved
            time.sleep(0.5)
            broker.start()
            out, err = finish(dev)
        finally:
            if dev.poll() is None:
                dev.kill()
            broker.stop()
            lines = sub.stop()
        log = broker.log_text()
    problems = []
    got = events(lines)
    check_delivered(got, len(presses), out, problems)
    resends = [line for line in err.splitlines() if "with DUP" in line]
    d1 = log.count(f"Received PUBLISH from {DEVICE} (d1,")
    if not resends or d1 != len(resends):
        problems.append(f"{len(resends)} DUP resends logged by the device, {d1} PUBLISH with d1 "
                        "in the broker's logs")
    if "no PUBACK within 5000 ms" not in err:
        problems.append("the stalled broker did not make the PUBACK time out")
    return report("restart", problems,
                  f"{len(presses)} presses once each in order across a stall and a restart "
                  f"({len(got)} received, {len(got) - len(unique(got))} duplicates removed, "
                  f"{len(resends)} DUP resends, each seen by the broker)", out, err, log)


def test_keepalive(binary):
    with tempfile.TemporaryDirectory() as d:
        broker = Broker(d)
        url = f"mqtt://127.0.0.1:{broker.port}/{TOPIC}"
        dev = start_device(binary, scenario(d, "idle", [], 4500), url,
                           ["--mqtt-keepalive", "1"])
        try:
            out, err = finish(dev)
        finally:
            broker.stop()
        log = broker.log_text()
    pings = log.count(f"Received PINGREQ from {DEVICE}")
    problems = []
    if pings < 3:
        problems.append(f"{pings} PINGREQ in 4.5 s with a keepalive of 1 s")
    if log.count(f"as {DEVICE} ") != 1 or "Notify re" in err:
        problems.append("the connection was made more than once")
    return report("keepalive", problems, f"{pings} PINGREQ while idle for 4.5 s, one connection",
                  out, err, log)


def test_silent(binary):
    with tempfile.TemporaryDirectory() as d:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        conns = []

        def accept():
            while True:
                try:
                    c, _ = listener.accept()
                except OSError:
                    return
                conns.append(c)  # read nothing, answer nothing

        threading.Thread(target=accept, daemon=True).start()
        url = f"mqtt://127.0.0.1:{listener.getsockname()[1]}/{TOPIC}"
        dev = start_device(binary, scenario(d, "silent", [1000], 12500), url)
        try:
            out, err = finish(dev)
        finally:
            listener.close()
            for c in conns:
                c.close()
    problems = []
    timeouts = [line for line in err.splitlines()
                if "Notify re" in line and line.endswith(": no CONNACK within 5000 ms")]
    if len(timeouts) < 2 or len(conns) < 2 or "Notify sent" in out:
        problems.append(f"{len(conns)} connections, time-outs {timeouts}")
    return report("silent", problems, f"{len(timeouts)} CONNACK time-outs, {len(conns)} "
                  "connections made", out, err)


def test_mqtts(binary):
    presses = [1000, 1500, 2000]
    with tempfile.TemporaryDirectory() as d:
        certs = make_certs(os.path.join(d, "certs"))
        broker = Broker(d, tls=certs)
        sub = Subscriber(d, broker, [TOPIC, TOPIC + "/status"])
        url = f"mqtts://localhost:{broker.tls_port}/{TOPIC}"
        dev = start_device(binary, scenario(d, "mqtts", presses, 4000), url,
                           ["--ca-file", certs["ca"], "--ha-discovery"])
        try:
            out, err = finish(dev)
            time.sleep(0.5)  # the last will goes out when the broker sees the connection end
            retained = subprocess.run(
                ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-v", "-W", "3",
                 "-C", "3", "-t", "homeassistant/#", "-t", TOPIC + "/status", "--retained-only"],
                capture_output=True, text=True, timeout=30).stdout
        finally:
            broker.stop()
            lines = sub.stop()
        log = broker.log_text()
    problems = []
    check_delivered(events(lines), len(presses), out, problems)
    status = [payload for topic, payload in lines if topic == TOPIC + "/status"]
    if status != ["online", "offline"]:
        problems.append(f"status {status}, expected online then offline")
    configs = dict(line.split(" ", 1) for line in retained.splitlines() if " " in line)
    ev = json.loads(configs.get(f"homeassistant/event/{DEVICE}/press/config", "{}"))
    cnt = json.loads(configs.get(f"homeassistant/sensor/{DEVICE}/count/config", "{}"))
    if ev.get("event_types") != ["press", "reset", "long_press"] or \
            ev.get("state_topic") != TOPIC or cnt.get("state_topic") != TOPIC or \
            ev.get("availability_topic") != TOPIC + "/status" or \
            cnt.get("value_template") != "{{ value_json.count }}" or \
            configs.get(TOPIC + "/status") != "offline":
        problems.append(f"retained:\n{retained}")
    return report("mqtts", problems, f"{len(presses)} presses over TLS with the test CA; status "
                  "online then offline; Home Assistant event and sensor configs retained",
                  out, err, log, retained)


def main():
    what, binary = sys.argv[1], sys.argv[2]
    tests = {"restart": test_restart, "keepalive": test_keepalive, "silent": test_silent,
             "mqtts": test_mqtts}
    return 1 if tests[what](binary) else 0


if __name__ == "__main__":
    sys.exit(main())
