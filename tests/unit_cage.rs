//! The kiosk as its systemd unit runs it, supervised as systemd would: the
//! unit's command line (`portal-kiosk session --config …`, which execs `cage`
//! rotated as the site config says) under a real cage on wlroots' headless
//! backend, with this test's own `NOTIFY_SOCKET` and `WATCHDOG_USEC`. Checked:
//! READY=1 and a STATUS after the first frame, WATCHDOG=1 pets from the UI
//! thread, a screenshot (grim) of the rotated kiosk, the metrics endpoint, a
//! frozen UI thread stopping the pets, and SIGTERM ending everything within 5 s.
//!
//! Needs cage, grim and Xwayland (tools/install-deps --test). cage refuses to
//! run as root, so as root (CI) the session runs as `nobody` through setpriv.
//!
//! Known limit of this rig (not of a kiosk on a panel): under cage 0.1.4's
//! headless output the client's partial repaints do not reach the captured
//! frame, so the screenshot run sets `SLINT_DEBUG_PERFORMANCE=refresh_full_speed`
//! (every frame repainted whole). README, "Operations", says more.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A kiosk session as the unit starts it, in a directory of its own.
struct Rig {
    dir: tempfile::TempDir,
    notify: UnixDatagram,
    child: Child,
    metrics_port: u16,
    /// (when, message) of everything sent to the notify socket.
    messages: Vec<(Instant, String)>,
}

fn give_to_nobody(path: &Path) {
    if is_root() {
        std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
    }
}

