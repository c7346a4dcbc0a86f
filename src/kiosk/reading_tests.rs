//! "Číst nahlas" in the flow core: what each screen says in each language, when
//! reading starts and stops, where personal data may be said, the volume.

use super::reading::{ACTIONS, PERSONAL_LEFT_OUT, missing_translations};
use super::test_support::{log_in_jana, secs};
use super::*;
use crate::card::sim::{SimCard, SimProfile};
use crate::i18n;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn kiosk(headphones: bool) -> Kiosk {
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    let (mut k, _) = Kiosk::new(settings, secs(0));
    k.set_speech(true, headphones, 7);
    k.set_town(super::TownWords {
        portal_name: "Portál občana Litoměřice".into(),
        phone: "+420 416 916 111".into(),
        ..Default::default()
    });
    k.handle(KioskEvent::Touch, secs(0));
    k
}

fn logged_in(headphones: bool) -> Kiosk {
    let mut k = kiosk(headphones);
    log_in_jana(&mut k, secs(1));
    k
}

fn spoken(k: &Kiosk) -> String {
    k.reading(today()).text()
}

#[test]
fn every_screen_is_read_in_every_language_with_every_phrase_translated() {
    let mut k = kiosk(false);
    missing_translations();
    for screen in Screen::ALL {
        for lang in Language::ALL {
            k.screen = screen;
            k.language = lang;
            let script = k.reading(today());
            assert!(
                !script.parts.is_empty(),
                "{} says nothing in {}",
                screen.name(),
                lang.code()
            );
            assert!(
                script.parts.iter().all(|p| !p.text.trim().is_empty()),
                "{} has an empty part",
                screen.name()
            );
            // The screen's own words come first, in the language shown
            // (after the portal's name: the town's, read in Czech).
            let first = script
                .parts
                .iter()
                .find(|p| !p.text.starts_with("Portál občana Litoměřice"))
                .unwrap_or(&script.parts[0]);
            assert_eq!(first.lang, lang, "{}", screen.name());
            assert!(script.parts.iter().all(|p| !p.personal));
        }
    }
    let missing = missing_translations();
    assert!(missing.is_empty(), "untranslated phrases: {missing:#?}");
    for phrase in super::reading::SPOKEN_PHRASES {
        for lang in [Language::En, Language::De, Language::Uk] {
            assert!(
                i18n::translated(lang, phrase),
                "{phrase} in {}",
                lang.code()
            );
        }
    }
}

#[test]
fn home_reads_its_heading_tiles_and_actions_in_the_language_shown() {
    let mut k = kiosk(false);
    assert_eq!(k.screen(), Screen::Home);
    let cs = spoken(&k);
    assert!(cs.starts_with("Portál občana Litoměřice."), "{cs}");
    for tile in [
        "Přihlásit se občankou.",
        "Úřední deska.",
        "Vyhlášky a oznámení města.",
    ] {
        assert!(cs.contains(tile), "{tile} in {cs}");
    }
    assert!(cs.contains(&format!("{ACTIONS} O kiosku.")), "{cs}");

    k.handle(KioskEvent::ChooseLanguage(Language::En), secs(3));
    let en = spoken(&k);
    assert!(en.contains("Contacts."), "{en}");
    assert!(en.contains("Log in with ID card."), "{en}");
    assert!(!en.contains("Kontakty"), "{en}");
    k.handle(KioskEvent::ChooseLanguage(Language::Uk), secs(4));
    let uk = spoken(&k);
    assert!(uk.contains(&i18n::tr(Language::Uk, "Kontakty")), "{uk}");
    assert_ne!(i18n::tr(Language::Uk, "Kontakty"), "Kontakty");
}

