//! The kiosk's printer, off the UI thread: a `printer` thread owns the print
//! queue and its own connection to the store (slip numbers that survive
//! restarts, anonymous jobs kept until printed). The UI hands it slips and gets
//! back what happened, in states a citizen and staff understand — and the slip's
//! picture for the screen, made here so the UI thread never encodes, decodes or
//! draws a slip. It never logs what a slip says.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use crate::receipt::preview::SlipPicture;
use crate::receipt::printer::{PrinterState, PrinterUri};
use crate::receipt::profiles::PrinterProfile;
use crate::receipt::queue::{JobOutcome, PrintJob, PrintQueue};
use crate::receipt::slip::{Slip, SlipHeader};
use crate::store::Store;

/// Lays a slip out once its header (number, time) is known.
pub type SlipBuilder = Box<dyn FnOnce(&SlipHeader) -> Option<Slip> + Send>;

/// What the printer thread is asked to do.
pub enum PrintRequest {
    /// Lay out (with the next slip number), encode and print a slip. Answered
    /// by [`PrintReport::Preview`] as soon as the slip is laid out (before the
    /// printer is tried), then by `Printed`, `NotPrinted` or `Invalid`.
    Slip {
        kind: &'static str,
        personal: bool,
        build: SlipBuilder,
    },
    /// The session ended: its unprinted slips are dropped.
    EndSession,
    /// Print what waits (staff: "Vytisknout čekající" after fixing the printer).
    Retry,
    /// Staff: drop what waits.
    Cancel,
    /// Ask the printer how it is.
    Status,
    /// Counter: print the latest slip of this session again (same number).
    Reprint,
    /// Counter: the printer's test page (an anonymous slip).
    TestPage,
}

/// How many slips of a session are kept in memory for reprinting.
const KEEP_FOR_REPRINT: usize = 5;

/// What happened, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintReport {
    Printed {
        kind: &'static str,
        number: u64,
        state: PrinterState,
    },
    /// Not printed; kept (anonymous) or held for this session (personal).
    NotPrinted {
        kind: &'static str,
        state: Option<PrinterState>,
    },
    /// The slip could not be made (e.g. an invalid account).
    Invalid { kind: &'static str },
    /// The printer's state (None: no answer) and how many jobs wait for it.
    Status {
        state: Option<PrinterState>,
        waiting: usize,
    },
    /// The slip of a `Slip` request as it will print (its real number), drawn
    /// from its bytes before the printer is tried; the outcome follows. A
    /// personal slip's picture belongs to its session: one that arrives after
    /// the session ended must not be shown. None comes for reprints.
    Preview {
        kind: &'static str,
        picture: SlipPicture,
    },
}

/// Which request a report answers: the id the sender gave it (None for none).
pub type JobId = Option<u64>;

type Reporter = Arc<Mutex<Option<Box<dyn Fn(JobId, PrintReport) + Send>>>>;

pub struct PrintService {
    requests: Sender<(JobId, PrintRequest)>,
    reporter: Reporter,
}

impl PrintService {
    /// Starts the printer thread; `report` is called on it with every outcome.
    pub fn start(
        uri: PrinterUri,
        profile: &'static PrinterProfile,
        origin: crate::receipt::SlipOrigin,
        data_dir: PathBuf,
    ) -> std::io::Result<PrintService> {
        let (tx, rx) = mpsc::channel();
        let reporter: Reporter = Arc::default();
        let sink = reporter.clone();
        let report = move |job: JobId, r: PrintReport| {
            if let Ok(guard) = sink.lock()
                && let Some(f) = guard.as_ref()
            {
                f(job, r);
            }
        };
        std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || run(rx, uri, profile, origin, data_dir, report))?;
        Ok(PrintService {
            requests: tx,
            reporter,
        })
    }

    /// Where reports go (set once the UI exists).
    pub fn set_reporter(&self, f: impl Fn(PrintReport) + Send + 'static) {
        self.set_job_reporter(move |_, r| f(r));
    }

    /// Where reports go, each with the id of the request it answers.
    pub fn set_job_reporter(&self, f: impl Fn(JobId, PrintReport) + Send + 'static) {
        if let Ok(mut guard) = self.reporter.lock() {
            *guard = Some(Box::new(f));
        }
    }

    pub fn send(&self, request: PrintRequest) {
        self.send_job(None, request);
    }

    /// Sends a request whose reports name `job`, so that an answer for a request
    /// nobody waits for any more (another person's slip) is told apart.
    pub fn send_job(&self, job: JobId, request: PrintRequest) {
        let _ = self.requests.send((job, request));
    }
}

