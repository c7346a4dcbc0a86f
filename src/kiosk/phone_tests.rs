//! The phone login's flow with a fake clock: codes, their expiry by the core's
//! own clock, abandoning them in every way the screen can be left, late news
//! of old attempts, a card winning, the phone session's idle time, the help.

use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn times() -> SessionTimes {
    SessionTimes {
        idle: secs(120),
        warning: secs(30),
        logged_out: secs(8),
        phone_idle: secs(60),
    }
}

/// A kiosk on its login screen at t = 2 s, with a phone login adapter.
fn kiosk() -> Kiosk {
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: times(),
    };
    let mut k = Kiosk::new(settings, secs(0)).0;
    k.set_phone_available(true);
    k.handle(KioskEvent::Card(CardEvent::Ready), secs(0));
    k.handle(KioskEvent::Touch, secs(1));
    k.handle(KioskEvent::Open(Screen::Login), secs(2));
    k
}

fn code(expires_in: u64) -> PhoneNews {
    PhoneNews::Code(PhoneCode {
        user_code: "WDJB-MJHT".into(),
        verification_uri: "https://obcan.litomerice.cz/kod".into(),
        verification_uri_complete: Some("https://obcan.litomerice.cz/kod?code=WDJB-MJHT".into()),
        expires_in: secs(expires_in),
    })
}

fn approved() -> PhoneNews {
    PhoneNews::LoggedIn {
        first_name: "Jana".into(),
        confirm_name: "J. Nováková".into(),
    }
}

/// "Přihlásit se telefonem" at `at`; the attempt the adapter was given.
fn start(k: &mut Kiosk, at: u64) -> AttemptId {
    let commands = k.handle(KioskEvent::PhoneStart, secs(at));
    commands
        .iter()
        .find_map(|c| match c {
            Command::PhoneLogin { attempt } => Some(*attempt),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no phone login started: {commands:?}"))
}

fn news(k: &mut Kiosk, attempt: AttemptId, news: PhoneNews, at: u64) -> Vec<Command> {
    k.handle(KioskEvent::Phone { attempt, news }, secs(at))
}

fn cancels(commands: &[Command]) -> Vec<AttemptId> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::PhoneCancel(a) => Some(*a),
            _ => None,
        })
        .collect()
}

#[test]
fn a_code_goes_on_screen_and_an_approval_opens_the_nastenka() {
    let mut k = kiosk();
    assert!(k.view().phone.available);
    let attempt = start(&mut k, 3);
    assert_eq!(k.screen(), Screen::PhoneLogin);
    assert_eq!(k.view().phone.stage, PhoneStage::Requesting);
    news(&mut k, attempt, code(600), 4);
    let phone = k.view().phone;
    assert_eq!(phone.stage, PhoneStage::Code);
    assert_eq!(phone.user_code, "WDJB-MJHT");
    assert_eq!(phone.address, "obcan.litomerice.cz/kod");
    assert_eq!(phone.qr, "https://obcan.litomerice.cz/kod?code=WDJB-MJHT");
    assert_eq!(phone.seconds_left, 600);
    k.handle(KioskEvent::Tick, secs(104));
    assert_eq!(k.view().phone.seconds_left, 500, "the countdown runs");

    let commands = news(&mut k, attempt, approved(), 110);
    assert_eq!(k.screen(), Screen::Dashboard);
    let session = k.view().session.expect("a session");
    assert_eq!(session.first_name, "Jana");
    assert_eq!(session.confirm_name.as_deref(), Some("J. Nováková"));
    // The nástěnka's data is asked for on behalf of the phone's attempt.
    assert!(
        commands.iter().any(|c| matches!(
            c,
            Command::Fetch { session, request: crate::citizen::CitizenRequest::Dashboard, .. }
                if *session == attempt
        )),
        "{commands:?}"
    );
    assert!(
        cancels(&commands).is_empty(),
        "an approved code is not abandoned"
    );
    // Logging out ends the session at the backend like a card's.
    let commands = k.handle(KioskEvent::Logout, secs(120));
    assert!(commands.contains(&Command::EndSession(attempt)));
    assert_eq!(k.screen(), Screen::LoggedOut);
}

