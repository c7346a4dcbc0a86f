//! News for the UI thread from other threads: the sync engine's playlist, data
//! age and contacts, the printer thread's reports, and the adapters' events for
//! the core. Sent through an unbounded channel the UI thread drains; nothing here
//! touches a Slint type.

use std::time::Duration;

use crate::kiosk::KioskEvent;
use crate::kiosk::ports::EventSink;
use crate::promo::Playlist;

/// News for the UI from other threads.
#[derive(Debug)]
pub enum UiUpdate {
    /// The synced playlist changed (or its schedule moved on).
    Playlist { playlist: Playlist, urgent: bool },
    /// The urgent notices in force here now, most severe first.
    Notices(Vec<crate::promo::notices::ActiveNotice>),
    /// How old the public data is; `stale` shows the small staff indicator.
    DataAge { stale: bool, as_of: String },
    /// The town's departments (public content).
    Contacts(Vec<crate::portal::types::Department>),
    /// The service catalogue (public content).
    Catalogue(std::sync::Arc<Vec<crate::portal::types::Service>>),
    /// The úřední deska (public content; the same `Arc` while unchanged).
    NoticeBoard(std::sync::Arc<Vec<crate::noticeboard::BoardNotice>>),
    /// The elections and polling districts (public content).
    Elections(std::sync::Arc<crate::portal::types::ElectionInfo>),
    /// What the printer thread did with the print order `job` (or the slip's picture).
    Print {
        job: crate::printing::JobId,
        report: crate::printing::PrintReport,
    },
    /// An event for the core from an adapter (reader, login, backend).
    Core(KioskEvent),
}

/// Sends [`UiUpdate`]s to the UI thread from anywhere.
#[derive(Clone)]
pub struct UiUpdates(pub(super) tokio::sync::mpsc::UnboundedSender<UiUpdate>);

impl UiUpdates {
    pub fn send(&self, update: UiUpdate) {
        let _ = self.0.send(update);
    }

    /// The core's event sink the adapters report to.
    pub fn event_sink(&self) -> EventSink {
        let sender = self.0.clone();
        std::sync::Arc::new(move |event| {
            let _ = sender.send(UiUpdate::Core(event));
        })
    }
}

/// Turns what the sync engine has into UI updates: the playlist as it plays now
/// (schedule, site, verified assets) and the age of the data.
pub fn updates_from_snapshot(
    snapshot: &crate::sync::ContentSnapshot,
    assets_dir: &std::path::Path,
    site_tags: &[&str],
    stale_after: Duration,
    fallback: &Playlist,
) -> Vec<UiUpdate> {
    // Schedules are Prague wall-clock time, whatever the system's zone.
    let now = crate::promo::prague::now_local();
    let synced = Playlist::from_portal(&snapshot.playlist, assets_dir, now, site_tags);
    let urgent = snapshot.playlist.slides.iter().any(|s| s.urgent) && !synced.is_empty();
    let playlist = if synced.is_empty() {
        fallback.clone()
    } else {
        synced
    };
    let age = snapshot
        .synced_at
        .map(|t| (chrono::Utc::now() - t).to_std().unwrap_or_default());
    let stale = age.is_none_or(|a| a > stale_after);
    let as_of = snapshot
        .synced_at
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%-d. %-m. %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let notices = crate::promo::notices::active_notices(
        &snapshot.playlist,
        chrono::Utc::now(),
        site_tags,
        assets_dir,
    );
    vec![
        UiUpdate::Playlist { playlist, urgent },
        UiUpdate::Notices(notices),
        UiUpdate::DataAge { stale, as_of },
        UiUpdate::Contacts(snapshot.contacts.clone()),
        UiUpdate::Catalogue(snapshot.services.clone()),
        UiUpdate::NoticeBoard(snapshot.notice_board.clone()),
        UiUpdate::Elections(snapshot.elections.clone()),
    ]
}
