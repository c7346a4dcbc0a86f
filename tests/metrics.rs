//! The Prometheus endpoint over real loopback HTTP: what it serves parses with
//! Prometheus's own checker (`promtool check metrics`), carries the facts set,
//! and the endpoint refuses what is not a scrape.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use portal_kiosk::ops::metrics::{Metrics, MetricsError, serve};

fn get(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    // The endpoint may hang up before it has read everything (a refused request).
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn a_scrape_parses_with_promtool_and_says_what_happened() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let metrics: &'static Metrics = Box::leak(Box::new(Metrics::new()));
    let addr = rt
        .block_on(serve("127.0.0.1:0".parse().unwrap(), metrics))
        .expect("bind");
    metrics.set_screen("login");
    metrics.set_printer_state("paper_out");
    metrics.set_reader_present(true);
    metrics.set_outbox(3);
    metrics.slip_printed();
    metrics.slide_played();
    metrics.slide_played();
    metrics.session_started("card");
    metrics.session_ended("card_removed");
    metrics.set_synced("promo", chrono::Utc::now() - chrono::Duration::seconds(60));
    metrics.ui_beat();

    let answer = get(addr, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("Content-Type: text/plain; version=0.0.4"));
    let text = body(&answer);
    for (series, want) in [
        ("portal_kiosk_up", 1.0),
        ("portal_kiosk_screen{category=\"login\"}", 1.0),
        ("portal_kiosk_screen{category=\"promo\"}", 0.0),
        ("portal_kiosk_printer_state{state=\"paper_out\"}", 1.0),
        ("portal_kiosk_reader_present", 1.0),
        ("portal_kiosk_outbox_events", 3.0),
        ("portal_kiosk_slips_printed_total", 1.0),
        ("portal_kiosk_plays_total", 2.0),
        ("portal_kiosk_sessions_started_total{kind=\"card\"}", 1.0),
        ("portal_kiosk_sessions_started_total{kind=\"phone\"}", 0.0),
        (
            "portal_kiosk_sessions_ended_total{reason=\"card_removed\"}",
            1.0,
        ),
        ("portal_kiosk_asleep", 0.0),
    ] {
        assert_eq!(value(text, series), Some(want), "{series} in\n{text}");
    }
    let version = format!(
        "portal_kiosk_build_info{{version=\"{}\"}}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(value(text, &version), Some(1.0));
    let age = value(text, "portal_kiosk_data_age_seconds{collection=\"promo\"}").unwrap();
    assert!((59.0..120.0).contains(&age), "{age}");
    assert!(
        value(
            text,
            "portal_kiosk_last_sync_success_timestamp_seconds{collection=\"promo\"}"
        )
        .unwrap()
            > 1.7e9
    );
    assert!(value(text, "portal_kiosk_uptime_seconds").unwrap() >= 0.0);
    assert!(value(text, "portal_kiosk_ui_stall_max_seconds").unwrap() < 1.0);

    // Prometheus's own parser and linter (installed by tools/install-deps --test).
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian: prometheus) must be installed for this test");
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = promtool.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_endpoint_answers_only_scrapes_and_only_on_loopback() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let metrics: &'static Metrics = Box::leak(Box::new(Metrics::new()));
    let addr = rt
        .block_on(serve("127.0.0.1:0".parse().unwrap(), metrics))
        .unwrap();
    assert!(get(addr, b"GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
    assert!(get(addr, b"POST /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
    let mut huge = b"GET /metrics HTTP/1.1\r\nX: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10_000));
    huge.extend(b"\r\n\r\n");
    assert!(
        !get(addr, &huge).contains("portal_kiosk_up"),
        "hung up, nothing served"
    );
    // Still serving after all that.
    assert!(get(addr, b"GET /metrics HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200"));

    let outside = rt.block_on(serve("0.0.0.0:0".parse().unwrap(), metrics));
    assert!(matches!(outside, Err(MetricsError::NotLoopback(_))));
    let taken = rt.block_on(serve(addr, metrics));
    assert!(matches!(taken, Err(MetricsError::Bind { .. })));
}