#[test]
fn zrusit_abandons_the_code_and_a_late_approval_is_ended_not_shown() {
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    let commands = k.handle(KioskEvent::PhoneCancel, secs(10));
    assert_eq!(cancels(&commands), vec![attempt]);
    assert_eq!(k.screen(), Screen::Login, "back to the choice of login");
    // The poll that was on the wire brings a session: closed at once.
    let commands = news(&mut k, attempt, approved(), 11);
    assert_eq!(commands, vec![Command::EndSession(attempt)]);
    assert!(!k.has_session());
    assert_eq!(k.screen(), Screen::Login);
    // Zpět from the choice goes home, not to the abandoned code.
    k.handle(KioskEvent::Back, secs(12));
    assert_eq!(k.screen(), Screen::Home);
}

#[test]
fn the_core_expires_the_code_by_its_own_clock_and_never_accepts_it_after() {
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    // The backend would keep the code for an hour; the kiosk caps it.
    news(&mut k, attempt, code(3600), 4);
    assert_eq!(
        k.view().phone.seconds_left,
        PHONE_CODE_MAX_LIFE.as_secs() as u32
    );
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(60), 4);
    // Keeps touching (the citizen is here): the code still expires at 64 s.
    k.handle(KioskEvent::Touch, secs(50));
    assert!(k.handle(KioskEvent::Tick, secs(63)).is_empty());
    let commands = k.handle(KioskEvent::Tick, secs(64));
    assert_eq!(cancels(&commands), vec![attempt], "polling stops");
    let phone = k.view().phone;
    assert_eq!(phone.stage, PhoneStage::Expired);
    assert!(
        phone.user_code.is_empty() && phone.qr.is_empty(),
        "the old code leaves the screen"
    );
    // The backend approving it anyway (slow_down forever, then success): never shown.
    assert_eq!(
        news(&mut k, attempt, approved(), 65),
        vec![Command::EndSession(attempt)]
    );
    assert!(!k.has_session());
    // "Nový kód": a new attempt, never the old one.
    let again = start(&mut k, 66);
    assert_ne!(again, attempt);
    assert_eq!(k.screen(), Screen::PhoneLogin);
    assert_eq!(k.view().phone.stage, PhoneStage::Requesting);
}

#[test]
fn leaving_the_code_screen_in_any_way_abandons_the_code() {
    type Leave = fn(&mut Kiosk) -> Vec<Command>;
    let ways: [(&str, Leave); 3] = [
        ("Zpět", |k| k.handle(KioskEvent::Back, secs(20))),
        ("Domů", |k| k.handle(KioskEvent::Home, secs(20))),
        ("help", |k| {
            k.handle(KioskEvent::Open(Screen::LoginHelp), secs(20))
        }),
    ];
    for (what, leave) in ways {
        let mut k = kiosk();
        let attempt = start(&mut k, 3);
        news(&mut k, attempt, code(600), 4);
        let commands = leave(&mut k);
        assert_eq!(cancels(&commands), vec![attempt], "{what}");
        assert_ne!(k.screen(), Screen::PhoneLogin, "{what}");
        assert_eq!(
            news(&mut k, attempt, approved(), 21),
            vec![Command::EndSession(attempt)],
            "{what}"
        );
    }
    // Switching the language or the text size keeps the code.
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    for event in [
        KioskEvent::ChooseLanguage(Language::Uk),
        KioskEvent::ToggleLargeText,
        KioskEvent::Touch,
    ] {
        assert!(cancels(&k.handle(event, secs(5))).is_empty());
    }
    assert_eq!(k.view().phone.stage, PhoneStage::Code);
}

#[test]
fn the_loop_returning_abandons_a_code_left_on_screen() {
    // A code that lives long: the screen waits PHONE_CODE_HOLD without a touch.
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    let hold = PHONE_CODE_HOLD.as_secs();
    assert!(k.handle(KioskEvent::Tick, secs(3 + hold - 1)).is_empty());
    assert_eq!(
        k.screen(),
        Screen::PhoneLogin,
        "the citizen may be busy on the phone"
    );
    let commands = k.handle(KioskEvent::Tick, secs(3 + hold));
    assert_eq!(k.screen(), Screen::Promo);
    assert_eq!(cancels(&commands), vec![attempt]);
    assert!(commands.contains(&Command::ForgetUser));

    // A short-lived one: expired at 64 s, then the usual 90 s of idle.
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(60), 4);
    k.handle(KioskEvent::Tick, secs(64));
    assert!(k.handle(KioskEvent::Tick, secs(64 + 89)).is_empty());
    assert_eq!(k.screen(), Screen::PhoneLogin);
    let commands = k.handle(KioskEvent::Tick, secs(64 + 90));
    assert_eq!(k.screen(), Screen::Promo);
    assert!(
        cancels(&commands).is_empty(),
        "an expired code is over already"
    );
}

