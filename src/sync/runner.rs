//! The sync engine running for the life of the kiosk: an immediate pass at
//! start, then each collection on its own jittered interval, backing off
//! exponentially (or as Retry-After asks) while it fails; the outbox and the
//! heartbeat on theirs. Events to queue arrive on a channel; after every change
//! the UI gets a fresh [`ContentSnapshot`] from the store.
//!
//! All timing is monotonic (`tokio::time::Instant`): a wall-clock jump neither
//! stalls nor floods the schedule.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::schedule::{Backoff, jittered};
use super::{PullOutcome, SyncEngine};
use crate::portal::types::{EventKind, PromoPlaylist, Timestamp};
use crate::store::COLLECTIONS;

/// What the rest of the kiosk asks of the sync engine.
#[derive(Debug)]
pub enum SyncCommand {
    /// Queue an event in the outbox (it is sent with the next push).
    Enqueue {
        kind: EventKind,
        occurred_at: Timestamp,
        payload: serde_json::Value,
    },
    /// Pull everything now ("sync now" for staff).
    SyncNow,
    Shutdown,
}

/// What the UI shows from the store.
#[derive(Debug, Clone)]
pub struct ContentSnapshot {
    pub playlist: PromoPlaylist,
    /// The town's departments (Kontakty), as synced.
    pub contacts: Vec<crate::portal::types::Department>,
    /// The service catalogue (Služby úřadu), as synced.
    pub services: std::sync::Arc<Vec<crate::portal::types::Service>>,
    /// The úřední deska's notices, as synced (read from the store only when
    /// the board changed: the same `Arc` otherwise).
    pub notice_board: std::sync::Arc<Vec<crate::noticeboard::BoardNotice>>,
    /// The elections and polling districts, as synced.
    pub elections: std::sync::Arc<crate::portal::types::ElectionInfo>,
    /// Oldest successful sync of the public collections (None: never synced).
    pub synced_at: Option<Timestamp>,
}

#[derive(Clone)]
pub struct SyncHandle {
    tx: mpsc::UnboundedSender<SyncCommand>,
    stop: std::sync::Arc<tokio::sync::Notify>,
}

/// The runner's end of a [`SyncHandle`].
pub struct SyncCommands {
    rx: mpsc::UnboundedReceiver<SyncCommand>,
    stop: std::sync::Arc<tokio::sync::Notify>,
}

impl SyncHandle {
    pub fn new() -> (SyncHandle, SyncCommands) {
        let (tx, rx) = mpsc::unbounded_channel();
        let stop = std::sync::Arc::new(tokio::sync::Notify::new());
        (
            SyncHandle {
                tx,
                stop: stop.clone(),
            },
            SyncCommands { rx, stop },
        )
    }

    pub fn enqueue(&self, kind: EventKind, payload: serde_json::Value) {
        let _ = self.tx.send(SyncCommand::Enqueue {
            kind,
            occurred_at: chrono::Utc::now(),
            payload,
        });
    }

    pub fn sync_now(&self) {
        let _ = self.tx.send(SyncCommand::SyncNow);
    }

    /// Stops the runner: a pull or push under way is abandoned (the store
    /// keeps its last good copy), events already handed over are stored.
    pub fn shutdown(&self) {
        let _ = self.tx.send(SyncCommand::Shutdown);
        self.stop.notify_one();
    }
}

/// A number in [0, 1) for jitter, without a random-number dependency.
fn unit_random() -> f64 {
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

/// What the store has now; None if it cannot be read (then the UI keeps what it shows).
pub fn snapshot(engine: &SyncEngine) -> Option<ContentSnapshot> {
    match engine.playable_playlist() {
        Ok(playlist) => Some(ContentSnapshot {
            // Not verified where it must be: nothing synced plays (the local
            // or bundled fallback does).
            playlist: playlist.unwrap_or(PromoPlaylist {
                slides: Vec::new(),
                signature: None,
                notices: Vec::new(),
            }),
            contacts: engine
                .store()
                .load::<crate::portal::types::ContactDirectory>()
                .map(|c| c.departments)
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "no stored contacts to show");
                    Vec::new()
                }),
            services: std::sync::Arc::new(
                engine
                    .store()
                    .load::<crate::portal::types::ServiceCatalogue>()
                    .map(|c| c.services)
                    .unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "no stored services to show");
                        Vec::new()
                    }),
            ),
            notice_board: engine.notice_board_snapshot(),
            elections: std::sync::Arc::new(
                engine
                    .store()
                    .load::<crate::portal::types::ElectionInfo>()
                    .unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "no stored elections to show");
                        Default::default()
                    }),
            ),
            synced_at: engine.store().oldest_success().ok().flatten(),
        }),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the stored playlist; the screen keeps what it shows");
            None
        }
    }
}

/// What the store says about syncing, for the metrics: each collection's last
/// success and the outbox's length.
fn report_metrics(engine: &SyncEngine) {
    let metrics = crate::ops::metrics::metrics();
    for name in COLLECTIONS {
        if let Ok(Some(at)) = engine.store().sync_state(name).map(|s| s.last_success) {
            metrics.set_synced(name, at);
        }
    }
    if let Ok(events) = engine.store().outbox_len() {
        metrics.set_outbox(events);
    }
    let verification = engine.playlist_verify_status();
    metrics.set_playlist_verification(
        &verification.metric_samples(),
        verification.counts().refused,
    );
}

