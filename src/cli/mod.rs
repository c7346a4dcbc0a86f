//! The commands of `portal-kiosk`, one file per group. `main.rs` parses the
//! command line and calls them; building a kiosk is `portal_kiosk::app`'s.
//!
//! Every command returns `Err(reason)`: one English line that `main` prints
//! before exiting 1. None may panic on bad input or print personal data
//! unless asked to (`card-info --show-personal`).

pub mod card;
pub mod config;
#[cfg(feature = "devtools")]
pub mod demo;
#[cfg(feature = "devtools")]
pub mod devportal;
pub mod noticeboard;
pub mod payment;
pub mod playlist;
pub mod receipt;
pub mod run;
#[cfg(feature = "devtools")]
pub mod screenshot;
pub mod session;
pub mod speech;
pub mod staff;
pub mod sync;

/// `--size WIDTHxHEIGHT` of `demo` and `screenshot`.
#[cfg(feature = "devtools")]
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or("expected WIDTHxHEIGHT, e.g. 1920x1080")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{s}` is not a whole number"))
    };
    let (w, h) = (parse(w)?, parse(h)?);
    if !(320..=7680).contains(&w) || !(320..=7680).contains(&h) {
        return Err("width and height must be 320 to 7680".into());
    }
    Ok((w, h))
}
