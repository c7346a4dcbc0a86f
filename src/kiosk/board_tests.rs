//! The úřední deska, a nástěnka notice read in full, and "Kde volím?" in the
//! flow core, with a fake clock. Days are relative to the kiosk's today (the
//! core lists what hangs on the day it shows).

use std::sync::Arc;

use chrono::NaiveDate;

use super::test_support::{log_in_jana, secs};
use super::*;
use crate::noticeboard::{BoardDate, BoardDocument, BoardNotice};
use crate::portal::types::{Election, ElectionInfo};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn day(offset: i64) -> NaiveDate {
    today() + chrono::Duration::days(offset)
}

fn kiosk() -> Kiosk {
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    let (mut k, _) = Kiosk::new(settings, secs(0));
    k.handle(KioskEvent::Touch, secs(0));
    k
}

fn notice(id: &str, posted: i64, until: Option<i64>, agendas: &[&str]) -> BoardNotice {
    BoardNotice {
        id: format!("https://www.litomerice.cz/uredni-deska/{id}"),
        url: Some(format!("https://www.litomerice.cz/uredni-deska/{id}")),
        title: format!("Oznámení {id}"),
        text: String::new(),
        posted: BoardDate::Day(day(posted)),
        until: until.map_or(BoardDate::Unspecified, |u| BoardDate::Day(day(u))),
        reference: format!("MULT/{id}/2026"),
        file_mark: String::new(),
        agendas: agendas.iter().map(|a| a.to_string()).collect(),
        documents: vec![BoardDocument {
            name: format!("{id}.pdf"),
            url: format!("https://www.litomerice.cz/files/{id}.pdf"),
            qr: true,
        }],
    }
}

fn board() -> Arc<Vec<BoardNotice>> {
    Arc::new(vec![
        notice("b", -5, Some(5), &["Odpady"]),
        notice("expired", -20, Some(-1), &["Odpady"]),
        notice("a", -1, Some(10), &["Doprava"]),
        notice("later", 2, Some(20), &["Doprava"]),
        notice("e", -30, None, &["Doprava", "Územní plánování"]),
    ])
}

fn titles(k: &Kiosk) -> Vec<String> {
    k.board(today())
        .notices
        .into_iter()
        .map(|n| n.title)
        .collect()
}

#[test]
fn the_board_lists_what_hangs_today_newest_first_and_filters_by_agenda() {
    let mut k = kiosk();
    assert!(!k.board(today()).synced, "nothing synced yet");
    k.handle(KioskEvent::NoticeBoard(board()), secs(1));
    k.handle(KioskEvent::Open(Screen::Board), secs(1));
    assert_eq!(k.screen(), Screen::Board);
    let view = k.board(today());
    assert!(view.synced);
    assert_eq!(titles(&k), ["Oznámení a", "Oznámení b", "Oznámení e"]);
    assert_eq!(view.total, 3);
    assert_eq!(
        view.agendas,
        [
            ("Doprava".to_string(), 2),
            ("Odpady".to_string(), 1),
            ("Územní plánování".to_string(), 1)
        ]
    );
    assert_eq!(view.notices[2].until, None, "a permanent posting");

    k.handle(KioskEvent::Board(BoardEvent::ChooseAgendas), secs(2));
    assert_eq!(k.screen(), Screen::BoardAgendas);
    k.handle(KioskEvent::Board(BoardEvent::Agenda(Some(0))), secs(3));
    assert_eq!(k.screen(), Screen::Board, "back to the list it filters");
    assert_eq!(k.board(today()).agenda.as_deref(), Some("Doprava"));
    assert_eq!(titles(&k), ["Oznámení a", "Oznámení e"]);
    assert_eq!(k.board(today()).total, 3);
    k.handle(KioskEvent::Board(BoardEvent::ChooseAgendas), secs(4));
    k.handle(KioskEvent::Board(BoardEvent::Agenda(None)), secs(4));
    assert_eq!(titles(&k).len(), 3);
    // An agenda that is not there changes nothing.
    k.handle(KioskEvent::Board(BoardEvent::Agenda(Some(99))), secs(5));
    assert_eq!(k.board(today()).agenda, None);
}