/// Stores the events still waiting in the channel (a shutdown mid-round).
fn store_pending(engine: &SyncEngine, commands: &mut mpsc::UnboundedReceiver<SyncCommand>) {
    while let Ok(command) = commands.try_recv() {
        if let SyncCommand::Enqueue {
            kind,
            occurred_at,
            payload,
        } = command
            && let Err(e) = engine.store().enqueue_event(kind, occurred_at, &payload)
        {
            tracing::error!(error = %e, "event could not be queued");
        }
    }
}

/// Runs until `Shutdown` or until every handle is dropped.
pub async fn run(
    mut engine: SyncEngine,
    commands: SyncCommands,
    on_snapshot: impl Fn(ContentSnapshot) + Send + 'static,
) {
    let SyncCommands {
        rx: mut commands,
        stop,
    } = commands;
    let intervals = engine.settings.intervals;
    let backoff = Backoff {
        base: Duration::from_secs(5),
        cap: intervals.max_backoff,
    };
    let now = Instant::now();
    let mut due: HashMap<&'static str, Instant> = COLLECTIONS.iter().map(|c| (*c, now)).collect();
    let mut events_due = now;
    let mut heartbeat_due = now;
    let mut events_failures = 0u32;
    if let Some(s) = snapshot(&engine) {
        on_snapshot(s);
    }
    report_metrics(&engine);

    loop {
        // The network part of a round; a shutdown does not wait for it.
        let mut changed = false;
        let work = async {
            // Pull every collection that is due.
            for name in COLLECTIONS {
                if due[name] > Instant::now() {
                    continue;
                }
                let Some(report) = engine.pull_named(name).await else {
                    continue;
                };
                let failures = engine
                    .store()
                    .sync_state(name)
                    .map(|s| s.failures)
                    .unwrap_or(0);
                let wait = match report.outcome {
                    PullOutcome::Failed => backoff.delay(failures.max(1), report.retry_after),
                    _ => jittered(intervals.for_collection(name), unit_random()),
                };
                due.insert(name, Instant::now() + wait);
                if report.outcome == PullOutcome::Fetched {
                    changed = true;
                }
                if name == "promo" && report.outcome != PullOutcome::Failed {
                    let assets = engine.sync_assets().await;
                    changed |= assets.downloaded > 0 || assets.removed > 0;
                }
            }
            if Instant::now() >= events_due {
                let report = engine.push_events().await;
                events_failures = if report.error.is_some() {
                    events_failures + 1
                } else {
                    0
                };
                events_due = Instant::now()
                    + if events_failures > 0 {
                        backoff.delay(events_failures, None)
                    } else {
                        intervals.events
                    };
            }
            if Instant::now() >= heartbeat_due {
                engine.heartbeat("unknown", "unknown").await;
                heartbeat_due = Instant::now() + jittered(intervals.heartbeat, unit_random());
            }
        };
        let stopped = tokio::select! {
            () = work => false,
            () = stop.notified() => true,
        };
        if stopped {
            store_pending(&engine, &mut commands);
            break;
        }
        report_metrics(&engine);
        // Tell the UI after every round: the data's age changes even without new content.
        let _ = changed;
        // Wake again when an urgent notice starts or expires, even while the
        // backend is away and everything else backs off.
        let mut notice_due = None;
        if let Some(s) = snapshot(&engine) {
            notice_due =
                crate::promo::notices::next_change_anywhere(&s.playlist, chrono::Utc::now())
                    .and_then(|t| (t - chrono::Utc::now()).to_std().ok())
                    .map(|wait| Instant::now() + wait + Duration::from_millis(500));
            on_snapshot(s);
        }

        let next = due
            .values()
            .copied()
            .chain([events_due, heartbeat_due])
            .chain(notice_due)
            .min()
            .unwrap_or_else(Instant::now);
        tokio::select! {
            command = commands.recv() => match command {
                None | Some(SyncCommand::Shutdown) => break,
                Some(SyncCommand::Enqueue { kind, occurred_at, payload }) => {
                    if let Err(e) = engine.store().enqueue_event(kind, occurred_at, &payload) {
                        tracing::error!(error = %e, "event could not be queued");
                    }
                    // Drain whatever else is waiting, without a pass per event.
                    while let Ok(command) = commands.try_recv() {
                        match command {
                            SyncCommand::Enqueue { kind, occurred_at, payload } => {
                                let _ = engine.store().enqueue_event(kind, occurred_at, &payload);
                            }
                            SyncCommand::SyncNow => {
                                due.values_mut().for_each(|d| *d = Instant::now());
                                events_due = Instant::now();
                            }
                            SyncCommand::Shutdown => return,
                        }
                    }
                }
                Some(SyncCommand::SyncNow) => {
                    due.values_mut().for_each(|d| *d = Instant::now());
                    events_due = Instant::now();
                }
            },
            _ = tokio::time::sleep_until(next) => {}
        }
    }
    tracing::info!("sync engine stopped");
}
