//! The counter mode's staff login on the kiosk: the staff PIN's rules and
//! hashing (for the backend), the lockout policy shared with the development
//! portal, the kiosk's own persistent lockout, and the staff login adapter.
//!
//! **The backend verifies the staff member** (`POST /kiosk/v1/staff/login`).
//! A counter is a device registered at the backend as a counter; the staff
//! credential is the member's PIN, which the kiosk sends (inside TLS, in the
//! body, never in a URL) with its device token. The backend checks it against
//! the argon2id hashes it holds for the staff allowed at that counter, keeps
//! the lockout that counts (per counter device, persistent, escalating) and the
//! audit trail of logins and lookups. `portal-kiosk staff-pin-hash` makes such
//! a hash for the backend's staff records; the kiosk holds no staff hashes.
//!
//! The kiosk keeps its own lockout as a first line: after [`MAX_FAILURES`]
//! wrong PINs in a row it refuses every PIN, without asking the backend, for
//! [`FIRST_LOCKOUT`], doubling with every further lockout up to
//! [`MAX_LOCKOUT`]; a login resets it. It is stored in the kiosk's data
//! directory (its SQLite store) as two counts and a time — never who typed,
//! never a PIN — so a restart does not clear it. A backend that answers 429
//! locks the kiosk for the backend's `Retry-After`.
//!
//! A PIN is 6 to 12 digits, handled as bytes in zeroized buffers, never
//! logged, formatted or copied into a `String`.

use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{PasswordHashString, PasswordVerifier, SaltString};

use crate::kiosk::ports::{AttemptId, EventSink, StaffLoginPort};
use crate::kiosk::{KioskEvent, StaffOutcome, StaffPin};
use crate::login::{SessionKind, SessionTokens};
use crate::portal::client::{PortalClient, PortalError, StaffLoginError};
use crate::portal::types::Timestamp;
use crate::store::{Store, StoreError};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use zeroize::Zeroizing;

/// The staff PIN's length limits: the core's, defined once.
pub use crate::kiosk::{STAFF_PIN_MAX as PIN_MAX, STAFF_PIN_MIN as PIN_MIN};
/// Wrong PINs in a row that lock the staff login.
pub const MAX_FAILURES: u32 = 5;
/// How long the first lockout lasts; every further one doubles it.
pub const FIRST_LOCKOUT: Duration = Duration::from_secs(60);
/// The longest lockout.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(60 * 60);

/// Cost of new hashes: argon2id with 64 MiB and 3 passes (RFC 9106's second
/// recommendation), about a tenth of a second per check.
const HASH_MEMORY_KIB: u32 = 64 * 1024;
const HASH_PASSES: u32 = 3;
/// The weakest hash accepted (OWASP's floor): a 6-digit PIN has only a million
/// values, so the cost is all there is.
const MIN_MEMORY_KIB: u32 = 19 * 1024;
const MIN_PASSES: u32 = 2;
/// A hash that would take a gigabyte or minutes per check is a mistake.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_PASSES: u32 = 16;

/// Whether `pin` is 6 to 12 ASCII digits.
pub fn is_valid_pin(pin: &[u8]) -> bool {
    (PIN_MIN..=PIN_MAX).contains(&pin.len()) && pin.iter().all(u8::is_ascii_digit)
}

/// An argon2id hash (PHC string, random salt) of a staff PIN, for the
/// backend's staff records.
pub fn hash_pin(pin: &[u8]) -> Result<String, String> {
    if !is_valid_pin(pin) {
        return Err(format!("a staff PIN is {PIN_MIN} to {PIN_MAX} digits"));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no random numbers for the salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| format!("salt: {e}"))?;
    let params = Params::new(HASH_MEMORY_KIB, HASH_PASSES, 1, None)
        .map_err(|e| format!("argon2 parameters: {e}"))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(pin, &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("cannot hash the PIN: {e}"))
}

