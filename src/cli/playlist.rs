//! `playlist verify` and `playlist simulate`: checks a playlist's signature
//! against public keys as a kiosk would, and prints what a playlist plays
//! when at a site (Europe/Prague time). For the town's content staff and for
//! whoever installs a kiosk's `[promo] keys`. Prints slide ids and times,
//! never a slide's texts.

use std::path::{Path, PathBuf};

use portal_kiosk::portal::types::PromoPlaylist;
use portal_kiosk::portal::validate::Validate;
use portal_kiosk::promo::{PublicKey, prague, schedule, signature};

/// The largest playlist file read (the kiosk's own limit for the promo body).
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// A playlist as the backend serves it (`GET /kiosk/v1/promo`), valid as the
/// kiosk requires.
fn read_playlist(file: &Path) -> Result<PromoPlaylist, String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    if size > MAX_FILE {
        return Err(format!(
            "{} is {size} bytes; a playlist is at most {MAX_FILE}",
            file.display()
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let playlist: PromoPlaylist = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a playlist: {e}", file.display()))?;
    playlist
        .validate()
        .map_err(|e| format!("{} is not a valid playlist: {}", file.display(), e.reason))?;
    Ok(playlist)
}

/// `--key BASE64` or `--key @FILE` (a file holding the base64 key).
fn read_key(arg: &str) -> Result<PublicKey, String> {
    let (text, from) = match arg.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read key file {path}: {e}"))?,
            format!("key file {path}"),
        ),
        None => (arg.to_string(), "--key".to_string()),
    };
    PublicKey::from_base64(&text).map_err(|e| format!("{from}: the key {e}"))
}

/// Exit 0 with "verified …" when `file` is signed by one of `keys`.
pub fn verify(file: &Path, keys: &[String]) -> Result<(), String> {
    let keys = keys
        .iter()
        .map(|k| read_key(k))
        .collect::<Result<Vec<_>, _>>()?;
    let playlist = read_playlist(file)?;
    match signature::verify(&playlist, &keys) {
        Ok(key_id) => {
            println!(
                "verified: {} slides, signed with key {key_id}",
                playlist.slides.len()
            );
            Ok(())
        }
        Err(e) => Err(format!("refused: {e}")),
    }
}

/// Where `simulate` takes the playlist from.
pub enum Source {
    File(PathBuf),
    /// The store of the kiosk with this config.
    Config(PathBuf),
}

/// Prints one line per change of what plays at `sites` between two Prague
/// wall-clock times.
pub fn simulate(
    source: Source,
    sites: &[String],
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> Result<(), String> {
    let playlist = match source {
        Source::File(file) => read_playlist(&file)?,
        Source::Config(config) => {
            let config =
                portal_kiosk::config::KioskConfig::load(&config).map_err(|e| e.to_string())?;
            let store = portal_kiosk::store::Store::open_in(&config.storage.data_dir)
                .map_err(|e| e.to_string())?;
            store
                .load::<PromoPlaylist>()
                .map_err(|e| format!("cannot read the stored playlist: {e}"))?
        }
    };
    let (from, to) = (prague::earliest(from), prague::earliest(to));
    if to <= from {
        return Err("--to must be after --from".into());
    }
    if to - from > schedule::MAX_SIMULATION {
        return Err(format!(
            "at most {} days at a time",
            schedule::MAX_SIMULATION.num_days()
        ));
    }
    let tags: Vec<&str> = sites.iter().map(String::as_str).collect();
    for change in schedule::simulate(&playlist, &tags, from, to) {
        println!("{change}");
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM` (Prague wall-clock time).
pub fn parse_local(text: &str) -> Result<chrono::NaiveDateTime, String> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .map_err(|_| format!("`{text}` is not a time like 2027-03-27T00:00"))
}
