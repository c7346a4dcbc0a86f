//! The `Citizen` global: nástěnka, konto plátce, platba, podání, hlídací pes and
//! the slip preview. Callbacks become [`AreaEvent`]s; the area's view is written
//! back once per change (QR pictures only when the payment itself changed).

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer, SharedString};

use super::{model, on, on_arg};
use crate::citizen::{WatchKind as Watch, date_czech};
use crate::kiosk::{AreaEvent, AreaView, KioskEvent};
use crate::payment::QrMatrix;
use crate::portal::types::ObligationKind as Kind;
use crate::ui::{
    AppWindow, Citizen, Inner, LoadState, NotPayable, NoticeRow, ObligationKind, ObligationRow,
    PayState, SubmissionRow, WatchKind, WatchRow,
};

/// What of the area is on screen already.
#[derive(Debug, Default)]
pub struct Drawn {
    /// The area's revision last drawn (0: nothing yet).
    pub revision: u64,
    /// The payment intent whose QR codes are on screen.
    pay_intent: Option<String>,
}

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let area = |e| Some(KioskEvent::Area(e));
    let c = app.global::<Citizen>();
    c.on_pay(on_arg(inner, move |id: SharedString| {
        area(AreaEvent::Pay(id.to_string()))
    }));
    c.on_toggle_select(on_arg(inner, move |id: SharedString| {
        area(AreaEvent::ToggleSelect(id.to_string()))
    }));
    c.on_toggle_watch(on_arg(inner, move |kind| {
        area(AreaEvent::ToggleWatch(match kind {
            WatchKind::NewObligation => Watch::NewObligation,
            WatchKind::DueDate => Watch::DueDate,
            WatchKind::Submission => Watch::Submission,
            WatchKind::Election => Watch::Election,
        }))
    }));
    c.on_pay_selected(on(inner, KioskEvent::Area(AreaEvent::PaySelected)));
    c.on_new_intent(on(inner, KioskEvent::Area(AreaEvent::NewIntent)));
    c.on_retry(on(inner, KioskEvent::Area(AreaEvent::Retry)));
    c.on_print_payment(on(inner, KioskEvent::Area(AreaEvent::PrintPayment)));
    c.on_print_proof(on(inner, KioskEvent::Area(AreaEvent::PrintProof)));
    c.on_close_preview(on(inner, KioskEvent::Area(AreaEvent::ClosePreview)));
}

fn s(text: &str) -> SharedString {
    SharedString::from(text)
}

fn qr_image(matrix: &QrMatrix) -> Image {
    // 8 px per module: crisp when Slint scales it to the widget (pixelated).
    gray_image(&matrix.to_image(8))
}

