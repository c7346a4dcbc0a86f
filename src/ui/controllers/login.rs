//! The `Login` global (the eObčanka login's stages and PIN pad, the demo card)
//! and the `Session` global (first name, idle warning, logout).

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{digit, on, on_arg};
use crate::kiosk::ports::Pin;
use crate::kiosk::{KioskEvent, KioskView};
use crate::ui::{AppWindow, Inner, Login, LoginStage, Session};

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let login = app.global::<Login>();
    login.on_digit(on_arg(inner, |d| digit(d).map(KioskEvent::PinDigit)));
    login.on_erase(on(inner, KioskEvent::PinErase));
    login.on_confirm(on(inner, KioskEvent::PinConfirm));
    login.on_cancel(on(inner, KioskEvent::LoginCancel));
    login.on_retry(on(inner, KioskEvent::LoginRetry));
    for inserted in [true, false] {
        // The demo card is a simulated reader: the adapter reports it like a real one.
        let weak = Rc::downgrade(inner);
        let f = move || {
            if let Some(inner) = weak.upgrade() {
                let inner = inner.borrow();
                if let Some(card) = inner.adapters.card.as_ref().and_then(|c| c.demo_card()) {
                    card.set_inserted(inserted);
                }
            }
        };
        if inserted {
            login.on_demo_insert_card(f);
        } else {
            login.on_demo_remove_card(f);
        }
    }
    let session = app.global::<Session>();
    session.on_keep_alive(on(inner, KioskEvent::KeepAlive));
    session.on_logout(on(inner, KioskEvent::Logout));
}

pub(in crate::ui) fn apply(app: &AppWindow, view: &KioskView) {
    let login = app.global::<Login>();
    login.set_stage(stage(view.login.stage));
    login.set_tries_left(i32::from(view.login.tries_left));
    login.set_tries_max(i32::from(view.login.tries_max));
    login.set_pin_length(view.login.pin_length as i32);
    login.set_pin_min(Pin::MIN as i32);
    login.set_pin_max(Pin::MAX as i32);
    login.set_wrong_pin(view.login.wrong_pin);
    let session = app.global::<Session>();
    match &view.session {
        Some(s) => {
            session.set_active(true);
            session.set_first_name(s.first_name.as_str().into());
            session.set_confirm_name(s.confirm_name.as_deref().unwrap_or_default().into());
            session.set_warning(s.warning_seconds.is_some());
            session.set_warning_seconds(s.warning_seconds.unwrap_or(0) as i32);
        }
        None => {
            session.set_active(false);
            session.set_first_name(SharedString::new());
            session.set_confirm_name(SharedString::new());
            session.set_warning(false);
            session.set_warning_seconds(0);
        }
    }
}

fn stage(stage: crate::kiosk::LoginStage) -> LoginStage {
    use crate::kiosk::LoginStage as S;
    match stage {
        S::InsertCard => LoginStage::InsertCard,
        S::Reading => LoginStage::Reading,
        S::Pin => LoginStage::Pin,
        S::Verifying => LoginStage::Verifying,
        S::Blocked => LoginStage::Blocked,
        S::NotEObcanka => LoginStage::NotEobcanka,
        S::CardMute => LoginStage::CardMute,
        S::ReaderProblem => LoginStage::ReaderProblem,
        S::ServiceError => LoginStage::ServiceError,
        S::RemoveCard => LoginStage::RemoveCard,
    }
}
