//! The development portal: the backend side of the kiosk contract (axum +
//! SQLite), seeded with Litoměřice content, so that the whole system runs on one
//! machine and in CI. It checks kiosk bearer tokens, verifies staff PINs for
//! the kiosks registered as counters (with a persistent lockout and an audit
//! of staff logins and lookups, `staff.rs`), answers problem+json,
//! serves strong ETags with conditional GETs, takes events idempotently, and has
//! a small admin API to change content and to inject faults for tests.
//!
//! It is a development tool (feature `devtools`): it never runs on a kiosk.

mod auth;
mod device;
mod extract;
mod faults;
mod handlers;
mod me;
mod ofn;
mod openapi;
mod promo;
mod routes;
mod seed;
pub use seed::{DemoTown, Seed};
mod staff;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

pub use device::{APPROVAL_PATH, DecideError, kiosk_place, normalise_user_code};
pub use faults::Fault;
pub use promo::{PlayCount, ProofOfPlayReport, SigningMode};
pub use routes::Served;
pub use staff::{LOOKUP_LIMIT, LOOKUP_WINDOW};

/// The kiosk token and id the demo and the seed use: a station kiosk (no
/// staff can log in with it).
pub const DEMO_KIOSK_TOKEN: &str = "demo-kiosk-token-1c5e3f0a9b7d";
pub const DEMO_KIOSK_ID: &str = "lt-demo-01";
/// The seeded counter (`demo --mode counter`): registered as a counter, with
/// the demo staff member allowed at it. Its id is the town hall counter's
/// (`kiosk-config/prepazka.toml`).
pub const DEMO_COUNTER_TOKEN: &str = "demo-counter-token-5a8d2e7c40f1";
pub const DEMO_COUNTER_ID: &str = "lt-prepazka-01";

