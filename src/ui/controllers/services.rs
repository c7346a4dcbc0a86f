//! The `Services` and `Keyboard` globals: Služby úřadu, the contacts search and
//! the on-screen keyboard. Lists are replaced only when their rows changed (a
//! new model would scroll a list back to its top under the citizen's finger);
//! QR codes are drawn only when the service on screen changed.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Image, SharedString};

use super::{model, on, on_arg};
use crate::kiosk::{KioskEvent, SearchState as State, ServicesEvent, ServicesView, TextEdit};
use crate::payment::QrMatrix;
use crate::services::{Browse, FormKind as Kind, GroupRow as Group, ServiceRow as Row};
use crate::ui::{
    AppWindow, BrowseBy, ContactHitRow, DayRow, FormKind, FormRow, GroupRow, Inner, Keyboard,
    SearchState, ServiceRow, Services,
};

/// What is on screen already.
#[derive(Debug, Default)]
pub struct Drawn {
    groups: Option<Vec<Group>>,
    list: Option<Vec<Row>>,
    results: Option<Vec<Row>>,
    hits: Option<Vec<crate::kiosk::ContactHitRow>>,
    /// The service whose detail (and QR codes) is drawn.
    detail: Option<crate::services::ServiceDetail>,
}

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let event = |e| Some(KioskEvent::Services(e));
    let s = app.global::<Services>();
    s.on_browse_by(on_arg(inner, move |b| {
        event(ServicesEvent::Browse(match b {
            BrowseBy::Categories => Browse::Categories,
            BrowseBy::Departments => Browse::Departments,
        }))
    }));
    s.on_open_group(on_arg(inner, move |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| event(ServicesEvent::OpenGroup(i)))
    }));
    s.on_open_service(on_arg(inner, move |id: SharedString| {
        event(ServicesEvent::OpenService(id.to_string()))
    }));
    s.on_start_search(on(inner, KioskEvent::Services(ServicesEvent::Search)));
    s.on_start_contact_search(on(
        inner,
        KioskEvent::Services(ServicesEvent::SearchContacts),
    ));
    s.on_open_contact_hit(on_arg(inner, move |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| event(ServicesEvent::OpenContactHit(i)))
    }));
    s.on_print(on(inner, KioskEvent::Services(ServicesEvent::Print)));
    s.on_show_reservation(on_arg(inner, move |shown: bool| {
        event(ServicesEvent::ShowReservation(shown))
    }));
    let k = app.global::<Keyboard>();
    k.on_typed(on_arg(inner, |text: SharedString| {
        Some(KioskEvent::Text(TextEdit::Insert(text.to_string())))
    }));
    k.on_erase(on(inner, KioskEvent::Text(TextEdit::Erase)));
    k.on_clear(on(inner, KioskEvent::Text(TextEdit::Clear)));
}

fn state(s: State) -> SearchState {
    match s {
        State::Empty => SearchState::Empty,
        State::Searching => SearchState::Searching,
        State::Found => SearchState::Found,
        State::NoResults => SearchState::NoResults,
        State::Failed => SearchState::Failed,
    }
}

fn rows(rows: &[Row]) -> slint::ModelRc<ServiceRow> {
    model(
        rows.iter()
            .map(|r| ServiceRow {
                id: r.id.as_str().into(),
                title: r.title.as_str().into(),
                note: r.note.as_str().into(),
            })
            .collect(),
    )
}

/// A link as a QR code picture (None if it cannot be encoded).
fn qr(url: &str) -> Option<Image> {
    QrMatrix::encode(url)
        .ok()
        .map(|m| super::citizen::gray_image(&m.to_image(8)))
}

/// Sets `value` only when it differs from what `drawn` says is on screen.
fn changed<T: PartialEq + Clone>(drawn: &mut Option<T>, value: &T) -> bool {
    if drawn.as_ref() == Some(value) {
        return false;
    }
    *drawn = Some(value.clone());
    true
}

