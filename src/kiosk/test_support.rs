//! What the flow core's tests share: the fake clock's seconds and the demo
//! citizen logged in with the simulated card (one way to do it, not three).

use std::time::Duration;

use super::*;
use crate::card::sim::{SimCard, SimProfile};

pub(super) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Jana's simulated eObčanka inserted, her IOK typed and the login answered
/// at `at`: the commands of the login's result (the nástěnka's requests).
/// The kiosk is on the nástěnka afterwards.
pub(super) fn log_in_jana(k: &mut Kiosk, at: Duration) -> Vec<Command> {
    let card = crate::card::read_card(&mut SimCard::new(SimProfile::valid()))
        .expect("the simulated card reads");
    k.handle(KioskEvent::Card(CardEvent::Reading), at);
    k.handle(KioskEvent::Card(CardEvent::Read(card)), at);
    for d in [1, 2, 3, 4] {
        k.handle(KioskEvent::PinDigit(d), at);
    }
    let attempt = k
        .handle(KioskEvent::PinConfirm, at)
        .into_iter()
        .find_map(|c| match c {
            Command::Authenticate { attempt, .. } => Some(attempt),
            _ => None,
        })
        .expect("a login started");
    let commands = k.handle(
        KioskEvent::LoginResult {
            attempt,
            outcome: LoginOutcome::LoggedIn {
                first_name: "Jana".into(),
            },
        },
        at,
    );
    assert_eq!(k.screen(), Screen::Dashboard);
    commands
}
