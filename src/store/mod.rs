//! The kiosk's local store: SQLite (bundled), WAL, versioned migrations. It keeps
//! the last good copy of every public collection as records the UI can query and
//! search, the index of downloaded assets, the outbox of events and the state of
//! each sync. It never holds personal data: the citizen's session lives in memory.
//!
//! One writer: the sync engine owns the connection that writes. A file that is
//! not a database, or fails its integrity check, is moved aside and rebuilt
//! empty (the next sync refills it) — with a log line, never a crash loop.

mod schema;
mod search;

pub use schema::COLLECTIONS;
pub use search::ContactHit;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::portal::types::*;
use crate::portal::validate::{HouseNumbers, parse_numbers};

pub const STORE_FILE: &str = "store.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("store record is unreadable: {0}")]
    Record(#[from] serde_json::Error),
    #[error("cannot prepare the data directory {path}: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An anonymous slip waiting for the printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPrintJob {
    pub id: i64,
    pub kind: String,
    pub bytes: Vec<u8>,
    pub attempts: u32,
}

/// What the store remembers about one collection's sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub etag: Option<String>,
    pub last_success: Option<Timestamp>,
    pub last_error: Option<String>,
    pub failures: u32,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) `DIR/store.sqlite`, rebuilding it if it is corrupt.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Dir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Store::open(&data_dir.join(STORE_FILE))
    }

    pub fn open(path: &Path) -> Result<Store> {
        match Store::try_open(path) {
            Ok(store) => Ok(store),
            // Only a damaged file is thrown away; a busy, full or unreadable disk is
            // reported as it is (the file may still hold unsent events).
            Err(e) if path.exists() && is_corruption(&e) => {
                // Its WAL belongs to the damaged file and goes aside with it.
                let aside = path.with_extension(format!(
                    "corrupt-{}",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S")
                ));
                tracing::error!(error = %e, moved_to = %aside.display(), "store database unusable; moved aside and rebuilt");
                for suffix in ["-wal", "-shm"] {
                    let side = PathBuf::from(format!("{}{suffix}", path.display()));
                    if side.exists() {
                        let _ = std::fs::rename(
                            &side,
                            PathBuf::from(format!("{}{suffix}", aside.display())),
                        );
                    }
                }
                std::fs::rename(path, &aside).map_err(|source| StoreError::Dir {
                    path: path.to_path_buf(),
                    source,
                })?;
                Store::try_open(path)
            }
            Err(e) => Err(e),
        }
    }

    fn try_open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("integrity check: {check}")),
            )));
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&conn)?;
        // A store from before the search index (or one whose index was lost)
        // gets it built from the records it has.
        let indexed: i64 = conn.query_row("SELECT COUNT(*) FROM services_fts", [], |r| r.get(0))?;
        let services: i64 = conn.query_row("SELECT COUNT(*) FROM services", [], |r| r.get(0))?;
        if indexed == 0 && services > 0 {
            search::rebuild(&conn)?;
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A store over a connection opened elsewhere (read-only, for searching);
    /// no migration, no integrity check: the writer did those.
    pub(crate) fn reader(conn: Connection, path: &Path) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    // ------------------------------------------------------------ sync state

    pub fn sync_state(&self, collection: &str) -> Result<SyncState> {
        let row = self
            .conn
            .query_row(
                "SELECT etag, last_success, last_error, failures FROM sync_state WHERE collection = ?1",
                [collection],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, u32>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(match row {
            None => SyncState::default(),
            Some((etag, success, error, failures)) => SyncState {
                etag,
                last_success: success.and_then(|s| s.parse().ok()),
                last_error: error,
                failures,
            },
        })
    }

    /// A pull that changed nothing (304) or succeeded without new data.
    pub fn record_sync_success(&self, collection: &str, at: Timestamp) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_state (collection, last_success, failures) VALUES (?1, ?2, 0)
             ON CONFLICT(collection) DO UPDATE SET last_success = ?2, last_error = NULL, failures = 0",
            params![collection, at.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn record_sync_failure(&self, collection: &str, error: &str) -> Result<u32> {
        self.conn.execute(
            "INSERT INTO sync_state (collection, last_error, failures) VALUES (?1, ?2, 1)
             ON CONFLICT(collection) DO UPDATE SET last_error = ?2, failures = failures + 1",
            params![collection, error],
        )?;
        Ok(self.sync_state(collection)?.failures)
    }

    /// Oldest successful sync over the public collections (None if any never synced).
    pub fn oldest_success(&self) -> Result<Option<Timestamp>> {
        let mut oldest: Option<Timestamp> = None;
        for c in schema::COLLECTIONS {
            match self.sync_state(c)?.last_success {
                None => return Ok(None),
                Some(t) => oldest = Some(oldest.map_or(t, |o| o.min(t))),
            }
        }
        Ok(oldest)
    }

    // ------------------------------------------------------------ collections

    /// Replaces a whole collection and its ETag in one transaction.
    pub fn replace<C: StoredCollection>(
        &mut self,
        collection: &C,
        etag: &str,
        at: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        collection.write(&tx)?;
        tx.execute(
            "INSERT INTO sync_state (collection, etag, last_success, failures) VALUES (?1, ?2, ?3, 0)
             ON CONFLICT(collection) DO UPDATE SET etag = ?2, last_success = ?3, last_error = NULL, failures = 0",
            params![C::NAME, etag, at.to_rfc3339()],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn load<C: StoredCollection>(&self) -> Result<C> {
        C::read(&self.conn)
    }

    /// The ids of the services matching `query`, best first (see [`search`]):
    /// diacritics- and case-insensitive, by prefix, one typo forgiven in longer
    /// words. Empty for a query without words.
    pub fn search_service_ids(&self, query: &str) -> Result<Vec<String>> {
        search::services(&self.conn, query)
    }

    /// The services matching `query`, best first.
    pub fn search_services(&self, query: &str) -> Result<Vec<Service>> {
        let ids = self.search_service_ids(query)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT json FROM services WHERE id = ?1")?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let json: String = stmt.query_row([id], |r| r.get(0))?;
            found.push(serde_json::from_str(&json)?);
        }
        Ok(found)
    }

    /// Departments and people matching `query` by name, role, phone or room.
    pub fn search_contacts(&self, query: &str) -> Result<Vec<ContactHit>> {
        search::contacts(&self.conn, query)
    }

    /// The polling district of an address ("where do I vote").
    pub fn polling_district(&self, street: &str, number: u32) -> Result<Option<PollingDistrict>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.numbers, d.json FROM district_streets s JOIN districts d ON d.number = s.district
             WHERE s.street_folded = ?1 ORDER BY d.number",
        )?;
        let rows = stmt.query_map([fold(street)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (numbers, json) = row?;
            if parse_numbers(&numbers).is_some_and(|n: HouseNumbers| n.contains(number)) {
                return Ok(Some(serde_json::from_str(&json)?));
            }
        }
        Ok(None)
    }

    /// Streets for the "Kde volím?" field: at most `limit` names for what was
    /// typed (after two letters; diacritics and case ignored; names starting
    /// with it first, then a word starting with it, then containing it), or
    /// the closest names when no street matches (`closest`).
    pub fn street_suggestions(
        &self,
        typed: &str,
        limit: usize,
    ) -> Result<crate::elections::Suggestions> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT street FROM district_streets")?;
        let names: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<std::result::Result<_, _>>()?;
        let index = crate::elections::StreetIndex::from_names(names.iter().map(String::as_str));
        Ok(index.suggest(typed, limit))
    }

    /// A street of the town with its parts: whether it is split between
    /// districts, and which house numbers vote in which (None: no such street).
    pub fn street(&self, name: &str) -> Result<Option<crate::elections::Street>> {
        let info: ElectionInfo = self.load()?;
        Ok(crate::elections::StreetIndex::new(&info)
            .street(name)
            .cloned())
    }

    /// The elections ahead on `today`, or the last one when none is scheduled.
    pub fn election_schedule(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<crate::elections::ElectionSchedule> {
        let info: ElectionInfo = self.load()?;
        Ok(crate::elections::schedule(&info, today))
    }

    // ------------------------------------------------------------ assets

    pub fn record_asset(&self, sha256: &str, size: u64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO assets (sha256, size, stored_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(sha256) DO UPDATE SET size = ?2",
            params![sha256, size as i64, chrono::Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn forget_asset(&self, sha256: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM assets WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    pub fn known_assets(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT sha256, size FROM assets ORDER BY stored_at")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    // ------------------------------------------------------------ staff lockout

    /// The counter's staff login lockout as last stored (none stored: unlocked).
    pub fn staff_lockout(&self) -> Result<crate::staff::Lockout> {
        let row = self
            .conn
            .query_row(
                "SELECT failures, lockouts, locked_until FROM staff_lockout WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((failures, lockouts, locked_until)) = row else {
            return Ok(crate::staff::Lockout::default());
        };
        let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        // An unreadable time is read as locked now: the lockout fails closed.
        let locked_until = locked_until.map(|text| {
            chrono::DateTime::parse_from_rfc3339(&text)
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_else(|_| {
                    let lockout = crate::staff::lockout_for(count(lockouts).max(1));
                    chrono::Utc::now() + chrono::Duration::from_std(lockout).unwrap_or_default()
                })
        });
        Ok(crate::staff::Lockout {
            failures: count(failures),
            lockouts: count(lockouts),
            locked_until,
        })
    }

    /// Stores the counter's staff login lockout.
    pub fn put_staff_lockout(&self, lockout: &crate::staff::Lockout) -> Result<()> {
        self.conn.execute(
            "INSERT INTO staff_lockout (id, failures, lockouts, locked_until) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET failures = ?1, lockouts = ?2, locked_until = ?3",
            params![
                i64::from(lockout.failures),
                i64::from(lockout.lockouts),
                lockout.locked_until.map(|t| t.to_rfc3339())
            ],
        )?;
        Ok(())
    }

    // ------------------------------------------------------------ slips and print jobs

    /// The next number of a per-kiosk sequence (e.g. `slip`), kept across restarts.
    pub fn next_number(&self, name: &str) -> Result<u64> {
        let value: i64 = self.conn.query_row(
            "INSERT INTO counters (name, value) VALUES (?1, 1)
             ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            [name],
            |r| r.get(0),
        )?;
        Ok(value as u64)
    }

    /// Keeps an anonymous print job until the printer confirms it or staff cancel it.
    pub fn enqueue_print_job(&self, kind: &str, bytes: &[u8]) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO print_jobs (created_at, kind, bytes) VALUES (?1, ?2, ?3)",
            params![chrono::Utc::now().to_rfc3339(), kind, bytes],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Jobs not yet printed, oldest first.
    pub fn pending_print_jobs(&self) -> Result<Vec<StoredPrintJob>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, bytes, attempts FROM print_jobs ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredPrintJob {
                id: r.get(0)?,
                kind: r.get(1)?,
                bytes: r.get(2)?,
                attempts: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn print_job_done(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM print_jobs WHERE id = ?1", [id])?;
        Ok(())
    }

    /// How many jobs wait for the printer.
    pub fn pending_print_job_count(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM print_jobs", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Staff cancelled every waiting job; returns how many there were.
    pub fn cancel_print_jobs(&self) -> Result<usize> {
        Ok(self.conn.execute("DELETE FROM print_jobs", [])?)
    }

    pub fn print_job_failed(&self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE print_jobs SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, error],
        )?;
        Ok(())
    }

    // ------------------------------------------------------------ outbox

    /// Queues an event; it survives restarts until the backend accepts it.
    pub fn enqueue_event(
        &self,
        kind: EventKind,
        occurred_at: Timestamp,
        payload: &serde_json::Value,
    ) -> Result<uuid::Uuid> {
        let id = uuid::Uuid::new_v4();
        self.conn.execute(
            "INSERT INTO outbox (id, kind, occurred_at, payload) VALUES (?1, ?2, ?3, ?4)",
            params![
                id.to_string(),
                kind.as_str(),
                occurred_at.to_rfc3339(),
                payload.to_string()
            ],
        )?;
        Ok(id)
    }

    /// Queues many events in one transaction (proof-of-play bursts, benchmarks).
    pub fn enqueue_events(
        &mut self,
        events: &[(EventKind, Timestamp, serde_json::Value)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO outbox (id, kind, occurred_at, payload) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (kind, at, payload) in events {
                stmt.execute(params![
                    uuid::Uuid::new_v4().to_string(),
                    kind.as_str(),
                    at.to_rfc3339(),
                    payload.to_string()
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The oldest `limit` events, in the order they were queued.
    pub fn outbox_batch(&self, limit: usize) -> Result<Vec<KioskEventRecord>> {
        loop {
            let mut events = Vec::new();
            let mut unreadable = Vec::new();
            {
                let mut stmt = self.conn.prepare(
                    "SELECT id, kind, occurred_at, payload FROM outbox ORDER BY seq LIMIT ?1",
                )?;
                let rows = stmt.query_map([limit as i64], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })?;
                for row in rows {
                    let (id, kind, at, payload) = row?;
                    match (
                        id.parse(),
                        EventKind::parse(&kind),
                        at.parse(),
                        serde_json::from_str(&payload),
                    ) {
                        (Ok(id), Some(kind), Ok(occurred_at), Ok(payload)) => {
                            events.push(KioskEventRecord {
                                id,
                                kind,
                                occurred_at,
                                payload,
                            })
                        }
                        _ => unreadable.push((id, kind)),
                    }
                }
            }
            if unreadable.is_empty() {
                return Ok(events);
            }
            // A row this build cannot read (e.g. written by a newer version) must not
            // block every event behind it: drop it, loudly, and read again.
            for (id, kind) in unreadable {
                tracing::error!(%id, %kind, "unreadable outbox row dropped");
                self.conn
                    .execute("DELETE FROM outbox WHERE id = ?1", [&id])?;
            }
        }
    }

    /// Forgets events the backend accepted; returns how many were removed.
    pub fn outbox_remove(&mut self, ids: &[uuid::Uuid]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut removed = 0;
        {
            let mut stmt = tx.prepare("DELETE FROM outbox WHERE id = ?1")?;
            for id in ids {
                removed += stmt.execute([id.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get::<_, i64>(0))?
            as u64)
    }
}

/// Whether an error means the file itself is damaged (not busy, full or locked).
fn is_corruption(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// A crude Czech stem: long words lose their last letters, where declension
/// changes them (občanský / občanského, průkaz / průkazu).
pub(crate) fn stem(word: &str) -> String {
    let n = word.chars().count();
    let keep = if n > 5 {
        n - 2
    } else if n > 4 {
        n - 1
    } else {
        n
    };
    word.chars().take(keep).collect()
}

/// Lower-case and without Czech diacritics, for search.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'á' => 'a',
            'č' => 'c',
            'ď' => 'd',
            'é' | 'ě' => 'e',
            'í' => 'i',
            'ň' => 'n',
            'ó' => 'o',
            'ř' => 'r',
            'š' => 's',
            'ť' => 't',
            'ú' | 'ů' => 'u',
            'ý' => 'y',
            'ž' => 'z',
            'ä' => 'a',
            'ö' => 'o',
            'ü' => 'u',
            other => other,
        })
        .collect()
}

/// A public collection with its own tables.
pub trait StoredCollection:
    crate::portal::validate::Validate + Serialize + DeserializeOwned + Sized
{
    fn write(&self, tx: &rusqlite::Transaction<'_>) -> Result<()>;
    fn read(conn: &Connection) -> Result<Self>;
}

fn read_json<T: DeserializeOwned>(conn: &Connection, sql: &str) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|r| Ok(serde_json::from_str(&r?)?)).collect()
}

impl StoredCollection for PromoPlaylist {
    fn write(&self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        tx.execute("DELETE FROM promo_slides", [])?;
        let mut stmt = tx.prepare(
            "INSERT INTO promo_slides (id, position, kind, asset_sha256, priority, urgent, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, s) in self.slides.iter().enumerate() {
            stmt.execute(params![
                s.id,
                i as i64,
                format!("{:?}", s.kind).to_lowercase(),
                s.asset.as_ref().map(|a| a.sha256.clone()),
                s.priority,
                s.urgent,
                serde_json::to_string(s)?
            ])?;
        }
        let signature = match &self.signature {
            Some(sig) => Some(serde_json::to_string(sig)?),
            None => None,
        };
        tx.execute(
            "INSERT OR REPLACE INTO promo_meta (id, signature, notices) VALUES (1, ?1, ?2)",
            params![signature, serde_json::to_string(&self.notices)?],
        )?;
        Ok(())
    }
    fn read(conn: &Connection) -> Result<Self> {
        let (signature, notices): (Option<String>, String) = conn
            .query_row(
                "SELECT signature, notices FROM promo_meta WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, "[]".into()));
        Ok(PromoPlaylist {
            slides: read_json(conn, "SELECT json FROM promo_slides ORDER BY position")?,
            notices: serde_json::from_str(&notices)?,
            signature: match signature {
                Some(json) => Some(serde_json::from_str(&json)?),
                None => None,
            },
        })
    }
}

impl StoredCollection for ServiceCatalogue {
    fn write(&self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        tx.execute("DELETE FROM services", [])?;
        let mut stmt = tx.prepare(
            "INSERT INTO services (id, position, title, department_id, categories, search, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, s) in self.services.iter().enumerate() {
            let search = fold(&format!(
                "{} {} {} {}",
                s.title,
                s.summary,
                s.categories.join(" "),
                s.id
            ));
            stmt.execute(params![
                s.id,
                i as i64,
                s.title,
                s.department_id,
                s.categories.join("\n"),
                search,
                serde_json::to_string(s)?
            ])?;
        }
        search::rebuild(tx)?;
        Ok(())
    }
    fn read(conn: &Connection) -> Result<Self> {
        Ok(ServiceCatalogue {
            services: read_json(conn, "SELECT json FROM services ORDER BY position")?,
        })
    }
}

impl StoredCollection for ContactDirectory {
    fn write(&self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        tx.execute("DELETE FROM departments", [])?;
        let mut stmt =
            tx.prepare("INSERT INTO departments (id, position, name, search, json) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (i, d) in self.departments.iter().enumerate() {
            let people: Vec<String> = d
                .people
                .iter()
                .map(|p| format!("{} {}", p.name, p.role))
                .collect();
            let search = fold(&format!("{} {}", d.name, people.join(" ")));
            stmt.execute(params![
                d.id,
                i as i64,
                d.name,
                search,
                serde_json::to_string(d)?
            ])?;
        }
        // The services' index names departments: rebuilt with them.
        search::rebuild(tx)?;
        Ok(())
    }
    fn read(conn: &Connection) -> Result<Self> {
        Ok(ContactDirectory {
            departments: read_json(conn, "SELECT json FROM departments ORDER BY position")?,
        })
    }
}

impl StoredCollection for ElectionInfo {
    fn write(&self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        tx.execute("DELETE FROM district_streets", [])?;
        tx.execute("DELETE FROM districts", [])?;
        tx.execute("DELETE FROM elections", [])?;
        let mut e = tx.prepare("INSERT INTO elections (id, position, json) VALUES (?1, ?2, ?3)")?;
        for (i, el) in self.elections.iter().enumerate() {
            e.execute(params![el.id, i as i64, serde_json::to_string(el)?])?;
        }
        let mut d = tx.prepare("INSERT INTO districts (number, json) VALUES (?1, ?2)")?;
        let mut s =
            tx.prepare("INSERT INTO district_streets (district, street, street_folded, numbers) VALUES (?1, ?2, ?3, ?4)")?;
        for district in &self.districts {
            d.execute(params![district.number, serde_json::to_string(district)?])?;
            for street in &district.streets {
                s.execute(params![
                    district.number,
                    street.street,
                    fold(&street.street),
                    street.numbers
                ])?;
            }
        }
        Ok(())
    }
    fn read(conn: &Connection) -> Result<Self> {
        Ok(ElectionInfo {
            elections: read_json(conn, "SELECT json FROM elections ORDER BY position")?,
            districts: read_json(conn, "SELECT json FROM districts ORDER BY number")?,
        })
    }
}

impl StoredCollection for crate::noticeboard::NoticeBoard {
    fn write(&self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        tx.execute("DELETE FROM board_notices", [])?;
        tx.execute("DELETE FROM board_refusals", [])?;
        tx.execute(
            "INSERT INTO board_meta (id, page) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET page = ?1",
            [&self.page],
        )?;
        let mut n = tx.prepare(
            "INSERT INTO board_notices (id, position, posted, last_day, agendas, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, notice) in self.notices.iter().enumerate() {
            n.execute(params![
                notice.id,
                i as i64,
                notice
                    .posted
                    .day()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                notice.until.last_day().map(|d| d.to_string()),
                notice.agendas.join("\n"),
                serde_json::to_string(notice)?
            ])?;
        }
        let mut r = tx.prepare(
            "INSERT INTO board_refusals (position, notice_iri, reason) VALUES (?1, ?2, ?3)",
        )?;
        for refused in &self.refused {
            r.execute(params![refused.position as i64, refused.id, refused.reason])?;
        }
        Ok(())
    }

    fn read(conn: &Connection) -> Result<Self> {
        let page = conn
            .query_row("SELECT page FROM board_meta WHERE id = 1", [], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten();
        Ok(crate::noticeboard::NoticeBoard {
            page,
            notices: read_json(conn, "SELECT json FROM board_notices ORDER BY position")?,
            refused: read_refusals(conn)?,
        })
    }
}

fn read_refusals(conn: &Connection) -> Result<Vec<crate::noticeboard::RefusedNotice>> {
    let mut stmt =
        conn.prepare("SELECT position, notice_iri, reason FROM board_refusals ORDER BY position")?;
    let rows = stmt.query_map([], |r| {
        Ok(crate::noticeboard::RefusedNotice {
            position: r.get::<_, i64>(0)?.max(0) as usize,
            id: r.get(1)?,
            reason: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

impl Store {
    /// What the úřední deska shows on `today`: posted by then and not past its
    /// last day, newest first; only `agenda`'s when one is given.
    pub fn current_notices(
        &self,
        today: chrono::NaiveDate,
        agenda: Option<&str>,
    ) -> Result<Vec<crate::noticeboard::BoardNotice>> {
        let day = today.to_string();
        let mut stmt = self.conn.prepare(
            "SELECT json FROM board_notices
             WHERE posted <= ?1 AND (last_day IS NULL OR last_day >= ?1)
               AND (?2 IS NULL OR instr(char(10) || agendas || char(10), char(10) || ?2 || char(10)) > 0)",
        )?;
        let rows = stmt.query_map(params![day, agenda], |r| r.get::<_, String>(0))?;
        let notices: Vec<crate::noticeboard::BoardNotice> = rows
            .map(|r| Ok(serde_json::from_str(&r?)?))
            .collect::<Result<_>>()?;
        let mut refs: Vec<&crate::noticeboard::BoardNotice> = notices.iter().collect();
        crate::noticeboard::sort_newest_first(&mut refs);
        Ok(refs.into_iter().cloned().collect())
    }

    /// The notices the board's reader refused at the last change, with the reasons.
    pub fn board_refusals(&self) -> Result<Vec<crate::noticeboard::RefusedNotice>> {
        read_refusals(&self.conn)
    }
}

#[cfg(test)]
mod tests;
