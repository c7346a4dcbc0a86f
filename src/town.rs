//! The town a kiosk serves: its names, IČO, address, phone, support e-mail,
//! logo and colours — everything town-specific on a screen or a slip comes from
//! here (the site config's `[town]`) or from the synced content, never from the
//! code or the `.slint` files, so that another town deploys the kiosk by
//! configuration alone.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The largest logo file accepted (it is decoded once at start).
pub const LOGO_MAX_BYTES: u64 = 1024 * 1024;
/// The largest side of a logo in pixels (it is shown at most 160 px high).
pub const LOGO_MAX_SIDE: u32 = 2048;
/// The contrast every brand colour pair must reach (UX.md: 7:1, AAA).
pub const MIN_CONTRAST: f64 = 7.0;

/// `[town]`: required in every site config; every field but `logo` must be set.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TownSection {
    /// The town's name as on its signs, e.g. "Litoměřice".
    pub name: String,
    /// The legal name of the municipality: the slips' header, the About screen,
    /// e.g. "Město Litoměřice".
    pub municipality: String,
    /// The portal's name in the bar and on the loop, e.g. "Portál občana Litoměřice".
    pub portal_name: String,
    /// The portal's address as people type it, without `https://`, e.g. "obcan.litomerice.cz".
    pub web: String,
    /// The municipality's IČO: 8 digits with a valid check digit.
    pub ico: String,
    /// The town hall's address (the podatelna), one line.
    pub address: String,
    /// The town hall's switchboard, e.g. "+420 416 916 111".
    pub phone: String,
    /// Where a citizen or staff member reports a kiosk problem.
    pub support_email: String,
    /// The coat of arms or logo (PNG or JPEG, at most 1 MiB and 2048 px a side);
    /// a relative path is taken from the config file's directory; "" = none.
    #[serde(default)]
    pub logo: PathBuf,
    pub colors: TownColors,
}

/// `[town.colors]`: the town's colours, `#rrggbb`. The standard theme draws the
/// bars, buttons and slides in them; the high-contrast theme does not use them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TownColors {
    /// Bars, buttons, links, slides: white text on it and it as text on the
    /// light background must both reach 7:1.
    pub primary: String,
    /// Pressed buttons and the slides' gradient: white text on it ≥ 7:1.
    pub primary_dark: String,
    /// The thin stripe under the bars and on the slides (decoration only).
    pub stripe: String,
    /// The slides' accents and the drawn card's chip (decoration only).
    pub highlight: String,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` (case-insensitive).
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// WCAG 2 relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// WCAG 2 contrast ratio, 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }
}

/// White: the text on the bars, buttons and slides.
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
/// The standard theme's background and surfaces (ui/theme.slint).
pub const BACKGROUNDS: [Rgb; 2] = [Rgb(0xf5, 0xf7, 0xfa), Rgb(0xff, 0xff, 0xff)];

/// Parsed brand colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub primary: Rgb,
    pub primary_dark: Rgb,
    pub stripe: Rgb,
    pub highlight: Rgb,
}

impl Rgb {
    /// `self` with `amount` (0–1) of `other` mixed in, per channel.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let channel =
            |a: u8, b: u8| (f64::from(a) * (1.0 - amount) + f64::from(b) * amount).round() as u8;
        Rgb(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }
}

/// The colours the theme derives from the town's (ui/theme.slint `Town`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    /// Buttons on the bar: the primary a little lighter.
    pub bar_button: Rgb,
    /// Inactive words on the bar: mostly white.
    pub on_bar_disabled: Rgb,
    /// The drawn card's face: a pale tint of the primary.
    pub tint: Rgb,
}

impl Palette {
    pub fn derived(&self) -> Derived {
        Derived {
            bar_button: self.primary.mix(WHITE, 0.07),
            on_bar_disabled: WHITE.mix(self.primary, 0.28),
            tint: WHITE.mix(self.primary, 0.1),
        }
    }
}

impl TownColors {
    /// The colours, or `None` if one is not `#rrggbb` (the config refused such a file).
    pub fn palette(&self) -> Option<Palette> {
        Some(Palette {
            primary: Rgb::parse(&self.primary)?,
            primary_dark: Rgb::parse(&self.primary_dark)?,
            stripe: Rgb::parse(&self.stripe)?,
            highlight: Rgb::parse(&self.highlight)?,
        })
    }
}

/// Whether an IČO has 8 digits and the right check digit (weights 8…2, mod 11).
pub fn ico_is_valid(ico: &str) -> bool {
    let digits: Vec<u32> = ico.chars().filter_map(|c| c.to_digit(10)).collect();
    if ico.len() != 8 || digits.len() != 8 {
        return false;
    }
    let sum: u32 = digits[..7]
        .iter()
        .zip((2..=8).rev())
        .map(|(d, w)| d * w)
        .sum();
    let check = (11 - sum % 11) % 10;
    digits[7] == check
}