/// Reads a staff PIN from one line of `input` (the line end is not part of it).
/// The line is zeroized; a PIN that is not 6 to 12 digits is refused.
pub fn read_pin_line(input: &mut impl BufRead) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut line = Zeroizing::new(Vec::with_capacity(64));
    // A PIN line is short: do not read an endless one into memory.
    input
        .by_ref()
        .take(256)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("cannot read the PIN: {e}"))?;
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    if !is_valid_pin(&line) {
        return Err(format!(
            "a staff PIN is {PIN_MIN} to {PIN_MAX} digits (0–9) and nothing else"
        ));
    }
    Ok(line)
}

/// Reads a staff PIN from standard input; on a terminal it asks on stderr and
/// does not echo what is typed.
pub fn read_pin_from_stdin() -> Result<Zeroizing<Vec<u8>>, String> {
    let stdin = std::io::stdin();
    let echo_off = EchoOff::on_terminal(libc::STDIN_FILENO);
    if echo_off.is_some() {
        eprint!("Staff PIN ({PIN_MIN}–{PIN_MAX} digits): ");
    }
    let pin = read_pin_line(&mut stdin.lock());
    if echo_off.is_some() {
        eprintln!();
    }
    pin
}

/// Turns the terminal's echo off while it lives (only if `fd` is a terminal).
struct EchoOff {
    fd: libc::c_int,
    saved: libc::termios,
}

impl EchoOff {
    fn on_terminal(fd: libc::c_int) -> Option<EchoOff> {
        // SAFETY: isatty/tcgetattr/tcsetattr only read or write the termios
        // struct we own; a failing call leaves the terminal as it was.
        unsafe {
            if libc::isatty(fd) != 1 {
                return None;
            }
            let mut saved = std::mem::zeroed::<libc::termios>();
            if libc::tcgetattr(fd, &mut saved) != 0 {
                return None;
            }
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            if libc::tcsetattr(fd, libc::TCSANOW, &quiet) != 0 {
                return None;
            }
            Some(EchoOff { fd, saved })
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in `on_terminal`.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved);
        }
    }
}

// ---------------------------------------------------------------- PIN hashes (the backend's)

/// Parses a PHC string and checks that it is an argon2id hash of a sane cost
/// (what a backend should check before it stores a staff member's hash).
pub fn check_pin_hash(text: &str) -> Result<PasswordHashString, String> {
    let hash = PasswordHashString::new(text.trim())
        .map_err(|e| format!("pin_hash is not a PHC hash string ({e})"))?;
    let parsed = hash.password_hash();
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return Err(
            "pin_hash must be argon2id (make it with `portal-kiosk staff-pin-hash`)".into(),
        );
    }
    if parsed.version != Some(Version::V0x13.into()) {
        return Err("pin_hash must be argon2 version 19".into());
    }
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err("pin_hash has no salt or no hash".into());
    }
    let params = Params::try_from(&parsed).map_err(|e| format!("pin_hash parameters: {e}"))?;
    if params.m_cost() < MIN_MEMORY_KIB || params.t_cost() < MIN_PASSES {
        return Err(format!(
            "pin_hash is too cheap to guess (at least m={MIN_MEMORY_KIB}, t={MIN_PASSES})"
        ));
    }
    if params.m_cost() > MAX_MEMORY_KIB || params.t_cost() > MAX_PASSES {
        return Err(format!(
            "pin_hash is too costly (at most m={MAX_MEMORY_KIB}, t={MAX_PASSES})"
        ));
    }
    Ok(hash)
}

/// Which of `hashes` (if any) is the hash of `pin`. Every hash is tried (argon2
/// compares in constant time), so the time does not tell whose PIN it is; the
/// first match wins. Slow on purpose (≈0.1 s per hash): never on a UI thread
/// or an async worker. Not a PIN at all matches nothing.
pub fn verify_pin(pin: &[u8], hashes: &[PasswordHashString]) -> Option<usize> {
    if !is_valid_pin(pin) {
        return None;
    }
    let argon2 = Argon2::default();
    let mut found = None;
    for (i, hash) in hashes.iter().enumerate() {
        let ok = argon2.verify_password(pin, &hash.password_hash()).is_ok();
        if ok && found.is_none() {
            found = Some(i);
        }
    }
    found
}