fn run(
    rx: Receiver<(JobId, PrintRequest)>,
    uri: PrinterUri,
    profile: &'static PrinterProfile,
    origin: crate::receipt::SlipOrigin,
    data_dir: PathBuf,
    report_to: impl Fn(JobId, PrintReport),
) {
    let store = match Store::open_in(&data_dir) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!(error = %e, "printer: no store; slips print without kept numbers");
            None
        }
    };
    let mut queue = PrintQueue::new(uri.clone());
    let mut fallback_number = 0u64;
    // The session's slips as printed, newest last: memory only, gone with the session.
    let mut printed: std::collections::VecDeque<(u64, Vec<u8>)> = Default::default();
    while let Ok((job, request)) = rx.recv() {
        let report = |r: PrintReport| report_to(job, r);
        let request = match request {
            PrintRequest::TestPage => PrintRequest::Slip {
                kind: "test",
                personal: false,
                build: Box::new(move |header| Some(Slip::test_page(header, profile))),
            },
            other => other,
        };
        match request {
            PrintRequest::EndSession => {
                queue.end_session();
                printed.clear();
            }
            PrintRequest::Reprint => {
                let Some((number, bytes)) = printed.back() else {
                    report(PrintReport::Invalid { kind: "reprint" });
                    continue;
                };
                let job = PrintJob {
                    kind: "reprint".to_string(),
                    personal: true,
                    bytes: bytes.clone(),
                };
                let number = *number;
                let outcome = submit(&mut queue, store.as_ref(), &uri, job);
                tracing::info!(number, outcome = ?outcome, "slip reprinted");
                report(outcome_report("reprint", number, outcome));
            }
            PrintRequest::TestPage => {}
            request @ (PrintRequest::Status | PrintRequest::Retry | PrintRequest::Cancel) => {
                match (request, &store) {
                    (PrintRequest::Retry, Some(store)) => {
                        for outcome in queue.retry(store) {
                            tracing::info!(?outcome, "print retry");
                        }
                    }
                    (PrintRequest::Cancel, store) => {
                        queue.cancel(store.as_ref());
                    }
                    _ => {}
                }
                report(PrintReport::Status {
                    state: crate::receipt::printer::status(&uri).ok(),
                    waiting: queue.waiting(store.as_ref()),
                });
            }
            PrintRequest::Slip {
                kind,
                personal,
                build,
            } => {
                let number = match store.as_ref().map(|s| s.next_number("slip")) {
                    Some(Ok(n)) => n,
                    _ => {
                        fallback_number += 1;
                        fallback_number
                    }
                };
                let header = origin.header(number, chrono::Local::now().naive_local());
                let Some(bytes) = build(&header).and_then(|slip| slip.encode(profile).ok()) else {
                    report(PrintReport::Invalid { kind });
                    continue;
                };
                // The screen shows the slip while it prints (or waits for the printer).
                match SlipPicture::of_bytes(&bytes, profile) {
                    Ok(picture) => report(PrintReport::Preview { kind, picture }),
                    Err(e) => tracing::warn!(kind, error = %e, "slip preview not made"),
                }
                if personal && kind != "test" {
                    if printed.len() == KEEP_FOR_REPRINT {
                        printed.pop_front();
                    }
                    printed.push_back((number, bytes.clone()));
                }
                let job = PrintJob {
                    kind: kind.to_string(),
                    personal,
                    bytes,
                };
                let outcome = submit(&mut queue, store.as_ref(), &uri, job);
                tracing::info!(kind, number, outcome = ?outcome, "slip");
                report(outcome_report(kind, number, outcome));
            }
        }
    }
}

/// Through the queue (kept until printed) or, without a store, straight to the printer.
fn submit(
    queue: &mut PrintQueue,
    store: Option<&Store>,
    uri: &PrinterUri,
    job: PrintJob,
) -> JobOutcome {
    match store {
        Some(store) => queue.submit(job, store),
        None => match crate::receipt::printer::print(uri, &job.bytes, &job.kind) {
            Ok(p) => JobOutcome::Printed { after: p.after },
            Err(e) => JobOutcome::Unreachable {
                error: e.to_string(),
            },
        },
    }
}

fn outcome_report(kind: &'static str, number: u64, outcome: JobOutcome) -> PrintReport {
    match outcome {
        JobOutcome::Printed { after } => PrintReport::Printed {
            kind,
            number,
            state: after,
        },
        JobOutcome::Waiting { state } => PrintReport::NotPrinted {
            kind,
            state: Some(state),
        },
        JobOutcome::Unreachable { .. } => PrintReport::NotPrinted { kind, state: None },
    }
}

/// How long the "Vezměte si doklad" message stays.
pub const TAKE_SLIP_FOR: Duration = Duration::from_secs(8);