#[test]
fn home_reads_the_urgent_notices_first_in_czech_and_forgets_them_when_gone() {
    let mut k = kiosk(false);
    let notice = "Důležité upozornění: Výpadek vody. Dnes od 8 do 14 hodin.".to_string();
    k.handle(KioskEvent::UrgentNotices(vec![notice.clone()]), secs(1));
    k.handle(KioskEvent::ChooseLanguage(Language::En), secs(2));
    let script = k.reading(today());
    let voiced = script.voiced();
    let at = voiced
        .iter()
        .position(|(_, text)| text.contains("Výpadek vody"))
        .expect("the notice is read");
    // The heading is the portal's name (the town's, in Czech): the notice
    // follows it in the same Czech part, before the screen's own words.
    assert_eq!(at, 0, "right after the heading: {voiced:?}");
    assert!(
        voiced[0]
            .1
            .starts_with("Portál občana Litoměřice. Důležité upozornění"),
        "{voiced:?}"
    );
    assert_eq!(
        voiced[at].0,
        Language::Cs,
        "town content in the Czech voice"
    );
    // Withdrawn or expired: no longer read.
    k.handle(KioskEvent::UrgentNotices(Vec::new()), secs(3));
    assert!(!spoken(&k).contains("Výpadek vody"));
}

#[test]
fn the_towns_content_is_said_by_the_czech_voice_in_any_language() {
    let mut k = kiosk(false);
    k.handle(
        KioskEvent::Contacts(vec![crate::portal::types::Department {
            id: "dane".into(),
            name: "Odbor daní a poplatků".into(),
            building: "Nová radnice".into(),
            address: "Mírové náměstí 15/7".into(),
            phone: "+420 416 916 200".into(),
            email: "dane@litomerice.cz".into(),
            office_hours: Vec::new(),
            people: Vec::new(),
        }]),
        secs(1),
    );
    k.handle(KioskEvent::ChooseLanguage(Language::De), secs(1));
    k.handle(KioskEvent::Open(Screen::Contacts), secs(2));
    let script = k.reading(today());
    assert_eq!(script.parts[0].lang, Language::De);
    assert_eq!(script.parts[0].text.split('.').next(), Some("Kontakte"));
    let name = script
        .parts
        .iter()
        .find(|p| p.text.contains("Odbor daní a poplatků"))
        .expect("the department is read");
    assert_eq!(name.lang, Language::Cs);
}