#[test]
fn a_card_inserted_during_the_phone_login_wins() {
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    let commands = k.handle(KioskEvent::Card(CardEvent::Reading), secs(10));
    assert_eq!(cancels(&commands), vec![attempt]);
    assert_eq!(k.screen(), Screen::Login);
    assert_eq!(k.login_stage(), LoginStage::Reading);
    assert_eq!(
        news(&mut k, attempt, approved(), 11),
        vec![Command::EndSession(attempt)]
    );
    // Zpět from the card's login does not lead back to the abandoned code.
    assert!(!k.history.contains(&Screen::PhoneLogin));
}

#[test]
fn a_card_inserted_during_a_phone_session_ends_it_and_starts_the_card_login() {
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    news(&mut k, attempt, approved(), 5);
    let commands = k.handle(KioskEvent::Card(CardEvent::Reading), secs(10));
    assert!(
        commands.contains(&Command::EndSession(attempt)),
        "{commands:?}"
    );
    assert!(commands.contains(&Command::ForgetUser));
    assert!(!k.has_session());
    assert_eq!(k.screen(), Screen::Login);
    assert_eq!(
        k.login_stage(),
        LoginStage::Reading,
        "the card is read, not asked out"
    );
}

#[test]
fn a_card_taken_out_or_a_reader_lost_does_not_end_a_phone_session() {
    let mut k = kiosk();
    // Someone else's card was left in before the phone login.
    k.handle(
        KioskEvent::Card(CardEvent::Read(CardKind::NotEObcanka)),
        secs(2),
    );
    k.handle(KioskEvent::Open(Screen::Login), secs(2));
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    news(&mut k, attempt, approved(), 5);
    for event in [CardEvent::Removed, CardEvent::Unavailable] {
        let commands = k.handle(KioskEvent::Card(event.clone()), secs(6));
        assert!(
            !commands.contains(&Command::EndSession(attempt)),
            "{event:?}: {commands:?}"
        );
        assert!(k.has_session(), "{event:?}");
    }
    assert_eq!(k.screen(), Screen::Dashboard);
}

#[test]
fn a_phone_session_warns_and_ends_after_its_own_shorter_idle_time() {
    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    news(&mut k, attempt, approved(), 10);
    assert_eq!(k.idle_deadline(), Some(secs(10 + 60 + 30)));
    k.handle(KioskEvent::Tick, secs(69));
    assert_eq!(k.view().session.unwrap().warning_seconds, None);
    k.handle(KioskEvent::Tick, secs(70));
    assert_eq!(k.view().session.unwrap().warning_seconds, Some(30));
    let commands = k.handle(KioskEvent::Tick, secs(100));
    assert!(commands.contains(&Command::EndSession(attempt)));
    assert_eq!(k.screen(), Screen::LoggedOut);
    assert!(
        k.view().session.is_none(),
        "the name is gone with the session"
    );
}

#[test]
fn denied_and_failed_say_so_and_lead_back_to_the_choice_or_a_new_code() {
    for (outcome, stage) in [
        (PhoneNews::Denied, PhoneStage::Denied),
        (PhoneNews::Failed, PhoneStage::Failed),
    ] {
        let mut k = kiosk();
        let attempt = start(&mut k, 3);
        if stage == PhoneStage::Denied {
            news(&mut k, attempt, code(600), 4);
        }
        assert!(news(&mut k, attempt, outcome.clone(), 5).is_empty());
        assert_eq!(k.view().phone.stage, stage);
        assert!(k.view().phone.user_code.is_empty());
        // Nothing to abandon any more; back to the choice.
        let commands = k.handle(KioskEvent::PhoneCancel, secs(6));
        assert!(cancels(&commands).is_empty(), "{outcome:?}");
        assert_eq!(k.screen(), Screen::Login);
        // …or straight to a new code.
        let again = start(&mut k, 7);
        assert_ne!(again, attempt);
        assert_eq!(k.view().phone.stage, PhoneStage::Requesting);
    }
}