/// A gray picture (a QR code, a slip preview) as a Slint image.
pub fn gray_image(gray: &image::GrayImage) -> Image {
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(gray.width(), gray.height());
    for (dst, src) in buffer.make_mut_slice().iter_mut().zip(gray.pixels()) {
        let v = src.0[0];
        *dst = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

/// The user is forgotten: the pictures go too (the view empties the rest).
pub(in crate::ui) fn forget(app: &AppWindow, drawn: &mut Drawn) {
    let c = app.global::<Citizen>();
    c.set_pay_qr(Image::default());
    c.set_gateway_qr(Image::default());
    c.set_slip_preview(Image::default());
    drawn.pay_intent = None;
}

/// The slip's picture (drawn off the UI thread) on screen: pixels into an image.
pub(in crate::ui) fn show_picture(app: &AppWindow, picture: &crate::printing::SlipPicture) {
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(picture.width, picture.height);
    for (dst, &v) in buffer
        .make_mut_slice()
        .iter_mut()
        .zip(picture.pixels.iter())
    {
        *dst = Rgb8Pixel { r: v, g: v, b: v };
    }
    app.global::<Citizen>()
        .set_slip_preview(Image::from_rgb8(buffer));
}

/// Days from `today` to `day` (negative: past), for the UI's words ("zítra").
fn days_from(today: chrono::NaiveDate, day: chrono::NaiveDate) -> i32 {
    (day - today).num_days().clamp(-9999, 9999) as i32
}

pub fn apply(app: &AppWindow, area: &AreaView, drawn: &mut Drawn) {
    drawn.revision = area.revision;
    let today = area.today;
    let c = app.global::<Citizen>();
    c.set_load(load(area.load));
    let d = area.dashboard.clone().unwrap_or_default();
    c.set_unpaid_count(d.unpaid_count as i32);
    c.set_unpaid_total(s(&d.unpaid_total));
    c.set_overdue_count(d.overdue_count as i32);
    c.set_nearest_due(s(&d.nearest_due));
    c.set_nearest_due_in(
        d.nearest_due_day
            .map_or(i32::MAX, |day| days_from(today, day)),
    );
    c.set_open_submissions(d.open_submissions as i32);
    c.set_notices(model(
        d.notices
            .iter()
            .zip(&d.notice_days)
            .map(|((title, text, date), day)| NoticeRow {
                title: s(title),
                text: s(text),
                date: s(date),
                date_in: days_from(today, *day),
            })
            .collect(),
    ));
    c.set_has_election(d.election.is_some());
    let (title, date, place, address) = d.election.clone().unwrap_or_default();
    c.set_election_title(s(&title));
    c.set_election_date(s(&date));
    c.set_election_place(s(&place));
    c.set_election_address(s(&address));

    let row = |r: &crate::citizen::ObligationRowData| ObligationRow {
        id: s(&r.id),
        kind: match r.kind {
            Kind::Waste => ObligationKind::Waste,
            Kind::Dog => ObligationKind::Dog,
            Kind::Fine => ObligationKind::Fine,
            Kind::Other | Kind::Unknown => ObligationKind::Other,
        },
        title: s(&r.title),
        period: s(&r.period),
        amount: s(&r.amount),
        due: s(&r.due),
        due_in: r.due_in_days.clamp(-9999, 9999) as i32,
        paid_at: s(&r.paid_at),
        overdue: r.overdue,
        paid: r.paid,
        payable: !r.paid && r.problem.is_none(),
        problem: match r.problem {
            None => NotPayable::None,
            Some(crate::citizen::NotPayable::Amount) => NotPayable::Amount,
            Some(crate::citizen::NotPayable::Account) => NotPayable::Account,
            Some(crate::citizen::NotPayable::Symbol) => NotPayable::Symbol,
        },
        note: s(&r.note),
        selected: r.selected,
    };
    c.set_to_pay(model(area.to_pay.iter().map(row).collect()));
    c.set_paid(model(area.paid.iter().map(row).collect()));
    c.set_selected_count(area.selected_count as i32);
    c.set_payable_count(
        area.to_pay
            .iter()
            .filter(|o| o.problem.is_none() && !o.paid)
            .count() as i32,
    );
    c.set_selected_total(s(&area.selected_total));

    c.set_pay_title(s(&area.pay_title));
    c.set_pay_state(match area.pay_state {
        crate::kiosk::PayState::Preparing => PayState::Preparing,
        crate::kiosk::PayState::Ready => PayState::Ready,
        crate::kiosk::PayState::Paid => PayState::Paid,
        crate::kiosk::PayState::Expired => PayState::Expired,
        crate::kiosk::PayState::Failed => PayState::Failed,
        crate::kiosk::PayState::NotPayable => PayState::NotPayable,
    });
    let pay = area.pay.as_ref();
    let text = |f: fn(&crate::citizen::PayView) -> &str| s(pay.map_or("", |(_, v)| f(v)));
    c.set_pay_amount(text(|v| &v.amount));
    c.set_pay_account(text(|v| &v.account));
    c.set_pay_iban(text(|v| &v.iban));
    c.set_pay_vs(text(|v| &v.vs));
    c.set_pay_ss(text(|v| &v.ss));
    c.set_pay_ks(text(|v| &v.ks));
    c.set_pay_message(text(|v| &v.message));
    let intent = pay.map(|(id, _)| id.clone());
    if intent != drawn.pay_intent {
        // A new payment: its codes are drawn once, not at every poll.
        let view = pay.map(|(_, v)| v);
        c.set_pay_qr(
            view.and_then(|v| v.qr.as_ref().ok())
                .map_or_else(Image::default, |(_, m)| qr_image(m)),
        );
        let gateway = view.and_then(|v| v.gateway_qr.as_ref());
        c.set_pay_has_gateway(gateway.is_some());
        c.set_gateway_qr(gateway.map_or_else(Image::default, qr_image));
        drawn.pay_intent = intent;
    }
    c.set_slip_preview_visible(area.preview_visible);
    c.set_print_status(super::staff::print_status(area.print_status));

    c.set_submissions(model(
        area.submissions
            .iter()
            .map(|x| SubmissionRow {
                title: s(&x.title),
                submitted: s(&date_czech(x.submitted_at.date_naive())),
                submitted_in: days_from(area.today, x.submitted_at.date_naive()),
                state: s(&x.state_text),
                last_activity: s(&date_czech(x.last_activity_at.date_naive())),
                activity_in: days_from(area.today, x.last_activity_at.date_naive()),
                open: x.state != "closed",
            })
            .collect(),
    ));
    c.set_watchdog(model(
        area.watchdog
            .iter()
            .map(|(kind, on)| WatchRow {
                kind: match kind {
                    Watch::NewObligation => WatchKind::NewObligation,
                    Watch::DueDate => WatchKind::DueDate,
                    Watch::Submission => WatchKind::Submission,
                    Watch::Election => WatchKind::Election,
                },
                on: *on,
            })
            .collect(),
    ));
    c.set_watchdog_email(s(&area.watchdog_email));
    c.set_watchdog_saving(area.watchdog_saving);
}

pub(in crate::ui) fn load(state: crate::kiosk::LoadState) -> LoadState {
    match state {
        crate::kiosk::LoadState::Idle => LoadState::Idle,
        crate::kiosk::LoadState::Loading => LoadState::Loading,
        crate::kiosk::LoadState::Ready => LoadState::Ready,
        crate::kiosk::LoadState::Failed => LoadState::Failed,
    }
}
