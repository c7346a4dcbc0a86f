//! Measured from the pictures (issue 16): every screen rendered as the kiosk
//! draws it — in four combinations of language, theme, text size and
//! orientation — and, for every text and button the accessibility tree has on
//! it, the contrast of what is drawn against its background taken from the
//! rendered pixels (not from the theme's constants), and the size of every
//! button as laid out.
//!
//! The contrast of a box: its background is the colour most of its pixels
//! have; its ink is the colour, among those drawn at least a few times, that
//! stands out most from it (glyph stems are solid at these sizes; lone
//! anti-aliased pixels are not counted). Disabled controls are exempt, as in
//! WCAG; the promotion loop's slides are pictures, and screens under a modal
//! scrim are checked for the modal only by its own screenshot.

use portal_kiosk::devportal::DemoTown;
use portal_kiosk::i18n::Language;
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, Shot, ThemeChoice};
use std::path::Path;

/// WCAG relative luminance of an sRGB colour.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The background and the ink of a box of the picture, and their contrast.
fn measure(shot: &Shot, x: u32, y: u32, w: u32, h: u32) -> Option<([u8; 3], [u8; 3], f64)> {
    let width = shot.pixels.width();
    let pixels = shot.pixels.as_slice();
    // A big box (a tile, a page) is sampled on a grid of at most ~40,000
    // points: its glyphs are big too, and their stems still get hit.
    let stride = ((f64::from(w) * f64::from(h) / 40_000.0).sqrt().ceil() as u32).max(1);
    let mut counts: std::collections::HashMap<[u8; 3], u32> = std::collections::HashMap::new();
    for row in (y..y + h).step_by(stride as usize) {
        for col in (x..x + w).step_by(stride as usize) {
            let p = pixels[(row * width + col) as usize];
            *counts.entry([p.r, p.g, p.b]).or_default() += 1;
        }
    }
    let (&background, _) = counts.iter().max_by_key(|(_, n)| **n)?;
    // Solid ink: drawn at least 3 times (stems), not a lone anti-aliased pixel.
    let (&ink, _) = counts.iter().filter(|(_, n)| **n >= 3).max_by(|a, b| {
        contrast(*a.0, background)
            .partial_cmp(&contrast(*b.0, background))
            .unwrap()
    })?;
    Some((background, ink, contrast(background, ink)))
}

/// Screens whose picture is not the kiosk's own drawing, or lies under a scrim.
fn exempt(name: &str) -> bool {
    name.starts_with("promo")
        || name.starts_with("pay-print")
        || name == "session-warning"
        || name == "service-detail-reservation"
}

fn check(options: ScreenshotOptions) -> Vec<String> {
    let shots = screenshot::render_all(&options).expect("render");
    assert!(shots.len() > 60, "only {} screens rendered", shots.len());
    let combo = format!(
        "{} {:?}{} {}x{}",
        options.language.code(),
        options.theme,
        if options.large_text { " large" } else { "" },
        options.width,
        options.height
    );
    let mut problems = Vec::new();
    let mut measured = 0;
    for shot in &shots {
        if exempt(&shot.name) {
            continue;
        }
        let (sw, sh) = (shot.pixels.width() as f32, shot.pixels.height() as f32);
        let mut seen = Vec::new();
        // A disabled button's own label is exempt with it.
        let disabled: Vec<_> = shot
            .elements
            .iter()
            .filter(|e| e.button && !e.enabled)
            .collect();
        let inside_disabled = |e: &portal_kiosk::ui::screenshot::ShotElement| {
            disabled.iter().any(|d| {
                e.x >= d.x - 1.0
                    && e.y >= d.y - 1.0
                    && e.x + e.width <= d.x + d.width + 1.0
                    && e.y + e.height <= d.y + d.height + 1.0
            })
        };
        for e in &shot.elements {
            // The tree can hold one element under two paths: measure it once.
            let key = (
                e.label.clone(),
                e.x as i32,
                e.y as i32,
                e.width as i32,
                e.height as i32,
            );
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            if e.button && e.enabled && (e.width < 95.5 || e.height < 95.5) {
                problems.push(format!(
                    "{combo} {}: button {:?} is {:.0}×{:.0} px (< 96)",
                    shot.name, e.label, e.width, e.height
                ));
            }
            // What the picture can tell: an enabled, labelled box wholly on screen.
            if !e.enabled
                || inside_disabled(e)
                || e.label.trim().is_empty()
                || e.width < 8.0
                || e.height < 8.0
                || e.x < 0.0
                || e.y < 0.0
                || e.x + e.width > sw
                || e.y + e.height > sh
            {
                continue;
            }
            let Some((background, ink, ratio)) = measure(
                shot,
                e.x.ceil() as u32,
                e.y.ceil() as u32,
                e.width.floor() as u32 - 1,
                e.height.floor() as u32 - 1,
            ) else {
                continue;
            };
            measured += 1;
            if ratio < 7.0 {
                problems.push(format!(
                    "{combo} {}: {:?} ink {ink:?} on {background:?} is {ratio:.2}:1 (< 7:1)",
                    shot.name, e.label
                ));
            }
        }
    }
    assert!(measured > 500, "{combo}: only {measured} boxes measured");
    problems
}