impl TownSection {
    /// Checks what the types cannot: (key path, message) pairs. Reads no file.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        let mut bad = |key: &str, msg: String| p.push((format!("town.{key}"), msg));
        let required = [
            ("name", &self.name, "\"Litoměřice\""),
            ("municipality", &self.municipality, "\"Město Litoměřice\""),
            (
                "portal_name",
                &self.portal_name,
                "\"Portál občana Litoměřice\"",
            ),
            (
                "address",
                &self.address,
                "\"Mírové náměstí 15/7, 412 01 Litoměřice\"",
            ),
            ("phone", &self.phone, "\"+420 416 916 111\""),
        ];
        for (key, value, example) in required {
            if value.trim().is_empty() {
                bad(key, format!("is empty; expected e.g. {example}"));
            } else if value.chars().count() > 80 || value.chars().any(char::is_control) {
                bad(key, "must be one line of at most 80 characters".into());
            }
        }
        let web = &self.web;
        if web.contains("://")
            || web.is_empty()
            || web.len() > 60
            || !web.contains('.')
            || !web
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/'))
        {
            bad(
                "web",
                format!(
                    "`{web}` is not a web address as people type it; expected e.g. \
                     \"obcan.litomerice.cz\" (no https://)"
                ),
            );
        }
        if !ico_is_valid(&self.ico) {
            bad(
                "ico",
                format!(
                    "`{}` is not an IČO: expected 8 digits with a valid check digit",
                    self.ico
                ),
            );
        }
        let email = &self.support_email;
        let valid_email = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty()
                && host.contains('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        });
        if !valid_email {
            bad(
                "support_email",
                format!("`{email}` is not an e-mail address"),
            );
        }
        let c = &self.colors;
        let colours = [
            ("primary", &c.primary),
            ("primary_dark", &c.primary_dark),
            ("stripe", &c.stripe),
            ("highlight", &c.highlight),
        ];
        for (key, value) in colours {
            if Rgb::parse(value).is_none() {
                bad(
                    &format!("colors.{key}"),
                    format!("`{value}` is not a colour; expected #rrggbb"),
                );
            }
        }
        if let Some(palette) = c.palette() {
            let white = palette.primary.contrast(WHITE);
            if white < MIN_CONTRAST {
                bad(
                    "colors.primary",
                    format!(
                        "white text on {} has a contrast of {white:.2}:1; the kiosk needs \
                         at least 7:1 — choose a darker colour",
                        c.primary
                    ),
                );
            }
            for background in BACKGROUNDS {
                let on = palette.primary.contrast(background);
                if on < MIN_CONTRAST && white >= MIN_CONTRAST {
                    bad(
                        "colors.primary",
                        format!(
                            "{} as text on the light background has a contrast of \
                             {on:.2}:1; the kiosk needs at least 7:1",
                            c.primary
                        ),
                    );
                    break;
                }
            }
            let derived = palette.derived();
            let button = derived.bar_button.contrast(WHITE);
            let disabled = derived
                .on_bar_disabled
                .contrast(palette.primary)
                .min(derived.on_bar_disabled.contrast(derived.bar_button));
            if white >= MIN_CONTRAST && (button < MIN_CONTRAST || disabled < 4.5) {
                bad(
                    "colors.primary",
                    format!(
                        "{} is too light for the bar's buttons (white on them {button:.2}:1, \
                         inactive words {disabled:.2}:1; needed 7:1 and 4.5:1) — choose a \
                         darker colour",
                        c.primary
                    ),
                );
            }
            let dark = palette.primary_dark.contrast(WHITE);
            if dark < MIN_CONTRAST {
                bad(
                    "colors.primary_dark",
                    format!(
                        "white text on {} has a contrast of {dark:.2}:1; the kiosk needs \
                         at least 7:1",
                        c.primary_dark
                    ),
                );
            }
        }
        p
    }

    /// The logo's path with a relative one taken from `config_dir`.
    pub fn resolve_logo(&mut self, config_dir: &Path) {
        if !self.logo.as_os_str().is_empty() && self.logo.is_relative() {
            self.logo = config_dir.join(&self.logo);
        }
    }

    /// The town's words the kiosk core reads aloud.
    pub fn words(&self) -> crate::kiosk::TownWords {
        crate::kiosk::TownWords {
            portal_name: self.portal_name.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            web: self.web.clone(),
            municipality: self.municipality.clone(),
            support_email: self.support_email.clone(),
        }
    }

    /// The slips' header lines: municipality, address, IČO.
    pub fn slip_header(&self) -> crate::receipt::SlipTown {
        crate::receipt::SlipTown {
            municipality: self.municipality.clone(),
            address: self.address.clone(),
            ico: self.ico.clone(),
            web: self.web.clone(),
        }
    }
}

/// Why a logo cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path} is {size} bytes; a logo may have at most {LOGO_MAX_BYTES} bytes")]
    TooBig { path: String, size: u64 },
    #[error("{path} is not a PNG or JPEG picture ({message})")]
    NotAnImage { path: String, message: String },
    #[error("{path} is {width}×{height} px; a logo may be at most {LOGO_MAX_SIDE} px a side")]
    TooLarge {
        path: String,
        width: u32,
        height: u32,
    },
}

