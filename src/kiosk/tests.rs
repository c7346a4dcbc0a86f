//! Flow tests with a fake clock: time is just a `Duration` we choose.

use super::area::REPRINTS;
use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The attempt of the staff login the commands started.
fn staff_attempt(commands: &[Command]) -> AttemptId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::StaffAuthenticate { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .expect("a staff login was started")
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
fn every_screen_has_one_of_five_categories_and_personal_ones_are_citizen_or_counter() {
    for screen in Screen::ALL {
        let category = screen.category();
        assert!(
            ["promo", "public", "login", "citizen", "counter"].contains(&category),
            "{}: {category}",
            screen.name()
        );
        if screen.is_personal() {
            assert!(
                ["citizen", "counter"].contains(&category),
                "{}",
                screen.name()
            );
        }
    }
    assert_eq!(Screen::Promo.category(), "promo");
    assert_eq!(Screen::PhoneLogin.category(), "login");
    assert_eq!(Screen::BoardNotice.category(), "public");
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
        session: SessionTimes::default(),
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
fn counter_rests_on_the_staff_login_without_a_loop() {
    let mut k = kiosk(Mode::Counter);
    assert_eq!(k.screen(), Screen::StaffLogin);
    // Nothing but About is open to someone who is not logged in.
    k.handle(KioskEvent::Open(Screen::Contacts), secs(1));
    assert_eq!(k.screen(), Screen::StaffLogin);
    k.handle(KioskEvent::Open(Screen::Pay), secs(1));
    assert_eq!(k.screen(), Screen::StaffLogin);
    k.handle(KioskEvent::Open(Screen::About), secs(1));
    assert_eq!(k.screen(), Screen::About);
    let commands = k.handle(KioskEvent::Tick, secs(91));
    assert_eq!(k.screen(), Screen::StaffLogin);
    assert!(!commands.contains(&Command::StartPromo));
    assert!(commands.contains(&Command::ForgetUser));
}

#[test]
fn idle_on_the_staff_login_with_a_changed_language_still_resets() {
    let mut k = kiosk(Mode::Counter);
    k.handle(KioskEvent::ChooseLanguage(Language::De), secs(0));
    assert_eq!(k.idle_deadline(), Some(secs(90)));
    let commands = k.handle(KioskEvent::Tick, secs(90));
    assert_eq!(
        commands,
        vec![Command::ForgetUser, Command::ApplyLanguage(Language::Cs)]
    );
}

// ------------------------------------------------------------ counter (staff)

fn type_staff_pin(k: &mut Kiosk, pin: &str, at: u64) -> Vec<Command> {
    for d in pin.bytes() {
        k.handle(KioskEvent::StaffDigit(d - b'0'), secs(at));
    }
    k.handle(KioskEvent::StaffConfirm, secs(at))
}

fn staff_logged_in(at: u64) -> Kiosk {
    let mut k = kiosk(Mode::Counter);
    let commands = type_staff_pin(&mut k, "123456", at);
    let attempt = staff_attempt(&commands);
    assert_eq!(
        commands,
        vec![Command::StaffAuthenticate {
            attempt,
            pin: StaffPin(zeroize::Zeroizing::new(b"123456".to_vec()))
        }]
    );
    assert!(k.view().staff.verifying);
    assert_eq!(k.view().staff.pin_length, 0, "the PIN left the core");
    k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::LoggedIn {
                name: "Přepážka 1".into(),
            },
        },
        secs(at),
    );
    assert_eq!(k.screen(), Screen::Counter);
    k
}

#[test]
fn a_staff_pin_needs_six_digits_and_takes_at_most_twelve() {
    let mut k = kiosk(Mode::Counter);
    assert!(type_staff_pin(&mut k, "12345", 1).is_empty());
    assert_eq!(k.view().staff.pin_length, 5);
    for _ in 0..20 {
        k.handle(KioskEvent::StaffDigit(7), secs(1));
    }
    assert_eq!(k.view().staff.pin_length, STAFF_PIN_MAX);
    k.handle(KioskEvent::StaffErase, secs(1));
    assert_eq!(k.view().staff.pin_length, STAFF_PIN_MAX - 1);
    // A typed PIN left alone is wiped by the idle timer.
    k.handle(KioskEvent::Tick, secs(91));
    assert_eq!(k.view().staff.pin_length, 0);
}

#[test]
fn staff_log_in_reach_the_counter_and_pay_and_home_leads_back_to_it() {
    let mut k = staff_logged_in(1);
    let view = k.view().session.unwrap();
    assert!(view.staff);
    assert_eq!(view.first_name, "Přepážka 1");
    // A citizen's screens are not the counter's.
    k.handle(KioskEvent::Open(Screen::Dashboard), secs(2));
    assert_eq!(k.screen(), Screen::Counter);
    k.handle(KioskEvent::Open(Screen::Pay), secs(3));
    assert_eq!(k.screen(), Screen::Pay);
    k.handle(KioskEvent::Back, secs(4));
    assert_eq!(k.screen(), Screen::Counter);
    k.handle(KioskEvent::Open(Screen::Pay), secs(5));
    k.handle(KioskEvent::Home, secs(6));
    assert_eq!(k.screen(), Screen::Counter);
    assert!(!k.view().can_go_back);
    // The service screen is staff's, and only at the counter.
    k.handle(KioskEvent::Open(Screen::Service), secs(7));
    assert_eq!(k.screen(), Screen::Service);
    k.handle(KioskEvent::Back, secs(8));
    assert_eq!(k.screen(), Screen::Counter);
    let mut anonymous = kiosk(Mode::Counter);
    anonymous.handle(KioskEvent::Open(Screen::Service), secs(1));
    assert_eq!(anonymous.screen(), Screen::StaffLogin);
    let mut public = kiosk(Mode::Kiosk);
    public.handle(KioskEvent::Touch, secs(1));
    public.handle(KioskEvent::Open(Screen::Service), secs(2));
    assert_eq!(public.screen(), Screen::Home);
}

#[test]
fn a_card_at_the_counter_starts_no_login_and_ends_no_session() {
    let mut k = kiosk(Mode::Counter);
    insert(&mut k, 1);
    assert_eq!(k.screen(), Screen::StaffLogin);
    let mut k = staff_logged_in(2);
    insert(&mut k, 3);
    assert!(
        k.handle(KioskEvent::Card(CardEvent::Removed), secs(4))
            .is_empty()
    );
    assert_eq!(k.screen(), Screen::Counter);
    assert!(k.has_session());
}

