#!/usr/bin/python3
"""Figures of the kiosk as its unit runs it (issue 17), under a real headless
cage, supervised as systemd would (its own NOTIFY_SOCKET, Restart=always):

  * kill -9 of the kiosk → the loop on screen again: the supervisor sees the
    session end (cage exits with its only client), waits the unit's RestartSec
    and starts `portal-kiosk session` again; the figure runs until the new
    kiosk's READY=1 (sent once its first frame is presented);
  * CPU while asleep: the kiosk's utime+stime over 60 s with the night hours on
    (`[screen] sleep` covering now), % of one core;
  * CPU in the loop and PSS, for comparison, over the same 60 s awake, after
    --warm seconds (default 70: one round of the demo playlist, so that every
    picture has been prepared once and comes from the slide cache, as in a
    kiosk that has run for more than a minute);
  * start → READY=1: from starting `portal-kiosk session` (cage and the kiosk)
    to the kiosk's READY, which it sends after its first frame.

Usage:  cargo build [--release]; tools/install-deps --test
        /usr/bin/python3 tests/perf/supervise.py [--binary target/release/portal-kiosk] [--runs 5]
As root the session runs as nobody (cage refuses root), like the unit's user.
"""

import argparse
import datetime
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOBODY = 65534
RESTART_SEC = 1.0  # systemd/portal-kiosk.service: RestartSec=1


