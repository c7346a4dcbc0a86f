#!/usr/bin/python3
"""Issue 17's three figures for the production binary at 1920×1080: memory
(PSS), CPU in the loop of pictures and the time to the first frame, measured
as the issue's baseline was (the loop at full HD on X, software renderer),
with the production `run` and a site config instead of `demo`.

  * first frame: from spawning `portal-kiosk run` until the window's first
    pixels are on the X screen (the middle of the root window, black before,
    polled every 2 ms with XGetImage), and until its READY=1 on our own
    NOTIFY_SOCKET (sent once the first frame has been presented) — over
    --runs starts (the first one also pays for a cold page
    cache);
  * the loop of pictures (the demo playlist's three full-HD pictures and three
    text slides as a local playlist, as a kiosk plays the town's synced
    slides): after --warm seconds (one round, so every picture comes from the
    slide cache as it does in a kiosk that has run a minute), CPU (utime +
    stime) over --seconds as % of one core, PSS from smaps_rollup once a
    second over that time (median, min, max), its anonymous, file and shared
    parts at the end and the largest mappings.

With --wayland sway|weston the same figures are taken on Wayland, where the
kiosk's window buffers are shared memory handed to the compositor: a real
headless compositor with a software renderer at 1920×1080 (cage's headless
output is fixed at 1280×720, other wlroots compositors' can be given a size).
`sway` runs wlroots 0.15's headless backend and pixman renderer — the same
library and renderer cage is built on, so it holds client buffers as cage
does (softbuffer then keeps two, each shared with the compositor); `weston`
(its kiosk shell) releases each buffer at once, so one is kept. Compositor
and kiosk run as nobody; every window is made full screen. There the first
frame is READY=1, which the kiosk sends on the event loop's turn after its
first frame was presented (no screenshot protocol to poll).

Under cage the figures come from tests/perf/supervise.py, at 1280×720.

Usage:  tools/install-deps --perf && cargo build --release
        /usr/bin/python3 tests/perf/production_loop.py [--binary target/release/portal-kiosk]
            [--wayland sway|weston] [--runs 7] [--warm 70] [--seconds 60] [--transition-ms N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervise  # noqa: E402  (the site config, the notify socket, /proc readers)
from Xlib import X, display as xdisplay  # noqa: E402  (python3-xlib)

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


def start_compositor(kind, width, height, xdg):
    """A headless Wayland compositor with a software renderer on `xdg`/wayland-perf:
    weston (pixman, its kiosk shell) or sway (wlroots' pixman renderer, as cage's;
    every window full screen)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(XDG_RUNTIME_DIR=xdg)
    if kind == "weston":
        cmd = ["weston", "--backend=headless-backend.so", f"--width={width}", f"--height={height}",
               "--use-pixman", "--shell=kiosk-shell.so", "--socket=wayland-perf", "--idle-time=0",
               "--no-config"]
    else:
        config = os.path.join(xdg, "sway.conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"output HEADLESS-1 mode {width}x{height}\ndefault_border none\n"
                    'for_window [app_id=".*"] fullscreen enable\n')
        os.chmod(config, 0o644)
        env.update(WLR_BACKENDS="headless", WLR_RENDERER="pixman", WLR_LIBINPUT_NO_DEVICES="1")
        cmd = ["sway", "--config", config]
    proc = subprocess.Popen(supervise.as_nobody(cmd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        names = [n for n in os.listdir(xdg) if n.startswith("wayland-") and not n.endswith(".lock")]
        if names:
            if names[0] != "wayland-perf":
                os.symlink(os.path.join(xdg, names[0]), os.path.join(xdg, "wayland-perf"))
            return proc
        time.sleep(0.05)
    proc.kill()
    sys.exit(f"{kind} did not start")


class Kiosk:
    """`portal-kiosk run` of a supervise.Session's site config, on X or Wayland."""

    def __init__(self, binary, display, transition_ms):
        self.s = supervise.Session(binary, "", True, transition_ms)
        with open(self.s.config, encoding="utf-8") as f:
            cfg = f.read().replace("width = 1280", "width = 1920").replace("height = 720", "height = 1080")
        if display is not None:
            # Xvfb has no window manager to honour a full-screen request: a
            # 1920×1080 window at 0,0 is the same screen. (On Wayland the
            # compositor makes it full screen.)
            cfg = cfg.replace("fullscreen = true", "fullscreen = false")
        with open(self.s.config, "w", encoding="utf-8") as f:
            f.write(cfg)
        self.display = display
        self.proc = None

    def spawn(self):
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "WATCHDOG_PID")}
        env.update(HOME=self.s.dir, XDG_RUNTIME_DIR=self.s.xdg, NOTIFY_SOCKET=self.s.sock_path)
        if self.display is None:
            env.update(WAYLAND_DISPLAY="wayland-perf")
        else:
            env.update(DISPLAY=self.display)
        cmd = supervise.as_nobody([self.s.bin, "run", "--config", self.s.config])
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


def drawn(disp, width=1920, height=1080):
    """True once the middle of the screen is no longer the black root."""
    side = 64
    img = disp.screen().root.get_image((width - side) // 2, (height - side) // 2, side, side,
                                       X.ZPixmap, 0xFFFFFFFF)
    data = img.data
    lit = sum(1 for i in range(0, len(data), 4) if max(data[i], data[i + 1], data[i + 2]) > 16)
    return lit > side * side // 2


