//! The kiosk's Prometheus metrics: what the town's monitoring sees of every
//! kiosk (health, data age, printer, reader, sessions, plays, UI stalls), served
//! in the Prometheus text format on a loopback port.
//!
//! Every value is a count, a state or a time — never a name, a variable symbol,
//! an amount, a screen's content or anything else a citizen did or typed. Labels
//! take only fixed values from this module (a screen *category*, a collection
//! name, a printer state, a session kind or end reason).
//!
//! The facts are set from wherever they happen (the UI thread, the sync task,
//! the printer's reports) through one process-wide [`Metrics`]; the endpoint
//! reads them. Nothing here blocks for long or panics on what a client sends.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use prometheus::{
    Encoder, Gauge, GaugeVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The kinds of screen the `screen` metric names (see `Screen::category`).
pub const SCREEN_CATEGORIES: [&str; 6] =
    ["promo", "public", "login", "citizen", "counter", "asleep"];
/// The printer states the `printer_state` metric names.
pub const PRINTER_STATES: [&str; 7] = [
    "ok",
    "paper_near_end",
    "paper_out",
    "cover_open",
    "offline",
    "unknown",
    "none",
];
/// How a session was opened.
pub const SESSION_KINDS: [&str; 3] = ["card", "phone", "staff"];
/// Why a session ended.
pub const END_REASONS: [&str; 5] = ["logout", "card_removed", "idle", "expired", "error"];
/// How long a UI stall stays in `ui_stall_max_seconds`.
pub const STALL_WINDOW: Duration = Duration::from_secs(300);
/// How often the UI thread reports that it is alive.
pub const UI_BEAT: Duration = Duration::from_secs(1);

/// The process's metrics; see the module documentation.
pub struct Metrics {
    registry: Registry,
    started: Instant,
    uptime: Gauge,
    screen: IntGaugeVec,
    last_sync: GaugeVec,
    data_age: GaugeVec,
    /// When each collection last synced (unix seconds), for `data_age`.
    synced: Mutex<Vec<(String, f64)>>,
    outbox: IntGauge,
    printer_state: IntGaugeVec,
    reader_present: IntGauge,
    slips: IntCounter,
    sessions_started: IntCounterVec,
    sessions_ended: IntCounterVec,
    plays: IntCounter,
    ui_stall: Gauge,
    stalls: Mutex<Stalls>,
    asleep: IntGauge,
    playlist_verified: IntGaugeVec,
    playlists_refused: IntGauge,
}

/// The UI thread's beats: the last one and the worst gaps of the window.
struct Stalls {
    last_beat: Option<Instant>,
    /// (when, how long the UI did not answer beyond one beat), newest last.
    gaps: VecDeque<(Instant, Duration)>,
}

/// Why the metrics endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("the metrics endpoint must listen on a loopback address, not {0}")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr} for metrics: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Registers one of this module's metrics. Every name, help text and label
/// is a constant of this module and each is registered once, so neither
/// making nor registering can fail at run time; the tests build a `Metrics`,
/// so a mistake here fails them, never a kiosk.
fn add<M: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    made: prometheus::Result<M>,
) -> M {
    let metric = made.expect("a constant, valid metric name");
    registry
        .register(Box::new(metric.clone()))
        .expect("each metric registered once");
    metric
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    add(registry, IntGauge::with_opts(Opts::new(name, help)))
}

fn float_gauge(registry: &Registry, name: &str, help: &str) -> Gauge {
    add(registry, Gauge::with_opts(Opts::new(name, help)))
}

fn gauge_vec(registry: &Registry, name: &str, help: &str, label: &str) -> IntGaugeVec {
    add(registry, IntGaugeVec::new(Opts::new(name, help), &[label]))
}

fn float_gauge_vec(registry: &Registry, name: &str, help: &str, label: &str) -> GaugeVec {
    add(registry, GaugeVec::new(Opts::new(name, help), &[label]))
}

fn counter_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    label: &str,
    values: &[&str],
) -> IntCounterVec {
    let c = add(
        registry,
        IntCounterVec::new(Opts::new(name, help), &[label]),
    );
    for v in values {
        // Every value is there from the start, at 0: rate() needs the zero.
        c.with_label_values(&[v]);
    }
    c
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    add(registry, IntCounter::with_opts(Opts::new(name, help)))
}

