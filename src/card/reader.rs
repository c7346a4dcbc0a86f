//! The PC/SC side: a monitor on its own blocking thread that watches the kiosk's
//! reader (hot-plug included), reads a card when one is inserted, and reports
//! what happened as [`ReaderEvent`]s. pcscd not running, the reader unplugged,
//! a mute card: each is an event, retried, never a crash.
//!
//! Nothing here logs what it reads from a card.

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use pcsc::{
    Context, Disposition, Error as PcscError, Protocols, ReaderState, Scope, ShareMode, State,
};

use super::apdu::{CardError, CardTransport, TransportError};
use super::eobcanka::{self, CardKind, PinState};

/// What the monitor reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    /// The reader is there and empty.
    Ready,
    /// The reader cannot be used (pcscd down, no matching reader).
    Unavailable(ReaderProblem),
    /// A card went in; reading it has started.
    Reading,
    /// The card was read.
    Card(CardKind),
    /// A card is in but does not answer (upside down, broken, not a chip card).
    Mute,
    /// The card is in but reading failed for another reason.
    ReadFailed,
    /// The card was taken out.
    Removed,
    /// The IOK's state, re-read on request (after a wrong PIN).
    Pin(PinState),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderProblem {
    /// The PC/SC service (pcscd) does not answer.
    NoService,
    /// No reader matches the configured name.
    NoReader,
}

enum Request {
    RereadPin,
}

/// Handle of the monitor thread.
pub struct ReaderMonitor {
    stop: Arc<AtomicBool>,
    context: Arc<Mutex<Option<Context>>>,
    requests: Sender<Request>,
    thread: Option<JoinHandle<()>>,
}

