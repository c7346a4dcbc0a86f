//! Versioned migrations (`PRAGMA user_version`). Append new steps; never edit a
//! step that has shipped.

use rusqlite::Connection;

/// The public collections kept in the store, by their API names.
pub const COLLECTIONS: [&str; 5] = ["promo", "services", "contacts", "elections", "notice-board"];

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE sync_state (
         collection   TEXT PRIMARY KEY,
         etag         TEXT,
         last_success TEXT,
         last_error   TEXT,
         failures     INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE promo_slides (
         id           TEXT PRIMARY KEY,
         position     INTEGER NOT NULL,
         kind         TEXT NOT NULL,
         asset_sha256 TEXT,
         priority     INTEGER NOT NULL,
         urgent       INTEGER NOT NULL,
         json         TEXT NOT NULL
     );
     CREATE TABLE services (
         id            TEXT PRIMARY KEY,
         position      INTEGER NOT NULL,
         title         TEXT NOT NULL,
         department_id TEXT NOT NULL,
         categories    TEXT NOT NULL,
         search        TEXT NOT NULL,
         json          TEXT NOT NULL
     );
     CREATE TABLE departments (
         id       TEXT PRIMARY KEY,
         position INTEGER NOT NULL,
         name     TEXT NOT NULL,
         search   TEXT NOT NULL,
         json     TEXT NOT NULL
     );
     CREATE TABLE elections (
         id       TEXT PRIMARY KEY,
         position INTEGER NOT NULL,
         json     TEXT NOT NULL
     );
     CREATE TABLE districts (
         number INTEGER PRIMARY KEY,
         json   TEXT NOT NULL
     );
     CREATE TABLE district_streets (
         district      INTEGER NOT NULL REFERENCES districts(number),
         street        TEXT NOT NULL,
         street_folded TEXT NOT NULL,
         numbers       TEXT NOT NULL
     );
     CREATE INDEX district_streets_by_street ON district_streets(street_folded);
     CREATE TABLE assets (
         sha256    TEXT PRIMARY KEY,
         size      INTEGER NOT NULL,
         stored_at TEXT NOT NULL
     );
     CREATE TABLE outbox (
         seq         INTEGER PRIMARY KEY AUTOINCREMENT,
         id          TEXT NOT NULL UNIQUE,
         kind        TEXT NOT NULL,
         occurred_at TEXT NOT NULL,
         payload     TEXT NOT NULL
     );",
    // 2: slip numbers that survive restarts, and the queue of anonymous print jobs.
    // Slips with personal data are never stored: they live in memory with the session.
    "CREATE TABLE counters (
         name  TEXT PRIMARY KEY,
         value INTEGER NOT NULL
     );
     CREATE TABLE print_jobs (
         id         INTEGER PRIMARY KEY AUTOINCREMENT,
         created_at TEXT NOT NULL,
         kind       TEXT NOT NULL,
         bytes      BLOB NOT NULL,
         attempts   INTEGER NOT NULL DEFAULT 0,
         last_error TEXT
     );",
    // 3: the counter's staff login lockout, kept across restarts: counts and a
    // time only (never who typed, never a PIN). One row.
    "CREATE TABLE staff_lockout (
         id           INTEGER PRIMARY KEY CHECK (id = 1),
         failures     INTEGER NOT NULL,
         lockouts     INTEGER NOT NULL,
         locked_until TEXT
     );",
    // 4: full-text search of services and contacts (FTS5, diacritics folded),
    // filled from the records (store/search.rs).
    super::search::MIGRATION,
    // 5: the úřední deska, as the kiosk's own normalized notices (why not the
    // raw OFN: see `noticeboard::NoticeBoard`). The posting day and the last
    // day it hangs are columns, so "what is posted today" is a query; the
    // notices the reader refused are kept with their reasons for staff.
    "CREATE TABLE board_notices (
         id       TEXT PRIMARY KEY,
         position INTEGER NOT NULL,
         posted   TEXT NOT NULL,
         last_day TEXT,
         agendas  TEXT NOT NULL,
         json     TEXT NOT NULL
     );
     CREATE INDEX board_notices_by_day ON board_notices(last_day, posted);
     CREATE TABLE board_refusals (
         position   INTEGER PRIMARY KEY,
         notice_iri TEXT,
         reason     TEXT NOT NULL
     );
     CREATE TABLE board_meta (
         id   INTEGER PRIMARY KEY CHECK (id = 1),
         page TEXT
     );",
    // 6: the playlist's signature (JSON), kept with its slides so a stored
    // playlist can be verified again when it is read, and its urgent notices
    // (a JSON array).
    "CREATE TABLE promo_meta (
         id        INTEGER PRIMARY KEY CHECK (id = 1),
         signature TEXT,
         notices   TEXT NOT NULL DEFAULT '[]'
     );",
];

pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "store migrated");
    }
    Ok(())
}