#[test]
fn wrong_staff_pins_count_down_then_lock_with_a_countdown() {
    let mut k = kiosk(Mode::Counter);
    let attempt = staff_attempt(&type_staff_pin(&mut k, "999999", 1));
    k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::Wrong { attempts_left: 4 },
        },
        secs(1),
    );
    assert_eq!(k.view().staff.wrong_attempts_left, Some(4));
    assert_eq!(k.screen(), Screen::StaffLogin);
    let attempt = staff_attempt(&type_staff_pin(&mut k, "999999", 2));
    k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::Locked { seconds_left: 300 },
        },
        secs(2),
    );
    k.handle(KioskEvent::Tick, secs(12));
    assert_eq!(k.view().staff.locked_seconds, Some(290));
    // While locked, "Potvrdit" asks nothing.
    assert!(type_staff_pin(&mut k, "123456", 13).is_empty());
    // The lockout outlives the idle reset: it is the kiosk's, not the person's.
    k.handle(KioskEvent::StaffDigit(1), secs(15));
    k.handle(KioskEvent::Tick, secs(15 + 90));
    assert_eq!(k.view().staff.pin_length, 0);
    assert_eq!(k.view().staff.locked_seconds, Some(197));
    // Once it has run out, a PIN is checked again.
    k.handle(KioskEvent::Tick, secs(302));
    assert!(k.view().staff.locked_seconds.is_none());
    assert_eq!(type_staff_pin(&mut k, "123456", 302).len(), 1);
}

#[test]
fn a_staff_service_error_offers_a_retry_and_a_late_login_is_closed() {
    let mut k = kiosk(Mode::Counter);
    let attempt = staff_attempt(&type_staff_pin(&mut k, "123456", 1));
    k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::Failed,
        },
        secs(1),
    );
    assert!(k.view().staff.service_error);
    let attempt = staff_attempt(&type_staff_pin(&mut k, "123456", 2));
    assert!(!k.view().staff.service_error);
    // Left for About while the check ran: the session it opened is closed.
    k.handle(KioskEvent::Open(Screen::About), secs(2));
    let commands = k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::LoggedIn { name: "X".into() },
        },
        secs(3),
    );
    assert_eq!(commands, vec![Command::EndSession(attempt)]);
    assert!(!k.has_session());
}

#[test]
fn a_kiosk_that_is_no_counter_says_so_until_the_next_digit() {
    let mut k = kiosk(Mode::Counter);
    let attempt = staff_attempt(&type_staff_pin(&mut k, "123456", 1));
    k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::NotACounter,
        },
        secs(1),
    );
    let view = k.view();
    assert!(view.staff.not_a_counter);
    assert!(!view.staff.service_error && view.staff.wrong_attempts_left.is_none());
    assert!(view.staff.locked_seconds.is_none() && !view.staff.verifying);
    assert_eq!(k.screen(), Screen::StaffLogin);
    assert!(!k.has_session());
    k.handle(KioskEvent::StaffDigit(1), secs(2));
    assert!(!k.view().staff.not_a_counter);
}

#[test]
fn a_staff_session_times_out_like_a_citizens_then_rests_on_the_staff_login() {
    let mut k = staff_logged_in(0);
    let times = SessionTimes::default();
    k.handle(KioskEvent::Tick, times.idle);
    assert!(k.view().session.unwrap().warning_seconds.is_some());
    let commands = k.handle(KioskEvent::Tick, times.idle + times.warning);
    assert!(commands.iter().any(|c| matches!(c, Command::EndSession(_))));
    assert!(commands.contains(&Command::ForgetUser));
    assert_eq!(k.screen(), Screen::LoggedOut);
    k.handle(
        KioskEvent::Tick,
        times.idle + times.warning + times.logged_out,
    );
    assert_eq!(k.screen(), Screen::StaffLogin);
    assert!(k.view().session.is_none());
}

// ------------------------------------------------------------ login and session

use crate::card::sim::{SimCard, SimProfile};

fn card(profile: SimProfile) -> CardKind {
    crate::card::read_card(&mut SimCard::new(profile)).unwrap()
}

fn insert(k: &mut Kiosk, at: u64) -> Vec<Command> {
    let mut commands = k.handle(KioskEvent::Card(CardEvent::Reading), secs(at));
    commands.extend(k.handle(
        KioskEvent::Card(CardEvent::Read(card(SimProfile::valid()))),
        secs(at),
    ));
    commands
}

/// Types a PIN and confirms it: the login attempt it started, if any.
fn type_pin(k: &mut Kiosk, digits: &[u8], at: u64) -> Option<(AttemptId, LoginRequest)> {
    for d in digits {
        k.handle(KioskEvent::PinDigit(*d), secs(at));
    }
    k.handle(KioskEvent::PinConfirm, secs(at))
        .into_iter()
        .find_map(|c| match c {
            Command::Authenticate { attempt, request } => Some((attempt, request)),
            _ => None,
        })
}

fn result(attempt: AttemptId, outcome: LoginOutcome) -> KioskEvent {
    KioskEvent::LoginResult { attempt, outcome }
}

fn jana() -> LoginOutcome {
    LoginOutcome::LoggedIn {
        first_name: "Jana".into(),
    }
}

fn logged_in(at: u64) -> Kiosk {
    let mut k = kiosk(Mode::Kiosk);
    super::test_support::log_in_jana(&mut k, secs(at));
    k
}

#[test]
fn a_card_wakes_the_loop_into_the_pin_pad() {
    let mut k = kiosk(Mode::Kiosk);
    let commands = insert(&mut k, 5);
    assert!(commands.contains(&Command::StopPromo));
    assert_eq!(k.screen(), Screen::Login);
    let view = k.view().login;
    assert_eq!(view.stage, LoginStage::Pin);
    assert_eq!((view.tries_left, view.tries_max), (3, 3));
}

#[test]
fn the_pin_needs_four_digits_and_only_its_length_is_shown() {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, 1);
    assert!(
        type_pin(&mut k, &[1, 2, 3], 2).is_none(),
        "3 digits are not a PIN"
    );
    assert_eq!(k.view().login.pin_length, 3);
    let (_, request) = type_pin(&mut k, &[4], 3).unwrap();
    assert_eq!(request.pin.len(), 4);
    assert_eq!(format!("{request:?}"), "LoginRequest(..)");
    // While verifying the pad is empty and takes no digits.
    assert_eq!(k.view().login.stage, LoginStage::Verifying);
    assert_eq!(k.view().login.pin_length, 0);
    k.handle(KioskEvent::PinDigit(5), secs(4));
    assert_eq!(k.view().login.pin_length, 0);
}