// ---------------------------------------------------------------- lockout policy

/// How long the `lockouts`-th lockout in a row lasts (the first is 1): 60 s,
/// 120 s, 240 s, … and never more than an hour.
pub fn lockout_for(lockouts: u32) -> Duration {
    let doublings = lockouts.saturating_sub(1).min(16);
    FIRST_LOCKOUT
        .saturating_mul(1u32 << doublings)
        .min(MAX_LOCKOUT)
}

/// The state of a staff login lockout: counts and a time, nothing else. The
/// kiosk keeps one in its store; the development portal one per counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lockout {
    /// Wrong PINs since the last login or lockout.
    pub failures: u32,
    /// Lockouts since the last login (how far the next one escalates).
    pub lockouts: u32,
    /// Locked until then (a past time: not locked any more).
    pub locked_until: Option<Timestamp>,
}

/// What a wrong PIN leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// This many more wrong PINs lock the login.
    Wrong { attempts_left: u32 },
    /// Locked for this many seconds.
    Locked { seconds_left: u64 },
}

fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Lockout {
    /// Seconds (rounded up) until a PIN is checked again, if locked at `now`.
    /// Never more than [`MAX_LOCKOUT`]: a clock set back cannot lock for longer.
    pub fn locked_for(&self, now: Timestamp) -> Option<u64> {
        let until = self.locked_until?;
        if until <= now {
            return None;
        }
        let left = (until - now)
            .to_std()
            .unwrap_or(MAX_LOCKOUT)
            .min(MAX_LOCKOUT);
        Some(whole_seconds(left).max(1))
    }

    /// A wrong PIN at `now`: counted, and the [`MAX_FAILURES`]th in a row locks
    /// for the next step of the escalation. While locked nothing is counted.
    pub fn miss(&mut self, now: Timestamp) -> Miss {
        if let Some(seconds_left) = self.locked_for(now) {
            return Miss::Locked { seconds_left };
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures < MAX_FAILURES {
            return Miss::Wrong {
                attempts_left: MAX_FAILURES - self.failures,
            };
        }
        self.failures = 0;
        self.lockouts = self.lockouts.saturating_add(1);
        let lockout = lockout_for(self.lockouts);
        self.locked_until = Some(now + chrono_of(lockout));
        Miss::Locked {
            seconds_left: whole_seconds(lockout),
        }
    }

    /// Locked by another's decision (the backend's 429) for `duration`, or for
    /// the next step of this escalation when the backend did not say; counts
    /// as a lockout. An existing longer lock stays. Returns the seconds left.
    pub fn lock(&mut self, now: Timestamp, duration: Option<Duration>) -> u64 {
        self.failures = 0;
        self.lockouts = self.lockouts.saturating_add(1);
        let duration = duration
            .unwrap_or_else(|| lockout_for(self.lockouts))
            .clamp(Duration::from_secs(1), MAX_LOCKOUT);
        let until = now + chrono_of(duration);
        self.locked_until = Some(self.locked_until.map_or(until, |u| u.max(until)));
        self.locked_for(now).unwrap_or(1)
    }

    /// A staff member logged in: everything is forgiven.
    pub fn success(&mut self) {
        *self = Lockout::default();
    }
}

// ---------------------------------------------------------------- clock

/// Where lockouts take their (wall-clock) time from: a lockout outlives the
/// process, so it is a date, not an `Instant`. Tests use [`ManualClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        chrono::Utc::now()
    }
}

