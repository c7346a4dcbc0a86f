//! The `Staff` global: the counter's staff PIN pad, the desk (variable symbol,
//! payer, reprints), the printer's and reader's state and the service screen.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{digit, on, on_arg};
use crate::kiosk::{AreaEvent, DeskView, KioskEvent, KioskView, ReaderStatus};
use crate::ui::{AppWindow, Inner, PrintStatus, PrinterStatus, ReaderState, Staff};

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let staff = app.global::<Staff>();
    let area = |e| KioskEvent::Area(e);
    staff.on_digit(on_arg(inner, |d| digit(d).map(KioskEvent::StaffDigit)));
    staff.on_erase(on(inner, KioskEvent::StaffErase));
    staff.on_confirm(on(inner, KioskEvent::StaffConfirm));
    staff.on_vs_digit(on_arg(inner, move |d| {
        digit(d).map(|d| area(AreaEvent::VsDigit(d)))
    }));
    staff.on_vs_erase(on(inner, area(AreaEvent::VsErase)));
    staff.on_search(on(inner, area(AreaEvent::Search)));
    staff.on_reprint(on(inner, area(AreaEvent::Reprint)));
    staff.on_test_print(on(inner, area(AreaEvent::TestPrint)));
    staff.on_retry_waiting(on(inner, area(AreaEvent::RetryWaiting)));
    staff.on_cancel_waiting(on(inner, area(AreaEvent::CancelWaiting)));
    staff.on_sync_now(on(inner, area(AreaEvent::SyncNow)));
    staff.on_refresh_status(on(inner, area(AreaEvent::RefreshPrinter)));
}

/// Whether any staff member can log in at this counter.
pub(in crate::ui) fn set_configured(app: &AppWindow, staff_configured: bool) {
    app.global::<Staff>().set_configured(staff_configured);
}

pub(in crate::ui) fn apply(app: &AppWindow, view: &KioskView) {
    let staff = app.global::<Staff>();
    let s = &view.staff;
    staff.set_pin_length(s.pin_length as i32);
    staff.set_pin_min(crate::kiosk::STAFF_PIN_MIN as i32);
    staff.set_pin_max(crate::kiosk::STAFF_PIN_MAX as i32);
    staff.set_verifying(s.verifying);
    staff.set_wrong_attempts_left(s.wrong_attempts_left.map_or(-1, |n| n as i32));
    staff.set_locked_seconds(s.locked_seconds.unwrap_or(0).min(i32::MAX as u64) as i32);
    staff.set_service_error(s.service_error);
    staff.set_not_a_counter(s.not_a_counter);
    staff.set_name(match &view.session {
        Some(session) if session.staff => session.first_name.as_str().into(),
        _ => SharedString::new(),
    });
    staff.set_reader_state(match view.reader {
        ReaderStatus::Unknown => ReaderState::Unknown,
        ReaderStatus::Ready => ReaderState::Ready,
        ReaderStatus::Problem => ReaderState::Problem,
        ReaderStatus::None => ReaderState::None,
    });
}

pub(in crate::ui) fn apply_desk(app: &AppWindow, desk: &DeskView) {
    let staff = app.global::<Staff>();
    staff.set_vs(desk.vs.as_str().into());
    staff.set_lookup(super::citizen::load(desk.lookup));
    staff.set_looked_up_vs(desk.looked_up_vs.as_str().into());
    staff.set_payer_name(desk.payer_name.as_str().into());
    staff.set_paid_count(desk.paid_count.min(i32::MAX as usize) as i32);
    staff.set_printer_state(printer_status(desk.printer));
    staff.set_waiting_jobs(desk.waiting_jobs.min(i32::MAX as usize) as i32);
    staff.set_sync_requested(desk.sync_requested);
    staff.set_reprint_count(i32::from(desk.reprint_count));
    staff.set_print_status(print_status(desk.print_status));
}

fn printer_status(status: Option<crate::kiosk::PrinterStatus>) -> PrinterStatus {
    use crate::kiosk::PrinterState as S;
    use crate::kiosk::PrinterStatus as P;
    match status {
        None | Some(P::Asking) => PrinterStatus::Asking,
        Some(P::None) => PrinterStatus::None,
        Some(P::NoAnswer) | Some(P::State(S::NoAnswer)) => PrinterStatus::NoAnswer,
        Some(P::State(S::Ready)) => PrinterStatus::Ready,
        Some(P::State(S::PaperNearEnd)) => PrinterStatus::PaperNearEnd,
        Some(P::State(S::PaperEnd)) => PrinterStatus::PaperEnd,
        Some(P::State(S::CoverOpen)) => PrinterStatus::CoverOpen,
        Some(P::State(S::Offline)) => PrinterStatus::Offline,
        Some(P::State(S::Unknown)) => PrinterStatus::Unknown,
    }
}

pub(in crate::ui) fn print_status(status: crate::kiosk::PrintStatus) -> PrintStatus {
    use crate::kiosk::PrintStatus as P;
    match status {
        P::None => PrintStatus::None,
        P::Printing => PrintStatus::Printing,
        P::Printed => PrintStatus::Printed,
        P::PaperEnd => PrintStatus::PaperEnd,
        P::CoverOpen => PrintStatus::CoverOpen,
        P::Offline => PrintStatus::Offline,
        P::NoPrinter => PrintStatus::NoPrinter,
        P::Invalid => PrintStatus::Invalid,
    }
}
