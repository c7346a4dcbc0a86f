//! Speech output for real: espeak-ng's voices and ALSA's `aplay` (on its `null`
//! device, so no sound card is needed), and `portal-kiosk say` as an operator
//! runs it. Needs the Debian packages espeak-ng and alsa-utils
//! (`tools/install-deps` installs them); without them these tests fail.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::{Output, Script, Spoken};
use portal_kiosk::speech::{Engine, SAMPLE_RATE, Speaker, SpeechNews};

const SENTENCE: &str = "Dobrý den. Vložte prosím občanský průkaz do čtečky pod obrazovkou.";

/// The samples of a 16-bit mono WAV file at the kiosk's rate.
fn wav_samples(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[8..16], b"WAVEfmt ");
    assert_eq!(u16::from_le_bytes([bytes[22], bytes[23]]), 1, "mono");
    assert_eq!(
        u32::from_le_bytes(bytes[24..28].try_into().unwrap()),
        SAMPLE_RATE
    );
    assert_eq!(&bytes[36..40], b"data");
    let len = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
    assert_eq!(bytes.len(), 44 + len, "the header's length is the data's");
    bytes[44..]
        .as_chunks::<2>()
        .0
        .iter()
        .map(|b| i16::from_le_bytes(*b))
        .collect()
}

fn rms(samples: &[i16]) -> f64 {
    let sum: f64 = samples.iter().map(|s| f64::from(*s).powi(2)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
}

fn seconds(samples: &[i16]) -> f64 {
    samples.len() as f64 / f64::from(SAMPLE_RATE)
}

fn say(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .arg("say")
        .args(args)
        .output()
        .expect("run portal-kiosk say")
}

#[test]
fn say_writes_speech_of_a_plausible_length_in_each_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut lengths = Vec::new();
    for (lang, text) in [
        ("cs", SENTENCE),
        (
            "en",
            "Hello. Please insert your identity card into the reader below the screen.",
        ),
        (
            "de",
            "Guten Tag. Bitte stecken Sie Ihren Ausweis in das Lesegerät unter dem Bildschirm.",
        ),
        (
            "uk",
            "Добрий день. Вставте, будь ласка, посвідчення особи у зчитувач під екраном.",
        ),
    ] {
        let out = dir.path().join(format!("{lang}.wav"));
        let run = say(&["--lang", lang, "--out", out.to_str().unwrap(), text]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let samples = wav_samples(&out);
        let length = seconds(&samples);
        // Eleven words or so at 150 words a minute: a few seconds, not a click
        // and not a minute.
        assert!((2.5..12.0).contains(&length), "{lang}: {length:.2} s");
        assert!(
            rms(&samples) > 500.0,
            "{lang}: silent ({:.0})",
            rms(&samples)
        );
        let printed = String::from_utf8_lossy(&run.stdout);
        assert!(printed.contains(" s in the "), "{printed}");
        lengths.push(samples);
    }
    // Four voices, four different sounds.
    for i in 0..lengths.len() {
        for j in i + 1..lengths.len() {
            assert_ne!(lengths[i], lengths[j]);
        }
    }
}

#[test]
fn a_longer_text_takes_longer_and_the_volume_steps_are_heard() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.wav");
    let long = dir.path().join("long.wav");
    let quiet = dir.path().join("quiet.wav");
    assert!(
        say(&["--out", short.to_str().unwrap(), "Kontakty."])
            .status
            .success()
    );
    let text = format!("{SENTENCE} {SENTENCE} {SENTENCE}");
    assert!(
        say(&["--out", long.to_str().unwrap(), &text])
            .status
            .success()
    );
    assert!(
        say(&["--volume", "1", "--out", quiet.to_str().unwrap(), &text])
            .status
            .success()
    );
    let (short, long, quiet) = (wav_samples(&short), wav_samples(&long), wav_samples(&quiet));
    assert!(
        seconds(&long) > 3.0 * seconds(&short),
        "{} vs {}",
        seconds(&long),
        seconds(&short)
    );
    assert_eq!(long.len(), quiet.len(), "the volume changes no timing");
    // Step 1 is 18 dB under step 7: about an eighth of the amplitude.
    let ratio = rms(&long) / rms(&quiet);
    assert!((6.0..10.0).contains(&ratio), "{ratio:.2}");
}

