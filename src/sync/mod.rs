//! Offline-first sync: pulls each public collection with a conditional GET,
//! validates it and only then replaces the store's copy; downloads assets by
//! SHA-256 (temp file, verify, rename) within a size budget and removes those no
//! slide uses; pushes the outbox in batches and forgets only what the backend
//! accepted; sends a heartbeat.
//!
//! Nothing here may lose data or show wrong data: a failed pull keeps the last
//! good copy, a failed push keeps the events, a bad asset never reaches the loop.
//! Timing uses monotonic time, so a jump of the wall clock changes nothing but
//! the time stamps it is supposed to change.

mod assets;
pub mod runner;
mod schedule;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::noticeboard::source::{self as board_source, BoardSource};
use crate::portal::types::{
    ContactDirectory, ElectionInfo, EventBatch, Heartbeat, PromoPlaylist, ServiceCatalogue,
};
use crate::portal::validate::Validate;
use crate::portal::{Collection, Fetched, PortalClient, PortalError};
use crate::store::{Store, StoreError, StoredCollection};

pub use assets::{AssetReport, asset_path, hex as hex_of};
pub use runner::{ContentSnapshot, SyncCommand, SyncHandle};
pub use schedule::{Backoff, SyncIntervals};

/// Events sent per request.
pub const EVENT_BATCH: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PullOutcome {
    Fetched,
    NotModified,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectionReport {
    pub collection: &'static str,
    pub outcome: PullOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub retry_after: Option<Duration>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct OutboxReport {
    pub sent: usize,
    pub pending: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What one sync pass did (`portal-kiosk sync [--json]` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct PassReport {
    pub collections: Vec<CollectionReport>,
    pub assets: AssetReport,
    pub events: OutboxReport,
    pub heartbeat_ok: bool,
    pub elapsed_ms: u64,
}

impl PassReport {
    pub fn all_ok(&self) -> bool {
        self.collections
            .iter()
            .all(|c| c.outcome != PullOutcome::Failed)
            && self.assets.failed == 0
            && self.events.error.is_none()
    }
}

impl std::fmt::Display for PassReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in &self.collections {
            let outcome = match c.outcome {
                PullOutcome::Fetched => "fetched",
                PullOutcome::NotModified => "not modified",
                PullOutcome::Failed => "FAILED",
            };
            write!(f, "{:<10} {outcome}", c.collection)?;
            if let Some(e) = &c.error {
                write!(f, ": {e}")?;
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "assets     {} downloaded, {} present, {} removed, {} failed, {} over budget",
            self.assets.downloaded,
            self.assets.present,
            self.assets.removed,
            self.assets.failed,
            self.assets.over_budget
        )?;
        write!(
            f,
            "events     {} sent, {} pending",
            self.events.sent, self.events.pending
        )?;
        if let Some(e) = &self.events.error {
            write!(f, " ({e})")?;
        }
        writeln!(f)?;
        write!(
            f,
            "heartbeat  {}; pass took {} ms",
            if self.heartbeat_ok { "ok" } else { "failed" },
            self.elapsed_ms
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Portal(#[from] PortalError),
}

/// Everything the engine needs to know about this kiosk.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub kiosk_id: String,
    pub assets_dir: PathBuf,
    /// Upper bound of the asset directory, bytes.
    pub asset_budget: u64,
    pub intervals: SyncIntervals,
}

/// Why a pull failed, and how long the backend asked to wait.
type PullFailure = (String, Option<Duration>);

/// Where the notice board comes from and how large it may be (`[notice_board]`).
#[derive(Debug, Clone)]
pub struct BoardSettings {
    pub source: BoardSource,
    /// Bytes; a larger board is not read.
    pub max_bytes: u64,
    /// For a town's URL (the backend's collection uses the client's timeout).
    pub timeout: Duration,
}

impl Default for BoardSettings {
    fn default() -> Self {
        BoardSettings {
            source: BoardSource::Backend,
            max_bytes: crate::noticeboard::DEFAULT_MAX_BYTES,
            timeout: Duration::from_secs(10),
        }
    }
}

/// The sync engine: owns the store's writing connection.
pub struct SyncEngine {
    client: PortalClient,
    store: Store,
    settings: SyncSettings,
    board: BoardSettings,
    /// The board as last read for the UI, under the ETag it was stored with:
    /// 2,000 notices are read again only when the board changed.
    board_snapshot:
        std::sync::Mutex<Option<(String, std::sync::Arc<Vec<crate::noticeboard::BoardNotice>>)>>,
    started: Instant,
    /// Which playlists may be stored and played (`[promo]` keys).
    trust: crate::promo::PlaylistTrust,
    /// How the checks of playlists went (heartbeat, metrics).
    verify_status: std::sync::Arc<crate::promo::VerifyStatus>,
    /// The stored playlist failed its check when read (logged once).
    stored_refused: std::sync::atomic::AtomicBool,
}

impl SyncEngine {
    pub fn new(client: PortalClient, store: Store, settings: SyncSettings) -> SyncEngine {
        SyncEngine {
            client,
            store,
            settings,
            board: BoardSettings::default(),
            board_snapshot: std::sync::Mutex::new(None),
            started: Instant::now(),
            trust: crate::promo::PlaylistTrust::default(),
            verify_status: std::sync::Arc::default(),
            stored_refused: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The same engine checking playlists as `trust` says (the default: no
    /// keys, nothing required — every valid playlist is taken).
    pub fn with_playlist_trust(mut self, trust: crate::promo::PlaylistTrust) -> SyncEngine {
        self.trust = trust;
        self
    }

    /// The record of playlist checks: its [`crate::promo::VerifyStatus::metric_samples`]
    /// are the gauge `portal_kiosk_playlist_verified{state}`; the heartbeat
    /// carries its counts.
    pub fn playlist_verify_status(&self) -> std::sync::Arc<crate::promo::VerifyStatus> {
        self.verify_status.clone()
    }

    /// The stored playlist, if it may play: where signatures are required, a
    /// stored playlist that does not verify (stored before they were, or
    /// altered in the store) is not played — None, as if there were none.
    pub fn playable_playlist(&self) -> Result<Option<PromoPlaylist>, StoreError> {
        let playlist: PromoPlaylist = self.store.load()?;
        let nothing_stored = playlist.slides.is_empty() && playlist.signature.is_none();
        if !self.trust.require_signature || nothing_stored {
            return Ok(Some(playlist));
        }
        let verdict = self.trust.check(&playlist);
        let refused = !verdict.accept;
        let was = self
            .stored_refused
            .swap(refused, std::sync::atomic::Ordering::Relaxed);
        if refused && !was {
            tracing::warn!(
                state = verdict.state.as_str(),
                "the stored playlist does not verify; it is not played"
            );
        }
        Ok((!refused).then_some(playlist))
    }

    /// The same engine reading the notice board as `board` says (the default:
    /// the backend's collection, 8 MiB at most).
    pub fn with_notice_board(mut self, board: BoardSettings) -> SyncEngine {
        self.board = board;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// One pull of one collection.
    pub async fn pull<C: Collection + StoredCollection>(&mut self) -> CollectionReport {
        self.pull_checked::<C>(|_| Ok(())).await
    }

    /// One pull of the playlist: a fresh one is stored only if its signature
    /// passes (`[promo]`); a refused one leaves the last one stored and playing.
    pub async fn pull_promo(&mut self) -> CollectionReport {
        let trust = self.trust.clone();
        let status = self.verify_status.clone();
        let report = self.pull_checked::<PromoPlaylist>(move |playlist| {
            let verdict = trust.check(playlist);
            status.record(&verdict);
            match (&verdict.reason, verdict.accept) {
                (None, _) => Ok(()),
                (Some(reason), true) => {
                    if !trust.keys.is_empty() {
                        tracing::warn!(%reason, "playlist taken without a valid signature (promo.require_signature is off)");
                    }
                    Ok(())
                }
                (Some(reason), false) => Err(format!(
                    "playlist refused: {reason}; the last verified playlist keeps playing"
                )),
            }
        })
        .await;
        if report.outcome == PullOutcome::NotModified
            && let Ok(stored) = self.store.load::<PromoPlaylist>()
        {
            // The backend serves what the kiosk has (again): report its state.
            self.verify_status
                .set_state(self.trust.check(&stored).state);
        }
        report
    }

    /// One pull; a fresh value replaces the stored copy only if `check` passes.
    async fn pull_checked<C: Collection + StoredCollection>(
        &mut self,
        check: impl FnOnce(&C) -> Result<(), String>,
    ) -> CollectionReport {
        let state = self.store.sync_state(C::PATH).unwrap_or_default();
        let result = self.client.fetch::<C>(state.etag.as_deref()).await;
        let now = chrono::Utc::now();
        let (outcome, error, retry_after) = match result {
            Ok(Fetched::NotModified) => match self.store.record_sync_success(C::PATH, now) {
                Ok(()) => (PullOutcome::NotModified, None, None),
                Err(e) => (PullOutcome::Failed, Some(e.to_string()), None),
            },
            Ok(Fetched::Fresh { value, etag }) => match check(&value).and_then(|()| {
                self.store
                    .replace(&value, &etag, now)
                    .map_err(|e| e.to_string())
            }) {
                Ok(()) => {
                    tracing::info!(collection = C::PATH, "collection updated");
                    (PullOutcome::Fetched, None, None)
                }
                Err(e) => (PullOutcome::Failed, Some(e), None),
            },
            Err(e) => (PullOutcome::Failed, Some(e.to_string()), e.retry_after()),
        };
        if let Some(error) = &error {
            tracing::warn!(collection = C::PATH, %error, "pull failed; keeping the last good copy");
            let _ = self.store.record_sync_failure(C::PATH, error);
        }
        CollectionReport {
            collection: C::PATH,
            outcome,
            error,
            retry_after,
        }
    }

    /// The stored board's notices for the UI; the same `Arc` while the board
    /// (its ETag) has not changed. Empty when none is stored or it is unreadable.
    pub fn notice_board_snapshot(&self) -> std::sync::Arc<Vec<crate::noticeboard::BoardNotice>> {
        let etag = self
            .store
            .sync_state("notice-board")
            .ok()
            .and_then(|s| s.etag)
            .unwrap_or_default();
        let Ok(mut cached) = self.board_snapshot.lock() else {
            return std::sync::Arc::default();
        };
        if let Some((tag, notices)) = cached.as_ref()
            && *tag == etag
        {
            return notices.clone();
        }
        let notices = match self.store.load::<crate::noticeboard::NoticeBoard>() {
            Ok(board) => std::sync::Arc::new(board.notices),
            Err(e) => {
                tracing::warn!(error = %e, "no stored notice board to show");
                return std::sync::Arc::default();
            }
        };
        *cached = Some((etag, notices.clone()));
        notices
    }

    /// One pull of the notice board from its source: fetched within its size
    /// limit, read by the OFN reader (refused notices are dropped with their
    /// reasons), and stored only if the board as a whole makes sense.
    pub async fn pull_notice_board(&mut self) -> CollectionReport {
        const NAME: &str = "notice-board";
        let state = self.store.sync_state(NAME).unwrap_or_default();
        let etag = state.etag.as_deref();
        let limit = self.board.max_bytes;
        let fetched: Result<Option<(Vec<u8>, String)>, PullFailure> = match &self.board.source {
            BoardSource::Backend => match self
                .client
                .fetch_bytes(NAME, etag, limit, "notice_board.max_bytes")
                .await
            {
                Ok(Fetched::NotModified) => Ok(None),
                Ok(Fetched::Fresh { value, etag }) => Ok(Some((value, etag))),
                Err(e) => Err((e.to_string(), e.retry_after())),
            },
            source => match board_source::fetch(source, etag, limit, self.board.timeout).await {
                Ok(board_source::Fetched::NotModified) => Ok(None),
                Ok(board_source::Fetched::Fresh { bytes, etag }) => Ok(Some((bytes, etag))),
                Err(e) => Err((e.to_string(), None)),
            },
        };
        let now = chrono::Utc::now();
        let result = match fetched {
            Ok(None) => self
                .store
                .record_sync_success(NAME, now)
                .map(|()| PullOutcome::NotModified)
                .map_err(|e| (e.to_string(), None)),
            Ok(Some((bytes, etag))) => {
                match crate::noticeboard::read_board(&bytes, limit)
                    .map_err(|e| e.to_string())
                    .and_then(|b| b.validate().map(|()| b).map_err(|e| e.to_string()))
                {
                    Ok(board) => {
                        for refused in &board.refused {
                            tracing::debug!(%refused, "notice refused");
                        }
                        match self.store.replace(&board, &etag, now) {
                            Ok(()) => {
                                tracing::info!(
                                    notices = board.notices.len(),
                                    refused = board.refused.len(),
                                    "notice board updated"
                                );
                                Ok(PullOutcome::Fetched)
                            }
                            Err(e) => Err((e.to_string(), None)),
                        }
                    }
                    Err(e) => Err((e, None)),
                }
            }
            Err(e) => Err(e),
        };
        let (outcome, error, retry_after) = match result {
            Ok(outcome) => (outcome, None, None),
            Err((error, retry_after)) => (PullOutcome::Failed, Some(error), retry_after),
        };
        if let Some(error) = &error {
            tracing::warn!(collection = NAME, %error, "pull failed; keeping the last good copy");
            let _ = self.store.record_sync_failure(NAME, error);
        }
        CollectionReport {
            collection: NAME,
            outcome,
            error,
            retry_after,
        }
    }

    /// Pulls a collection by its API name.
    pub async fn pull_named(&mut self, collection: &str) -> Option<CollectionReport> {
        Some(match collection {
            "promo" => self.pull_promo().await,
            "services" => self.pull::<ServiceCatalogue>().await,
            "contacts" => self.pull::<ContactDirectory>().await,
            "elections" => self.pull::<ElectionInfo>().await,
            "notice-board" => self.pull_notice_board().await,
            _ => return None,
        })
    }

    /// Downloads what the stored playlist needs and removes what it no longer uses.
    pub async fn sync_assets(&mut self) -> AssetReport {
        let playlist: PromoPlaylist = match self.store.load() {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the stored playlist");
                return AssetReport {
                    failed: 1,
                    ..AssetReport::default()
                };
            }
        };
        let (report, changes) = assets::sync_assets(
            &self.client,
            &self.settings.assets_dir,
            self.settings.asset_budget,
            &playlist,
        )
        .await;
        changes.record(&self.store);
        report
    }

    /// Sends the outbox in batches; stops at the first failure (the rest waits).
    pub async fn push_events(&mut self) -> OutboxReport {
        let mut report = OutboxReport::default();
        loop {
            let batch = match self.store.outbox_batch(EVENT_BATCH) {
                Ok(b) => b,
                Err(e) => {
                    report.error = Some(e.to_string());
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            let sent_ids: Vec<uuid::Uuid> = batch.iter().map(|e| e.id).collect();
            let request = EventBatch {
                kiosk_id: self.settings.kiosk_id.clone(),
                events: batch,
            };
            match self.client.send_events(&request).await {
                Ok(ack) => {
                    // Only ids we sent and the backend accepted are forgotten.
                    let accepted: Vec<uuid::Uuid> = ack
                        .accepted
                        .into_iter()
                        .filter(|id| sent_ids.contains(id))
                        .collect();
                    match self.store.outbox_remove(&accepted) {
                        Ok(n) => report.sent += n,
                        Err(e) => {
                            report.error = Some(e.to_string());
                            break;
                        }
                    }
                    if accepted.len() < sent_ids.len() {
                        report.error = Some(format!(
                            "backend accepted {} of {} events",
                            accepted.len(),
                            sent_ids.len()
                        ));
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "events not delivered; they stay in the outbox");
                    report.error = Some(e.to_string());
                    break;
                }
            }
        }
        report.pending = self.store.outbox_len().unwrap_or(0);
        report
    }

    pub async fn heartbeat(&mut self, printer: &str, reader: &str) -> bool {
        let heartbeat = Heartbeat {
            kiosk_id: self.settings.kiosk_id.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            uptime_seconds: self.started.elapsed().as_secs(),
            last_sync_at: self.store.oldest_success().ok().flatten(),
            printer: printer.to_string(),
            reader: reader.to_string(),
            free_disk_bytes: free_disk_bytes(&self.settings.assets_dir),
            playlist: {
                let counts = self.verify_status.counts();
                Some(crate::portal::types::PlaylistCheckReport {
                    state: counts.state,
                    required: self.trust.require_signature,
                    refused: counts.refused,
                })
            },
        };
        match self.client.heartbeat(&heartbeat).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "heartbeat failed");
                false
            }
        }
    }

    /// A full pass: every collection, assets, outbox, heartbeat.
    pub async fn pass(&mut self) -> PassReport {
        let started = Instant::now();
        let mut collections = Vec::new();
        for name in crate::store::COLLECTIONS {
            if let Some(report) = self.pull_named(name).await {
                collections.push(report);
            }
        }
        let assets = self.sync_assets().await;
        let events = self.push_events().await;
        let heartbeat_ok = self.heartbeat("unknown", "unknown").await;
        PassReport {
            collections,
            assets,
            events,
            heartbeat_ok,
            elapsed_ms: started.elapsed().as_millis() as u64,
        }
    }
}

/// Free bytes on the file system holding `dir` (0 if unknown).
fn free_disk_bytes(dir: &Path) -> u64 {
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return 0;
    };
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `stat` is written by statvfs before we read it.
    if unsafe { libc::statvfs(c.as_ptr(), stat.as_mut_ptr()) } != 0 {
        return 0;
    }
    // SAFETY: statvfs returned 0, so it filled the struct.
    let stat = unsafe { stat.assume_init() };
    // The field types differ between platforms; on some they are narrower than u64.
    #[allow(clippy::unnecessary_cast)]
    let free = stat.f_bavail as u64 * stat.f_frsize as u64;
    free
}
