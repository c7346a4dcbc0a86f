//! Staff PINs of the counter mode: who may log in at the staff desk, and the
//! staff login adapter that checks them.
//!
//! The PINs are checked on the kiosk itself, against argon2id hashes kept in
//! the kiosk's credentials file (the same root-only TOML file that holds the
//! device's bearer token, never the config committed in the repo):
//!
//! ```toml
//! token = "…"
//!
//! [[staff]]
//! name = "Přepážka 1"
//! pin_hash = "$argon2id$v=19$m=65536,t=3,p=1$…"
//! ```
//!
//! `portal-kiosk staff-pin-hash` makes such a hash. The PIN never leaves the
//! kiosk: after a match the kiosk asks the backend for a staff session in the
//! member's name, authenticated by its device token (`POST /staff/login`).
//!
//! A PIN is 6 to 12 digits, handled as bytes, never logged, formatted or
//! copied into a `String`. After [`MAX_FAILURES`] wrong PINs in a row the kiosk
//! refuses every PIN for [`LOCKOUT`], without even checking it.

use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHashString, PasswordVerifier, SaltString};

use crate::kiosk::ports::{AttemptId, EventSink, StaffLoginPort};
use crate::kiosk::{KioskEvent, StaffOutcome, StaffPin};
use crate::login::{SessionKind, SessionTokens};
use crate::portal::client::PortalClient;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use zeroize::Zeroizing;

/// The staff PIN's length limits: the core's, defined once.
pub use crate::kiosk::{STAFF_PIN_MAX as PIN_MAX, STAFF_PIN_MIN as PIN_MIN};
/// Wrong PINs in a row that lock the staff login.
pub const MAX_FAILURES: u32 = 5;
/// How long the staff login stays locked.
pub const LOCKOUT: Duration = Duration::from_secs(60);

/// Cost of new hashes: argon2id with 64 MiB and 3 passes (RFC 9106's second
/// recommendation), about a tenth of a second per check on a kiosk.
const HASH_MEMORY_KIB: u32 = 64 * 1024;
const HASH_PASSES: u32 = 3;
/// The weakest hash the kiosk accepts from a credentials file (OWASP's floor):
/// a 6-digit PIN has only a million values, so the cost is all there is.
const MIN_MEMORY_KIB: u32 = 19 * 1024;
const MIN_PASSES: u32 = 2;
/// A hash that would take the kiosk's memory or minutes per check is a mistake.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_PASSES: u32 = 16;
/// A staff member's name, as shown and as sent to the backend.
const NAME_MAX_CHARS: usize = 64;

/// Whether `pin` is 6 to 12 ASCII digits.
pub fn is_valid_pin(pin: &[u8]) -> bool {
    (PIN_MIN..=PIN_MAX).contains(&pin.len()) && pin.iter().all(u8::is_ascii_digit)
}

/// An argon2id hash (PHC string, random salt) of a staff PIN for the credentials file.
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

// ---------------------------------------------------------------- clock

/// Where the lockout takes its time from (tests use [`ManualClock`]).
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The monotonic system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to.
pub struct ManualClock {
    start: Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock {
            start: Instant::now(),
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
    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }
}

// ---------------------------------------------------------------- staff PINs

/// A staff member whose PIN matched.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// As in the credentials file ("Přepážka 1"), sent to the backend at login.
    pub name: String,
}

impl std::fmt::Debug for StaffMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A staff name may be a person's name: not for logs (ARCHITECTURE.md).
        f.write_str("StaffMember(..)")
    }
}

/// The outcome of a staff PIN check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffVerdict {
    /// The PIN is this member's.
    Staff(StaffMember),
    /// No member has this PIN; `attempts_left` more wrong ones lock the login.
    Wrong { attempts_left: u32 },
    /// Too many wrong PINs: the PIN was not even checked. Try again later.
    Locked { seconds_left: u64 },
}

struct Entry {
    name: String,
    hash: PasswordHashString,
}

struct Attempts {
    failures: u32,
    locked_until: Option<Instant>,
}