/// A decoded logo, ready for the screen.
#[derive(Debug, Clone)]
pub struct Logo {
    pub width: u32,
    pub height: u32,
    /// RGBA, row by row.
    pub rgba: Vec<u8>,
}

/// Reads a logo file and checks it from its header: not huge, a PNG or JPEG,
/// at most [`LOGO_MAX_SIDE`] a side — without decoding a pixel (the config
/// check; the UI decodes it once, [`load_logo`]). Reads at most the limit.
pub fn check_logo(path: &Path) -> Result<(Vec<u8>, image::ImageFormat), LogoError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let read_error = |e: std::io::Error| LogoError::Read {
        path: shown.clone(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(LOGO_MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > LOGO_MAX_BYTES {
        let size = std::fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(bytes.len() as u64);
        return Err(LogoError::TooBig { path: shown, size });
    }
    let not_an_image = |message: String| LogoError::NotAnImage {
        path: shown.clone(),
        message,
    };
    let format = image::guess_format(&bytes).map_err(|e| not_an_image(e.to_string()))?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(not_an_image(format!("{format:?}")));
    }
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format)
        .into_dimensions()
        .map_err(|e| not_an_image(e.to_string()))?;
    if width > LOGO_MAX_SIDE || height > LOGO_MAX_SIDE || width == 0 || height == 0 {
        return Err(LogoError::TooLarge {
            path: shown,
            width,
            height,
        });
    }
    Ok((bytes, format))
}

/// Reads, checks ([`check_logo`]) and decodes a logo file.
pub fn load_logo(path: &Path) -> Result<Logo, LogoError> {
    let (bytes, format) = check_logo(path)?;
    let picture = image::load_from_memory_with_format(&bytes, format)
        .map_err(|e| LogoError::NotAnImage {
            path: path.display().to_string(),
            message: e.to_string(),
        })?
        .into_rgba8();
    Ok(Logo {
        width: picture.width(),
        height: picture.height(),
        rgba: picture.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn litomerice() -> TownSection {
        crate::config::KioskConfig::embedded_default()
            .expect("default config")
            .town
    }

    #[test]
    fn ico_check_digit() {
        assert!(ico_is_valid("00263958"));
        assert!(!ico_is_valid("00263959"));
        assert!(!ico_is_valid("0026395"));
        assert!(!ico_is_valid("0026395a"));
        assert!(!ico_is_valid(" 0263958"));
        // Remainder 0 → check digit 1.
        assert!(ico_is_valid("25596641"));
    }

    #[test]
    fn the_default_town_is_valid_and_its_colours_reach_7_to_1() {
        let town = litomerice();
        assert_eq!(town.validate(), Vec::<(String, String)>::new());
        let p = town.colors.palette().unwrap();
        assert!(p.primary.contrast(WHITE) >= 7.0);
        assert!(p.primary_dark.contrast(WHITE) >= 7.0);
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut town = litomerice();
        town.name = " ".into();
        town.web = "https://obcan.example.cz".into();
        town.ico = "12345678".into();
        town.support_email = "podpora".into();
        town.colors.stripe = "red".into();
        let keys: Vec<String> = town.validate().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "town.name",
                "town.web",
                "town.ico",
                "town.support_email",
                "town.colors.stripe"
            ]
        );
    }

    #[test]
    fn a_primary_too_light_for_white_text_is_refused_with_its_ratio() {
        let mut town = litomerice();
        town.colors.primary = "#3b6fb6".into();
        let problems = town.validate();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].1.contains(":1"), "{}", problems[0].1);
    }

    #[test]
    fn logos_that_are_no_pictures_or_too_big_are_refused() {
        let dir = tempfile_dir();
        let text = dir.join("logo.png");
        std::fs::write(&text, b"not a picture at all").unwrap();
        assert!(matches!(
            load_logo(&text),
            Err(LogoError::NotAnImage { .. })
        ));
        let huge = dir.join("huge.png");
        std::fs::write(&huge, vec![0u8; LOGO_MAX_BYTES as usize + 10]).unwrap();
        assert!(matches!(load_logo(&huge), Err(LogoError::TooBig { .. })));
        let wide = dir.join("wide.png");
        image::RgbaImage::new(LOGO_MAX_SIDE + 1, 2)
            .save(&wide)
            .unwrap();
        assert!(matches!(load_logo(&wide), Err(LogoError::TooLarge { .. })));
        let ok = dir.join("ok.png");
        image::RgbaImage::from_pixel(3, 2, image::Rgba([10, 20, 30, 255]))
            .save(&ok)
            .unwrap();
        let logo = load_logo(&ok).unwrap();
        assert_eq!((logo.width, logo.height, logo.rgba.len()), (3, 2, 24));
        assert!(matches!(
            load_logo(&dir.join("missing.png")),
            Err(LogoError::Read { .. })
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "portal-kiosk-logo-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
