#!/usr/bin/python3
"""Benchmarks of the promotion loop, run against the release binary on Xvfb.

Measures what the foundation issue names:
  * start to first promotion frame: from spawning the process until the first
    slide's pixels are on the X screen (polled with XGetImage every 2 ms);
  * memory in the loop: PSS after 20 s (/proc/PID/smaps_rollup);
  * CPU in the loop: utime+stime over 60 s of 8-second slides, % of one core;
  * worst UI-thread stall while slides are decoded (the kiosk's own stall probe,
    a 4 ms timer that records how late it fires), in a separate run.

Usage:  tools/install-deps --perf && cargo build --release --features devtools
        /usr/bin/python3 tests/perf/promo_loop.py [--binary target/release/portal-kiosk]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

from Xlib import X, display as xdisplay

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_xvfb(width, height):
    num = 97
    while os.path.exists(f"/tmp/.X{num}-lock"):
        num += 1
    proc = subprocess.Popen(
        ["Xvfb", f":{num}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            xdisplay.Display(f":{num}").close()
            return proc, f":{num}"
        except Exception:
            time.sleep(0.05)
    proc.kill()
    sys.exit("Xvfb did not start")


def headline_visible(disp):
    """True once the first demo slide's white headline is on screen."""
    root = disp.screen().root
    img = root.get_image(120, 130, 600, 100, X.ZPixmap, 0xFFFFFFFF)
    data = img.data
    white = 0
    for i in range(0, len(data), 4 * 3):  # every third pixel, BGRX
        if data[i] > 230 and data[i + 1] > 230 and data[i + 2] > 230:
            white += 1
    return white > 200


def spawn(binary, disp_name, seconds, extra_env=None):
    env = dict(os.environ, DISPLAY=disp_name, RUST_LOG="info")
    env.pop("WAYLAND_DISPLAY", None)
    if extra_env:
        env.update(extra_env)
    return subprocess.Popen(
        [binary, "demo", "--fullscreen", "--exit-after", str(seconds)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def startup_ms(binary, disp_name):
    disp = xdisplay.Display(disp_name)
    t0 = time.perf_counter()
    proc = spawn(binary, disp_name, 2)
    seen = None
    while proc.poll() is None and time.perf_counter() - t0 < 10:
        if headline_visible(disp):
            seen = (time.perf_counter() - t0) * 1000
            break
        time.sleep(0.002)
    proc.wait()
    disp.close()
    if seen is None:
        sys.exit("the first slide never appeared")
    return seen


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def pss_mb(pid):
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/portal-kiosk"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cpu-seconds", type=int, default=60)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    xvfb, disp_name = start_xvfb(1920, 1080)
    try:
        starts = [startup_ms(args.binary, disp_name) for _ in range(args.runs)]

        proc = spawn(args.binary, disp_name, 20 + args.cpu_seconds + 5)
        time.sleep(20)
        pss = pss_mb(proc.pid)
        hz = os.sysconf("SC_CLK_TCK")
        t0, c0 = time.time(), cpu_ticks(proc.pid)
        time.sleep(args.cpu_seconds)
        t1, c1 = time.time(), cpu_ticks(proc.pid)
        cpu = (c1 - c0) / hz / (t1 - t0) * 100
        proc.wait()

        probe = spawn(args.binary, disp_name, 40, {"PORTAL_KIOSK_STALL_PROBE": "1"})
        _, err = probe.communicate()
        stalls = [float(m) for m in re.findall(r"worst_stall_ms=([0-9.]+)", err)]
        worst = max(stalls) if stalls else float("nan")
    finally:
        xvfb.kill()

    result = {
        "startup_to_first_frame_ms_median": round(statistics.median(starts), 1),
        "startup_to_first_frame_ms_max": round(max(starts), 1),
        "pss_after_20s_mb": round(pss, 1),
        "cpu_percent_of_one_core": round(cpu, 2),
        "worst_ui_thread_stall_ms": round(worst, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"start to first promotion frame: median {result['startup_to_first_frame_ms_median']} ms,"
              f" max {result['startup_to_first_frame_ms_max']} ms over {args.runs} runs (target <= 300 ms)")
        print(f"memory in the loop after 20 s:  {result['pss_after_20s_mb']} MB PSS (target <= 60 MB)")
        print(f"CPU in the loop over {args.cpu_seconds} s:      {result['cpu_percent_of_one_core']} % of one core (target <= 2 %)")
        print(f"worst UI-thread stall in 40 s:  {result['worst_ui_thread_stall_ms']} ms (target <= 16 ms)")


if __name__ == "__main__":
    main()