#[test]
fn wrong_pins_count_down_to_blocked() {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, 1);
    for left in [2, 1] {
        let (attempt, _) = type_pin(&mut k, &[9, 9, 9, 9], 2).unwrap();
        let commands = k.handle(result(attempt, LoginOutcome::WrongPin), secs(3));
        assert_eq!(commands, vec![Command::RereadPin]);
        let view = k.view().login;
        assert!(view.wrong_pin);
        assert_eq!(view.tries_left, left);
        assert_eq!(view.stage, LoginStage::Pin);
    }
    // The card, re-read, may know better (never more than counted here).
    k.handle(
        KioskEvent::Card(CardEvent::Pin(PinState {
            active: true,
            blocked: false,
            tries_left: 3,
            max_tries: 3,
        })),
        secs(4),
    );
    assert_eq!(k.view().login.tries_left, 1);
    let (attempt, _) = type_pin(&mut k, &[9, 9, 9, 9], 5).unwrap();
    k.handle(result(attempt, LoginOutcome::WrongPin), secs(6));
    assert_eq!(k.view().login.stage, LoginStage::Blocked);
    assert!(type_pin(&mut k, &[1, 2, 3, 4], 7).is_none());
}

#[test]
fn a_service_error_offers_a_retry_back_to_the_pin_pad() {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, 1);
    let (attempt, _) = type_pin(&mut k, &[1, 2, 3, 4], 2).unwrap();
    k.handle(result(attempt, LoginOutcome::Failed), secs(3));
    assert_eq!(k.view().login.stage, LoginStage::ServiceError);
    k.handle(KioskEvent::LoginRetry, secs(4));
    assert_eq!(k.view().login.stage, LoginStage::Pin);
}

#[test]
fn other_cards_and_the_reader_get_their_own_stage() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Open(Screen::Login), secs(1));
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Open(Screen::Login), secs(1));
    assert_eq!(k.view().login.stage, LoginStage::InsertCard);
    k.handle(
        KioskEvent::Card(CardEvent::Read(card(SimProfile::bank_card()))),
        secs(2),
    );
    assert_eq!(k.view().login.stage, LoginStage::NotEObcanka);
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    k.handle(KioskEvent::Card(CardEvent::Unreadable), secs(3));
    assert_eq!(k.view().login.stage, LoginStage::CardMute);
    k.handle(KioskEvent::Card(CardEvent::Unavailable), secs(4));
    assert_eq!(k.view().login.stage, LoginStage::ReaderProblem);
    k.handle(KioskEvent::Card(CardEvent::Ready), secs(5));
    assert_eq!(k.view().login.stage, LoginStage::InsertCard);
    k.handle(
        KioskEvent::Card(CardEvent::Read(card(SimProfile::blocked()))),
        secs(6),
    );
    assert_eq!(k.view().login.stage, LoginStage::Blocked);
}

#[test]
fn pulling_the_card_ends_the_session_and_shows_the_privacy_message() {
    let mut k = logged_in(1);
    assert_eq!(k.view().session.unwrap().first_name, "Jana");
    let session = AttemptId(1);
    let commands = k.handle(KioskEvent::Card(CardEvent::Removed), secs(10));
    assert_eq!(
        commands,
        vec![
            Command::EndSession(session),
            Command::ForgetUser,
            Command::ShowScreen(Screen::LoggedOut)
        ]
    );
    assert!(k.view().session.is_none());
    assert_eq!(k.view().login, LoginView::idle());
    // Then the loop, after the logged-out time.
    assert!(k.handle(KioskEvent::Tick, secs(17)).is_empty());
    let commands = k.handle(KioskEvent::Tick, secs(18));
    assert!(commands.contains(&Command::StartPromo));
    assert_eq!(k.screen(), Screen::Promo);
}

#[test]
fn the_idle_warning_comes_first_and_pokracovat_keeps_the_session() {
    let mut k = logged_in(0);
    // SessionTimes::default(): warning after 120 s, 30 s of countdown.
    k.handle(KioskEvent::Tick, secs(119));
    assert_eq!(k.view().session.unwrap().warning_seconds, None);
    k.handle(KioskEvent::Tick, secs(120));
    assert_eq!(k.view().session.unwrap().warning_seconds, Some(30));
    k.handle(KioskEvent::Tick, secs(131));
    assert_eq!(k.view().session.unwrap().warning_seconds, Some(19));
    k.handle(KioskEvent::KeepAlive, secs(132));
    assert_eq!(k.view().session.unwrap().warning_seconds, None);
    // A card left in does not count as activity; time does.
    k.handle(KioskEvent::Tick, secs(252));
    assert!(k.view().session.unwrap().warning_seconds.is_some());
    let commands = k.handle(KioskEvent::Tick, secs(282));
    assert!(commands.iter().any(|c| matches!(c, Command::EndSession(_))));
    assert_eq!(k.screen(), Screen::LoggedOut);
    // The card is still in: the next login must wait for it to come out.
    k.handle(KioskEvent::Touch, secs(283));
    k.handle(KioskEvent::Open(Screen::Login), secs(284));
    assert_eq!(k.view().login.stage, LoginStage::RemoveCard);
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(285));
    assert_eq!(k.view().login.stage, LoginStage::InsertCard);
}

#[test]
fn a_login_that_finishes_after_the_card_came_out_is_closed_at_once() {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, 1);
    let (attempt, _) = type_pin(&mut k, &[1, 2, 3, 4], 2).unwrap();
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    let commands = k.handle(result(attempt, jana()), secs(3));
    assert_eq!(commands, vec![Command::EndSession(attempt)]);
    assert!(k.view().session.is_none());
    assert_eq!(k.screen(), Screen::Login);
}

#[test]
fn logout_and_backend_loss_end_the_session_like_removal() {
    for event in [KioskEvent::Logout, KioskEvent::SessionLost] {
        let mut k = logged_in(1);
        let commands = k.handle(event, secs(5));
        assert!(commands.iter().any(|c| matches!(c, Command::EndSession(_))));
        assert!(commands.contains(&Command::ForgetUser));
        assert_eq!(k.screen(), Screen::LoggedOut);
        assert!(k.view().session.is_none());
    }
}

