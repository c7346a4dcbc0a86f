//! `screenshot` (feature `devtools`): every screen rendered to PNG headlessly by
//! Slint's testing backend with demo content, for the README and reviews. It
//! needs no display and never touches a backend, a reader or a printer.

use std::path::PathBuf;

use clap::ValueEnum;
use portal_kiosk::i18n::Language;
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, ThemeChoice};

/// `--theme`.
#[derive(Clone, Copy, ValueEnum)]
pub enum ThemeArg {
    Standard,
    Contrast,
}

/// Writes `out/<screen>.png` for every screen and prints the paths.
pub fn take_screenshots(
    out: PathBuf,
    lang: &str,
    theme: ThemeArg,
    large_text: bool,
    size: (u32, u32),
    town: Option<&std::path::Path>,
) -> Result<(), String> {
    let town = match town {
        Some(dir) => portal_kiosk::devportal::DemoTown::from_dir(dir)?,
        None => portal_kiosk::devportal::DemoTown::bundled()?,
    };
    let language = Language::from_code(lang)
        .ok_or_else(|| format!("unknown language `{lang}`; expected cs, en, de or uk"))?;
    screenshot::init_headless().map_err(|e| e.to_string())?;
    let options = ScreenshotOptions {
        language,
        theme: match theme {
            ThemeArg::Standard => ThemeChoice::Standard,
            ThemeArg::Contrast => ThemeChoice::Contrast,
        },
        large_text,
        width: size.0,
        height: size.1,
        town,
    };
    let shots = screenshot::render_all(&options).map_err(|e| e.to_string())?;
    let written = screenshot::write_pngs(&shots, &out).map_err(|e| e.to_string())?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}