/// A clock that starts at the real time and moves on only when told to.
pub struct ManualClock {
    start: Timestamp,
    offset: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock {
            start: chrono::Utc::now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.start + chrono_of(*self.offset.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

// ---------------------------------------------------------------- the kiosk's lockout

/// The kiosk's own staff login lockout, kept in its store (`store.sqlite` in the
/// data directory) so that a restart does not clear it. Blocking (SQLite): call
/// it off the UI thread.
pub struct StaffLockout {
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for StaffLockout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffLockout").finish_non_exhaustive()
    }
}

impl StaffLockout {
    /// Opens the lockout in the kiosk's data directory (creating the store).
    pub fn open(data_dir: &Path) -> Result<StaffLockout, StoreError> {
        Ok(StaffLockout {
            store: Mutex::new(Store::open_in(data_dir)?),
            clock: Arc::new(SystemClock),
        })
    }

    /// Uses `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> StaffLockout {
        self.clock = clock;
        self
    }

    /// Reads, changes and stores the lockout (attempts are serialised by the lock).
    fn update<T>(
        &self,
        change: impl FnOnce(&mut Lockout, Timestamp) -> T,
    ) -> Result<T, StoreError> {
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let mut lockout = store.staff_lockout()?;
        let before = lockout;
        let result = change(&mut lockout, self.clock.now());
        if lockout != before {
            store.put_staff_lockout(&lockout)?;
        }
        Ok(result)
    }

    /// The lockout as stored.
    pub fn state(&self) -> Result<Lockout, StoreError> {
        self.update(|l, _| *l)
    }

    /// Seconds until a PIN may be tried again, if locked now.
    pub fn locked_for(&self) -> Result<Option<u64>, StoreError> {
        self.update(|l, now| l.locked_for(now))
    }

    /// A wrong PIN now.
    pub fn miss(&self) -> Result<Miss, StoreError> {
        self.update(|l, now| l.miss(now))
    }

    /// The backend locked the login (429) for `duration`, if it said.
    pub fn lock(&self, duration: Option<Duration>) -> Result<u64, StoreError> {
        self.update(|l, now| l.lock(now, duration))
    }

    /// A staff member logged in.
    pub fn success(&self) -> Result<(), StoreError> {
        self.update(|l, _| l.success())
    }
}

// ---------------------------------------------------------------- the adapter

/// The counter's staff login adapter: the kiosk's lockout first, then the PIN
/// to the backend, which verifies it and opens a staff session; its token is
/// kept under the attempt that opened it. Runs on the runtime (SQLite on a
/// blocking task); knows nothing of the UI.
pub struct StaffLogin {
    runtime: tokio::runtime::Handle,
    client: Arc<PortalClient>,
    lockout: Arc<StaffLockout>,
    tokens: SessionTokens,
    events: Option<EventSink>,
}

impl StaffLogin {
    pub fn new(
        runtime: tokio::runtime::Handle,
        client: Arc<PortalClient>,
        lockout: Arc<StaffLockout>,
        tokens: SessionTokens,
    ) -> StaffLogin {
        StaffLogin {
            runtime,
            client,
            lockout,
            tokens,
            events: None,
        }
    }
}

impl StaffLoginPort for StaffLogin {
    fn connect(&mut self, events: EventSink) {
        self.events = Some(events);
    }

    fn authenticate(&self, attempt: AttemptId, pin: StaffPin) {
        let Some(events) = self.events.clone() else {
            return;
        };
        let client = self.client.clone();
        let lockout = self.lockout.clone();
        let tokens = self.tokens.clone();
        self.runtime.spawn(async move {
            let outcome = staff_login(&client, lockout, &tokens, attempt, pin).await;
            events(KioskEvent::StaffResult { attempt, outcome });
        });
    }