#[test]
fn payment_needs_a_login_and_a_logged_in_citizen_skips_it() {
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Open(Screen::Payment), secs(2));
    assert_eq!(k.screen(), Screen::Login);
    let mut k = logged_in(1);
    k.handle(KioskEvent::Home, secs(2));
    k.handle(KioskEvent::Open(Screen::Login), secs(3));
    assert_eq!(k.screen(), Screen::Dashboard);
    k.handle(KioskEvent::Open(Screen::Payment), secs(4));
    assert_eq!(k.screen(), Screen::Obligations);
    // Every personal screen needs the session: without it, the login.
    let mut k = kiosk(Mode::Kiosk);
    k.handle(KioskEvent::Touch, secs(1));
    for screen in [
        Screen::Dashboard,
        Screen::Obligations,
        Screen::Pay,
        Screen::Submissions,
        Screen::Watchdog,
    ] {
        k.handle(KioskEvent::Open(screen), secs(2));
        assert_eq!(k.screen(), Screen::Login, "{screen:?}");
        k.handle(KioskEvent::Home, secs(2));
    }
}

#[test]
fn signage_ignores_cards() {
    let mut k = kiosk(Mode::Signage);
    assert!(insert(&mut k, 1).is_empty());
    assert_eq!(k.screen(), Screen::Promo);
}

// ------------------------------------------------------------ attempts (the login race)

#[test]
fn a_late_login_of_a_pulled_card_never_reaches_the_next_card() {
    let mut k = kiosk(Mode::Kiosk);
    // Card A: PIN confirmed, the backend is slow.
    insert(&mut k, 1);
    let (a, _) = type_pin(&mut k, &[1, 2, 3, 4], 2).unwrap();
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    // Card B: PIN confirmed, verifying.
    insert(&mut k, 4);
    let (b, _) = type_pin(&mut k, &[5, 6, 7, 8], 5).unwrap();
    assert_ne!(a, b);
    assert_eq!(k.view().login.stage, LoginStage::Verifying);
    // A's late success arrives while B verifies: closed at the backend, never shown.
    let commands = k.handle(result(a, jana()), secs(6));
    assert_eq!(commands, vec![Command::EndSession(a)]);
    assert!(
        k.view().session.is_none(),
        "A's session must not open for B"
    );
    assert_eq!(k.view().login.stage, LoginStage::Verifying);
    // B's own answer opens B's session, and its requests name B's session.
    let commands = k.handle(
        result(
            b,
            LoginOutcome::LoggedIn {
                first_name: "Josef".into(),
            },
        ),
        secs(7),
    );
    assert_eq!(k.view().session.unwrap().first_name, "Josef");
    let sessions: Vec<AttemptId> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Fetch { session, .. } => Some(*session),
            _ => None,
        })
        .collect();
    assert_eq!(sessions, vec![b], "the nástěnka loads for B's session");
    // A second copy of A's answer is closed again, never accepted.
    assert_eq!(
        k.handle(result(a, jana()), secs(8)),
        vec![Command::EndSession(a)]
    );
    assert_eq!(k.view().session.unwrap().first_name, "Josef");
}

#[test]
fn a_wrong_pin_answer_for_an_old_attempt_changes_nothing() {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, 1);
    let (a, _) = type_pin(&mut k, &[1, 2, 3, 4], 2).unwrap();
    k.handle(KioskEvent::LoginCancel, secs(3));
    insert(&mut k, 4);
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(4));
    insert(&mut k, 5);
    let (_b, _) = type_pin(&mut k, &[1, 2, 3, 4], 6).unwrap();
    assert!(
        k.handle(result(a, LoginOutcome::WrongPin), secs(7))
            .is_empty()
    );
    let view = k.view().login;
    assert_eq!(view.stage, LoginStage::Verifying);
    assert_eq!(view.tries_left, 3, "A's wrong PIN is not B's");
}

// ------------------------------------------------------------ the citizen area

fn obligation(id: &str, amount: &str, vs: &str, paid: bool) -> crate::portal::types::Obligation {
    serde_json::from_value(serde_json::json!({
        "id": id, "kind": "waste", "title": format!("Poplatek {id}"), "period": "2026",
        "amountCzk": amount, "dueDate": "2026-10-31", "paid": paid,
        "paidAt": if paid { Some("2026-03-01") } else { None },
        "accountIban": "CZ7708000000194260105309", "variableSymbol": vs,
        "specificSymbol": "", "constantSymbol": "0558", "note": ""
    }))
    .unwrap()
}

fn intent(id: &str, state: &str) -> crate::portal::types::PaymentIntent {
    serde_json::from_value(serde_json::json!({
        "id": id, "state": state, "accountIban": "CZ7708000000194260105309",
        "amountCzk": "900.00", "variableSymbol": "1234", "specificSymbol": "",
        "constantSymbol": "0558", "message": "POPLATEK", "gatewayUrl": null,
        "expiresAt": "2030-01-01T00:00:00Z", "paidOn": null
    }))
    .unwrap()
}

/// The print orders among the commands: (job, order).
fn prints(commands: &[Command]) -> Vec<(AttemptId, PrintOrder)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Print { job, order } => Some((*job, order.clone())),
            _ => None,
        })
        .collect()
}

fn asks_printer(commands: &[Command]) -> bool {
    prints(commands)
        .iter()
        .any(|(_, order)| *order == PrintOrder::Status)
}

fn printer(k: &mut Kiosk, job: Option<AttemptId>, news: PrinterNews, at: u64) -> Vec<Command> {
    k.handle(KioskEvent::Printer { job, news }, secs(at))
}

/// Pays obligation "a": the backend makes the pending intent `intent_id`.
fn paying(k: &mut Kiosk, intent_id: &str, at: u64) {
    let commands = area(k, AreaEvent::Pay("a".into()), at);
    let [(made, _)] = fetches(&commands)[..] else {
        panic!("a payment is made: {commands:?}")
    };
    let result = crate::citizen::CitizenResult::Payment(intent(intent_id, "pending"));
    answer(k, made, result, at);
}

/// The data requests among the commands: (id, request).
fn fetches(commands: &[Command]) -> Vec<(AttemptId, CitizenRequest)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Fetch { id, request, .. } => Some((*id, request.clone())),
            _ => None,
        })
        .collect()
}