#[test]
fn a_notice_opens_with_its_dates_and_prints_as_an_anonymous_slip() {
    let mut k = kiosk();
    k.handle(KioskEvent::NoticeBoard(board()), secs(1));
    k.handle(KioskEvent::Open(Screen::Board), secs(1));
    k.handle(KioskEvent::Board(BoardEvent::OpenNotice(1)), secs(2));
    assert_eq!(k.screen(), Screen::BoardNotice);
    let detail = k.board(today()).notice.expect("the notice opened");
    assert_eq!(detail.notice.title, "Oznámení b");
    assert_eq!(detail.posted, Some(day(-5)));
    assert_eq!(detail.until, Some(day(5)));
    assert!(!detail.expired);
    let commands = k.handle(KioskEvent::Board(BoardEvent::Print), secs(3));
    let order = commands.iter().find_map(|c| match c {
        Command::Print {
            order: PrintOrder::Notice(n),
            ..
        } => Some(n.id.clone()),
        _ => None,
    });
    assert_eq!(
        order.as_deref(),
        Some("https://www.litomerice.cz/uredni-deska/b")
    );
    assert!(k.area().preview_visible, "the slip's picture shows");
    assert!(matches!(
        crate::print_orders::request(PrintOrder::Notice(Box::new(detail.notice))),
        crate::printing::PrintRequest::Slip {
            personal: false,
            kind: "notice",
            ..
        }
    ));
    k.handle(KioskEvent::Back, secs(4));
    assert_eq!(k.screen(), Screen::Board);
    // An index past the list opens nothing.
    k.handle(KioskEvent::Board(BoardEvent::OpenNotice(3)), secs(5));
    assert_eq!(k.screen(), Screen::Board);
}

#[test]
fn a_board_without_a_printer_still_shows_the_slip_to_copy() {
    let mut k = kiosk();
    k.set_equipment(false, true);
    k.handle(KioskEvent::Touch, secs(0));
    k.handle(KioskEvent::NoticeBoard(board()), secs(1));
    k.handle(KioskEvent::Open(Screen::Board), secs(1));
    k.handle(KioskEvent::Board(BoardEvent::OpenNotice(0)), secs(2));
    let commands = k.handle(KioskEvent::Board(BoardEvent::Print), secs(3));
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Preview {
            order: PrintOrder::Notice(_),
            ..
        }
    )));
    assert_eq!(k.area().print_status, PrintStatus::NoPrinter);
}

#[test]
fn the_same_board_again_changes_nothing_a_new_one_keeps_the_notice_open_and_rest_forgets() {
    let mut k = kiosk();
    let first = board();
    k.handle(KioskEvent::NoticeBoard(first.clone()), secs(1));
    let revision = k.board_revision();
    k.handle(KioskEvent::NoticeBoard(first.clone()), secs(1));
    k.handle(KioskEvent::NoticeBoard(Arc::new((*first).clone())), secs(1));
    assert_eq!(
        k.board_revision(),
        revision,
        "an unchanged board is not redrawn"
    );
    k.handle(KioskEvent::Open(Screen::Board), secs(1));
    k.handle(KioskEvent::Board(BoardEvent::OpenNotice(0)), secs(2));
    // The next sync brings a board with the open notice in another place.
    let mut next = (*first).clone();
    next.insert(0, notice("new", 0, Some(15), &["Doprava"]));
    k.handle(KioskEvent::NoticeBoard(Arc::new(next.clone())), secs(3));
    assert_eq!(
        k.board(today()).notice.map(|d| d.notice.title).as_deref(),
        Some("Oznámení a")
    );
    // Taken down: the screen says so.
    next.retain(|n| !n.id.ends_with("/a"));
    k.handle(KioskEvent::NoticeBoard(Arc::new(next)), secs(4));
    assert!(k.board(today()).notice.is_none());
    k.handle(KioskEvent::Back, secs(5));
    k.handle(KioskEvent::Board(BoardEvent::ChooseAgendas), secs(5));
    k.handle(KioskEvent::Board(BoardEvent::Agenda(Some(0))), secs(5));
    assert!(k.board(today()).agenda.is_some());
    // Idle: back to the loop; the choice goes, the board stays.
    k.handle(KioskEvent::Tick, secs(200));
    assert_eq!(k.screen(), Screen::Promo);
    let view = k.board(today());
    assert_eq!(view.agenda, None);
    assert!(view.notice.is_none());
    assert_eq!(view.total, 3);
}