/// The staff members of a counter kiosk and their PIN hashes, with the lockout.
pub struct StaffPins {
    entries: Vec<Entry>,
    attempts: Mutex<Attempts>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for StaffPins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffPins")
            .field("members", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// The part of the credentials file this module reads (`token` is the client's).
#[derive(serde::Deserialize)]
struct StaffFile {
    #[serde(default)]
    staff: Vec<StaffEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffEntry {
    name: String,
    pin_hash: String,
}

impl StaffPins {
    /// Reads the `[[staff]]` entries of a credentials file; a file without any
    /// is an error (a counter nobody can log in to is misconfigured).
    pub fn from_credentials(path: &Path) -> Result<StaffPins, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the credentials {}: {e}", path.display()))?;
        StaffPins::from_toml(&text).map_err(|e| format!("credentials {}: {e}", path.display()))
    }

    /// Parses the `[[staff]]` entries of a credentials file's text.
    pub fn from_toml(text: &str) -> Result<StaffPins, String> {
        let file: StaffFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        if file.staff.is_empty() {
            return Err("no [[staff]] entries: nobody could log in at the counter".into());
        }
        let mut entries: Vec<Entry> = Vec::with_capacity(file.staff.len());
        for (i, s) in file.staff.into_iter().enumerate() {
            let n = i + 1;
            let name = s.name.trim().to_string();
            if name.is_empty()
                || name.chars().count() > NAME_MAX_CHARS
                || name.chars().any(char::is_control)
            {
                return Err(format!(
                    "staff #{n}: the name must be 1 to {NAME_MAX_CHARS} printable characters"
                ));
            }
            if entries.iter().any(|e| e.name == name) {
                return Err(format!("staff #{n}: the name is used twice"));
            }
            let hash = check_hash(s.pin_hash.trim()).map_err(|e| format!("staff #{n}: {e}"))?;
            entries.push(Entry { name, hash });
        }
        Ok(StaffPins {
            entries,
            attempts: Mutex::new(Attempts {
                failures: 0,
                locked_until: None,
            }),
            clock: Arc::new(SystemClock),
        })
    }

    /// Uses `clock` for the lockout instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> StaffPins {
        self.clock = clock;
        self
    }

    /// The members' names, in the file's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks a PIN against every member's hash (argon2 compares in constant
    /// time; every hash is tried, so the time does not tell whose PIN it is).
    /// Slow on purpose (≈0.1 s per member): call it off the UI thread. While
    /// locked it returns at once. Attempts are serialised.
    pub fn verify(&self, pin: &[u8]) -> StaffVerdict {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        if let Some(until) = attempts.locked_until {
            if now < until {
                let left = until - now;
                let seconds_left = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                return StaffVerdict::Locked { seconds_left };
            }
            attempts.locked_until = None;
        }
        let mut found = None;
        if is_valid_pin(pin) {
            let argon2 = Argon2::default();
            for entry in &self.entries {
                let ok = argon2
                    .verify_password(pin, &entry.hash.password_hash())
                    .is_ok();
                if ok && found.is_none() {
                    found = Some(entry.name.clone());
                }
            }
        }
        match found {
            Some(name) => {
                attempts.failures = 0;
                StaffVerdict::Staff(StaffMember { name })
            }
            None => {
                attempts.failures += 1;
                if attempts.failures >= MAX_FAILURES {
                    attempts.failures = 0;
                    attempts.locked_until = Some(now + LOCKOUT);
                    tracing::warn!(
                        failures = MAX_FAILURES,
                        lockout_seconds = LOCKOUT.as_secs(),
                        "staff login locked after wrong PINs"
                    );
                    StaffVerdict::Locked {
                        seconds_left: LOCKOUT.as_secs(),
                    }
                } else {
                    StaffVerdict::Wrong {
                        attempts_left: MAX_FAILURES - attempts.failures,
                    }
                }
            }
        }
    }
}

/// Parses a PHC string and checks that it is an argon2id hash of a sane cost.
fn check_hash(text: &str) -> Result<PasswordHashString, String> {
    let hash = PasswordHashString::new(text)
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
            "pin_hash is too costly for the kiosk (at most m={MAX_MEMORY_KIB}, t={MAX_PASSES})"
        ));
    }
    Ok(hash)
}