fn answer(
    k: &mut Kiosk,
    id: AttemptId,
    result: crate::citizen::CitizenResult,
    at: u64,
) -> Vec<Command> {
    k.handle(KioskEvent::Data { id, result }, secs(at))
}

fn area(k: &mut Kiosk, event: AreaEvent, at: u64) -> Vec<Command> {
    k.handle(KioskEvent::Area(event), secs(at))
}

/// Logged in, on the konto with two unpaid obligations.
fn on_the_konto(at: u64) -> Kiosk {
    let mut k = logged_in(at);
    let commands = k.handle(KioskEvent::Open(Screen::Obligations), secs(at));
    let [(id, CitizenRequest::Obligations)] = fetches(&commands)[..] else {
        panic!("the konto loads its obligations: {commands:?}");
    };
    assert_eq!(k.area().load, LoadState::Loading);
    let list = vec![
        obligation("a", "900.00", "1", false),
        obligation("b", "498.50", "2", false),
        obligation("c", "100.00", "3", true),
    ];
    answer(
        &mut k,
        id,
        crate::citizen::CitizenResult::Obligations(list),
        at,
    );
    assert_eq!(k.area().load, LoadState::Ready);
    k
}

#[test]
fn the_konto_loads_selects_and_pays_several_together() {
    let mut k = on_the_konto(1);
    let view = k.area();
    assert_eq!(view.to_pay.len(), 2);
    assert_eq!(view.paid.len(), 1);
    area(&mut k, AreaEvent::ToggleSelect("a".into()), 2);
    area(&mut k, AreaEvent::ToggleSelect("b".into()), 2);
    // A paid one cannot be selected.
    area(&mut k, AreaEvent::ToggleSelect("c".into()), 2);
    let view = k.area();
    assert_eq!(view.selected_count, 2);
    assert_eq!(view.selected_total, "1\u{a0}398,50\u{a0}Kč");
    let commands = area(&mut k, AreaEvent::PaySelected, 3);
    assert_eq!(k.screen(), Screen::Pay);
    let [(_, CitizenRequest::CreatePayment(ids))] = &fetches(&commands)[..] else {
        panic!("a payment is made: {commands:?}");
    };
    assert_eq!(ids, &vec!["a".to_string(), "b".to_string()]);
    assert_eq!(k.area().pay_state, PayState::Preparing);
    assert_eq!(k.area().pay_title, "Poplatek a; Poplatek b");
}

#[test]
fn a_pending_payment_is_polled_every_three_seconds_while_on_screen() {
    let mut k = on_the_konto(0);
    let commands = area(&mut k, AreaEvent::Pay("a".into()), 1);
    let [(made, _)] = fetches(&commands)[..] else {
        panic!("{commands:?}")
    };
    // No poll before the intent exists.
    assert!(fetches(&k.handle(KioskEvent::Tick, secs(5))).is_empty());
    answer(
        &mut k,
        made,
        crate::citizen::CitizenResult::Payment(intent("p1", "pending")),
        5,
    );
    assert_eq!(k.area().pay_state, PayState::Ready);
    let polls = fetches(&k.handle(KioskEvent::Tick, secs(6)));
    let [(poll, CitizenRequest::PaymentState(ref id))] = polls[..] else {
        panic!("{polls:?}")
    };
    assert_eq!(id, "p1");
    // One poll in flight at a time, and at most one every three seconds.
    assert!(fetches(&k.handle(KioskEvent::Tick, secs(10))).is_empty());
    answer(
        &mut k,
        poll,
        crate::citizen::CitizenResult::Payment(intent("p1", "pending")),
        10,
    );
    assert!(fetches(&k.handle(KioskEvent::Tick, secs(8))).is_empty());
    assert_eq!(fetches(&k.handle(KioskEvent::Tick, secs(10))).len(), 1);
    // Away from the payment screen nothing is polled.
    let mut k2 = on_the_konto(0);
    paying(&mut k2, "p1", 1);
    k2.handle(KioskEvent::Back, secs(2));
    assert!(fetches(&k2.handle(KioskEvent::Tick, secs(20))).is_empty());
}

#[test]
fn paid_shows_and_prints_the_proof_once_paid_only() {
    let mut k = on_the_konto(0);
    paying(&mut k, "p1", 1);
    // Not paid yet: no proof can be printed.
    assert!(area(&mut k, AreaEvent::PrintProof, 2).is_empty());
    assert_eq!(k.area().print_status, PrintStatus::Invalid);
    let polls = fetches(&k.handle(KioskEvent::Tick, secs(4)));
    answer(
        &mut k,
        polls[0].0,
        crate::citizen::CitizenResult::Payment(intent("p1", "paid")),
        4,
    );
    assert_eq!(k.area().pay_state, PayState::Paid);
    let commands = area(&mut k, AreaEvent::PrintProof, 5);
    let [(job, PrintOrder::Proof(order))] = &prints(&commands)[..] else {
        panic!("the proof is printed: {commands:?}");
    };
    let job = *job;
    assert_eq!(order.intent.id, "p1");
    assert_eq!(k.area().print_status, PrintStatus::Printing);
    assert!(k.area().preview_visible);
    // The printer thread's picture of this slip is shown; one of another order is not.
    let preview = PrinterNews::Preview {
        kind: SlipKind::Proof,
    };
    assert_eq!(
        printer(&mut k, Some(job), preview.clone(), 6),
        vec![Command::ShowSlipPicture]
    );
    assert!(printer(&mut k, Some(AttemptId(999)), preview, 6).is_empty());
    let paper_end = PrinterNews::NotPrinted {
        kind: SlipKind::Proof,
        state: Some(PrinterState::PaperEnd),
    };
    // Another order's outcome changes the printer's state, not this slip's words.
    printer(&mut k, Some(AttemptId(999)), paper_end.clone(), 6);
    assert_eq!(k.area().print_status, PrintStatus::Printing);
    printer(&mut k, Some(job), paper_end, 6);
    assert_eq!(k.area().print_status, PrintStatus::PaperEnd);
}

