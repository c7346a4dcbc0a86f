//! "Číst nahlas" timing over the real parts (issue 16's targets): the tap →
//! the first audio sample handed to ALSA (target ≤ 300 ms), and the CPU the
//! kiosk spends while speaking (its own threads plus espeak-ng and aplay).
//!
//! The tap is the core's `ReadAloud` on the home screen: the script is built
//! from the view model, the speech thread starts espeak-ng and aplay and
//! writes the first samples to the player (the sound card's own buffer, a few
//! tens of ms in ALSA's default, comes after). Without a sound card the
//! player is ALSA's `null` device for the latency; for the CPU, a stand-in
//! player that takes the samples in real time as a card would (ALSA's null
//! device swallows them at once). `DEVICE=default` uses the machine's card.
//! Run: `cargo bench --bench speech` (ITERATIONS=N, default 20).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use portal_kiosk::config::Mode;
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::{Command, Kiosk, KioskEvent, KioskSettings, SessionTimes};
use portal_kiosk::speech::{Engine, Speaker, SpeechNews};

/// User + system CPU time of this process and its waited-for children.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name in parentheses: utime is the 14th field.
    let rest = &stat[stat.rfind(')').expect("stat") + 2..];
    let fields: Vec<u64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // rest starts at field 3; utime, stime, cutime, cstime are fields 14–17.
    let ticks: u64 = fields[11..15].iter().sum();
    // USER_HZ is 100 on Linux/x86_64.
    Duration::from_millis(ticks * 10)
}

/// A player that takes 16-bit mono samples in real time, as a sound card does.
const REAL_TIME_PLAYER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/paced-player");

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this once
    // as a smoke test: a few taps, no half-minute of speech.
    let full = std::env::args().any(|a| a == "--bench");
    let iterations: usize = std::env::var("ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 20 } else { 3 });
    let device = std::env::var("DEVICE").unwrap_or_else(|_| "null".into());
    let engine = Engine {
        speaker_device: device.clone(),
        ..Engine::default()
    };
    let paced = if device == "null" {
        Engine {
            player: REAL_TIME_PLAYER.into(),
            ..engine.clone()
        }
    } else {
        engine.clone()
    };
    let (tx, rx) = mpsc::channel();
    let speaker = Speaker::start(engine, 7, move |news| {
        let _ = tx.send(news);
    });
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: Duration::from_secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    let (mut kiosk, _) = Kiosk::new(settings, Duration::ZERO);
    kiosk.set_speech(true, false, 7);
    kiosk.handle(KioskEvent::Touch, Duration::ZERO);

    let mut latencies = Vec::new();
    for i in 0..iterations {
        let tapped = Instant::now();
        let commands = kiosk.handle(KioskEvent::ReadAloud, Duration::from_secs(i as u64));
        let Some(Command::Speak(script)) = commands.into_iter().next() else {
            panic!("the tap started no reading");
        };
        speaker.speak(script);
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(SpeechNews::Started { .. }) => latencies.push(tapped.elapsed()),
            other => panic!("no sound: {other:?}"),
        }
        // Stop, as a second tap would, and let it settle.
        kiosk.handle(KioskEvent::ReadAloud, Duration::from_secs(i as u64));
        speaker.stop();
        std::thread::sleep(Duration::from_millis(100));
        while rx.try_recv().is_ok() {}
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = latencies[latencies.len() / 2];
    let p90 = latencies[(latencies.len() * 9 / 10).min(latencies.len() - 1)];
    let max = *latencies.last().unwrap();
    println!(
        "tap → first audio sample ({iterations} taps, device {device}): median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(median),
        ms(p90),
        ms(max)
    );

    if !full {
        return;
    }
    // CPU while speaking the whole home screen to its end, in real time.
    drop(speaker);
    let (tx, rx) = mpsc::channel();
    let speaker = Speaker::start(paced, 7, move |news| {
        let _ = tx.send(news);
    });
    let commands = kiosk.handle(KioskEvent::ReadAloud, Duration::from_secs(1000));
    let Some(Command::Speak(script)) = commands.into_iter().next() else {
        panic!("the tap started no reading");
    };
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    speaker.speak(script);
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(SpeechNews::Finished) => break,
            Ok(SpeechNews::Started { .. }) => {}
            other => panic!("speech failed: {other:?}"),
        }
    }
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    println!(
        "speaking the home screen: {:.1} s of speech, CPU {:.2} s = {:.1} % of one core (kiosk + espeak-ng + the player)",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / wall.as_secs_f64()
    );
}
