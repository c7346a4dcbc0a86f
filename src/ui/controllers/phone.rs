//! The `Phone` global (the phone login's stage, its QR code, code, address and
//! countdown, the demo's phone) and the `LoginHelp` global (where to go without
//! a login, from the synced contacts).

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Image, SharedString};

use super::{model, on};
use crate::kiosk::{HelpPlace, KioskEvent, KioskView, LoginHelpView, PhoneStage as Stage};
use crate::payment::QrMatrix;
use crate::ui::{AppWindow, HoursRow, Inner, LoginHelp, Phone, PhoneStage};

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let phone = app.global::<Phone>();
    phone.on_start(on(inner, KioskEvent::PhoneStart));
    phone.on_cancel(on(inner, KioskEvent::PhoneCancel));
    let weak = Rc::downgrade(inner);
    phone.on_demo_approve(move || {
        if let Some(inner) = weak.upgrade() {
            let inner = inner.borrow();
            // The demo's phone approves at the backend; the poll brings the session.
            if let Some(demo) = inner.adapters.phone.as_ref().and_then(|p| p.demo()) {
                demo.approve();
            }
        }
    });
}

/// The QR code on screen, drawn once per code (the view changes every second).
#[derive(Default)]
pub struct PhoneDrawn {
    qr: String,
}

pub(in crate::ui) fn apply(app: &AppWindow, view: &KioskView, drawn: &mut PhoneDrawn) {
    let p = app.global::<Phone>();
    let phone = &view.phone;
    p.set_available(phone.available);
    p.set_stage(stage(phone.stage));
    p.set_user_code(phone.user_code.as_str().into());
    p.set_address(phone.address.as_str().into());
    p.set_time_left(format!("{}:{:02}", phone.seconds_left / 60, phone.seconds_left % 60).into());
    if drawn.qr != phone.qr {
        drawn.qr.clone_from(&phone.qr);
        p.set_qr(qr_image(&phone.qr));
    }
}

/// One pixel per module: the screen scales it by whole pixels (crisp modules).
fn qr_image(text: &str) -> Image {
    if text.is_empty() {
        return Image::default();
    }
    match QrMatrix::encode(text) {
        Ok(matrix) => super::citizen::gray_image(&matrix.to_image(1)),
        Err(e) => {
            tracing::warn!(error = %e, "the phone login's address does not fit a QR code");
            Image::default()
        }
    }
}

fn stage(stage: Stage) -> PhoneStage {
    match stage {
        Stage::Requesting => PhoneStage::Requesting,
        Stage::Code => PhoneStage::Code,
        Stage::Expired => PhoneStage::Expired,
        Stage::Denied => PhoneStage::Denied,
        Stage::Failed => PhoneStage::Failed,
    }
}

/// Writes where the help sends people (public content: no personal data).
pub fn apply_help(app: &AppWindow, help: &LoginHelpView) {
    let h = app.global::<LoginHelp>();
    let hours = |place: Option<&HelpPlace>| {
        model(
            place
                .map(|p| {
                    p.hours
                        .iter()
                        .map(|(day, hours)| HoursRow {
                            day: day.as_str().into(),
                            hours: hours.as_str().into(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    let text = |place: Option<&HelpPlace>, f: fn(&HelpPlace) -> &str| {
        SharedString::from(place.map_or("", f))
    };
    let id = help.id_cards.as_ref();
    h.set_has_id_office(id.is_some());
    h.set_id_office_name(text(id, |p| &p.department));
    h.set_id_office_place(text(id, |p| &p.place));
    h.set_id_office_address(text(id, |p| &p.address));
    h.set_id_office_room(text(id, |p| &p.room));
    h.set_id_office_hours(hours(id));
    let cash = help.cashier.as_ref();
    h.set_has_cashier(cash.is_some());
    h.set_cashier_place(text(cash, |p| &p.place));
    h.set_cashier_address(text(cash, |p| &p.address));
    h.set_cashier_room(text(cash, |p| &p.room));
    h.set_cashier_hours(hours(cash));
}
