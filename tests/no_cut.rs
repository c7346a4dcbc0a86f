//! Nothing cut (issue 16): every screen in every language, both themes, with
//! and without larger text, landscape and portrait, shows its text whole.
//! Every text of the kiosk is a `KText` (ui/widgets/text.slint), which knows
//! from Slint's own layout whether its content fits its box — a line longer
//! than its width (elided or overflowing) or wrapped lines taller than its
//! height — and says so; this test renders every screen in every combination
//! and fails on any text that says it is cut, so that a new translation or a
//! longer name cannot cut a word unnoticed.

use portal_kiosk::devportal::DemoTown;
use portal_kiosk::i18n::Language;
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, ThemeChoice};

fn cut_texts(language: Language) -> Vec<String> {
    screenshot::init_headless().unwrap();
    let town = DemoTown::bundled().unwrap();
    let mut found = Vec::new();
    for theme in [ThemeChoice::Standard, ThemeChoice::Contrast] {
        for large_text in [false, true] {
            for (width, height) in [(1920, 1080), (1080, 1920)] {
                let shots = screenshot::render_all(&ScreenshotOptions {
                    language,
                    theme,
                    large_text,
                    width,
                    height,
                    town: town.clone(),
                })
                .unwrap();
                assert!(shots.len() >= 60, "{} screens", shots.len());
                for shot in &shots {
                    for e in shot.elements.iter().filter(|e| e.cut) {
                        found.push(format!(
                            "{} {}×{}{}{}: «{}» in {:.0}×{:.0} px",
                            shot.name,
                            width,
                            height,
                            if large_text { " larger" } else { "" },
                            if theme == ThemeChoice::Contrast {
                                " contrast"
                            } else {
                                ""
                            },
                            e.label,
                            e.width,
                            e.height
                        ));
                    }
                }
            }
        }
    }
    found
}

fn check(language: Language) {
    let found = cut_texts(language);
    assert!(
        found.is_empty(),
        "{} cut texts in {}:\n{}",
        found.len(),
        language.code(),
        found.join("\n")
    );
}

#[test]
fn nothing_is_cut_in_czech() {
    check(Language::Cs);
}

#[test]
fn nothing_is_cut_in_english() {
    check(Language::En);
}

#[test]
fn nothing_is_cut_in_german() {
    check(Language::De);
}

#[test]
fn nothing_is_cut_in_ukrainian() {
    check(Language::Uk);
}

/// The check can fail: an obligation whose title is far longer than a row
/// (content the kiosk does not control) is found cut on the konto.
#[test]
fn a_title_too_long_for_its_row_is_found() {
    screenshot::init_headless().unwrap();
    let mut town = DemoTown::bundled().unwrap();
    let mut citizens: serde_json::Value = serde_json::from_str(&town.seed.citizens).unwrap();
    let long = "Poplatek za komunální odpad ".repeat(12);
    for o in citizens["citizens"][0]["obligations"]
        .as_array_mut()
        .unwrap()
    {
        o["title"] = serde_json::Value::String(long.trim().to_string());
    }
    town.seed.citizens = citizens.to_string().into();
    let shots = screenshot::render_all(&ScreenshotOptions {
        language: Language::Cs,
        theme: ThemeChoice::Standard,
        large_text: false,
        width: 1920,
        height: 1080,
        town,
    })
    .unwrap();
    let obligations = shots.iter().find(|s| s.name == "obligations").unwrap();
    assert!(
        obligations
            .elements
            .iter()
            .any(|e| e.cut && e.label.starts_with("Poplatek za komunální odpad Poplatek")),
        "the long title is not reported cut"
    );
}
