//! Flow tests with a fake clock: time is just a `Duration` we choose.

use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn kiosk(mode: Mode) -> Kiosk {
    let settings = KioskSettings {
        mode,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    Kiosk::new(settings, secs(0)).0
}

#[test]
fn starts_on_the_promotion_loop_and_starts_it() {
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    let (k, commands) = Kiosk::new(settings, secs(0));
    assert_eq!(k.screen(), Screen::Promo);
    assert!(commands.contains(&Command::StartPromo));
    assert!(commands.contains(&Command::ApplyLanguage(Language::Cs)));
}

#[test]
fn touch_on_the_loop_opens_home_and_stops_the_loop() {
    let mut k = kiosk(Mode::Kiosk);
    let commands = k.handle(KioskEvent::Touch, secs(5));
    assert_eq!(k.screen(), Screen::Home);
    assert_eq!(
        commands,
        vec![Command::StopPromo, Command::ShowScreen(Screen::Home)]
    );
    // A second touch on Home changes nothing.
    assert!(k.handle(KioskEvent::Touch, secs(6)).is_empty());
}

#[test]
fn back_retraces_the_path_and_home_clears_it() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Open(Screen::Services), secs(2));
    k.handle(KioskEvent::Open(Screen::Contacts), secs(3));
    assert!(k.view().can_go_back);
    k.handle(KioskEvent::Back, secs(4));
    assert_eq!(k.screen(), Screen::Services);
    k.handle(KioskEvent::Back, secs(5));
    assert_eq!(k.screen(), Screen::Home);
    assert!(!k.view().can_go_back);
    // Back on Home goes nowhere — in particular not to the loop.
    assert!(k.handle(KioskEvent::Back, secs(6)).is_empty());
    assert_eq!(k.screen(), Screen::Home);

    k.handle(KioskEvent::Open(Screen::Elections), secs(7));
    k.handle(KioskEvent::Open(Screen::About), secs(8));
    let commands = k.handle(KioskEvent::Home, secs(9));
    assert_eq!(commands, vec![Command::ShowScreen(Screen::Home)]);
    assert!(!k.view().can_go_back);
}

#[test]
fn opening_the_same_screen_twice_does_not_grow_history() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Open(Screen::Services), secs(2));
    assert!(
        k.handle(KioskEvent::Open(Screen::Services), secs(3))
            .is_empty()
    );
    k.handle(KioskEvent::Back, secs(4));
    assert_eq!(k.screen(), Screen::Home);
}

#[test]
fn idle_returns_to_the_loop_only_after_the_full_timeout() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(10));
    k.handle(KioskEvent::Open(Screen::Services), secs(20));
    assert!(k.handle(KioskEvent::Tick, secs(109)).is_empty());
    assert_eq!(k.screen(), Screen::Services);
    let commands = k.handle(KioskEvent::Tick, secs(110));
    assert_eq!(k.screen(), Screen::Promo);
    assert!(commands.contains(&Command::ForgetUser));
    assert!(commands.contains(&Command::ShowScreen(Screen::Promo)));
    assert!(commands.contains(&Command::StartPromo));
    assert!(!k.view().can_go_back);
}

#[test]
fn every_touch_restarts_the_idle_timer() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(0));
    k.handle(KioskEvent::Touch, secs(80));
    assert!(k.handle(KioskEvent::Tick, secs(120)).is_empty());
    assert_eq!(k.screen(), Screen::Home);
    k.handle(KioskEvent::Tick, secs(170));
    assert_eq!(k.screen(), Screen::Promo);
}

#[test]
fn no_idle_timer_runs_on_the_loop() {
    let mut k = kiosk(Mode::Kiosk);
    assert_eq!(k.idle_deadline(), None);
    assert!(k.handle(KioskEvent::Tick, secs(100_000)).is_empty());
}

#[test]
fn language_and_accessibility_reset_when_the_loop_returns() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(0));
    assert_eq!(
        k.handle(KioskEvent::ChooseLanguage(Language::Uk), secs(1)),
        vec![Command::ApplyLanguage(Language::Uk)]
    );
    k.handle(KioskEvent::ToggleLargeText, secs(2));
    k.handle(KioskEvent::ToggleHighContrast, secs(3));
    let v = k.view();
    assert_eq!(
        (v.language, v.large_text, v.high_contrast),
        (Language::Uk, true, true)
    );

    let commands = k.handle(KioskEvent::Tick, secs(93));
    assert!(commands.contains(&Command::ApplyLanguage(Language::Cs)));
    let v = k.view();
    assert_eq!(v.screen, Screen::Promo);
    assert_eq!(
        (v.language, v.large_text, v.high_contrast),
        (Language::Cs, false, false)
    );
}

#[test]
fn a_language_not_offered_at_this_site_is_ignored() {
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: vec![Language::Cs, Language::En],
    };
    let (mut k, _) = Kiosk::new(settings, secs(0));
    k.handle(KioskEvent::Touch, secs(1));
    assert!(
        k.handle(KioskEvent::ChooseLanguage(Language::De), secs(2))
            .is_empty()
    );
    assert_eq!(k.view().language, Language::Cs);
}

#[test]
fn signage_ignores_every_touch() {
    let mut k = kiosk(Mode::Signage);
    for event in [
        KioskEvent::Touch,
        KioskEvent::Open(Screen::Services),
        KioskEvent::Home,
    ] {
        assert!(k.handle(event, secs(1)).is_empty());
        assert_eq!(k.screen(), Screen::Promo);
    }
}

#[test]
fn counter_rests_on_home_without_a_loop() {
    let mut k = kiosk(Mode::Counter);
    assert_eq!(k.screen(), Screen::Home);
    k.handle(KioskEvent::Open(Screen::Contacts), secs(1));
    let commands = k.handle(KioskEvent::Tick, secs(91));
    assert_eq!(k.screen(), Screen::Home);
    assert!(!commands.contains(&Command::StartPromo));
    assert!(commands.contains(&Command::ForgetUser));
}

#[test]
fn idle_on_home_with_a_changed_language_still_resets() {
    let mut k = kiosk(Mode::Counter);
    k.handle(KioskEvent::ChooseLanguage(Language::De), secs(0));
    assert_eq!(k.idle_deadline(), Some(secs(90)));
    let commands = k.handle(KioskEvent::Tick, secs(90));
    assert_eq!(
        commands,
        vec![Command::ForgetUser, Command::ApplyLanguage(Language::Cs)]
    );
}