#[test]
fn a_slip_of_the_previous_citizen_never_shows_for_the_next() {
    let mut k = on_the_konto(0);
    paying(&mut k, "p1", 1);
    let [(old, _)] = prints(&area(&mut k, AreaEvent::PrintPayment, 2))[..] else {
        panic!()
    };
    // The card comes out before the printer thread answers; the next citizen prints.
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    insert(&mut k, 10);
    let (b, _) = type_pin(&mut k, &[1, 2, 3, 4], 10).unwrap();
    k.handle(result(b, jana()), secs(10));
    let commands = k.handle(KioskEvent::Open(Screen::Obligations), secs(11));
    let [(id, _)] = fetches(&commands)[..] else {
        panic!()
    };
    answer(
        &mut k,
        id,
        crate::citizen::CitizenResult::Obligations(vec![obligation("a", "900.00", "1", false)]),
        11,
    );
    paying(&mut k, "p2", 12);
    area(&mut k, AreaEvent::PrintPayment, 13);
    // The old slip's picture and outcome arrive now: neither reaches the screen.
    let preview = PrinterNews::Preview {
        kind: SlipKind::Payment,
    };
    assert!(printer(&mut k, Some(old), preview, 14).is_empty());
    printer(
        &mut k,
        Some(old),
        PrinterNews::Printed {
            kind: SlipKind::Payment,
            state: PrinterState::Ready,
        },
        14,
    );
    assert_eq!(k.area().print_status, PrintStatus::Printing);
}

#[test]
fn answers_for_a_session_that_ended_never_reach_the_next_one() {
    let mut k = logged_in(1);
    let commands = k.handle(KioskEvent::Open(Screen::Obligations), secs(2));
    let [(old, _)] = fetches(&commands)[..] else {
        panic!()
    };
    k.handle(KioskEvent::Logout, secs(3));
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    // The next citizen logs in and opens the konto.
    insert(&mut k, 20);
    let (b, _) = type_pin(&mut k, &[1, 2, 3, 4], 20).unwrap();
    k.handle(result(b, jana()), secs(21));
    k.handle(KioskEvent::Open(Screen::Obligations), secs(22));
    answer(
        &mut k,
        old,
        crate::citizen::CitizenResult::Obligations(vec![obligation("x", "1.00", "9", false)]),
        23,
    );
    assert!(
        k.area().to_pay.is_empty(),
        "the previous citizen's konto was shown"
    );
    assert_eq!(k.area().load, LoadState::Loading);
}

#[test]
fn the_session_ending_empties_the_area() {
    let mut k = on_the_konto(1);
    area(&mut k, AreaEvent::ToggleSelect("a".into()), 2);
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    let view = k.area();
    assert!(view.to_pay.is_empty() && view.paid.is_empty());
    assert_eq!(view.selected_count, 0);
    assert_eq!(view.load, LoadState::Idle);
    // A touch in the area without a session asks nothing.
    assert!(area(&mut k, AreaEvent::Pay("a".into()), 4).is_empty());
}

#[test]
fn a_failed_load_offers_the_same_request_again() {
    let mut k = logged_in(1);
    let commands = k.handle(KioskEvent::Open(Screen::Submissions), secs(2));
    let [(id, _)] = fetches(&commands)[..] else {
        panic!()
    };
    answer(
        &mut k,
        id,
        crate::citizen::CitizenResult::Failed {
            request: CitizenRequest::Submissions,
            session_ended: false,
            refused: false,
        },
        3,
    );
    assert_eq!(k.area().load, LoadState::Failed);
    let retry = fetches(&area(&mut k, AreaEvent::Retry, 4));
    assert!(matches!(retry[..], [(_, CitizenRequest::Submissions)]));
    assert_eq!(k.area().load, LoadState::Loading);
    // The backend no longer knows the session: it ends like a logout.
    let commands = answer(
        &mut k,
        retry[0].0,
        crate::citizen::CitizenResult::Failed {
            request: CitizenRequest::Submissions,
            session_ended: true,
            refused: false,
        },
        5,
    );
    assert!(commands.iter().any(|c| matches!(c, Command::EndSession(_))));
    assert_eq!(k.screen(), Screen::LoggedOut);
}

// ------------------------------------------------------------ the counter's desk

fn lookup(vs: &str, payer: &str) -> crate::citizen::CitizenResult {
    crate::citizen::CitizenResult::Lookup {
        vs: vs.into(),
        found: crate::portal::types::StaffLookup {
            obligations: vec![
                obligation("a", "900.00", vs, false),
                obligation("z", "5.00", vs, true),
            ],
            payer_name: payer.into(),
        },
    }
}

fn type_vs(k: &mut Kiosk, vs: &str, at: u64) {
    for d in vs.bytes() {
        area(k, AreaEvent::VsDigit(d - b'0'), at);
    }
}

#[test]
fn only_the_lookup_last_asked_for_reaches_the_desk() {
    let mut k = staff_logged_in(1);
    type_vs(&mut k, "123", 2);
    let first = fetches(&area(&mut k, AreaEvent::Search, 2));
    area(&mut k, AreaEvent::VsErase, 3);
    type_vs(&mut k, "4", 3);
    let second = fetches(&area(&mut k, AreaEvent::Search, 3));
    assert!(matches!(&second[..], [(_, CitizenRequest::Lookup(vs))] if vs == "124"));
    assert_eq!(k.area().desk.lookup, LoadState::Loading);
    answer(&mut k, first[0].0, lookup("123", "Jana Nováková"), 4);
    assert_eq!(k.area().desk.payer_name, "", "an old lookup was shown");
    answer(&mut k, second[0].0, lookup("124", "Josef Novák"), 5);
    let desk = k.area().desk;
    assert_eq!(desk.payer_name, "Josef Novák");
    assert_eq!(desk.paid_count, 1);
    assert_eq!(desk.looked_up_vs, "124");
    assert_eq!(desk.lookup, LoadState::Ready);
}

#[test]
fn the_variable_symbol_takes_ten_digits_at_most() {
    let mut k = staff_logged_in(1);
    type_vs(&mut k, "123456789012", 2);
    assert_eq!(k.area().desk.vs, "1234567890");
    // Not a citizen's to type, and nothing without a staff session.
    let mut citizen = logged_in(1);
    type_vs(&mut citizen, "12", 2);
    assert_eq!(citizen.area().desk.vs, "");
}

