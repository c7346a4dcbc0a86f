#!/usr/bin/python3
"""Issue 17's three figures for the production binary at 1920×1080: memory
(PSS), CPU in the loop of pictures and the time to the first frame, measured
as the issue's baseline was (the loop at full HD on X, software renderer),
with the production `run` and a site config instead of `demo`.

  * first frame: from spawning `portal-kiosk run` until its READY=1 on our own
    NOTIFY_SOCKET — the kiosk sends it from the event loop's first turn, after
    the window's first frame — over --runs starts (the first one also pays
    for a cold page cache);
  * the loop of pictures (the demo playlist's three full-HD pictures and three
    text slides as a local playlist, as a kiosk plays the town's synced
    slides): after --warm seconds (one round, so every picture comes from the
    slide cache as it does in a kiosk that has run a minute), CPU (utime +
    stime) over --seconds as % of one core, and PSS from smaps_rollup with
    its anonymous, file and shared parts.

Under cage the same figures come from tests/perf/supervise.py, at 1280×720
(cage's headless output cannot be made larger).

Usage:  tools/install-deps --perf && cargo build --release
        /usr/bin/python3 tests/perf/production_loop.py [--binary target/release/portal-kiosk]
            [--runs 7] [--warm 70] [--seconds 60] [--transition-ms N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervise  # noqa: E402  (the site config, the notify socket, /proc readers)

ROOT = supervise.ROOT


def start_xvfb(width, height):
    num = 90
    while os.path.exists(f"/tmp/.X{num}-lock"):
        num += 1
    proc = subprocess.Popen(
        ["Xvfb", f":{num}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset", "-br"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.path.exists(f"/tmp/.X11-unix/X{num}"):
            return proc, f":{num}"
        time.sleep(0.05)
    proc.kill()
    sys.exit("Xvfb did not start")


class Kiosk:
    """`portal-kiosk run` of a supervise.Session's site config, on X."""

    def __init__(self, binary, display, transition_ms):
        self.s = supervise.Session(binary, "", True, transition_ms)
        with open(self.s.config, encoding="utf-8") as f:
            cfg = f.read().replace("width = 1280", "width = 1920").replace("height = 720", "height = 1080")
        with open(self.s.config, "w", encoding="utf-8") as f:
            f.write(cfg)
        self.display = display
        self.proc = None

    def spawn(self):
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "WATCHDOG_PID")}
        env.update(DISPLAY=self.display, HOME=self.s.dir, XDG_RUNTIME_DIR=self.s.xdg,
                   NOTIFY_SOCKET=self.s.sock_path)
        cmd = [self.s.bin, "run", "--config", self.s.config]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        log = open(os.path.join(self.s.dir, "session.log"), "ab")
        started = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        return started

    def pid(self):
        # setpriv execs the kiosk: the same process.
        return self.proc.pid

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        self.kill()
        self.s.stop()


def smaps(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Pss", "Pss_Anon", "Pss_File", "Pss_Shmem"):
                out[key] = int(rest.split()[0]) / 1024
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/portal-kiosk"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warm", type=int, default=70)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--transition-ms", type=int, default=None)
    args = ap.parse_args()
    xvfb, display = start_xvfb(1920, 1080)
    kiosk = Kiosk(args.binary, display, args.transition_ms)
    try:
        firsts = []
        for _ in range(args.runs):
            started = kiosk.spawn()
            firsts.append(kiosk.s.wait_ready() - started)
            time.sleep(1)
            kiosk.kill()
        kiosk.spawn()
        kiosk.s.wait_ready()
        time.sleep(args.warm)
        pid = kiosk.pid()
        before = supervise.cpu_seconds(pid)
        time.sleep(args.seconds)
        cpu = 100.0 * (supervise.cpu_seconds(pid) - before) / args.seconds
        mem = smaps(pid)
    finally:
        kiosk.close()
        xvfb.kill()
    print(f"binary: {args.binary}; 1920×1080 on Xvfb, `run` with a site config")
    print(f"spawn → READY (first frame drawn): median {1000 * statistics.median(firsts):.0f} ms, "
          f"max {1000 * max(firsts):.0f} ms (n = {len(firsts)}; target ≤ 100 ms)")
    fade = "the config's default" if args.transition_ms is None else f"{args.transition_ms} ms"
    print(f"the loop of pictures after {args.warm} s (transition: {fade}): CPU {cpu:.2f} % of a core "
          f"over {args.seconds} s (target ≤ 1 %)")
    print(f"PSS {mem['Pss']:.1f} MB (target ≤ 45 MB): anonymous {mem['Pss_Anon']:.1f}, "
          f"file {mem['Pss_File']:.1f}, shared {mem['Pss_Shmem']:.1f}")


if __name__ == "__main__":
    main()