fn as_session_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Rig {
    fn start(rotation: u32, extra_env: &[(&str, &str)]) -> Rig {
        for tool in ["cage", "grim", "Xwayland"] {
            let found = std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
                .unwrap_or(false);
            assert!(
                found,
                "{tool} is missing: tools/install-deps --test installs cage, grim and xwayland"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The unit's binary, where the session user can run it.
        let bin = root.join("portal-kiosk");
        std::fs::copy(env!("CARGO_BIN_EXE_portal-kiosk"), &bin).unwrap();
        let xdg = root.join("xdg");
        let data = root.join("data");
        for d in [&xdg, &data] {
            std::fs::create_dir(d).unwrap();
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
            give_to_nobody(d);
        }
        let credentials = root.join("credentials.toml");
        std::fs::write(&credentials, "token = \"kiosk-token-unit-test-0001\"\n").unwrap();
        give_to_nobody(&credentials);
        let metrics_port = free_port();
        let config = root.join("kiosk.toml");
        std::fs::write(
            &config,
            format!(
                r##"[kiosk]
id = "lt-unit-01"
site = "Test"
mode = "kiosk"
[town]
name = "Litoměřice"
municipality = "Město Litoměřice"
portal_name = "Portál občana Litoměřice"
web = "obcan.litomerice.cz"
ico = "00263958"
address = "Mírové náměstí 15/7, 412 01 Litoměřice"
phone = "+420 416 916 111"
support_email = "podporaportal@litomerice.cz"
colors = {{ primary = "#0a3a7a", primary_dark = "#062650", stripe = "#c4262e", highlight = "#ffd27a" }}
[screen]
width = 720
height = 1280
rotation = {rotation}
fullscreen = true
[backend]
# Nothing listens here: the kiosk runs offline on its town's own slide.
url = "http://127.0.0.1:9/kiosk/v1/"
credentials_file = "{credentials}"
[card_reader]
enabled = false
[printer]
enabled = false
[speech]
enabled = false
[metrics]
listen = "127.0.0.1:{metrics_port}"
[storage]
data_dir = "{data}"
"##,
                credentials = credentials.display(),
                data = data.display(),
            ),
        )
        .unwrap();
        let socket = root.join("notify.sock");
        let notify = UnixDatagram::bind(&socket).unwrap();
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o777)).unwrap();
        notify
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut command = as_session_user(&bin);
        command
            .args(["session", "--config"])
            .arg(&config)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("WATCHDOG_PID")
            .env("HOME", root)
            .env("XDG_RUNTIME_DIR", &xdg)
            .env("WLR_BACKENDS", "headless")
            .env("WLR_RENDERER", "pixman")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env("NOTIFY_SOCKET", &socket)
            .env("WATCHDOG_USEC", "2000000")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("session.log")).unwrap());
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let child = command.spawn().expect("start the session");
        Rig {
            dir,
            notify,
            child,
            metrics_port,
            messages: Vec::new(),
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("session.log")).unwrap_or_default()
    }

    /// Reads the notify socket until `until` holds for the messages or `limit` passes.
    fn wait_for(&mut self, limit: Duration, until: impl Fn(&[(Instant, String)]) -> bool) -> bool {
        let end = Instant::now() + limit;
        let mut buf = [0u8; 4096];
        while Instant::now() < end {
            if until(&self.messages) {
                return true;
            }
            if let Ok(n) = self.notify.recv(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                for line in text.lines() {
                    self.messages.push((Instant::now(), line.to_string()));
                }
            }
        }
        until(&self.messages)
    }

    fn pets_since(&self, since: Instant) -> usize {
        self.messages
            .iter()
            .filter(|(at, m)| *at >= since && m == "WATCHDOG=1")
            .count()
    }

    fn wait_ready(&mut self) {
        let ready = self.wait_for(Duration::from_secs(90), |m| {
            m.iter().any(|(_, l)| l == "READY=1")
        });
        assert!(ready, "no READY=1; the session's log:\n{}", self.log());
    }

    fn scrape(&self) -> String {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.metrics_port)).unwrap();
        std::io::Write::write_all(&mut s, b"GET /metrics HTTP/1.0\r\n\r\n").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text
    }

    fn screenshot(&self) -> image::RgbaImage {
        let out = self.dir.path().join("xdg").join("shot.png");
        let status = as_session_user(Path::new("/usr/bin/grim"))
            .arg(&out)
            .env("XDG_RUNTIME_DIR", self.dir.path().join("xdg"))
            .env("WAYLAND_DISPLAY", "wayland-0")
            .status()
            .unwrap();
        assert!(status.success(), "grim failed");
        image::open(&out).unwrap().to_rgba8()
    }

    /// The kiosk process: cage's child.
    fn kiosk_pid(&self) -> Option<i32> {
        let pid = self.child.id();
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
        children.split_whitespace().next()?.parse().ok()
    }

    fn signal_all(&self, signal: i32) {
        // As systemd does: every process of the unit.
        if let Some(kiosk) = self.kiosk_pid() {
            // SAFETY: kill with a pid and a signal number.
            unsafe { libc::kill(kiosk, signal) };
        }
        // SAFETY: as above.
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        self.signal_all(libc::SIGKILL);
        let _ = self.child.wait();
    }
}

