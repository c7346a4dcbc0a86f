//! The search port: the core's [`Command::Search`](crate::kiosk::Command) runs
//! here, on its own thread with its own read-only connection to the store, and
//! comes back as a `SearchResult` event. Keystrokes arrive faster than a search
//! may take on a busy kiosk, so only the newest waiting query is run: the ones
//! it overtook would be dropped by the core anyway.
//!
//! What is searched is the town's public catalogue; the query itself is never
//! logged.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rusqlite::{Connection, OpenFlags};

use crate::kiosk::ports::EventSink;
use crate::kiosk::{AttemptId, ContactMatch, KioskEvent, SearchAnswer, SearchQuery};

/// Searches the store at a path, off the calling thread.
pub struct SearchWorker {
    tx: mpsc::Sender<(AttemptId, SearchQuery)>,
}

impl SearchWorker {
    /// Starts the thread; answers go to `sink`. The store is opened at the first
    /// search (it may not exist before the first sync) and again after an error.
    pub fn start(store: &Path, sink: EventSink) -> std::io::Result<SearchWorker> {
        let (tx, rx) = mpsc::channel::<(AttemptId, SearchQuery)>();
        let path = store.to_path_buf();
        std::thread::Builder::new()
            .name("search".into())
            .spawn(move || run(path, rx, sink))?;
        Ok(SearchWorker { tx })
    }

    pub fn search(&self, id: AttemptId, query: SearchQuery) {
        let _ = self.tx.send((id, query));
    }
}

fn run(path: PathBuf, rx: mpsc::Receiver<(AttemptId, SearchQuery)>, sink: EventSink) {
    let mut reader: Option<Reader> = None;
    while let Ok(mut next) = rx.recv() {
        // Only the newest query matters.
        while let Ok(newer) = rx.try_recv() {
            next = newer;
        }
        let (id, query) = next;
        if reader.is_none() {
            reader = Reader::open(&path)
                .map_err(|e| tracing::warn!(error = %e, "cannot open the store to search"))
                .ok();
        }
        let answer = match &reader {
            Some(r) => match r.answer(&query) {
                Ok(answer) => answer,
                Err(e) => {
                    tracing::warn!(error = %e, "search failed");
                    reader = None;
                    SearchAnswer::Failed
                }
            },
            None => SearchAnswer::Failed,
        };
        sink(KioskEvent::SearchResult { id, answer });
    }
}

/// A read-only connection: it can never change what the sync engine writes.
pub struct Reader {
    store: crate::store::Store,
}

impl Reader {
    pub fn open(path: &Path) -> crate::store::Result<Reader> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        Ok(Reader {
            store: crate::store::Store::reader(conn, path),
        })
    }

    /// Runs one search as the kiosk does (also used by the benchmark).
    pub fn answer(&self, query: &SearchQuery) -> crate::store::Result<SearchAnswer> {
        Ok(match query {
            SearchQuery::Services(q) => SearchAnswer::Services(self.store.search_service_ids(q)?),
            SearchQuery::Contacts(q) => SearchAnswer::Contacts(
                self.store
                    .search_contacts(q)?
                    .into_iter()
                    .map(|h| ContactMatch {
                        department_id: h.department_id,
                        person: h.person,
                    })
                    .collect(),
            ),
        })
    }
}