pub(in crate::ui) fn apply(app: &AppWindow, view: &ServicesView, drawn: &mut Drawn) {
    let s = app.global::<Services>();
    s.set_browse(match view.browse {
        Browse::Categories => BrowseBy::Categories,
        Browse::Departments => BrowseBy::Departments,
    });
    if changed(&mut drawn.groups, &view.groups) {
        s.set_groups(model(
            view.groups
                .iter()
                .map(|g| GroupRow {
                    title: g.title.as_str().into(),
                    count: i32::try_from(g.count).unwrap_or(i32::MAX),
                })
                .collect(),
        ));
    }
    s.set_list_title(view.list_title.as_str().into());
    if changed(&mut drawn.list, &view.list) {
        s.set_list(rows(&view.list));
    }
    s.set_query(view.query.as_str().into());
    s.set_search(state(view.search));
    if changed(&mut drawn.results, &view.results) {
        s.set_results(rows(&view.results));
    }
    s.set_contact_query(view.contact_query.as_str().into());
    s.set_contact_search(state(view.contact_search));
    if changed(&mut drawn.hits, &view.contact_hits) {
        s.set_contact_hits(model(
            view.contact_hits
                .iter()
                .map(|h| ContactHitRow {
                    title: h.title.as_str().into(),
                    detail: h.detail.as_str().into(),
                    department: h.department.as_str().into(),
                })
                .collect(),
        ));
    }
    s.set_reservation_shown(view.reservation_shown);
    if drawn.detail != view.detail {
        drawn.detail = view.detail.clone();
        detail(&s, view.detail.as_ref());
    }
}

fn detail(s: &Services<'_>, d: Option<&crate::services::ServiceDetail>) {
    s.set_has_detail(d.is_some());
    let text = |f: fn(&crate::services::ServiceDetail) -> &str| SharedString::from(d.map_or("", f));
    s.set_title(text(|d| &d.title));
    s.set_summary(text(|d| &d.summary));
    s.set_place(text(|d| &d.place));
    s.set_building(text(|d| &d.building));
    s.set_address(text(|d| &d.address));
    s.set_room(text(|d| &d.room));
    s.set_how(text(|d| &d.how));
    s.set_department(text(|d| &d.department));
    s.set_with_whom(text(|d| &d.with_whom));
    s.set_contact_name(text(|d| &d.contact_name));
    s.set_contact_phone(text(|d| &d.contact_phone));
    s.set_cost(text(|d| &d.cost));
    s.set_deadlines(text(|d| &d.deadlines));
    let strings = |items: &[String]| -> slint::ModelRc<SharedString> {
        model(items.iter().map(|x| x.as_str().into()).collect())
    };
    s.set_steps(strings(d.map_or(&[], |d| &d.steps)));
    s.set_bring(strings(d.map_or(&[], |d| &d.bring)));
    s.set_closed_today(d.is_some_and(|d| d.closed_today));
    s.set_hours(model(d.map_or_else(Vec::new, |d| {
        d.hours
            .iter()
            .map(|h| DayRow {
                day: h.day.as_str().into(),
                hours: h.hours.as_str().into(),
                today: h.today,
            })
            .collect()
    })));
    s.set_forms(model(d.map_or_else(Vec::new, |d| {
        d.forms
            .iter()
            .map(|f| {
                let picture = f.qr.then(|| qr(&f.url)).flatten();
                FormRow {
                    name: f.name.as_str().into(),
                    format: f.format.as_str().into(),
                    kind: match f.kind {
                        Kind::Pdf => FormKind::Pdf,
                        Kind::Zfo => FormKind::Zfo,
                        Kind::Document => FormKind::Document,
                        Kind::Other => FormKind::Other,
                    },
                    has_qr: picture.is_some(),
                    qr: picture.unwrap_or_default(),
                }
            })
            .collect()
    })));
    s.set_has_refused_link(
        d.is_some_and(|d| d.reservation_refused || d.forms.iter().any(|f| !f.qr)),
    );
    let reservation = d.and_then(|d| d.reservation.as_deref()).and_then(qr);
    s.set_has_reservation(reservation.is_some());
    s.set_reservation_qr(reservation.unwrap_or_default());
}