impl ReaderMonitor {
    /// Starts watching readers whose name contains `pattern` (case-insensitive;
    /// empty: the first reader). `sink` is called on the monitor thread.
    pub fn start<F>(pattern: &str, sink: F) -> std::io::Result<ReaderMonitor>
    where
        F: FnMut(ReaderEvent) + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let context = Arc::new(Mutex::new(None));
        let (requests, rx) = mpsc::channel();
        let worker = Worker {
            pattern: pattern.to_lowercase(),
            stop: stop.clone(),
            context: context.clone(),
            requests: rx,
            sink: Box::new(sink),
            last: None,
        };
        let thread = std::thread::Builder::new()
            .name("card-reader".into())
            .spawn(move || worker.run())?;
        Ok(ReaderMonitor {
            stop,
            context,
            requests,
            thread: Some(thread),
        })
    }

    /// Asks for the IOK state to be read again (answered with [`ReaderEvent::Pin`]).
    pub fn reread_pin(&self) {
        let _ = self.requests.send(Request::RereadPin);
        self.wake();
    }

    fn wake(&self) {
        if let Ok(guard) = self.context.lock()
            && let Some(ctx) = guard.as_ref()
        {
            let _ = ctx.cancel();
        }
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ReaderMonitor {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct Worker {
    pattern: String,
    stop: Arc<AtomicBool>,
    context: Arc<Mutex<Option<Context>>>,
    requests: Receiver<Request>,
    sink: Box<dyn FnMut(ReaderEvent) + Send>,
    /// The last state reported, to report changes only — without its
    /// content: a card's event carries its certificates (name, birth number,
    /// address), which must not stay in this thread for the whole session.
    last: Option<Seen>,
}

/// A reader event without what it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Ready,
    Unavailable(ReaderProblem),
    Reading,
    Card,
    Mute,
    ReadFailed,
    Removed,
}

impl Seen {
    /// The state an event reports; None for the IOK re-reads, which are answers, not states.
    fn of(event: &ReaderEvent) -> Option<Seen> {
        Some(match event {
            ReaderEvent::Ready => Seen::Ready,
            ReaderEvent::Unavailable(p) => Seen::Unavailable(*p),
            ReaderEvent::Reading => Seen::Reading,
            ReaderEvent::Card(_) => Seen::Card,
            ReaderEvent::Mute => Seen::Mute,
            ReaderEvent::ReadFailed => Seen::ReadFailed,
            ReaderEvent::Removed => Seen::Removed,
            ReaderEvent::Pin(_) => return None,
        })
    }
}

/// How long one wait lasts at most; stop and requests also cancel it at once.
const WAIT: Duration = Duration::from_secs(2);
/// Pause before trying pcscd again.
const RETRY: Duration = Duration::from_millis(500);

impl Worker {
    fn emit(&mut self, event: ReaderEvent) {
        if let Some(seen) = Seen::of(&event) {
            // Every card is announced by `Reading` first, so two cards in a row
            // are never mistaken for one.
            if self.last == Some(seen) {
                return;
            }
            self.last = Some(seen);
        }
        // The event (and a card's certificates) moves on to the sink; no copy stays.
        (self.sink)(event);
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn sleep(&self, d: Duration) {
        let step = Duration::from_millis(50);
        let mut left = d;
        while !self.stopping() && !left.is_zero() {
            std::thread::sleep(step.min(left));
            left = left.saturating_sub(step);
        }
    }

    fn run(mut self) {
        while !self.stopping() {
            let ctx = match Context::establish(Scope::User) {
                Ok(ctx) => ctx,
                Err(_) => {
                    self.emit(ReaderEvent::Unavailable(ReaderProblem::NoService));
                    self.sleep(RETRY * 2);
                    continue;
                }
            };
            if let Ok(mut guard) = self.context.lock() {
                *guard = Some(ctx.clone());
            }
            self.watch(&ctx);
            if let Ok(mut guard) = self.context.lock() {
                *guard = None;
            }
            if !self.stopping() {
                self.sleep(RETRY);
            }
        }
    }

    fn choose_reader(&self, ctx: &Context) -> Result<Option<CString>, PcscError> {
        let readers = match ctx.list_readers_owned() {
            Ok(r) => r,
            Err(PcscError::NoReadersAvailable) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(readers.into_iter().find(|name| {
            self.pattern.is_empty()
                || name
                    .to_string_lossy()
                    .to_lowercase()
                    .contains(&self.pattern)
        }))
    }

    /// Watches one context until it breaks (pcscd stopped) or the monitor stops.
    fn watch(&mut self, ctx: &Context) {
        let mut pnp = ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE);
        'list: while !self.stopping() {
            let reader = match self.choose_reader(ctx) {
                Ok(r) => r,
                Err(_) => {
                    self.emit(ReaderEvent::Unavailable(ReaderProblem::NoService));
                    return;
                }
            };
            let Some(reader) = reader else {
                self.emit(ReaderEvent::Unavailable(ReaderProblem::NoReader));
                // Wait for a reader to be plugged in.
                let mut states = [ReaderState::new(
                    pcsc::PNP_NOTIFICATION(),
                    pnp.current_state(),
                )];
                match ctx.get_status_change(WAIT, &mut states) {
                    Ok(()) => {
                        pnp = ReaderState::new(pcsc::PNP_NOTIFICATION(), states[0].event_state())
                    }
                    Err(PcscError::Timeout | PcscError::Cancelled) => {}
                    Err(_) => return,
                }
                self.serve_requests(ctx, None);
                continue 'list;
            };
            let mut states = [
                ReaderState::new(pcsc::PNP_NOTIFICATION(), pnp.current_state()),
                ReaderState::new(reader.clone(), State::UNAWARE),
            ];
            let mut present = false;
            loop {
                if self.stopping() {
                    return;
                }
                match ctx.get_status_change(WAIT, &mut states) {
                    Ok(()) => {}
                    Err(PcscError::Timeout) => continue,
                    Err(PcscError::Cancelled) => {
                        self.serve_requests(ctx, present.then_some(reader.as_c_str()));
                        continue;
                    }
                    Err(PcscError::UnknownReader | PcscError::ReaderUnavailable) => {
                        self.emit(ReaderEvent::Unavailable(ReaderProblem::NoReader));
                        continue 'list;
                    }
                    Err(_) => {
                        self.emit(ReaderEvent::Unavailable(ReaderProblem::NoService));
                        return;
                    }
                }
                let pnp_changed = states[0].event_state().contains(State::CHANGED);
                let event = states[1].event_state();
                for s in states.iter_mut() {
                    s.sync_current_state();
                }
                pnp = ReaderState::new(pcsc::PNP_NOTIFICATION(), states[0].current_state());
                if event.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE) {
                    self.emit(ReaderEvent::Unavailable(ReaderProblem::NoReader));
                    continue 'list;
                }
                if event.contains(State::PRESENT) {
                    if !present {
                        present = true;
                        if event.contains(State::MUTE) {
                            self.emit(ReaderEvent::Mute);
                        } else {
                            self.emit(ReaderEvent::Reading);
                            let result = read(ctx, &reader);
                            self.emit(result);
                        }
                    }
                } else if event.contains(State::EMPTY) {
                    if present {
                        present = false;
                        self.emit(ReaderEvent::Removed);
                    } else {
                        self.emit(ReaderEvent::Ready);
                    }
                }
                self.serve_requests(ctx, present.then_some(reader.as_c_str()));
                if pnp_changed && !present {
                    // A reader came or went: the chosen one may have changed.
                    continue 'list;
                }
            }
        }
    }

    fn serve_requests(&mut self, ctx: &Context, card_in: Option<&CStr>) {
        loop {
            match self.requests.try_recv() {
                Ok(Request::RereadPin) => {
                    if let Some(reader) = card_in
                        && let Ok(state) = with_card(ctx, reader, |card| {
                            eobcanka::select_card_management(card)?;
                            eobcanka::read_iok(card)
                        })
                    {
                        self.emit(ReaderEvent::Pin(state));
                    }
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
            }
        }
    }
}

/// Connects, reads the card in one transaction, and leaves it as it was.
fn read(ctx: &Context, reader: &CStr) -> ReaderEvent {
    match with_card(ctx, reader, eobcanka::read_card) {
        Ok(kind) => ReaderEvent::Card(kind),
        Err(ReadError::Mute) => ReaderEvent::Mute,
        Err(ReadError::Removed) => ReaderEvent::Removed,
        Err(ReadError::Other) => ReaderEvent::ReadFailed,
    }
}

enum ReadError {
    Mute,
    Removed,
    Other,
}

impl From<CardError> for ReadError {
    fn from(e: CardError) -> ReadError {
        match e {
            CardError::Transport(TransportError::Removed) => ReadError::Removed,
            CardError::Transport(TransportError::Mute) => ReadError::Mute,
            _ => ReadError::Other,
        }
    }
}

fn with_card<T>(
    ctx: &Context,
    reader: &CStr,
    f: impl FnOnce(&mut dyn CardTransport) -> Result<T, CardError>,
) -> Result<T, ReadError> {
    let mut card = ctx
        .connect(reader, ShareMode::Shared, Protocols::ANY)
        .map_err(|e| match e {
            PcscError::UnresponsiveCard | PcscError::UnpoweredCard | PcscError::UnsupportedCard => {
                ReadError::Mute
            }
            PcscError::RemovedCard | PcscError::NoSmartcard => ReadError::Removed,
            _ => ReadError::Other,
        })?;
    let atr = card
        .status2_owned()
        .map(|s| s.atr().to_vec())
        .map_err(|_| ReadError::Other)?;
    let result = {
        let tx = card.transaction().map_err(|_| ReadError::Other)?;
        let mut transport = PcscTransport { card: &tx, atr };
        let result = f(&mut transport).map_err(ReadError::from);
        let _ = tx.end(Disposition::LeaveCard);
        result
    };
    let _ = card.disconnect(Disposition::LeaveCard);
    result
}

/// [`CardTransport`] over a connected PC/SC card.
pub struct PcscTransport<'a> {
    card: &'a pcsc::Card,
    atr: Vec<u8>,
}

