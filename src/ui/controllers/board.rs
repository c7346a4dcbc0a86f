//! The `Board` and `Voting` globals: the úřední deska, a nástěnka notice in
//! full, Volby and "Kde volím?". Lists are replaced only when their rows
//! changed (a new model would scroll a list back to its top under the
//! citizen's finger); QR codes are drawn only when the notice or the polling
//! place on screen changed. Days go to the UI as numbers, worded there in the
//! language shown.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{Datelike, NaiveDate};
use slint::{ComponentHandle, Image, SharedString};

use super::{digit, model, on, on_arg};
use crate::kiosk::{BoardEvent, BoardView, ElectionDays, KioskEvent, VotingEvent, VotingView};
use crate::payment::QrMatrix;
use crate::portal::validate::HouseNumbers as Numbers;
use crate::ui::{
    AgendaRow, AppWindow, Board, BoardDocumentRow, BoardNoticeRow, DayWords, ElectionDayRow,
    ElectionRow, HouseNumbers, Inner, StreetRangeRow, Voting,
};

/// What is on screen already.
#[derive(Debug, Default)]
pub struct Drawn {
    notices: Option<Vec<crate::kiosk::NoticeItem>>,
    agendas: Option<Vec<(String, usize)>>,
    /// The notice whose documents (and QR codes) are drawn.
    notice: Option<crate::kiosk::NoticeDetail>,
    suggestions: Option<Vec<String>>,
    /// The map link whose QR code is drawn.
    map: Option<Option<String>>,
}

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let board = |e| Some(KioskEvent::Board(e));
    let b = app.global::<Board>();
    b.on_choose_agendas(on(inner, KioskEvent::Board(BoardEvent::ChooseAgendas)));
    b.on_choose_agenda(on_arg(inner, move |i: i32| {
        board(BoardEvent::Agenda(usize::try_from(i).ok()))
    }));
    b.on_open_notice(on_arg(inner, move |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| board(BoardEvent::OpenNotice(i)))
    }));
    b.on_print(on(inner, KioskEvent::Board(BoardEvent::Print)));
    b.on_open_dashboard_notice(on_arg(inner, move |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| board(BoardEvent::OpenDashboardNotice(i)))
    }));
    b.on_dashboard_step(on_arg(inner, move |step: i32| {
        board(BoardEvent::DashboardNoticeStep(if step < 0 {
            -1
        } else {
            1
        }))
    }));
    let voting = |e| Some(KioskEvent::Voting(e));
    let v = app.global::<Voting>();
    v.on_start(on(inner, KioskEvent::Voting(VotingEvent::Start)));
    v.on_choose_street(on_arg(inner, move |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| voting(VotingEvent::ChooseStreet(i)))
    }));
    v.on_digit(on_arg(inner, move |d: i32| {
        digit(d).and_then(|d| voting(VotingEvent::Digit(d)))
    }));
    v.on_erase(on(inner, KioskEvent::Voting(VotingEvent::Erase)));
    v.on_find(on(inner, KioskEvent::Voting(VotingEvent::Find)));
    v.on_print(on(inner, KioskEvent::Voting(VotingEvent::Print)));
}

/// A day as the UI words it (zeros: no day).
pub fn day_words(d: Option<NaiveDate>) -> DayWords {
    match d {
        Some(d) => DayWords {
            day: d.day() as i32,
            month: d.month() as i32,
            year: d.year(),
            weekday: d.weekday().num_days_from_monday() as i32,
        },
        None => DayWords::default(),
    }
}

/// A link as a QR code picture (None if it cannot be encoded).
fn qr(url: &str) -> Option<Image> {
    QrMatrix::encode(url)
        .ok()
        .map(|m| super::citizen::gray_image(&m.to_image(8)))
}

/// Whether `value` differs from what `drawn` says is on screen (and remember it).
fn changed<T: PartialEq + Clone>(drawn: &mut Option<T>, value: &T) -> bool {
    if drawn.as_ref() == Some(value) {
        return false;
    }
    *drawn = Some(value.clone());
    true
}

fn s(text: &str) -> SharedString {
    text.into()
}