#[test]
fn the_desk_asks_the_printer_every_thirty_seconds_and_counts_reprints_up_to_five() {
    let mut k = kiosk(Mode::Counter);
    let attempt = staff_attempt(&type_staff_pin(&mut k, "123456", 0));
    let commands = k.handle(
        KioskEvent::StaffResult {
            attempt,
            outcome: StaffOutcome::LoggedIn { name: "P".into() },
        },
        secs(0),
    );
    assert!(asks_printer(&commands));
    assert_eq!(k.area().desk.printer, Some(PrinterStatus::Asking));
    printer(
        &mut k,
        None,
        PrinterNews::Status {
            state: Some(PrinterState::Ready),
            waiting: 2,
        },
        1,
    );
    let desk = k.area().desk;
    assert_eq!(
        desk.printer,
        Some(PrinterStatus::State(PrinterState::Ready))
    );
    assert_eq!(desk.waiting_jobs, 2);
    assert!(!asks_printer(&k.handle(KioskEvent::Tick, secs(29))));
    assert!(asks_printer(&k.handle(KioskEvent::Tick, secs(30))));
    // A payer's slip printed seven times: five can be printed again.
    type_vs(&mut k, "1", 31);
    let [(id, _)] = fetches(&area(&mut k, AreaEvent::Search, 31))[..] else {
        panic!()
    };
    answer(&mut k, id, lookup("1", "Jana Nováková"), 31);
    paying(&mut k, "p1", 31);
    for n in 1..=7u8 {
        let [(job, _)] = prints(&area(&mut k, AreaEvent::PrintPayment, 31))[..] else {
            panic!()
        };
        let printed = PrinterNews::Printed {
            kind: SlipKind::Payment,
            state: PrinterState::Ready,
        };
        printer(&mut k, Some(job), printed, 31);
        assert_eq!(k.area().desk.reprint_count, n.min(REPRINTS));
    }
    // A test page is not a slip to reprint; its outcome shows at the desk.
    let [(job, PrintOrder::TestPage)] = prints(&area(&mut k, AreaEvent::TestPrint, 32))[..] else {
        panic!()
    };
    assert_eq!(k.area().desk.print_status, PrintStatus::Printing);
    let printed = PrinterNews::Printed {
        kind: SlipKind::Test,
        state: PrinterState::Ready,
    };
    printer(&mut k, Some(job), printed, 32);
    assert_eq!(k.area().desk.print_status, PrintStatus::Printed);
    assert_eq!(k.area().desk.reprint_count, REPRINTS);
    // A new staff session starts with nothing to reprint.
    k.handle(KioskEvent::Logout, secs(33));
    assert_eq!(k.area().desk.reprint_count, 0);
    assert_eq!(
        k.area().desk.printer,
        Some(PrinterStatus::State(PrinterState::Ready)),
        "the printer is the kiosk's"
    );
}

#[test]
fn sync_now_shows_until_the_sync_reports_or_a_minute_passes() {
    let mut k = staff_logged_in(0);
    // Without a sync runner the button promises nothing.
    assert!(area(&mut k, AreaEvent::SyncNow, 1).is_empty());
    assert!(!k.area().desk.sync_requested);
    k.set_sync_available(true);
    let commands = area(&mut k, AreaEvent::SyncNow, 1);
    assert!(commands.contains(&Command::SyncNow));
    assert!(k.area().desk.sync_requested);
    k.handle(KioskEvent::SyncReported, secs(2));
    assert!(!k.area().desk.sync_requested);
    area(&mut k, AreaEvent::SyncNow, 3);
    k.handle(KioskEvent::Tick, secs(62));
    assert!(k.area().desk.sync_requested);
    k.handle(KioskEvent::Tick, secs(63));
    assert!(!k.area().desk.sync_requested);
    // Staff only.
    let mut citizen = logged_in(0);
    assert!(area(&mut citizen, AreaEvent::SyncNow, 1).is_empty());
}

#[test]
fn printing_without_a_printer_says_so_at_once() {
    let mut k = kiosk(Mode::Kiosk);
    k.set_equipment(false, true);
    k.handle(
        KioskEvent::Contacts(vec![serde_json::from_value(serde_json::json!({
            "id": "d1", "name": "Podatelna", "address": "Mírové nám. 15/7", "phone": "416 916 111"
        }))
        .unwrap()]),
        secs(0),
    );
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Area(AreaEvent::ChooseDepartment(0)), secs(2));
    assert_eq!(k.screen(), Screen::ContactDetail);
    let commands = area(&mut k, AreaEvent::PrintDepartment, 3);
    assert!(
        matches!(
            &commands[..],
            [
                Command::ClearSlipPicture,
                Command::Preview {
                    order: PrintOrder::Contact(_),
                    ..
                }
            ]
        ),
        "only the slip's picture: {commands:?}"
    );
    assert_eq!(k.area().print_status, PrintStatus::NoPrinter);
    assert_eq!(k.area().desk.printer, Some(PrinterStatus::None));
}

#[test]
fn the_department_on_screen_stays_across_a_sync_while_it_exists() {
    let department = |id: &str, name: &str| -> crate::portal::types::Department {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "address": "Mírové nám. 15/7", "phone": "416 916 111"
        }))
        .unwrap()
    };
    let mut k = kiosk(Mode::Kiosk);
    k.handle(
        KioskEvent::Contacts(vec![
            department("a", "Podatelna"),
            department("b", "Matrika"),
        ]),
        secs(0),
    );
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Area(AreaEvent::ChooseDepartment(1)), secs(2));
    assert_eq!(k.area().department.map(|d| d.name), Some("Matrika".into()));
    // Reordered by a sync: still Matrika.
    k.handle(
        KioskEvent::Contacts(vec![
            department("b", "Matrika"),
            department("a", "Podatelna"),
        ]),
        secs(3),
    );
    assert_eq!(k.area().department.map(|d| d.name), Some("Matrika".into()));
    k.handle(
        KioskEvent::Contacts(vec![department("a", "Podatelna")]),
        secs(4),
    );
    assert!(k.area().department.is_none());
    // An index past the list opens nothing.
    assert!(area(&mut k, AreaEvent::ChooseDepartment(5), 5).is_empty());
}

#[test]
fn a_new_slip_clears_the_last_ones_picture_and_an_invalid_one_hides_the_preview() {
    let mut k = on_the_konto(0);
    paying(&mut k, "p1", 1);
    let commands = area(&mut k, AreaEvent::PrintPayment, 2);
    assert_eq!(commands.first(), Some(&Command::ClearSlipPicture));
    let [(job, _)] = prints(&commands)[..] else {
        panic!()
    };
    assert!(k.area().preview_visible);
    printer(
        &mut k,
        Some(job),
        PrinterNews::Invalid {
            kind: SlipKind::Payment,
        },
        3,
    );
    assert_eq!(k.area().print_status, PrintStatus::Invalid);
    assert!(
        !k.area().preview_visible,
        "no picture of an invalid slip will come"
    );
}