/// The label of a collection: `notice-board` → `notice_board`.
fn collection_label(collection: &str) -> String {
    collection.replace('-', "_")
}

impl Metrics {
    /// A fresh set, every state at its "nothing known" value. The names and
    /// help texts are constants of this module, so registering cannot fail.
    pub fn new() -> Metrics {
        let r = Registry::new();
        let up = gauge(&r, "portal_kiosk_up", "1 while the kiosk runs.");
        up.set(1);
        let build = gauge_vec(
            &r,
            "portal_kiosk_build_info",
            "1; the version of the running kiosk.",
            "version",
        );
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        let metrics = Metrics {
            uptime: float_gauge(
                &r,
                "portal_kiosk_uptime_seconds",
                "Seconds since the kiosk started.",
            ),
            screen: gauge_vec(
                &r,
                "portal_kiosk_screen",
                "1 for the kind of screen shown now (never more than its category).",
                "category",
            ),
            last_sync: float_gauge_vec(
                &r,
                "portal_kiosk_last_sync_success_timestamp_seconds",
                "When each public collection was last synced successfully (unix time).",
                "collection",
            ),
            data_age: float_gauge_vec(
                &r,
                "portal_kiosk_data_age_seconds",
                "How old each public collection's data is.",
                "collection",
            ),
            synced: Mutex::new(Vec::new()),
            outbox: gauge(
                &r,
                "portal_kiosk_outbox_events",
                "Events (proof of play, printed slips) waiting to be sent.",
            ),
            printer_state: gauge_vec(
                &r,
                "portal_kiosk_printer_state",
                "1 for the printer's state.",
                "state",
            ),
            reader_present: gauge(
                &r,
                "portal_kiosk_reader_present",
                "1 while the card reader is there.",
            ),
            slips: counter(&r, "portal_kiosk_slips_printed_total", "Slips printed."),
            sessions_started: counter_vec(
                &r,
                "portal_kiosk_sessions_started_total",
                "Sessions opened, by how.",
                "kind",
                &SESSION_KINDS,
            ),
            sessions_ended: counter_vec(
                &r,
                "portal_kiosk_sessions_ended_total",
                "Sessions ended, by why.",
                "reason",
                &END_REASONS,
            ),
            plays: counter(&r, "portal_kiosk_plays_total", "Promotion slides shown."),
            ui_stall: float_gauge(
                &r,
                "portal_kiosk_ui_stall_max_seconds",
                "The longest time the UI thread did not answer in the last 5 minutes.",
            ),
            stalls: Mutex::new(Stalls {
                last_beat: None,
                gaps: VecDeque::new(),
            }),
            asleep: gauge(&r, "portal_kiosk_asleep", "1 while the screen sleeps."),
            playlist_verified: gauge_vec(
                &r,
                "portal_kiosk_playlist_verified",
                "1 for the result of the last playlist check (signed playlists).",
                "state",
            ),
            playlists_refused: gauge(
                &r,
                "portal_kiosk_playlists_refused",
                "Playlists refused (unsigned, unknown key, bad signature) since the kiosk started.",
            ),
            registry: r,
            started: Instant::now(),
        };
        metrics.set_screen("promo");
        metrics.set_printer_state("none");
        metrics
    }

    /// The kind of screen shown now: one of [`SCREEN_CATEGORIES`].
    pub fn set_screen(&self, category: &str) {
        for c in SCREEN_CATEGORIES {
            self.screen
                .with_label_values(&[c])
                .set(i64::from(c == category));
        }
    }

    /// A collection synced successfully at `at`.
    pub fn set_synced(&self, collection: &str, at: chrono::DateTime<chrono::Utc>) {
        let label = collection_label(collection);
        let seconds = at.timestamp_millis() as f64 / 1000.0;
        self.last_sync.with_label_values(&[&label]).set(seconds);
        if let Ok(mut synced) = self.synced.lock() {
            match synced.iter_mut().find(|(c, _)| *c == label) {
                Some(entry) => entry.1 = seconds,
                None => synced.push((label, seconds)),
            }
        }
    }

    pub fn set_outbox(&self, events: u64) {
        self.outbox.set(i64::try_from(events).unwrap_or(i64::MAX));
    }