#[test]
fn read_aloud_starts_and_a_second_tap_stops() {
    let mut k = kiosk(false);
    let commands = k.handle(KioskEvent::ReadAloud, secs(1));
    let [Command::Speak(script)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(script.output, Output::Speaker);
    assert!(k.view().speech.speaking);
    assert_eq!(
        k.handle(KioskEvent::ReadAloud, secs(2)),
        vec![Command::StopSpeaking]
    );
    assert!(!k.view().speech.speaking);
    // Said to the end: the button is back to "Číst nahlas".
    k.handle(KioskEvent::ReadAloud, secs(3));
    assert!(k.handle(KioskEvent::SpeechEnded, secs(9)).is_empty());
    assert!(!k.view().speech.speaking);
}

#[test]
fn leaving_the_screen_or_its_language_stops_reading() {
    let mut k = kiosk(false);
    k.handle(KioskEvent::ReadAloud, secs(1));
    let commands = k.handle(KioskEvent::Open(Screen::Services), secs(2));
    assert_eq!(commands.last(), Some(&Command::StopSpeaking));
    assert!(!k.view().speech.speaking);

    k.handle(KioskEvent::ReadAloud, secs(3));
    let commands = k.handle(KioskEvent::ChooseLanguage(Language::En), secs(4));
    assert!(commands.contains(&Command::StopSpeaking));

    // Idle back to the loop stops it too.
    k.handle(KioskEvent::ReadAloud, secs(5));
    let commands = k.handle(KioskEvent::Tick, secs(200));
    assert_eq!(k.screen(), Screen::Promo);
    assert!(commands.contains(&Command::StopSpeaking));

    // Not reading: nothing to stop.
    let mut k = kiosk(false);
    let commands = k.handle(KioskEvent::Open(Screen::Services), secs(2));
    assert!(!commands.contains(&Command::StopSpeaking));
}

#[test]
fn personal_data_is_said_only_in_a_session_and_only_to_headphones() {
    // Without headphones: the name and amounts are left out, and it says so.
    let k = logged_in(false);
    let script = k.reading(today());
    assert_eq!(script.output, Output::Speaker);
    let text = script.text();
    assert!(!text.contains("Jana"), "{text}");
    assert!(script.parts.iter().all(|p| !p.personal));
    assert!(text.contains(PERSONAL_LEFT_OUT), "{text}");
    assert!(text.starts_with("Nástěnka."), "{text}");

    // With headphones: all of it, to the headphones only.
    let k = logged_in(true);
    let script = k.reading(today());
    assert_eq!(script.output, Output::Headphones);
    assert!(script.text().contains("Dobrý den, Jana."));
    assert!(!script.text().contains(PERSONAL_LEFT_OUT));

    // A public screen in the session goes to the speaker as ever.
    let mut k = logged_in(true);
    k.handle(KioskEvent::Open(Screen::Services), secs(3));
    assert_eq!(k.reading(today()).output, Output::Speaker);

    // Pulling the card stops the reading at once.
    let mut k = logged_in(true);
    k.handle(KioskEvent::ReadAloud, secs(3));
    let commands = k.handle(KioskEvent::Card(CardEvent::Removed), secs(4));
    assert!(commands.contains(&Command::StopSpeaking));
    assert!(!spoken(&k).contains("Jana"));
}

#[test]
fn the_command_log_never_shows_what_is_said() {
    let k = logged_in(true);
    let script = k.reading(today());
    let debug = format!("{:?}", Command::Speak(script));
    assert!(!debug.contains("Jana"), "{debug}");
    assert!(debug.contains("personal"), "{debug}");
}

#[test]
fn volume_steps_between_one_and_ten_and_reset_at_rest() {
    let mut k = kiosk(false);
    assert_eq!(k.view().speech.volume, 7);
    for _ in 0..5 {
        k.handle(KioskEvent::Volume(VolumeStep::Louder), secs(1));
    }
    assert_eq!(k.view().speech.volume, VOLUME_MAX);
    assert!(
        k.handle(KioskEvent::Volume(VolumeStep::Louder), secs(1))
            .is_empty()
    );
    assert_eq!(
        k.handle(KioskEvent::Volume(VolumeStep::Quieter), secs(2)),
        vec![Command::SetVolume(9)]
    );
    let commands = k.handle(KioskEvent::Tick, secs(200));
    assert!(commands.contains(&Command::SetVolume(7)), "{commands:?}");
    assert_eq!(k.view().speech.volume, 7);
}

#[test]
fn a_kiosk_without_speech_ignores_the_button() {
    let mut k = kiosk(false);
    k.set_speech(false, false, 7);
    assert!(k.handle(KioskEvent::ReadAloud, secs(1)).is_empty());
    assert!(
        k.handle(KioskEvent::Volume(VolumeStep::Louder), secs(1))
            .is_empty()
    );
    assert!(!k.view().speech.available);
}

#[test]
fn the_pin_pad_says_the_tries_left_never_the_digits() {
    let mut k = kiosk(false);
    let card = crate::card::read_card(&mut SimCard::new(SimProfile::valid())).unwrap();
    k.handle(KioskEvent::Card(CardEvent::Reading), secs(1));
    k.handle(KioskEvent::Card(CardEvent::Read(card)), secs(1));
    for d in [4, 7, 1] {
        k.handle(KioskEvent::PinDigit(d), secs(1));
    }
    let text = spoken(&k);
    assert!(
        text.contains("Zadejte identifikační osobní kód (IOK)."),
        "{text}"
    );
    assert!(text.contains("Zbývající pokusy: 3 ze 3."), "{text}");
    assert!(!text.contains('4') && !text.contains('7'), "{text}");
}

#[test]
fn dates_are_said_in_words_in_each_language() {
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    assert_eq!(date_words(Language::Cs, d), "3. listopadu 2026");
    assert_eq!(date_words(Language::En, d), "3 November 2026");
    assert_eq!(date_words(Language::De, d), "3. November 2026");
    assert_eq!(date_words(Language::Uk, d), "3 листопада 2026");
}