#[test]
fn a_failed_watchdog_save_does_not_take_over_another_screen() {
    let mut k = logged_in(0);
    let [(id, _)] = fetches(&k.handle(KioskEvent::Open(Screen::Watchdog), secs(1)))[..] else {
        panic!()
    };
    let w: crate::portal::types::Watchdog = serde_json::from_value(serde_json::json!({
        "newObligation": true, "dueDateApproaching": false, "submissionChanged": true,
        "election": false, "channels": { "email": "", "sms": "" }
    }))
    .unwrap();
    answer(&mut k, id, crate::citizen::CitizenResult::Watchdog(w), 1);
    let [(save, _)] = fetches(&area(
        &mut k,
        AreaEvent::ToggleWatch(crate::citizen::WatchKind::DueDate),
        2,
    ))[..] else {
        panic!()
    };
    let [(dashboard, _)] = fetches(&k.handle(KioskEvent::Back, secs(3)))[..] else {
        panic!()
    };
    answer(
        &mut k,
        save,
        crate::citizen::CitizenResult::Failed {
            request: CitizenRequest::SaveWatchdog(Default::default()),
            session_ended: false,
            refused: false,
        },
        4,
    );
    assert_eq!(
        k.area().load,
        LoadState::Loading,
        "the nástěnka still loads"
    );
    assert!(
        k.area().watchdog.is_empty(),
        "the switches reload when opened"
    );
    let d: crate::portal::types::MeDashboard = serde_json::from_value(serde_json::json!({
        "unpaidCount": 2, "unpaidTotalCzk": "1398.50", "overdueCount": 0,
        "nearestDueDate": null, "openSubmissions": 0, "notices": [], "nextElection": null
    }))
    .unwrap();
    answer(
        &mut k,
        dashboard,
        crate::citizen::CitizenResult::Dashboard(d),
        5,
    );
    assert_eq!(k.area().load, LoadState::Ready);
    assert_eq!(k.area().dashboard.map(|d| d.unpaid_count), Some(2));
}

#[test]
fn sessions_are_tallied_by_how_they_opened_and_why_they_ended() {
    use super::Tally;
    let mut k = logged_in(1);
    assert_eq!(k.take_tallies(), [Tally::SessionStarted("card")]);
    assert!(k.take_tallies().is_empty(), "taken once");
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(5));
    assert_eq!(k.take_tallies(), [Tally::SessionEnded("card_removed")]);

    let mut k = logged_in(1);
    k.take_tallies();
    k.handle(KioskEvent::Logout, secs(5));
    assert_eq!(k.take_tallies(), [Tally::SessionEnded("logout")]);

    let mut k = logged_in(1);
    k.take_tallies();
    // Nobody touches it: the warning, then the end.
    for t in 2..2000 {
        k.handle(KioskEvent::Tick, secs(t));
    }
    assert_eq!(k.take_tallies(), [Tally::SessionEnded("idle")]);

    let mut k = logged_in(1);
    k.take_tallies();
    k.handle(KioskEvent::SessionLost, secs(5));
    assert_eq!(k.take_tallies(), [Tally::SessionEnded("expired")]);
    // Nothing else is tallied: a screen change, a card, a failed login.
    insert(&mut k, 6);
    k.handle(KioskEvent::Home, secs(7));
    assert!(k.take_tallies().is_empty());
}

#[test]
fn at_night_the_screen_sleeps_at_rest_and_a_touch_or_a_card_wakes_it() {
    let mut k = kiosk(Mode::Kiosk);
    let commands = k.handle(KioskEvent::Schedule { asleep: true }, secs(1));
    assert!(k.asleep());
    assert!(commands.contains(&Command::Blank(true)));
    assert!(commands.contains(&Command::StopPromo));
    // Ticks change nothing while asleep.
    assert!(k.handle(KioskEvent::Tick, secs(2)).is_empty());

    // A touch: the home screen, lit.
    let commands = k.handle(KioskEvent::Touch, secs(3));
    assert!(!k.asleep());
    assert_eq!(commands.first(), Some(&Command::Blank(false)));
    assert_eq!(k.screen(), Screen::Home);
    // Left alone, back to rest — and asleep again, without a slide played.
    let mut later = Vec::new();
    for t in 4..200 {
        later.extend(k.handle(KioskEvent::Tick, secs(t)));
    }
    assert!(k.asleep());
    assert!(later.contains(&Command::Blank(true)));
    assert!(!later.contains(&Command::StartPromo));

    // A card: the PIN pad, lit.
    let commands = insert(&mut k, 300);
    assert!(!k.asleep());
    assert_eq!(commands.first(), Some(&Command::Blank(false)));
    assert_eq!(k.screen(), Screen::Login);
}

#[test]
fn the_night_never_interrupts_a_session_and_the_morning_restarts_the_loop() {
    let mut k = logged_in(1);
    let commands = k.handle(KioskEvent::Schedule { asleep: true }, secs(2));
    assert!(
        !commands.contains(&Command::Blank(true)),
        "not over Jana's data"
    );
    assert!(!k.asleep());
    k.handle(KioskEvent::Logout, secs(3));
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(4));
    let mut commands = Vec::new();
    for t in 5..200 {
        commands.extend(k.handle(KioskEvent::Tick, secs(t)));
    }
    assert_eq!(k.screen(), Screen::Promo);
    assert!(k.asleep(), "asleep once the kiosk is at rest");
    assert!(commands.contains(&Command::Blank(true)));

    let morning = k.handle(KioskEvent::Schedule { asleep: false }, secs(300));
    assert!(!k.asleep());
    assert_eq!(
        morning,
        vec![Command::Blank(false), Command::StartPromo],
        "lit, and the loop plays again"
    );
}

#[test]
fn a_signage_display_sleeps_and_wakes_by_the_clock_only() {
    let mut k = kiosk(Mode::Signage);
    k.handle(KioskEvent::Schedule { asleep: true }, secs(1));
    assert!(k.asleep());
    k.handle(KioskEvent::Touch, secs(2));
    assert!(k.asleep(), "nobody wakes a display");
    k.handle(KioskEvent::Schedule { asleep: false }, secs(3));
    assert!(!k.asleep());
}