    /// The printer's state: one of [`PRINTER_STATES`].
    pub fn set_printer_state(&self, state: &str) {
        for s in PRINTER_STATES {
            self.printer_state
                .with_label_values(&[s])
                .set(i64::from(s == state));
        }
    }

    /// What the printer thread reported: a slip printed, and the state.
    pub fn printer_report(&self, report: &crate::printing::PrintReport) {
        use crate::printing::PrintReport as R;
        let state = match report {
            R::Printed { state, .. } => {
                self.slip_printed();
                Some(*state)
            }
            R::NotPrinted { state, .. } | R::Status { state, .. } => *state,
            R::Invalid { .. } | R::Preview { .. } => return,
        };
        self.set_printer_state(printer_label(state));
    }

    /// The signed playlists' state: one-hot samples and the refusals so far.
    pub fn set_playlist_verification(&self, samples: &[(&str, u64)], refused: u64) {
        for (state, value) in samples {
            self.playlist_verified
                .with_label_values(&[state])
                .set(i64::try_from(*value).unwrap_or(0));
        }
        self.playlists_refused
            .set(i64::try_from(refused).unwrap_or(i64::MAX));
    }

    pub fn set_reader_present(&self, present: bool) {
        self.reader_present.set(i64::from(present));
    }

    pub fn slip_printed(&self) {
        self.slips.inc();
    }

    /// A session opened: `kind` is one of [`SESSION_KINDS`].
    pub fn session_started(&self, kind: &str) {
        if SESSION_KINDS.contains(&kind) {
            self.sessions_started.with_label_values(&[kind]).inc();
        }
    }

    /// A session ended: `reason` is one of [`END_REASONS`].
    pub fn session_ended(&self, reason: &str) {
        if END_REASONS.contains(&reason) {
            self.sessions_ended.with_label_values(&[reason]).inc();
        }
    }

    pub fn slide_played(&self) {
        self.plays.inc();
    }

    pub fn set_asleep(&self, asleep: bool) {
        self.asleep.set(i64::from(asleep));
        if asleep {
            self.set_screen("asleep");
        }
    }

    /// The UI thread is alive (called every [`UI_BEAT`] from a UI timer).
    pub fn ui_beat(&self) {
        self.ui_beat_at(Instant::now());
    }

    fn ui_beat_at(&self, now: Instant) {
        let Ok(mut stalls) = self.stalls.lock() else {
            return;
        };
        if let Some(last) = stalls.last_beat.replace(now) {
            let gap = now.saturating_duration_since(last).saturating_sub(UI_BEAT);
            if !gap.is_zero() {
                stalls.gaps.push_back((now, gap));
            }
        }
        while stalls
            .gaps
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) > STALL_WINDOW)
        {
            stalls.gaps.pop_front();
        }
        // A UI that beats late all the time must not grow this without bound.
        while stalls.gaps.len() > 1024 {
            stalls.gaps.pop_front();
        }
    }

    /// The worst stall of the window, the one still going on included.
    fn worst_stall(&self, now: Instant) -> Duration {
        let Ok(stalls) = self.stalls.lock() else {
            return Duration::ZERO;
        };
        let current = stalls
            .last_beat
            .map(|last| now.saturating_duration_since(last).saturating_sub(UI_BEAT))
            .unwrap_or_default();
        stalls
            .gaps
            .iter()
            .filter(|(at, _)| now.saturating_duration_since(*at) <= STALL_WINDOW)
            .map(|(_, gap)| *gap)
            .fold(current, Duration::max)
    }

    /// Everything in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let now = Instant::now();
        self.uptime
            .set(now.saturating_duration_since(self.started).as_secs_f64());
        self.ui_stall.set(self.worst_stall(now).as_secs_f64());
        let wall = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
        if let Ok(synced) = self.synced.lock() {
            for (label, at) in synced.iter() {
                self.data_age
                    .with_label_values(&[label])
                    .set((wall - at).max(0.0));
            }
        }
        let mut out = Vec::new();
        // Encoding our own, well-formed families into a Vec cannot fail.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// The `printer_state` label of what the printer answered (None: no answer).