def unit_restart_sec():
    with open(os.path.join(ROOT, "systemd", "portal-kiosk.service"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("RestartSec="):
                return float(line.split("=", 1)[1].strip().rstrip("s"))
    return RESTART_SEC


def as_nobody(cmd):
    """`cmd` run as nobody when we are root (cage refuses root; the unit's user is not root)."""
    if os.geteuid() == 0:
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] + cmd
    return cmd


class Session:
    def __init__(self, binary, sleep="", pictures=False, transition_ms=None):
        self.dir = tempfile.mkdtemp(prefix="kiosk-perf-")
        os.chmod(self.dir, 0o755)
        # The kiosk offline plays the town's own text slide; with `pictures`
        # it plays the demo playlist's pictures from a local playlist, as a
        # kiosk plays the town's synced slides (the memory figure's case).
        promo = ""
        if pictures:
            slides = os.path.join(self.dir, "promo")
            shutil.copytree(os.path.join(ROOT, "assets", "promo"), slides)
            os.chmod(slides, 0o755)
            promo = f'[promo]\nplaylist = "{os.path.join(slides, "playlist.toml")}"\n'
            if transition_ms is not None:
                promo += f"transition_ms = {transition_ms}\n"
        self.bin = os.path.join(self.dir, "portal-kiosk")
        shutil.copy(binary, self.bin)
        self.xdg = os.path.join(self.dir, "xdg")
        data = os.path.join(self.dir, "data")
        for d in (self.xdg, data):
            os.mkdir(d, 0o700)
            if os.geteuid() == 0:
                os.chown(d, NOBODY, NOBODY)
        creds = os.path.join(self.dir, "credentials.toml")
        with open(creds, "w", encoding="utf-8") as f:
            f.write('token = "kiosk-token-perf-0001"\n')
        if os.geteuid() == 0:
            os.chown(creds, NOBODY, NOBODY)
        self.config = os.path.join(self.dir, "kiosk.toml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""[kiosk]
id = "lt-perf-01"
site = "Perf"
mode = "kiosk"
[town]
name = "Horní Javoří"
municipality = "Město Horní Javoří"
portal_name = "Portál občana Horní Javoří"
web = "obcan.hornijavori.example"
ico = "71234560"
address = "Náměstí Míru 1, 123 45 Horní Javoří"
phone = "+420 499 100 100"
support_email = "kiosk@hornijavori.example"
colors = {{ primary = "#1f4d2b", primary_dark = "#12301a", stripe = "#c9a227", highlight = "#f2d675" }}
[screen]
width = 1280
height = 720
fullscreen = true
sleep = "{sleep}"
[backend]
url = "http://127.0.0.1:9/kiosk/v1/"
credentials_file = "{creds}"
[card_reader]
enabled = false
[printer]
enabled = false
[speech]
enabled = false
[metrics]
enabled = false
[storage]
data_dir = "{data}"
{promo}""")
        self.sock_path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        os.chmod(self.sock_path, 0o777)
        self.sock.settimeout(0.05)
        self.proc = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "WATCHDOG_PID")}
        env.update(HOME=self.dir, XDG_RUNTIME_DIR=self.xdg, WLR_BACKENDS="headless",
                   WLR_RENDERER="pixman", WLR_LIBINPUT_NO_DEVICES="1", NOTIFY_SOCKET=self.sock_path)
        cmd = as_nobody([self.bin, "session", "--config", self.config])
        for name in os.listdir(self.xdg):
            path = os.path.join(self.xdg, name)
            if name.startswith("wayland-") and os.geteuid() == 0:
                os.remove(path)
        self.log = open(os.path.join(self.dir, "session.log"), "ab")
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self.log)

    def wait_ready(self, limit=60):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            if "READY=1" in msg.split("\n"):
                return time.monotonic()
        with open(os.path.join(self.dir, "session.log"), encoding="utf-8", errors="replace") as f:
            sys.stderr.write(f.read()[-3000:])
        raise SystemExit("no READY=1 within %d s" % limit)

    def kiosk_pid(self):
        pid = self.proc.pid
        for _ in range(100):
            try:
                with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        raise SystemExit("no kiosk process under cage")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.kill(self.kiosk_pid(), signal.SIGKILL)
            except (SystemExit, ProcessLookupError):
                pass
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pss_mb(pid):
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def restart_figures(binary, runs):
    restart = unit_restart_sec()
    s = Session(binary)
    times = []
    starts = []
    try:
        started = time.monotonic()
        s.start()
        starts.append(s.wait_ready() - started)
        for _ in range(runs):
            time.sleep(3)
            killed = time.monotonic()
            os.kill(s.kiosk_pid(), signal.SIGKILL)
            s.proc.wait()  # cage ends with its only client
            time.sleep(max(0.0, restart - (time.monotonic() - killed)))
            started = time.monotonic()
            s.start()
            ready = s.wait_ready()
            times.append(ready - killed)
            starts.append(ready - started)
    finally:
        s.stop()
    return restart, times, starts


def cpu_figure(binary, sleep, seconds, pictures=False, warm=5, transition_ms=None):
    s = Session(binary, sleep, pictures, transition_ms)
    try:
        s.start()
        s.wait_ready()
        time.sleep(warm)
        pid = s.kiosk_pid()
        before = cpu_seconds(pid)
        time.sleep(seconds)
        used = cpu_seconds(pid) - before
        return 100.0 * used / seconds, pss_mb(pid)
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--warm", type=int, default=70,
                    help="seconds of the loop of pictures before it is measured")
    ap.add_argument("--transition-ms", type=int, default=None,
                    help="promo.transition_ms for the loop of pictures (default: the kiosk's)")
    args = ap.parse_args()
    binary = args.binary
    if not binary:
        for candidate in ("target/release/portal-kiosk", "target/debug/portal-kiosk"):
            if os.path.exists(os.path.join(ROOT, candidate)):
                binary = os.path.join(ROOT, candidate)
                break
    if not binary:
        sys.exit("no portal-kiosk binary; build one or pass --binary")
    print(f"binary: {binary}")
    restart, times, starts = restart_figures(binary, args.runs)
    print(f"kill -9 → READY again (RestartSec={restart:g}): median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s (n = {len(times)})")
    print(f"start → READY (cage and the kiosk up, first frame drawn): median "
          f"{1000 * statistics.median(starts):.0f} ms, max {1000 * max(starts):.0f} ms (n = {len(starts)})")
    now = datetime.datetime.now()
    night = f"{(now - datetime.timedelta(hours=1)):%H:%M}-{(now + datetime.timedelta(hours=2)):%H:%M}"
    cpu, pss = cpu_figure(binary, night, args.seconds)
    print(f"asleep ({night}): CPU {cpu:.3f} % of a core over {args.seconds} s, PSS {pss:.1f} MB")
    cpu, pss = cpu_figure(binary, "", args.seconds)
    print(f"awake, the town's own slide: CPU {cpu:.3f} % of a core over {args.seconds} s, PSS {pss:.1f} MB")
    cpu, pss = cpu_figure(binary, "", args.seconds, pictures=True, warm=args.warm,
                          transition_ms=args.transition_ms)
    fade = "" if args.transition_ms is None else f", transition_ms = {args.transition_ms}"
    print(f"awake, the loop of pictures (after {args.warm} s{fade}): CPU {cpu:.3f} % of a core "
          f"over {args.seconds} s, PSS {pss:.1f} MB")


if __name__ == "__main__":
    main()
