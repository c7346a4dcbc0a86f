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
    assert_eq!(
        commands,
        vec![Command::StaffAuthenticate(StaffPin(
            zeroize::Zeroizing::new(b"123456".to_vec())
        ))]
    );
    assert!(k.view().staff.verifying);
    assert_eq!(k.view().staff.pin_length, 0, "the PIN left the core");
    k.handle(
        KioskEvent::StaffResult(StaffOutcome::LoggedIn {
            name: "Přepážka 1".into(),
        }),
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
    type_staff_pin(&mut k, "999999", 1);
    k.handle(
        KioskEvent::StaffResult(StaffOutcome::Wrong { attempts_left: 4 }),
        secs(1),
    );
    assert_eq!(k.view().staff.wrong_attempts_left, Some(4));
    assert_eq!(k.screen(), Screen::StaffLogin);
    type_staff_pin(&mut k, "999999", 2);
    k.handle(
        KioskEvent::StaffResult(StaffOutcome::Locked { seconds_left: 300 }),
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
    type_staff_pin(&mut k, "123456", 1);
    k.handle(KioskEvent::StaffResult(StaffOutcome::Failed), secs(1));
    assert!(k.view().staff.service_error);
    type_staff_pin(&mut k, "123456", 2);
    assert!(!k.view().staff.service_error);
    // Left for About while the check ran: the session it opened is closed.
    k.handle(KioskEvent::Open(Screen::About), secs(2));
    let commands = k.handle(
        KioskEvent::StaffResult(StaffOutcome::LoggedIn { name: "X".into() }),
        secs(3),
    );
    assert_eq!(commands, vec![Command::EndSession]);
    assert!(!k.has_session());
}

#[test]
fn a_staff_session_times_out_like_a_citizens_then_rests_on_the_staff_login() {
    let mut k = staff_logged_in(0);
    let times = SessionTimes::default();
    k.handle(KioskEvent::Tick, times.idle);
    assert!(k.view().session.unwrap().warning_seconds.is_some());
    let commands = k.handle(KioskEvent::Tick, times.idle + times.warning);
    assert!(commands.contains(&Command::EndSession));
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

fn type_pin(k: &mut Kiosk, digits: &[u8], at: u64) -> Option<LoginRequest> {
    for d in digits {
        k.handle(KioskEvent::PinDigit(*d), secs(at));
    }
    k.handle(KioskEvent::PinConfirm, secs(at))
        .into_iter()
        .find_map(|c| match c {
            Command::Authenticate(r) => Some(r),
            _ => None,
        })
}

fn logged_in(at: u64) -> Kiosk {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, at);
    type_pin(&mut k, &[1, 2, 3, 4], at).unwrap();
    k.handle(
        KioskEvent::LoginResult(LoginOutcome::LoggedIn {
            first_name: "Jana".into(),
        }),
        secs(at),
    );
    assert_eq!(k.screen(), Screen::Dashboard);
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
    let request = type_pin(&mut k, &[4], 3).unwrap();
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
        type_pin(&mut k, &[9, 9, 9, 9], 2).unwrap();
        let commands = k.handle(KioskEvent::LoginResult(LoginOutcome::WrongPin), secs(3));
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
    type_pin(&mut k, &[9, 9, 9, 9], 5).unwrap();
    k.handle(KioskEvent::LoginResult(LoginOutcome::WrongPin), secs(6));
    assert_eq!(k.view().login.stage, LoginStage::Blocked);
    assert!(type_pin(&mut k, &[1, 2, 3, 4], 7).is_none());
}

#[test]
fn a_service_error_offers_a_retry_back_to_the_pin_pad() {
    let mut k = kiosk(Mode::Kiosk);
    insert(&mut k, 1);
    type_pin(&mut k, &[1, 2, 3, 4], 2).unwrap();
    k.handle(KioskEvent::LoginResult(LoginOutcome::Failed), secs(3));
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
    let commands = k.handle(KioskEvent::Card(CardEvent::Removed), secs(10));
    assert_eq!(
        commands,
        vec![
            Command::EndSession,
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
    assert!(commands.contains(&Command::EndSession));
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
    type_pin(&mut k, &[1, 2, 3, 4], 2).unwrap();
    k.handle(KioskEvent::Card(CardEvent::Removed), secs(3));
    let commands = k.handle(
        KioskEvent::LoginResult(LoginOutcome::LoggedIn {
            first_name: "Jana".into(),
        }),
        secs(3),
    );
    assert_eq!(commands, vec![Command::EndSession]);
    assert!(k.view().session.is_none());
    assert_eq!(k.screen(), Screen::Login);
}

#[test]
fn logout_and_backend_loss_end_the_session_like_removal() {
    for event in [KioskEvent::Logout, KioskEvent::SessionLost] {
        let mut k = logged_in(1);
        let commands = k.handle(event, secs(5));
        assert!(commands.contains(&Command::EndSession));
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