fn log_in(k: &mut Kiosk) {
    let commands = log_in_jana(k, secs(1));
    let id = commands
        .iter()
        .find_map(|c| match c {
            Command::Fetch { id, .. } => Some(*id),
            _ => None,
        })
        .expect("the nástěnka is asked for");
    let d: crate::portal::types::MeDashboard = serde_json::from_value(serde_json::json!({
        "unpaidCount": 0, "unpaidTotalCzk": "0.00", "overdueCount": 0,
        "nearestDueDate": null, "openSubmissions": 0, "nextElection": null,
        "notices": [
            {"title": "Starší oznámení", "text": "Krátký text.", "date": "2026-10-01"},
            {"title": "Svoz bioodpadu končí", "text": "Dlouhý text. ".repeat(80), "date": "2026-11-20"}
        ]
    }))
    .unwrap();
    k.handle(
        KioskEvent::Data {
            id,
            result: crate::citizen::CitizenResult::Dashboard(d),
        },
        secs(2),
    );
}

#[test]
fn a_nastenka_notice_opens_in_full_steps_to_the_next_and_goes_with_the_session() {
    let mut k = kiosk();
    // Without a nástěnka there is nothing to open.
    k.handle(
        KioskEvent::Board(BoardEvent::OpenDashboardNotice(0)),
        secs(0),
    );
    assert_eq!(k.screen(), Screen::Home);
    log_in(&mut k);
    k.handle(
        KioskEvent::Board(BoardEvent::OpenDashboardNotice(0)),
        secs(3),
    );
    assert_eq!(k.screen(), Screen::DashboardNotice);
    assert!(Screen::DashboardNotice.is_personal());
    let n = k.board(today()).dashboard_notice.expect("opened");
    assert_eq!(n.title, "Svoz bioodpadu končí", "newest first");
    assert_eq!(n.text, "Dlouhý text. ".repeat(80), "the whole text");
    assert_eq!(n.date, "20. 11. 2026");
    assert_eq!((n.position, n.count), (1, 2));
    k.handle(
        KioskEvent::Board(BoardEvent::DashboardNoticeStep(1)),
        secs(4),
    );
    k.handle(
        KioskEvent::Board(BoardEvent::DashboardNoticeStep(1)),
        secs(4),
    );
    let n = k.board(today()).dashboard_notice.unwrap();
    assert_eq!((n.title.as_str(), n.position), ("Starší oznámení", 2));
    k.handle(KioskEvent::Back, secs(5));
    assert_eq!(k.screen(), Screen::Dashboard);
    k.handle(
        KioskEvent::Board(BoardEvent::OpenDashboardNotice(5)),
        secs(5),
    );
    assert_eq!(k.screen(), Screen::Dashboard, "no such notice");
    k.handle(
        KioskEvent::Board(BoardEvent::OpenDashboardNotice(1)),
        secs(6),
    );
    k.handle(KioskEvent::Logout, secs(7));
    assert!(k.board(today()).dashboard_notice.is_none());
    assert_eq!(k.screen(), Screen::LoggedOut);
}

// ---------------------------------------------------------------- Kde volím?