def first_frame(kiosk, disp):
    """(seconds to the first pixels, seconds to READY) for one start; on
    Wayland (`disp` None) the pixels are not polled: both are READY."""
    sock = kiosk.s.sock
    sock.setblocking(False)
    started = kiosk.spawn()
    seen = ready = None
    while (seen is None or ready is None) and time.monotonic() - started < 20:
        try:
            while ready is None:
                if "READY=1" in sock.recv(4096).decode().split("\n"):
                    ready = time.monotonic() - started
        except BlockingIOError:
            pass
        if seen is None and (ready if disp is None else drawn(disp)):
            seen = ready if disp is None else time.monotonic() - started
        time.sleep(0.002)
    sock.settimeout(0.05)
    time.sleep(1)
    kiosk.kill()
    # The window gone, the root is black again before the next start.
    deadline = time.monotonic() + 5
    while disp is not None and drawn(disp) and time.monotonic() < deadline:
        time.sleep(0.01)
    if seen is None or ready is None:
        sys.exit("the kiosk's window never appeared" if seen is None else "no READY=1")
    return seen, ready


def smaps(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Pss", "Pss_Anon", "Pss_File", "Pss_Shmem"):
                out[key] = int(rest.split()[0]) / 1024
    return out


def by_mapping(pid):
    """PSS per mapped object (a file, [heap], the anonymous maps, a memfd), largest first."""
    sums, name = {}, None
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and ":" not in head[0]:
                name = " ".join(head[5:]) or "[anonymous]"
                if name.startswith("/memfd:"):
                    name = "/memfd: (window buffers)"
            elif head and head[0] == "Pss:":
                sums[name] = sums.get(name, 0) + int(head[1]) / 1024
    return sorted(sums.items(), key=lambda kv: -kv[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/portal-kiosk"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warm", type=int, default=70)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--transition-ms", type=int, default=None)
    ap.add_argument("--wayland", choices=("weston", "sway"), default=None,
                    help="under a headless Wayland compositor at 1920×1080 instead of Xvfb")
    args = ap.parse_args()
    if args.wayland:
        kiosk = Kiosk(args.binary, None, args.transition_ms)
        server, disp = start_compositor(args.wayland, 1920, 1080, kiosk.s.xdg), None
    else:
        server, display = start_xvfb(1920, 1080)
        kiosk = Kiosk(args.binary, display, args.transition_ms)
        disp = xdisplay.Display(display)
    try:
        frames, readies = [], []
        for _ in range(args.runs):
            seen, ready = first_frame(kiosk, disp)
            frames.append(seen)
            readies.append(ready)
        kiosk.spawn()
        kiosk.s.wait_ready()
        time.sleep(args.warm)
        pid = kiosk.pid()
        before = supervise.cpu_seconds(pid)
        # PSS once a second: the next picture is held only in the last half
        # second of a slide's time, so the samples show it now and then.
        samples, end = [], time.monotonic() + args.seconds
        while time.monotonic() < end:
            time.sleep(1)
            samples.append(smaps(pid))
        cpu = 100.0 * (supervise.cpu_seconds(pid) - before) / args.seconds
        mem = smaps(pid)
        maps = by_mapping(pid)
    finally:
        if disp is not None:
            disp.close()
        kiosk.close()
        server.kill()
        server.wait()
    where = {"weston": "a headless weston (pixman, kiosk shell)",
             "sway": "a headless sway (wlroots' pixman renderer, as cage's)"}.get(args.wayland, "Xvfb")
    print(f"binary: {args.binary}; 1920×1080 on {where}, `run` with a site config")
    print(f"spawn → first frame {'presented (READY)' if args.wayland else 'on screen'}: median {1000 * statistics.median(frames):.0f} ms, "
          f"max {1000 * max(frames):.0f} ms (n = {len(frames)}; target ≤ 100 ms); "
          f"→ READY: median {1000 * statistics.median(readies):.0f} ms, max {1000 * max(readies):.0f} ms")
    fade = "the config's default" if args.transition_ms is None else f"{args.transition_ms} ms"
    print(f"the loop of pictures after {args.warm} s (transition: {fade}): CPU {cpu:.2f} % of a core "
          f"over {args.seconds} s (target ≤ 1 %)")
    pss = [m["Pss"] for m in samples]
    print(f"PSS once a second over {args.seconds} s: median {statistics.median(pss):.1f} MB, "
          f"min {min(pss):.1f}, max {max(pss):.1f} (target ≤ 45 MB)")
    for what, m in (("the largest sample", max(samples, key=lambda m: m["Pss"])), ("at the end", mem)):
        print(f"{what}: PSS {m['Pss']:.1f} MB: anonymous {m['Pss_Anon']:.1f}, "
              f"file {m['Pss_File']:.1f}, shared {m['Pss_Shmem']:.1f}")
    print("largest mappings by PSS (MB):")
    for name, pss in maps[:8]:
        print(f"  {pss:6.1f}  {name}")


if __name__ == "__main__":
    main()
