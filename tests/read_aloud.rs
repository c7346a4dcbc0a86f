//! "Číst nahlas" through the window, by accessible labels, with the real speech
//! engine (espeak-ng, and aplay on ALSA's null device): the button in the bar,
//! what it reads, the volume, and reading stopping when the screen changes.

mod support;

use std::time::Duration;

use portal_kiosk::config::Mode;
use portal_kiosk::promo::Playlist;
use portal_kiosk::speech::Engine;
use support::{buttons, kiosk, pump_until, shows, touch};

fn engine() -> Engine {
    Engine {
        speaker_device: "null".into(),
        ..Engine::default()
    }
}

#[test]
fn read_aloud_reads_the_screen_stops_on_leaving_it_and_sets_the_volume() {
    let (app, ui) = kiosk(Mode::Kiosk, Playlist::demo(Duration::from_secs(8)));
    ui.start_speech(engine(), 7);
    touch(&app, "Dotkněte se obrazovky");
    // One fixed place, and nothing of the volume until it reads.
    assert_eq!(buttons(&app, "Číst nahlas").len(), 1);
    assert!(!shows(&app, "Hlasitěji"));

    let home = ui.reading().text();
    assert!(home.starts_with("Portál občana Litoměřice."), "{home}");
    touch(&app, "Číst nahlas");
    assert!(ui.view().speech.speaking);
    assert_eq!(buttons(&app, "Přestat číst").len(), 1);
    touch(&app, "Hlasitěji");
    assert_eq!(ui.view().speech.volume, 8);
    touch(&app, "Tišeji");
    touch(&app, "Tišeji");
    assert_eq!(ui.view().speech.volume, 6);

    // Another screen: the reading stops, the button is back.
    touch(&app, "Kontakty");
    assert!(!ui.view().speech.speaking);
    assert_eq!(buttons(&app, "Číst nahlas").len(), 1);
    assert!(!shows(&app, "Tišeji"));
    assert!(ui.reading().text().starts_with("Kontakty."));

    // Read to its end: the speech thread says so and the button comes back.
    touch(&app, "Číst nahlas");
    assert!(ui.view().speech.speaking);
    pump_until(&ui, "the reading to end", || !ui.view().speech.speaking);
    support::settle();
    assert_eq!(buttons(&app, "Číst nahlas").len(), 1);
}

#[test]
fn the_reading_follows_the_language_shown() {
    let (app, ui) = kiosk(Mode::Kiosk, Playlist::demo(Duration::from_secs(8)));
    ui.start_speech(engine(), 7);
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "English");
    assert_eq!(buttons(&app, "Read aloud").len(), 1);
    let text = ui.reading().text();
    assert!(text.contains("Log in with ID card."), "{text}");
    touch(&app, "Read aloud");
    assert_eq!(buttons(&app, "Stop reading").len(), 1);
    touch(&app, "Deutsch");
    // Another language stops the English reading.
    assert!(!ui.view().speech.speaking);
    assert_eq!(buttons(&app, "Vorlesen").len(), 1);
}

#[test]
fn without_speech_the_bar_has_no_read_aloud_button() {
    let (app, _ui) = kiosk(Mode::Kiosk, Playlist::demo(Duration::from_secs(8)));
    touch(&app, "Dotkněte se obrazovky");
    assert!(buttons(&app, "Číst nahlas").is_empty());
}