fn elections(days: &[(&str, i64)]) -> Arc<ElectionInfo> {
    let mut info: ElectionInfo =
        serde_json::from_str(include_str!("../../assets/seed/elections.json")).unwrap();
    info.elections = days
        .iter()
        .map(|(id, offset)| Election {
            id: (*id).into(),
            title: format!("Volby {id}"),
            days: vec![day(*offset), day(*offset + 1)],
            hours: vec!["14:00–22:00".into(), "8:00–14:00".into()],
        })
        .collect();
    Arc::new(info)
}

fn type_street(k: &mut Kiosk, text: &str) {
    k.handle(KioskEvent::Text(TextEdit::Insert(text.into())), secs(2));
}

fn choose(k: &mut Kiosk, street: &str) {
    let view = k.voting(today());
    let i = view
        .suggestions
        .iter()
        .position(|s| s == street)
        .unwrap_or_else(|| panic!("{street} not in {:?}", view.suggestions));
    k.handle(KioskEvent::Voting(VotingEvent::ChooseStreet(i)), secs(3));
}

fn start(k: &mut Kiosk) {
    k.handle(KioskEvent::Open(Screen::Elections), secs(1));
    k.handle(KioskEvent::Voting(VotingEvent::Start), secs(1));
    assert_eq!(k.screen(), Screen::WhereToVote);
}

#[test]
fn a_street_in_one_district_leads_straight_to_the_polling_place_and_its_slip() {
    let mut k = kiosk();
    k.handle(
        KioskEvent::Elections(elections(&[
            ("pristi", 30),
            ("minule", -60),
            ("pozdeji", 400),
        ])),
        secs(1),
    );
    let view = k.voting(today());
    assert_eq!(
        view.upcoming
            .iter()
            .map(|e| e.title.as_str())
            .collect::<Vec<_>>(),
        ["Volby pristi", "Volby pozdeji"]
    );
    assert_eq!(view.upcoming[0].days[0], (day(30), "14:00–22:00".into()));
    assert_eq!(view.last.unwrap().title, "Volby minule");
    start(&mut k);
    type_street(&mut k, "v");
    assert!(
        k.voting(today()).suggestions.is_empty(),
        "one letter is not enough"
    );
    type_street(&mut k, "ei");
    assert_eq!(k.voting(today()).suggestions, ["Veitova"]);
    choose(&mut k, "Veitova");
    assert_eq!(k.screen(), Screen::PollingPlace);
    let view = k.voting(today());
    let district = view.district.expect("found");
    assert_eq!(district.number, 1);
    assert!(district.accessibility.is_some());
    assert!(
        view.map_link
            .as_deref()
            .is_some_and(|l| l.starts_with("https://mapy.cz/"))
    );
    let commands = k.handle(KioskEvent::Voting(VotingEvent::Print), secs(4));
    let order = commands.iter().find_map(|c| match c {
        Command::Print {
            order: PrintOrder::PollingPlace(o),
            ..
        } => Some(o.clone()),
        _ => None,
    });
    let order = order.expect("a polling-place slip");
    assert_eq!(order.district.number, 1);
    assert_eq!(order.election.unwrap().title, "Volby pristi");
    // Zpět leads to the street again, with what was typed.
    k.handle(KioskEvent::Back, secs(5));
    assert_eq!(k.screen(), Screen::WhereToVote);
    assert_eq!(k.voting(today()).typed, "vei");
}

#[test]
fn a_split_street_asks_the_house_number_and_says_which_numbers_vote_where() {
    let mut k = kiosk();
    k.handle(KioskEvent::Elections(elections(&[("pristi", 30)])), secs(1));
    start(&mut k);
    type_street(&mut k, "dlouha");
    choose(&mut k, "Dlouhá");
    assert_eq!(k.screen(), Screen::HouseNumber);
    let view = k.voting(today());
    assert_eq!(view.street, "Dlouhá");
    assert_eq!(view.ranges.len(), 2);
    assert_eq!(
        view.ranges[0].numbers,
        crate::portal::validate::HouseNumbers::Odd
    );
    // A house number does not start with 0, and has at most four digits.
    for d in [0, 1, 2, 3, 4, 5, 6] {
        k.handle(KioskEvent::Voting(VotingEvent::Digit(d)), secs(3));
    }
    assert_eq!(k.voting(today()).number, "1234");
    k.handle(KioskEvent::Voting(VotingEvent::Erase), secs(3));
    k.handle(KioskEvent::Voting(VotingEvent::Erase), secs(3));
    k.handle(KioskEvent::Voting(VotingEvent::Find), secs(4));
    assert_eq!(k.screen(), Screen::PollingPlace);
    assert_eq!(k.voting(today()).district.unwrap().number, 2, "12 is even");
}