#[test]
fn news_of_a_replaced_attempt_never_touches_the_new_one() {
    let mut k = kiosk();
    let first = start(&mut k, 3);
    news(&mut k, first, code(600), 4);
    // "Nový kód" while the first still waits: it is abandoned first.
    let commands = k.handle(KioskEvent::PhoneStart, secs(5));
    assert_eq!(cancels(&commands), vec![first]);
    let second = match commands
        .iter()
        .find(|c| matches!(c, Command::PhoneLogin { .. }))
    {
        Some(Command::PhoneLogin { attempt }) => *attempt,
        _ => panic!("{commands:?}"),
    };
    assert!(news(&mut k, first, code(600), 6).is_empty());
    assert_eq!(
        k.view().phone.stage,
        PhoneStage::Requesting,
        "not the old code"
    );
    assert!(news(&mut k, first, PhoneNews::Denied, 6).is_empty());
    assert_eq!(
        news(&mut k, first, approved(), 7),
        vec![Command::EndSession(first)]
    );
    assert!(!k.has_session());
    news(&mut k, second, code(600), 8);
    assert_eq!(k.view().phone.stage, PhoneStage::Code);
}

#[test]
fn no_phone_login_without_its_adapter_at_the_counter_or_while_logged_in() {
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: times(),
    };
    let mut k = Kiosk::new(settings.clone(), secs(0)).0;
    k.handle(KioskEvent::Touch, secs(1));
    assert!(!k.view().phone.available);
    assert!(k.handle(KioskEvent::PhoneStart, secs(2)).is_empty());
    // The code's screen is never opened by a tile.
    k.handle(KioskEvent::Open(Screen::PhoneLogin), secs(3));
    assert_eq!(k.screen(), Screen::Login);

    let mut counter = Kiosk::new(
        KioskSettings {
            mode: Mode::Counter,
            ..settings
        },
        secs(0),
    )
    .0;
    counter.set_phone_available(true);
    assert!(!counter.view().phone.available);
    assert!(counter.handle(KioskEvent::PhoneStart, secs(1)).is_empty());

    let mut k = kiosk();
    let attempt = start(&mut k, 3);
    news(&mut k, attempt, code(600), 4);
    news(&mut k, attempt, approved(), 5);
    assert!(k.handle(KioskEvent::PhoneStart, secs(6)).is_empty());
    k.handle(KioskEvent::Open(Screen::PhoneLogin), secs(7));
    assert_eq!(k.screen(), Screen::Dashboard);
}

#[test]
fn the_help_is_reachable_from_the_login_and_leads_back_to_it() {
    let mut k = kiosk();
    k.handle(KioskEvent::Open(Screen::LoginHelp), secs(3));
    assert_eq!(k.screen(), Screen::LoginHelp);
    // The phone login from the help, then Zrušit: the choice of login.
    let attempt = start(&mut k, 4);
    assert_eq!(k.screen(), Screen::PhoneLogin);
    let commands = k.handle(KioskEvent::Back, secs(5));
    assert_eq!(cancels(&commands), vec![attempt]);
    assert_eq!(k.screen(), Screen::LoginHelp);
    k.handle(KioskEvent::Back, secs(6));
    assert_eq!(k.screen(), Screen::Login);
}

#[test]
fn the_help_finds_the_id_card_office_and_the_cash_desk_in_the_contacts() {
    let directory: crate::portal::types::ContactDirectory =
        serde_json::from_str(include_str!("../../assets/seed/contacts.json")).unwrap();
    let help = login_help(&directory.departments);
    let office = help.id_cards.expect("the ID-card office");
    assert!(office.department.contains("Odbor správní"), "{office:?}");
    assert_eq!(office.room, "S 002");
    assert!(office.place.contains("Mírové náměstí 17/9"));
    assert_eq!(office.address, "", "the building names its address already");
    // Days with the same hours share a line.
    assert_eq!(
        office.hours,
        vec![
            ("pondělí, středa".to_string(), "08:00–17:00".to_string()),
            ("úterý, čtvrtek".to_string(), "08:00–15:00".to_string()),
        ]
    );
    let cash = help.cashier.expect("the cash desk");
    assert_eq!(cash.room, "P 010");
    assert!(cash.place.contains("Pekařská 114/2"), "{cash:?}");
    assert_eq!(cash.address, "", "not its department's building");
    // Before the first sync there is nothing to find.
    assert_eq!(login_help(&[]), LoginHelpView::default());
}