#[derive(Debug, thiserror::Error)]
pub enum DevPortalError {
    #[error("development portal database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("development portal seed: {0}")]
    Seed(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

/// Shared state of the running portal.
pub struct PortalState {
    db: Mutex<Connection>,
    admin_token: String,
    pub(crate) auth: auth::AuthState,
    /// The citizens' mutable data (paid flags, payment intents, watchdog).
    pub(crate) me: me::MeState,
    /// Live staff sessions of counter kiosks.
    pub(crate) staff: staff::StaffState,
    /// Phone logins (RFC 8628): live device codes and approval forms.
    pub(crate) device: device::DeviceState,
    /// The playlist's signing key and serving mode.
    pub(crate) promo: promo::PromoSigning,
}

impl PortalState {
    /// Opens (creating) the portal database; seeds it with demo content if asked
    /// and it is empty.
    pub fn open(db: &Path, seed_demo: bool) -> Result<PortalState, DevPortalError> {
        PortalState::open_with(db, &seed::Seed::bundled(), seed_demo)
    }

    /// Opens (creating) the portal database with `seed`'s demo citizens; seeds
    /// it with `seed`'s content if `seed_content` and it is empty.
    pub fn open_with(
        db: &Path,
        seed: &seed::Seed,
        seed_content: bool,
    ) -> Result<PortalState, DevPortalError> {
        let seed_demo = seed_content;
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| DevPortalError::Seed(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS content (collection TEXT PRIMARY KEY, json TEXT NOT NULL, etag TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS assets (sha256 TEXT PRIMARY KEY, content_type TEXT NOT NULL, bytes BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL,
                 occurred_at TEXT NOT NULL, received_at TEXT NOT NULL, payload TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS heartbeats (kiosk_id TEXT PRIMARY KEY, json TEXT NOT NULL, received_at TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS faults (target TEXT PRIMARY KEY, fault TEXT NOT NULL, remaining INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        conn.execute_batch(staff::SCHEMA)?;
        let empty: i64 = conn.query_row("SELECT COUNT(*) FROM content", [], |r| r.get(0))?;
        if seed_demo && empty == 0 {
            seed::seed_demo(&conn, seed)?;
        }
        let no_board: i64 = conn.query_row(
            "SELECT COUNT(*) FROM content WHERE collection = 'notice-board'",
            [],
            |r| r.get(0),
        )?;
        if seed_demo && empty > 0 && no_board == 0 {
            // A database seeded before the notice board existed.
            seed::seed_notice_board(&conn, seed)?;
        }
        let no_staff: i64 =
            conn.query_row("SELECT COUNT(*) FROM staff_members", [], |r| r.get(0))?;
        if seed_demo && no_staff == 0 {
            // Also for a database seeded before counters and staff existed.
            seed::seed_demo_counter(&conn)?;
        }
        // The admin API publishes content and injects faults: its token is new
        // on every start (never a constant in the source), shown once by
        // `dev-portal` and handed to tests by [`PortalState::admin_token`].
        let admin_token = random_token().map_err(DevPortalError::Seed)?;
        let auth = auth::AuthState::new(&seed.citizens).map_err(DevPortalError::Seed)?;
        let me = me::MeState::new(&auth.citizens).map_err(DevPortalError::Seed)?;
        let promo = promo::PromoSigning::open(&conn).map_err(DevPortalError::Seed)?;
        Ok(PortalState {
            db: Mutex::new(conn),
            admin_token,
            auth,
            me,
            staff: staff::StaffState::new(),
            device: device::DeviceState::new(),
            promo,
        })
    }

    /// The public key of the playlist signatures (a kiosk's `promo.keys`).
    pub fn promo_public_key(&self) -> crate::promo::PublicKey {
        self.promo.signer().public_key().clone()
    }

    /// Signs playlists with the key of this 32-byte Ed25519 seed from now on.
    pub fn set_promo_key(&self, seed: &[u8; 32]) -> Result<(), String> {
        self.promo
            .set_key(crate::promo::PlaylistSigner::from_seed(seed)?);
        Ok(())
    }

    /// Serves the playlist signed, unsigned, tampered or with a foreign key.
    pub fn set_promo_signing(&self, mode: SigningMode) {
        self.promo.set_mode(mode);
    }

    /// Proof of play per slide × site × day from the stored events.
    pub fn proof_of_play(&self) -> rusqlite::Result<ProofOfPlayReport> {
        promo::proof_of_play(self)
    }

    /// The admin API's bearer token of this start.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// Runs `f` with the database (the lock is never held across an await).
    pub(crate) fn with_db<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let conn = self
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&conn)
    }

    /// Adds a kiosk token (tests use their own).
    pub fn add_kiosk_token(&self, token: &str, kiosk_id: &str) -> rusqlite::Result<()> {
        self.with_db(|c| {
            c.execute(
                "INSERT OR REPLACE INTO tokens (token, kiosk_id) VALUES (?1, ?2)",
                params![token, kiosk_id],
            )
            .map(|_| ())
        })
    }

    /// Registers a kiosk as a counter: staff may log in on it.
    pub fn register_counter(&self, kiosk_id: &str) -> rusqlite::Result<()> {
        self.with_db(|c| staff::register_counter(c, kiosk_id))
    }

    /// Adds (or replaces) a staff member: an id for the audit, the name the
    /// counter shows, the argon2id hash of their PIN (`portal-kiosk
    /// staff-pin-hash`; a weak or foreign hash is refused) and the counters
    /// (kiosk ids) where they may log in. PINs must differ between the staff
    /// of one counter: the first match is the one logged in.
    pub fn add_staff_member(
        &self,
        id: &str,
        display_name: &str,
        pin_hash: &str,
        counters: &[&str],
    ) -> Result<(), String> {
        let conn = self.db.lock().unwrap_or_else(|p| p.into_inner());
        staff::add_staff_member(&conn, id, display_name, pin_hash, counters)
    }

    /// Development only: moves the portal's clock for staff sessions,
    /// lockouts, lookup budgets, the audit and phone-login codes (their
    /// expiry and polling intervals) `by` into the future (tests).
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.staff.advance_clock(by);
        self.device.advance_clock(by);
    }
}

/// 32 random bytes, URL-safe base64.
fn random_token() -> Result<String, String> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for the admin token: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Strong ETag of a document: a quoted prefix of its SHA-256.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", crate::sync::hex_of(&digest[..16]))
}

/// A portal serving on a socket; dropping it (or `stop`) shuts it down.
pub struct RunningPortal {
    pub addr: SocketAddr,
    pub state: Arc<PortalState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningPortal {
    /// Base URL of the kiosk API, e.g. `http://127.0.0.1:41234/kiosk/v1/`.
    pub fn kiosk_api_url(&self) -> String {
        format!("http://{}/kiosk/v1/", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the portal on `listen` (use port 0 for a free one) on the current runtime.
pub async fn start(
    listen: &str,
    db: &Path,
    seed_demo: bool,
) -> Result<RunningPortal, DevPortalError> {
    start_with(listen, db, &seed::Seed::bundled(), seed_demo).await
}

/// [`start`] with a town's own demo content (`seed`).
pub async fn start_with(
    listen: &str,
    db: &Path,
    seed: &seed::Seed,
    seed_content: bool,
) -> Result<RunningPortal, DevPortalError> {
    let state = Arc::new(PortalState::open_with(db, seed, seed_content)?);
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| DevPortalError::Listen {
            addr: listen.to_string(),
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| DevPortalError::Listen {
            addr: listen.to_string(),
            source,
        })?;
    state.auth.default_origin(format!("http://{addr}"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = handlers::router(state.clone());
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!(error = %e, "development portal stopped");
        }
    });
    tracing::info!(%addr, "development portal listening");
    Ok(RunningPortal {
        addr,
        state,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Seconds after which the embedded demo portal pays a pending intent by
/// itself, so that a demo reaches "Zaplaceno" without anyone paying.
pub const DEMO_AUTO_PAY_SECONDS: u64 = 20;

/// The demo counter's staff member and PIN (`portal-kiosk demo --mode counter`).
pub const DEMO_STAFF_ID: &str = "st-prepazka-1";
pub const DEMO_STAFF_NAME: &str = "Eva Dvořáková";
pub const DEMO_STAFF_PIN: &str = "123456";
/// argon2id of [`DEMO_STAFF_PIN`] (made by `portal-kiosk staff-pin-hash`).
pub(crate) const DEMO_STAFF_PIN_HASH: &str = "$argon2id$v=19$m=65536,t=3,p=1$b6kQSzx/OoiOFoohzKRJPg$S9UADnhPtbi6vO031V9j9rXD1zbwZBUudz97c2ZwtZY";

/// A throw-away portal for `demo` and tests: temp database, loopback, random
/// port; pending payment intents pay themselves after [`DEMO_AUTO_PAY_SECONDS`]
/// (`PUT /admin/v1/payments {"autoPaySeconds": null}` turns that off).
pub struct EmbeddedPortal {
    pub portal: RunningPortal,
    pub dir: PathBuf,
    /// The station kiosk's credentials ([`DEMO_KIOSK_TOKEN`]).
    pub credentials_file: PathBuf,
    /// The counter's credentials ([`DEMO_COUNTER_TOKEN`]).
    pub counter_credentials_file: PathBuf,
}

impl EmbeddedPortal {
    /// Points a kiosk config at this portal as the station kiosk: its
    /// address (plain http on loopback, so no CA pin), the credentials, and
    /// signed playlists required with this portal's key pinned — as a town
    /// should run them.
    pub fn configure(&self, config: &mut crate::config::KioskConfig) {
        config.backend.url = self.portal.kiosk_api_url();
        config.backend.credentials_file = self.credentials_file.clone();
        config.backend.ca_file = None;
        config.promo.require_signature = true;
        config.promo.keys = vec![self.portal.state.promo_public_key().to_base64()];
    }
}

pub async fn start_embedded(dir: &Path) -> Result<EmbeddedPortal, DevPortalError> {
    start_embedded_with(dir, &seed::Seed::bundled()).await
}

/// [`start_embedded`] with a town's own demo content.
pub async fn start_embedded_with(
    dir: &Path,
    seed: &seed::Seed,
) -> Result<EmbeddedPortal, DevPortalError> {
    std::fs::create_dir_all(dir).map_err(|e| DevPortalError::Seed(e.to_string()))?;
    let portal = start_with("127.0.0.1:0", &dir.join("dev-portal.sqlite"), seed, true).await?;
    portal
        .state
        .me
        .set_auto_pay(Some(std::time::Duration::from_secs(DEMO_AUTO_PAY_SECONDS)));
    let credentials_file = dir.join("credentials.toml");
    let counter_credentials_file = dir.join("counter-credentials.toml");
    for (file, token) in [
        (&credentials_file, DEMO_KIOSK_TOKEN),
        (&counter_credentials_file, DEMO_COUNTER_TOKEN),
    ] {
        std::fs::write(file, format!("token = \"{token}\"\n"))
            .map_err(|e| DevPortalError::Seed(e.to_string()))?;
    }
    Ok(EmbeddedPortal {
        portal,
        dir: dir.to_path_buf(),
        credentials_file,
        counter_credentials_file,
    })
}

/// The OpenAPI document of the kiosk API (and the admin API), generated from
/// the handlers' annotations and the shared types.
pub fn openapi_json() -> String {
    openapi::openapi_json()
}

/// Every (method, path) the development portal's router serves.
pub fn served_routes() -> Vec<Served> {
    handlers::served()
}
