//! One controller per Slint global (as Slint's energy-monitor demo keeps them):
//! each binds its global's callbacks to [`KioskEvent`]s with [`on`] / [`on_arg`]
//! and writes its part of the core's view into the global. Controllers translate;
//! they hold no flow rule and never read the UI back as truth.

pub mod board;
pub mod citizen;
pub mod flow;
pub mod login;
pub mod phone;
pub mod public;
pub mod services;
pub mod staff;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::Inner;
use crate::kiosk::KioskEvent;

fn deliver(weak: &Weak<RefCell<Inner>>, event: Option<KioskEvent>) {
    if let (Some(inner), Some(event)) = (weak.upgrade(), event) {
        inner.borrow_mut().dispatch(event);
    }
}

/// A callback without arguments that feeds `event` to the core.
pub(super) fn on(inner: &Rc<RefCell<Inner>>, event: KioskEvent) -> impl Fn() + 'static {
    let weak = Rc::downgrade(inner);
    move || deliver(&weak, Some(event.clone()))
}

/// A callback with an argument that feeds the event it translates to (if any).
pub(super) fn on_arg<A: 'static>(
    inner: &Rc<RefCell<Inner>>,
    event: impl Fn(A) -> Option<KioskEvent> + 'static,
) -> impl Fn(A) + 'static {
    let weak = Rc::downgrade(inner);
    move |arg| deliver(&weak, event(arg))
}

/// A pad's key (0–9) as a byte; anything else is no key.
pub(super) fn digit(d: i32) -> Option<u8> {
    u8::try_from(d).ok().filter(|d| *d <= 9)
}

fn model<T: Clone + 'static>(rows: Vec<T>) -> slint::ModelRc<T> {
    slint::ModelRc::new(slint::VecModel::from(rows))
}
