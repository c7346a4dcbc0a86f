//! `say --lang L --out FILE.wav TEXT`: what "Číst nahlas" would say, written to
//! a WAV file by the very engine and voices the kiosk uses — for tests, and for
//! operators checking the voice and the rate before a kiosk goes up.

use std::path::{Path, PathBuf};

use portal_kiosk::config::KioskConfig;
use portal_kiosk::i18n::Language;
use portal_kiosk::speech::{Engine, VOLUME_MAX};

pub fn say(
    lang: &str,
    out: &Path,
    volume: u8,
    config: Option<PathBuf>,
    text: &[String],
) -> Result<(), String> {
    let lang = Language::from_code(lang)
        .ok_or_else(|| format!("`{lang}` is not a kiosk language; expected cs, en, de or uk"))?;
    if !(1..=VOLUME_MAX).contains(&volume) {
        return Err(format!("volume {volume} is out of range; expected 1 to 10"));
    }
    let text = text.join(" ");
    if text.trim().is_empty() {
        return Err("nothing to say: give the text as arguments".into());
    }
    let engine = match config {
        Some(path) => KioskConfig::load(&path)
            .map_err(|e| e.to_string())?
            .speech
            .engine(),
        None => Engine::default(),
    };
    let length = engine
        .say_to_file(&[(lang, text)], volume, out)
        .map_err(|e| e.to_string())?;
    println!(
        "{}: {:.2} s in the {} voice",
        out.display(),
        length.as_secs_f64(),
        portal_kiosk::speech::voice(lang)
    );
    Ok(())
}
