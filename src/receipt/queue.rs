//! The print queue: a job waits until the printer takes it or staff cancel it.
//! Anonymous slips (service information, contacts, test pages) are kept in the
//! store and retried after a restart; slips with a citizen's data are kept only
//! in memory and dropped with the session — the kiosk never prints a previous
//! citizen's slip, and never writes one to disk.

use std::collections::VecDeque;

use super::printer::{self, PrinterError, PrinterState, PrinterUri};
use crate::store::Store;

/// One slip to print.
#[derive(Debug, Clone)]
pub struct PrintJob {
    /// `payment`, `service`, `test`, … (for logs and staff; never personal).
    pub kind: String,
    /// Carries a citizen's data: memory only, dropped with the session.
    pub personal: bool,
    pub bytes: Vec<u8>,
}

/// What happened to a submitted job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Printed {
        after: PrinterState,
    },
    /// Kept for later: the printer said why it could not print.
    Waiting {
        state: PrinterState,
    },
    /// Kept for later: the printer could not be reached.
    Unreachable {
        error: String,
    },
}

pub struct PrintQueue {
    uri: PrinterUri,
    personal: VecDeque<PrintJob>,
}

impl PrintQueue {
    pub fn new(uri: PrinterUri) -> PrintQueue {
        PrintQueue {
            uri,
            personal: VecDeque::new(),
        }
    }

    /// Prints a job now if the printer is ready, otherwise keeps it.
    pub fn submit(&mut self, job: PrintJob, store: &Store) -> JobOutcome {
        let stored = if job.personal {
            None
        } else {
            match store.enqueue_print_job(&job.kind, &job.bytes) {
                Ok(id) => Some(id),
                Err(e) => {
                    tracing::error!(error = %e, "print job could not be stored; printing it once");
                    None
                }
            }
        };
        let outcome = self.send(&job);
        match (&outcome, stored) {
            (JobOutcome::Printed { .. }, Some(id)) => {
                let _ = store.print_job_done(id);
            }
            (JobOutcome::Printed { .. }, None) => {}
            (JobOutcome::Waiting { state }, Some(id)) => {
                let _ = store.print_job_failed(id, state.describe());
            }
            (JobOutcome::Unreachable { error }, Some(id)) => {
                let _ = store.print_job_failed(id, error);
            }
            (_, None) if job.personal => self.personal.push_back(job),
            (_, None) => {}
        }
        outcome
    }

    /// Tries every waiting job again, oldest first; stops at the first that fails.
    pub fn retry(&mut self, store: &Store) -> Vec<JobOutcome> {
        let mut outcomes = Vec::new();
        while let Some(job) = self.personal.pop_front() {
            let outcome = self.send(&job);
            let printed = matches!(outcome, JobOutcome::Printed { .. });
            outcomes.push(outcome);
            if !printed {
                self.personal.push_front(job);
                return outcomes;
            }
        }
        for stored in store.pending_print_jobs().unwrap_or_default() {
            let id = stored.id;
            let outcome = self.send(&PrintJob {
                kind: stored.kind,
                personal: false,
                bytes: stored.bytes,
            });
            match &outcome {
                JobOutcome::Printed { .. } => {
                    let _ = store.print_job_done(id);
                }
                JobOutcome::Waiting { state } => {
                    let _ = store.print_job_failed(id, state.describe());
                }
                JobOutcome::Unreachable { error } => {
                    let _ = store.print_job_failed(id, error);
                }
            }
            let printed = matches!(outcome, JobOutcome::Printed { .. });
            outcomes.push(outcome);
            if !printed {
                break;
            }
        }
        outcomes
    }

    /// The session ended: its slips are forgotten, printed or not.
    pub fn end_session(&mut self) {
        if !self.personal.is_empty() {
            tracing::info!(
                dropped = self.personal.len(),
                "unprinted personal slips dropped with the session"
            );
        }
        self.personal.clear();
    }

    pub fn waiting_personal(&self) -> usize {
        self.personal.len()
    }

    /// Every job that waits for the printer: this session's and the stored ones.
    pub fn waiting(&self, store: Option<&Store>) -> usize {
        self.personal.len()
            + store
                .and_then(|s| s.pending_print_job_count().ok())
                .unwrap_or(0)
    }

    /// Staff cancel what waits (a jammed printer, slips nobody will collect);
    /// returns how many jobs were dropped.
    pub fn cancel(&mut self, store: Option<&Store>) -> usize {
        let personal = std::mem::take(&mut self.personal).len();
        let stored = match store.map(Store::cancel_print_jobs) {
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                tracing::error!(error = %e, "waiting print jobs could not be cancelled");
                0
            }
            None => 0,
        };
        tracing::info!(
            dropped = personal + stored,
            "waiting print jobs cancelled by staff"
        );
        personal + stored
    }

    fn send(&self, job: &PrintJob) -> JobOutcome {
        let name = format!(
            "{}-{}",
            job.kind,
            chrono::Utc::now().format("%Y%m%dT%H%M%S%3f")
        );
        match printer::print(&self.uri, &job.bytes, &name) {
            Ok(done) => JobOutcome::Printed { after: done.after },
            Err(PrinterError::NotReady(state)) => JobOutcome::Waiting { state },
            Err(e) => JobOutcome::Unreachable {
                error: e.to_string(),
            },
        }
    }
}