#[test]
fn every_text_and_button_is_drawn_at_7_to_1_and_every_button_is_96_px() {
    screenshot::init_headless().unwrap();
    let mut problems = Vec::new();
    // Each theme, each orientation and each text size once; the languages
    // with the longest words (de) and another script (uk).
    // And the second town (white-label): its own colours, measured the same way.
    let litomerice = DemoTown::bundled().unwrap();
    let horni_javori =
        DemoTown::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/horni-javori"))
            .unwrap();
    for (language, theme, large_text, (width, height), town) in [
        (
            Language::Cs,
            ThemeChoice::Standard,
            false,
            (1920, 1080),
            &litomerice,
        ),
        (
            Language::De,
            ThemeChoice::Contrast,
            true,
            (1080, 1920),
            &litomerice,
        ),
        (
            Language::Uk,
            ThemeChoice::Standard,
            true,
            (1080, 1920),
            &litomerice,
        ),
        (
            Language::Cs,
            ThemeChoice::Standard,
            false,
            (1920, 1080),
            &horni_javori,
        ),
    ] {
        problems.extend(check(ScreenshotOptions {
            language,
            theme,
            large_text,
            width,
            height,
            town: town.clone(),
        }));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_measure_tells_a_faint_text_from_a_clear_one() {
    // The measure itself must be able to fail: grey on white is found out.
    screenshot::init_headless().unwrap();
    let shots = screenshot::render_all(&ScreenshotOptions {
        language: Language::Cs,
        theme: ThemeChoice::Standard,
        large_text: false,
        width: 1920,
        height: 1080,
        town: DemoTown::bundled().unwrap(),
    })
    .unwrap();
    let mut home = shots.into_iter().find(|s| s.name == "home").unwrap();
    let e = home
        .elements
        .iter()
        .find(|e| e.label == "Dobrý den. Co potřebujete vyřídit?")
        .unwrap()
        .clone();
    let (x, y, w, h) = (e.x as u32, e.y as u32, e.width as u32, e.height as u32);
    let (_, _, clear) = measure(&home, x, y, w, h).unwrap();
    assert!(clear >= 7.0, "{clear}");
    // Repaint the ink a light grey (#9a9a9a on the page's near-white).
    let width = home.pixels.width();
    let page = home.pixels.as_slice()[(y * width + x) as usize];
    for p in home.pixels.make_mut_slice().iter_mut() {
        if contrast([p.r, p.g, p.b], [page.r, page.g, page.b]) > 3.0 {
            (p.r, p.g, p.b) = (0x9a, 0x9a, 0x9a);
        }
    }
    let (_, _, faint) = measure(&home, x, y, w, h).unwrap();
    assert!(faint < 4.5, "{faint}");
}