/// The counter's staff login adapter: the PIN checked here against the hashes (on
/// a blocking task: slow on purpose), then a staff session from the backend, its
/// token kept under the attempt that opened it. Knows nothing of the UI.
pub struct StaffLogin {
    runtime: tokio::runtime::Handle,
    client: Arc<PortalClient>,
    pins: Arc<StaffPins>,
    tokens: SessionTokens,
    events: Option<EventSink>,
}

impl StaffLogin {
    pub fn new(
        runtime: tokio::runtime::Handle,
        client: Arc<PortalClient>,
        pins: Arc<StaffPins>,
        tokens: SessionTokens,
    ) -> StaffLogin {
        StaffLogin {
            runtime,
            client,
            pins,
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
        let pins = self.pins.clone();
        let tokens = self.tokens.clone();
        self.runtime.spawn(async move {
            let outcome = staff_login(&client, pins, &tokens, attempt, pin).await;
            events(KioskEvent::StaffResult { attempt, outcome });
        });
    }

    fn has_staff(&self) -> bool {
        !self.pins.is_empty()
    }
}

/// Counter: the staff PIN checked against the credentials' hashes (slow on
/// purpose: on a blocking task), then a staff session from the backend.
async fn staff_login(
    client: &PortalClient,
    pins: Arc<StaffPins>,
    tokens: &SessionTokens,
    attempt: AttemptId,
    pin: StaffPin,
) -> StaffOutcome {
    let verdict = tokio::task::spawn_blocking(move || pins.verify(&pin.0)).await;
    let member = match verdict {
        Ok(StaffVerdict::Staff(member)) => member,
        Ok(StaffVerdict::Wrong { attempts_left }) => {
            tracing::info!(attempts_left, "staff login: wrong PIN");
            return StaffOutcome::Wrong { attempts_left };
        }
        Ok(StaffVerdict::Locked { seconds_left }) => {
            tracing::warn!(seconds_left, "staff login: locked after wrong PINs");
            return StaffOutcome::Locked { seconds_left };
        }
        Err(_) => {
            tracing::error!("staff login: the PIN check failed");
            return StaffOutcome::Failed;
        }
    };
    match client.staff_login(&member.name).await {
        Ok(opened) => {
            tokens.put(attempt, SessionKind::Staff, opened.session);
            tracing::info!("staff login: staff session opened");
            StaffOutcome::LoggedIn { name: opened.name }
        }
        Err(e) => {
            tracing::warn!(error = %e, "staff login: the backend refused or is unreachable");
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
        let file = |hash: &str| format!("[[staff]]\nname = \"A\"\npin_hash = \"{hash}\"\n");
        // argon2i, and an argon2id that is far too cheap.
        let argon2i = "$argon2i$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$\
                       M2Y0YzJlNTY2ZGI4NDk5ZWZiM2M3ZTAzYjA2OTc2NDQ";
        let cheap = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$\
                     M2Y0YzJlNTY2ZGI4NDk5ZWZiM2M3ZTAzYjA2OTc2NDQ";
        for hash in [argon2i, cheap, "secret", "$2b$12$abcdefghijklmnopqrstuv"] {
            assert!(StaffPins::from_toml(&file(hash)).is_err(), "{hash}");
        }
        assert!(StaffPins::from_toml("token = \"x\"\n").is_err());
        let good = hash_pin(b"123456").unwrap();
        let twice = format!("{}{}", file(&good), file(&good));
        assert!(StaffPins::from_toml(&twice).unwrap_err().contains("twice"));
        let extra = format!("{}pin = \"123456\"\n", file(&good));
        assert!(StaffPins::from_toml(&extra).is_err());
    }

    #[test]
    fn debug_output_names_nobody() {
        let hash = hash_pin(b"123456").unwrap();
        let pins = StaffPins::from_toml(&format!(
            "[[staff]]\nname = \"Jana Malá\"\npin_hash = \"{hash}\"\n"
        ))
        .unwrap();
        let shown = format!("{pins:?} {:?}", pins.verify(b"123456"));
        assert!(
            !shown.contains("Jana") && !shown.contains("argon2"),
            "{shown}"
        );
    }
}