impl CardTransport for PcscTransport<'_> {
    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        self.card
            .transmit(apdu, &mut buf)
            .map(<[u8]>::to_vec)
            .map_err(|e| match e {
                PcscError::RemovedCard | PcscError::NoSmartcard => TransportError::Removed,
                PcscError::UnresponsiveCard | PcscError::UnpoweredCard => TransportError::Mute,
                other => TransportError::Reader(other.to_string()),
            })
    }
}

/// One reader as `card-info` reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub atr: Option<String>,
}

/// Lists the readers and whether a card is in each (for diagnostics).
pub fn list_readers() -> Result<Vec<ReaderInfo>, String> {
    let ctx = Context::establish(Scope::User)
        .map_err(|e| format!("the PC/SC service (pcscd) does not answer: {e}"))?;
    let names = match ctx.list_readers_owned() {
        Ok(r) => r,
        Err(PcscError::NoReadersAvailable) => Vec::new(),
        Err(e) => return Err(format!("cannot list readers: {e}")),
    };
    let mut states: Vec<ReaderState> = names
        .iter()
        .map(|n| ReaderState::new(n.clone(), State::UNAWARE))
        .collect();
    if !states.is_empty() {
        ctx.get_status_change(Duration::from_millis(500), &mut states)
            .map_err(|e| format!("cannot read reader state: {e}"))?;
    }
    Ok(states
        .iter()
        .map(|s| {
            let present = s.event_state().contains(State::PRESENT);
            ReaderInfo {
                name: s.name().to_string_lossy().into_owned(),
                card_present: present,
                atr: present.then(|| hex(s.atr())),
            }
        })
        .collect())
}

/// Reads the card in `reader` (for diagnostics).
pub fn read_card_in(reader: &str) -> Result<CardKind, String> {
    let ctx = Context::establish(Scope::User)
        .map_err(|e| format!("the PC/SC service (pcscd) does not answer: {e}"))?;
    let name = CString::new(reader).map_err(|_| "bad reader name".to_string())?;
    with_card(&ctx, &name, eobcanka::read_card).map_err(|e| match e {
        ReadError::Mute => "the card does not answer (upside down?)".to_string(),
        ReadError::Removed => "no card in the reader".to_string(),
        ReadError::Other => "the card could not be read".to_string(),
    })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_keeps_no_copy_of_a_card_and_reports_changes_only() {
        let (_tx, requests) = std::sync::mpsc::channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut worker = Worker {
            pattern: String::new(),
            stop: Arc::new(AtomicBool::new(false)),
            context: Arc::new(Mutex::new(None)),
            requests,
            sink: Box::new(move |e| sink.lock().unwrap().push(e)),
            last: None,
        };
        let card = ReaderEvent::Card(CardKind::NotEObcanka);
        for e in [
            ReaderEvent::Ready,
            ReaderEvent::Ready,
            ReaderEvent::Reading,
            card.clone(),
            card.clone(),
            ReaderEvent::Removed,
            ReaderEvent::Reading,
            card.clone(),
        ] {
            worker.emit(e);
        }
        assert_eq!(worker.last, Some(Seen::Card));
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                ReaderEvent::Ready,
                ReaderEvent::Reading,
                card.clone(),
                ReaderEvent::Removed,
                ReaderEvent::Reading,
                card,
            ]
        );
    }
}