    fn has_staff(&self) -> bool {
        true
    }
}

/// Runs a change of the kiosk's lockout on a blocking task.
async fn with_lockout<T: Send + 'static>(
    lockout: &Arc<StaffLockout>,
    change: impl FnOnce(&StaffLockout) -> Result<T, StoreError> + Send + 'static,
) -> Option<T> {
    let lockout = lockout.clone();
    match tokio::task::spawn_blocking(move || change(&lockout)).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "staff login: the kiosk's lockout is unreadable or unwritable");
            None
        }
        Err(_) => {
            tracing::error!("staff login: the lockout task failed");
            None
        }
    }
}

/// Counter: the kiosk's lockout, then the PIN checked by the backend.
async fn staff_login(
    client: &PortalClient,
    lockout: Arc<StaffLockout>,
    tokens: &SessionTokens,
    attempt: AttemptId,
    pin: StaffPin,
) -> StaffOutcome {
    // The first line: while the kiosk is locked, nothing leaves it. A lockout
    // that cannot be read fails closed.
    match with_lockout(&lockout, StaffLockout::locked_for).await {
        None => return StaffOutcome::Failed,
        Some(Some(seconds_left)) => {
            tracing::warn!(seconds_left, "staff login: locked after wrong PINs");
            return StaffOutcome::Locked { seconds_left };
        }
        Some(None) => {}
    }
    let answer = if is_valid_pin(&pin.0) {
        client.staff_login(&pin.0).await
    } else {
        // The core sends 6 to 12 digits only; anything else is a wrong PIN.
        Err(StaffLoginError::WrongPin { misses_left: None })
    };
    drop(pin);
    match answer {
        Ok(opened) => {
            with_lockout(&lockout, StaffLockout::success).await;
            tokens.put(attempt, SessionKind::Staff, opened.session);
            tracing::info!("staff login: staff session opened");
            StaffOutcome::LoggedIn { name: opened.name }
        }
        Err(StaffLoginError::WrongPin { misses_left }) => {
            match with_lockout(&lockout, StaffLockout::miss).await {
                Some(Miss::Wrong { attempts_left }) => {
                    // The stricter count of the two shows.
                    let attempts_left = misses_left.map_or(attempts_left, |b| b.min(attempts_left));
                    tracing::info!(attempts_left, "staff login: wrong PIN");
                    StaffOutcome::Wrong { attempts_left }
                }
                Some(Miss::Locked { seconds_left }) => {
                    tracing::warn!(seconds_left, "staff login: locked after wrong PINs");
                    StaffOutcome::Locked { seconds_left }
                }
                None => StaffOutcome::Failed,
            }
        }
        Err(StaffLoginError::Locked { retry_after }) => {
            let seconds_left = with_lockout(&lockout, move |l| l.lock(retry_after))
                .await
                .or(retry_after.map(whole_seconds))
                .unwrap_or(FIRST_LOCKOUT.as_secs());
            tracing::warn!(
                seconds_left,
                "staff login: the backend locked it after wrong PINs"
            );
            StaffOutcome::Locked { seconds_left }
        }
        Err(StaffLoginError::NotACounter) => {
            tracing::error!(
                "staff login: the backend does not know this kiosk as a counter (register it there)"
            );
            StaffOutcome::NotACounter
        }
        Err(StaffLoginError::Portal(e)) => {
            match &e {
                // A problem text is the backend's words: not for the log.
                PortalError::Status { status, .. } => {
                    tracing::warn!(status, "staff login: the backend refused")
                }
                other => tracing::warn!(error = %other, "staff login: the backend is unreachable"),
            }
            StaffOutcome::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_six_to_twelve_digits() {
        assert!(is_valid_pin(b"123456"));
        assert!(is_valid_pin(b"123456789012"));
        for bad in [
            &b""[..],
            b"12345",
            b"1234567890123",
            b"12ab56",
            b"123 456",
            "١٢٣٤٥٦".as_bytes(),
        ] {
            assert!(!is_valid_pin(bad));
        }
        assert!(hash_pin(b"12ab").is_err());
    }

    #[test]
    fn pin_lines_lose_their_line_end_only() {
        let pin = read_pin_line(&mut &b"246810\r\n"[..]).unwrap();
        assert_eq!(&pin[..], b"246810");
        assert!(read_pin_line(&mut &b" 246810\n"[..]).is_err());
        assert!(read_pin_line(&mut &b"12ab\n"[..]).is_err());
        assert!(read_pin_line(&mut &b""[..]).is_err());
        // Only the first line counts.
        let pin = read_pin_line(&mut &b"135791\n246810\n"[..]).unwrap();
        assert_eq!(&pin[..], b"135791");
    }

    #[test]
    fn weak_or_foreign_hashes_are_refused() {
        // argon2i, and an argon2id that is far too cheap.
        let argon2i = "$argon2i$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$\
                       M2Y0YzJlNTY2ZGI4NDk5ZWZiM2M3ZTAzYjA2OTc2NDQ";
        let cheap = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$\
                     M2Y0YzJlNTY2ZGI4NDk5ZWZiM2M3ZTAzYjA2OTc2NDQ";
        for hash in [argon2i, cheap, "secret", "$2b$12$abcdefghijklmnopqrstuv"] {
            assert!(check_pin_hash(hash).is_err(), "{hash}");
        }
        let good = hash_pin(b"123456").unwrap();
        assert!(
            good.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"),
            "{good}"
        );
        assert!(!good.contains("123456"));
        let hashes = [
            check_pin_hash(&hash_pin(b"975310").unwrap()).unwrap(),
            check_pin_hash(&good).unwrap(),
        ];
        assert_eq!(verify_pin(b"123456", &hashes), Some(1));
        assert_eq!(verify_pin(b"975310", &hashes), Some(0));
        assert_eq!(verify_pin(b"123457", &hashes), None);
        assert_eq!(verify_pin(b"12ab56", &hashes), None);
    }

    fn at(seconds: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn lockouts_double_from_a_minute_to_an_hour() {
        let steps: Vec<u64> = (1..=9).map(|n| lockout_for(n).as_secs()).collect();
        assert_eq!(steps, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(lockout_for(u32::MAX), MAX_LOCKOUT);
    }

    #[test]
    fn five_misses_lock_and_every_further_lockout_doubles() {
        let mut l = Lockout::default();
        let mut now = at(0);
        for round in 1..=8u32 {
            for left in (1..MAX_FAILURES).rev() {
                assert_eq!(
                    l.miss(now),
                    Miss::Wrong {
                        attempts_left: left
                    }
                );
            }
            let expected = lockout_for(round).as_secs();
            assert_eq!(
                l.miss(now),
                Miss::Locked {
                    seconds_left: expected
                }
            );
            // Locked: nothing is counted, the time runs down.
            assert_eq!(
                l.miss(now + chrono::Duration::seconds(1)),
                Miss::Locked {
                    seconds_left: expected - 1
                }
            );
            assert_eq!(l.failures, 0);
            now += chrono::Duration::seconds(expected as i64);
            assert_eq!(l.locked_for(now), None);
        }
        // A login forgives all of it.
        l.success();
        assert_eq!(l, Lockout::default());
        for _ in 1..MAX_FAILURES {
            l.miss(now);
        }
        assert_eq!(l.miss(now), Miss::Locked { seconds_left: 60 });
    }

    #[test]
    fn a_backend_lock_counts_as_a_lockout_and_a_clock_set_back_cannot_lock_longer() {
        let mut l = Lockout::default();
        assert_eq!(l.lock(at(0), Some(Duration::from_secs(90))), 90);
        assert_eq!(l.lockouts, 1);
        // Without a Retry-After: the next step of the kiosk's own escalation.
        assert_eq!(l.lock(at(90), None), 120);
        // An absurd Retry-After is capped at the longest lockout.
        assert_eq!(l.lock(at(300), Some(Duration::from_secs(86_400))), 3600);
        // A clock set back a day still shows at most an hour.
        assert_eq!(l.locked_for(at(300 - 86_400)), Some(3600));
    }
}
