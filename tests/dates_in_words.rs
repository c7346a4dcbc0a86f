//! Dates near today in words (issue 16): the nástěnka's nearest due date (and
//! its notices' dates, drawn in the tiles) and the submissions' dates say "zítra", "včera", "za 3 dny"… before
//! the date, in the language shown, as the konto's due dates do; a date further
//! away is the date alone. Rendered from the demo citizen's data with her
//! dates moved next to today.

use portal_kiosk::devportal::DemoTown;
use portal_kiosk::i18n::Language;
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, Shot, ThemeChoice};

fn day(offset: i64) -> chrono::NaiveDate {
    chrono::Local::now().date_naive() + chrono::Duration::days(offset)
}

fn render(language: Language) -> Vec<Shot> {
    let mut town = DemoTown::bundled().unwrap();
    let mut citizens: serde_json::Value = serde_json::from_str(&town.seed.citizens).unwrap();
    let jana = &mut citizens["citizens"][0];
    for o in jana["obligations"].as_array_mut().unwrap() {
        if o["paid"] == false {
            o["dueDate"] = day(1).to_string().into();
        }
    }
    let submissions = jana["submissions"].as_array_mut().unwrap();
    submissions[0]["submittedAt"] = format!("{}T09:00:00Z", day(-3)).into();
    submissions[0]["lastActivityAt"] = format!("{}T09:00:00Z", day(-1)).into();
    submissions[1]["submittedAt"] = "2025-05-12T09:00:00Z".into();
    for n in jana["notices"].as_array_mut().unwrap() {
        n["date"] = day(0).to_string().into();
    }
    town.seed.citizens = citizens.to_string().into();
    screenshot::render_all(&ScreenshotOptions {
        language,
        theme: ThemeChoice::Standard,
        large_text: false,
        width: 1920,
        height: 1080,
        town,
    })
    .unwrap()
}

fn texts<'a>(shots: &'a [Shot], name: &str) -> Vec<&'a str> {
    shots
        .iter()
        .find(|s| s.name == name)
        .unwrap()
        .elements
        .iter()
        .map(|e| e.label.as_str())
        .collect()
}

fn date(offset: i64) -> String {
    day(offset).format("%-d. %-m. %Y").to_string()
}

#[test]
fn near_dates_are_said_in_words_in_czech_and_english() {
    screenshot::init_headless().unwrap();
    let cs = render(Language::Cs);
    let dashboard = texts(&cs, "dashboard");
    let due = format!("Nejbližší splatnost zítra, {}", date(1));
    assert!(
        dashboard.iter().any(|t| t.contains(&due)),
        "{due}: {dashboard:?}"
    );
    let submissions = texts(&cs, "submissions");
    for expected in [
        format!("podáno před 3 dny, {}", date(-3)),
        format!("poslední změna včera, {}", date(-1)),
        // Far away: the date alone.
        "podáno 12. 5. 2025".to_string(),
    ] {
        assert!(
            submissions.contains(&expected.as_str()),
            "{expected}: {submissions:?}"
        );
    }

    let en = render(Language::En);
    let dashboard = texts(&en, "dashboard");
    let due = format!("tomorrow, {}", date(1));
    assert!(
        dashboard.iter().any(|t| t.contains(&due)),
        "{due}: {dashboard:?}"
    );
    let submissions = texts(&en, "submissions");
    let ago = format!("3 days ago, {}", date(-3));
    assert!(
        submissions.iter().any(|t| t.contains(&ago)),
        "{ago}: {submissions:?}"
    );
}