pub(in crate::ui) fn apply_board(app: &AppWindow, view: &BoardView, drawn: &mut Drawn) {
    let b = app.global::<Board>();
    b.set_synced(view.synced);
    b.set_total(i32::try_from(view.total).unwrap_or(i32::MAX));
    b.set_agenda(s(view.agenda.as_deref().unwrap_or("")));
    if changed(&mut drawn.notices, &view.notices) {
        b.set_notices(model(
            view.notices
                .iter()
                .map(|n| BoardNoticeRow {
                    title: s(&n.title),
                    posted: day_words(n.posted),
                    until: day_words(n.until),
                    permanent: n.until.is_none(),
                    agendas: s(&n.agendas),
                    documents: i32::try_from(n.documents).unwrap_or(i32::MAX),
                })
                .collect(),
        ));
    }
    if changed(&mut drawn.agendas, &view.agendas) {
        b.set_agendas(model(
            view.agendas
                .iter()
                .map(|(title, count)| AgendaRow {
                    title: s(title),
                    count: i32::try_from(*count).unwrap_or(i32::MAX),
                })
                .collect(),
        ));
    }
    if drawn.notice != view.notice {
        drawn.notice = view.notice.clone();
        b.set_has_notice(view.notice.is_some());
        let empty = crate::kiosk::NoticeDetail {
            notice: crate::noticeboard::BoardNotice {
                id: String::new(),
                url: None,
                title: String::new(),
                text: String::new(),
                posted: crate::noticeboard::BoardDate::Unspecified,
                until: crate::noticeboard::BoardDate::Unspecified,
                reference: String::new(),
                file_mark: String::new(),
                agendas: Vec::new(),
                documents: Vec::new(),
            },
            posted: None,
            until: None,
            expired: false,
        };
        let d = view.notice.as_ref().unwrap_or(&empty);
        let n = &d.notice;
        b.set_title(s(&n.title));
        b.set_text(s(&n.text));
        b.set_posted(day_words(d.posted));
        b.set_until(day_words(d.until));
        b.set_permanent(d.until.is_none());
        b.set_expired(d.expired);
        b.set_reference(s(&n.reference));
        b.set_file_mark(s(&n.file_mark));
        b.set_notice_agendas(s(&n.agendas.join(", ")));
        b.set_documents(model(
            n.documents
                .iter()
                .map(|doc| {
                    let code = doc.qr.then(|| qr(&doc.url)).flatten();
                    BoardDocumentRow {
                        name: s(&doc.name),
                        has_qr: code.is_some(),
                        qr: code.unwrap_or_default(),
                    }
                })
                .collect(),
        ));
    }
    let d = view
        .dashboard_notice
        .clone()
        .unwrap_or(crate::kiosk::DashboardNotice {
            title: String::new(),
            text: String::new(),
            date: String::new(),
            position: 0,
            count: 0,
        });
    b.set_dashboard_title(s(&d.title));
    b.set_dashboard_text(s(&d.text));
    b.set_dashboard_date(s(&d.date));
    b.set_dashboard_position(i32::try_from(d.position).unwrap_or(0));
    b.set_dashboard_count(i32::try_from(d.count).unwrap_or(0));
}

fn election_row(e: &ElectionDays) -> ElectionRow {
    ElectionRow {
        title: s(&e.title),
        days: model(
            e.days
                .iter()
                .map(|(day, hours)| ElectionDayRow {
                    day: day_words(Some(*day)),
                    hours: s(hours),
                })
                .collect(),
        ),
    }
}

pub(in crate::ui) fn apply_voting(app: &AppWindow, view: &VotingView, drawn: &mut Drawn) {
    let v = app.global::<Voting>();
    v.set_synced(view.synced);
    v.set_upcoming(model(view.upcoming.iter().map(election_row).collect()));
    v.set_has_last(view.last.is_some());
    v.set_last(view.last.as_ref().map(election_row).unwrap_or_default());
    v.set_typed(s(&view.typed));
    if changed(&mut drawn.suggestions, &view.suggestions) {
        v.set_suggestions(model(view.suggestions.iter().map(|x| s(x)).collect()));
    }
    v.set_closest(view.closest);
    v.set_street(s(&view.street));
    v.set_ranges(model(
        view.ranges
            .iter()
            .map(|r| {
                let (numbers, from, to) = match r.numbers {
                    Numbers::All => (HouseNumbers::All, 0, 0),
                    Numbers::Odd => (HouseNumbers::Odd, 0, 0),
                    Numbers::Even => (HouseNumbers::Even, 0, 0),
                    Numbers::Range(a, b) => (
                        HouseNumbers::Range,
                        i32::try_from(a).unwrap_or(i32::MAX),
                        i32::try_from(b).unwrap_or(i32::MAX),
                    ),
                };
                StreetRangeRow {
                    district: i32::try_from(r.district).unwrap_or(i32::MAX),
                    numbers,
                    from,
                    to,
                }
            })
            .collect(),
    ));
    v.set_number(s(&view.number));
    v.set_outside(view.outside);
    let d = view.district.as_ref();
    v.set_has_district(d.is_some());
    v.set_district(d.map_or(0, |d| i32::try_from(d.number).unwrap_or(i32::MAX)));
    let text = |f: fn(&crate::portal::types::PollingDistrict) -> &str| s(d.map_or("", f));
    v.set_place(text(|d| &d.place));
    v.set_address(text(|d| &d.address));
    v.set_room(text(|d| &d.room));
    v.set_entrance(text(|d| d.entrance.as_deref().unwrap_or("")));
    v.set_accessibility(text(|d| d.accessibility.as_deref().unwrap_or("")));
    if changed(&mut drawn.map, &view.map_link) {
        let code = view.map_link.as_deref().and_then(qr);
        v.set_has_map(code.is_some());
        v.set_map_qr(code.unwrap_or_default());
    }
}