fn value(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn close(a: image::Rgba<u8>, b: [u8; 3]) -> bool {
    a.0.iter().zip(b).all(|(x, y)| x.abs_diff(y) < 24)
}

#[test]
fn the_unit_command_line_comes_up_rotated_pets_the_watchdog_and_stops_on_sigterm() {
    let mut rig = Rig::start(90, &[("SLINT_DEBUG_PERFORMANCE", "refresh_full_speed")]);
    rig.wait_ready();
    assert!(
        rig.messages
            .iter()
            .any(|(_, m)| m.starts_with("STATUS=") && m.contains("promo")),
        "a STATUS naming what the kiosk does: {:?}",
        rig.messages
    );
    // WATCHDOG_USEC=2 s: a pet every second from the UI thread.
    let since = Instant::now();
    rig.wait_for(Duration::from_secs(4), |_| false);
    let pets = rig.pets_since(since);
    assert!((2..=6).contains(&pets), "{pets} pets in 4 s");

    // On screen, the right way up for a portrait panel: cage's 1280×720
    // headless output turned by 90°, the town-red band along the top edge.
    let shot = rig.screenshot();
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("unit-cage.png");
    shot.save(&keep).unwrap();
    assert_eq!(
        shot.dimensions(),
        (720, 1280),
        "rotated by cage -r ({})",
        keep.display()
    );
    // The loop's "Dotkněte se obrazovky" bar with its warm touch sign sits at
    // the bottom left of an upright screen (at the top right if turned wrong).
    let warm = [0xff, 0xd2, 0x7a];
    let warm_in = |x0: u32, y0: u32| {
        (x0..x0 + 160)
            .flat_map(|x| (y0..y0 + 160).map(move |y| (x, y)))
            .filter(|&(x, y)| close(*shot.get_pixel(x, y), warm))
            .count()
    };
    assert!(
        warm_in(0, 1280 - 160) > 300,
        "touch sign at the bottom left"
    );
    assert!(warm_in(720 - 160, 0) < 50, "nothing of it at the top right");
    let dark_blue = shot
        .pixels()
        .filter(|p| u16::from(p.0[2]) > u16::from(p.0[0]) + 40)
        .count();
    assert!(
        dark_blue > shot.len() / 4 / 2,
        "the loop's blue fills the screen"
    );

    let metrics = rig.scrape();
    assert_eq!(value(&metrics, "portal_kiosk_up"), Some(1.0), "{metrics}");
    assert_eq!(
        value(&metrics, "portal_kiosk_screen{category=\"promo\"}"),
        Some(1.0)
    );

    // systemd's stop: SIGTERM to the unit's processes; all gone within 5 s.
    let stop = Instant::now();
    rig.signal_all(libc::SIGTERM);
    let mut exited = None;
    while stop.elapsed() < Duration::from_secs(10) {
        if let Some(status) = rig.child.try_wait().unwrap() {
            exited = Some((stop.elapsed(), status));
            break;
        }
        rig.wait_for(Duration::from_millis(50), |_| false);
    }
    let (took, _) = exited.expect("the session did not end within 10 s of SIGTERM");
    assert!(took < Duration::from_secs(5), "stopped after {took:?}");
    rig.wait_for(Duration::from_millis(300), |m| {
        m.iter().any(|(_, l)| l == "STOPPING=1")
    });
    assert!(
        rig.messages.iter().any(|(_, m)| m == "STOPPING=1"),
        "STOPPING=1: {:?}",
        rig.messages
    );
    let log = rig.log();
    assert!(log.contains("kiosk stopped"), "a clean stop:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn a_frozen_ui_thread_stops_the_pets_and_shows_as_a_stall() {
    let mut rig = Rig::start(0, &[("PORTAL_KIOSK_TEST_FREEZE_UI_AFTER_MS", "4000")]);
    rig.wait_ready();
    let since = Instant::now();
    rig.wait_for(Duration::from_secs(2), |_| false);
    assert!(rig.pets_since(since) >= 1, "pets before the freeze");
    // Past the freeze: no pets, yet the process lives (systemd would now kill
    // it for missing WATCHDOG_USEC and restart it).
    let end = Instant::now() + Duration::from_secs(60);
    while !rig.log().contains("freezing the UI thread") {
        assert!(Instant::now() < end, "the UI never froze:\n{}", rig.log());
        rig.wait_for(Duration::from_millis(200), |_| false);
    }
    // A pet already on its way may still arrive.
    rig.wait_for(Duration::from_millis(300), |_| false);
    let frozen = Instant::now();
    rig.wait_for(Duration::from_secs(4), |_| false);
    assert_eq!(rig.pets_since(frozen), 0, "no pet from a frozen UI");
    assert!(rig.child.try_wait().unwrap().is_none(), "still running");
    let stall = value(&rig.scrape(), "portal_kiosk_ui_stall_max_seconds").unwrap();
    assert!(stall >= 3.0, "the stall shows in the metrics: {stall}");
}