#[test]
fn a_number_outside_every_range_is_said_so_and_typing_again_clears_it() {
    let mut k = kiosk();
    k.handle(KioskEvent::Elections(elections(&[("pristi", 30)])), secs(1));
    start(&mut k);
    type_street(&mut k, "masaryk");
    choose(&mut k, "Masarykova");
    for d in [3, 0, 1] {
        k.handle(KioskEvent::Voting(VotingEvent::Digit(d)), secs(3));
    }
    k.handle(KioskEvent::Voting(VotingEvent::Find), secs(4));
    assert_eq!(k.screen(), Screen::HouseNumber);
    let view = k.voting(today());
    assert!(view.outside && view.district.is_none());
    k.handle(KioskEvent::Voting(VotingEvent::Erase), secs(5));
    assert!(!k.voting(today()).outside);
    k.handle(KioskEvent::Voting(VotingEvent::Find), secs(5));
    assert_eq!(
        k.voting(today()).district.unwrap().number,
        7,
        "30 is in 1–40"
    );
}

#[test]
fn an_unknown_street_gets_the_closest_names() {
    let mut k = kiosk();
    k.handle(KioskEvent::Elections(elections(&[("pristi", 30)])), secs(1));
    start(&mut k);
    type_street(&mut k, "Masarikova");
    let view = k.voting(today());
    assert!(view.closest);
    assert_eq!(view.suggestions[0], "Masarykova");
    k.handle(KioskEvent::Text(TextEdit::Clear), secs(2));
    type_street(&mut k, "Qwertzuiop");
    let view = k.voting(today());
    assert!(view.closest && view.suggestions.is_empty());
}

#[test]
fn with_no_election_ahead_the_last_one_is_named_and_the_lookup_still_works() {
    let mut k = kiosk();
    k.handle(
        KioskEvent::Elections(elections(&[("minule", -60), ("predtim", -400)])),
        secs(1),
    );
    let view = k.voting(today());
    assert!(view.upcoming.is_empty());
    assert_eq!(view.last.unwrap().title, "Volby minule");
    start(&mut k);
    type_street(&mut k, "veit");
    choose(&mut k, "Veitova");
    let commands = k.handle(KioskEvent::Voting(VotingEvent::Print), secs(4));
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Print { order: PrintOrder::PollingPlace(o), .. } if o.election.is_none()
    )));
}

#[test]
fn what_was_typed_is_bounded_and_forgotten_at_rest() {
    let mut k = kiosk();
    k.handle(KioskEvent::Elections(elections(&[("pristi", 30)])), secs(1));
    // Keys on another screen do not type a street.
    k.handle(KioskEvent::Text(TextEdit::Insert("dl".into())), secs(1));
    assert_eq!(k.voting(today()).typed, "");
    start(&mut k);
    type_street(&mut k, &"x".repeat(100));
    assert_eq!(k.voting(today()).typed.chars().count(), STREET_MAX);
    k.handle(KioskEvent::Text(TextEdit::Clear), secs(2));
    type_street(&mut k, "dlouha");
    choose(&mut k, "Dlouhá");
    k.handle(KioskEvent::Voting(VotingEvent::Digit(7)), secs(3));
    k.handle(KioskEvent::Tick, secs(200));
    assert_eq!(k.screen(), Screen::Promo);
    let view = k.voting(today());
    assert!(view.typed.is_empty() && view.number.is_empty() && view.street.is_empty());
    assert!(view.district.is_none() && view.synced);
}