#[test]
fn say_refuses_what_it_cannot_do_in_one_plain_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    let o = out.to_str().unwrap();
    for (args, expected) in [
        (
            vec!["--lang", "sk", "--out", o, "Ahoj"],
            "not a kiosk language",
        ),
        (vec!["--volume", "11", "--out", o, "Ahoj"], "out of range"),
        (vec!["--out", o, "   "], "nothing to say"),
        (
            vec!["--out", "/nonexistent/dir/x.wav", "Ahoj"],
            "cannot write the sound file",
        ),
    ] {
        let run = say(&args);
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!out.exists());
    // A synthesizer that is not there is said so.
    let engine = Engine {
        program: "/nonexistent/espeak-ng".into(),
        ..Engine::default()
    };
    let err = engine
        .say_to_file(&[(Language::Cs, "Ahoj".into())], 7, &out)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot start the speech synthesizer"),
        "{err}"
    );
}

fn script(texts: &[(Language, &str)]) -> Script {
    Script {
        parts: texts
            .iter()
            .map(|(lang, text)| Spoken {
                lang: *lang,
                text: text.to_string(),
                personal: false,
            })
            .collect(),
        output: Output::Speaker,
    }
}

fn null_engine() -> Engine {
    Engine {
        speaker_device: "null".into(),
        ..Engine::default()
    }
}

#[test]
fn the_speaker_plays_a_script_to_its_end_through_alsa() {
    let (tx, rx) = mpsc::channel();
    let speaker = Speaker::start(null_engine(), 7, move |news| {
        let _ = tx.send(news);
    });
    let asked = Instant::now();
    // A German UI part, then Czech content: two voices in one job.
    speaker.speak(script(&[
        (Language::De, "Kontakte."),
        (Language::Cs, "Odbor daní a poplatků."),
    ]));
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let SpeechNews::Started { latency } = first else {
        panic!("{first:?}");
    };
    assert!(latency < Duration::from_secs(5), "{latency:?}");
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(20)).unwrap(),
        SpeechNews::Finished
    );
    assert!(asked.elapsed() >= latency);
}

/// How many processes run the program at `path` (by pid: `/proc/self` and
/// `/proc/thread-self` are not processes of their own).
fn processes_running(path: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .filter(|cmdline| {
            // The program is the first word, or a later one under `env` and
            // the interpreter of its `#!` line.
            cmdline
                .split(|b| *b == 0)
                .take(3)
                .any(|word| word == path.as_bytes())
        })
        .count()
}

/// A player that takes the sound as a sound card would, in real time (ALSA's
/// null device swallows it at once).
const REAL_TIME_PLAYER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/paced-player");

#[test]
fn stopping_silences_at_once_and_reports_nothing_for_the_stopped_job() {
    let player = REAL_TIME_PLAYER.to_string();
    let engine = Engine {
        player: player.clone(),
        ..null_engine()
    };
    let (tx, rx) = mpsc::channel();
    let speaker = Speaker::start(engine, 7, move |news| {
        let _ = tx.send(news);
    });
    let long = format!("{SENTENCE} {SENTENCE} {SENTENCE} {SENTENCE}");
    speaker.speak(script(&[(Language::Cs, &long)]));
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        SpeechNews::Started { .. }
    ));
    let deadline = Instant::now() + Duration::from_secs(5);
    while processes_running(&player) != 1 {
        assert!(Instant::now() < deadline, "the player never ran");
        std::thread::sleep(Duration::from_millis(10));
    }
    speaker.stop();
    // Silenced at once: the player (the "sound card" end) is gone.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(processes_running(&player), 0, "the player was killed");
    // ~20 s of speech, stopped: nothing more is reported for it.
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(2)),
        Err(mpsc::RecvTimeoutError::Timeout)
    );
    // The next job plays as usual.
    speaker.speak(script(&[(Language::Cs, "Kontakty.")]));
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        SpeechNews::Started { .. }
    ));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        SpeechNews::Finished
    );
}

#[test]
fn a_missing_player_is_a_failure_reported_not_a_hang() {
    let (tx, rx) = mpsc::channel();
    let engine = Engine {
        player: "/nonexistent/aplay".into(),
        ..null_engine()
    };
    let speaker = Speaker::start(engine, 7, move |news| {
        let _ = tx.send(news);
    });
    speaker.speak(script(&[(Language::Cs, "Kontakty.")]));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        SpeechNews::Failed
    );
}