pub fn printer_label(state: Option<crate::kiosk::PrinterState>) -> &'static str {
    use crate::kiosk::PrinterState as S;
    match state {
        Some(S::Ready) => "ok",
        Some(S::PaperNearEnd) => "paper_near_end",
        Some(S::PaperEnd) => "paper_out",
        Some(S::CoverOpen) => "cover_open",
        Some(S::Offline) | Some(S::NoAnswer) | None => "offline",
        Some(S::Unknown) => "unknown",
    }
}

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

/// The longest request head the endpoint reads.
const MAX_REQUEST: usize = 4096;
/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds the endpoint on `addr` (loopback only) and serves `GET /metrics` on
/// the current tokio runtime until the runtime ends.
pub async fn serve(
    addr: SocketAddr,
    metrics: &'static Metrics,
) -> Result<SocketAddr, MetricsError> {
    if !addr.ip().is_loopback() {
        return Err(MetricsError::NotLoopback(addr));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MetricsError::Bind { addr, source })?;
    let bound = listener.local_addr().unwrap_or(addr);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                // Out of file descriptors and the like: try again shortly.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            tokio::spawn(async move {
                let _ = tokio::time::timeout(REQUEST_TIMEOUT, answer(stream, metrics)).await;
            });
        }
    });
    Ok(bound)
}

async fn answer(mut stream: tokio::net::TcpStream, metrics: &Metrics) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 512];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_REQUEST {
            // Not a scrape: hang up.
            return Ok(());
        }
    }
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    match (method, path) {
        ("GET", "/metrics") => respond(&mut stream, "200 OK", &metrics.render()).await,
        ("GET", _) => respond(&mut stream, "404 Not Found", "try /metrics\n").await,
        _ => respond(&mut stream, "405 Method Not Allowed", "").await,
    }
}

async fn respond(
    stream: &mut tokio::net::TcpStream,
    status: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn states_are_one_hot_and_counters_start_at_zero() {
        let m = Metrics::new();
        m.set_screen("citizen");
        m.set_printer_state("paper_out");
        let text = m.render();
        assert_eq!(
            value(&text, "portal_kiosk_screen{category=\"citizen\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "portal_kiosk_screen{category=\"promo\"}"),
            Some(0.0)
        );
        assert_eq!(
            value(&text, "portal_kiosk_printer_state{state=\"paper_out\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "portal_kiosk_printer_state{state=\"none\"}"),
            Some(0.0)
        );
        assert_eq!(
            value(&text, "portal_kiosk_sessions_ended_total{reason=\"idle\"}"),
            Some(0.0)
        );
        m.session_ended("idle");
        m.session_ended("somebody's name");
        let text = m.render();
        assert_eq!(
            value(&text, "portal_kiosk_sessions_ended_total{reason=\"idle\"}"),
            Some(1.0)
        );
        assert!(!text.contains("somebody"), "only fixed label values");
    }

    #[test]
    fn a_stall_shows_while_it_lasts_and_for_the_window_after() {
        let m = Metrics::new();
        let t0 = Instant::now();
        m.ui_beat_at(t0);
        m.ui_beat_at(t0 + Duration::from_secs(1));
        assert_eq!(m.worst_stall(t0 + Duration::from_secs(1)), Duration::ZERO);
        // Frozen: no beat for 8 s — the gauge grows while it lasts.
        assert_eq!(
            m.worst_stall(t0 + Duration::from_secs(9)),
            Duration::from_secs(7)
        );
        m.ui_beat_at(t0 + Duration::from_secs(9));
        m.ui_beat_at(t0 + Duration::from_secs(10));
        assert_eq!(
            m.worst_stall(t0 + Duration::from_secs(10)),
            Duration::from_secs(7)
        );
        // Five minutes later it is gone.
        let end = 10 + STALL_WINDOW.as_secs();
        for s in 11..=end {
            m.ui_beat_at(t0 + Duration::from_secs(s));
        }
        assert_eq!(m.worst_stall(t0 + Duration::from_secs(end)), Duration::ZERO);
    }

    #[test]
    fn data_age_is_measured_from_the_last_success() {
        let m = Metrics::new();
        m.set_synced(
            "notice-board",
            chrono::Utc::now() - chrono::Duration::seconds(120),
        );
        let text = m.render();
        let age = value(
            &text,
            "portal_kiosk_data_age_seconds{collection=\"notice_board\"}",
        )
        .unwrap();
        assert!((119.0..130.0).contains(&age), "{age}");
    }
}
