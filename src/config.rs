//! Kiosk configuration: the per-site TOML file, its schema and its validation.
//!
//! A config file is read once at start. Unknown keys, wrong types and values that
//! make no sense for a public kiosk are all rejected with the file, line, column,
//! key and what was expected — nothing starts on an invalid config. This module
//! never reads secrets: the backend token lives in the credentials file named here.

use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::i18n::Language;

/// The documented default configuration, embedded so that `demo` and tests can use it.
pub const DEFAULT_TOML: &str = include_str!("../kiosk-config/default.toml");

/// Which face of the kiosk this machine shows (ARCHITECTURE.md, "What runs where").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Promotion loop when idle, touch UI, card login, payments, slips.
    Kiosk,
    /// Promotion loop only: no touch, no reader, no printer.
    Signage,
    /// Staff desk: no promotion loop, staff functions.
    Counter,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Kiosk => "kiosk",
            Mode::Signage => "signage",
            Mode::Counter => "counter",
        }
    }
}

/// The whole configuration of one kiosk.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    pub kiosk: KioskSection,
    /// The town: names, IČO, address, logo, colours (required; see `crate::town`).
    pub town: crate::town::TownSection,
    #[serde(default)]
    pub screen: ScreenSection,
    #[serde(default)]
    pub languages: LanguagesSection,
    #[serde(default)]
    pub idle: IdleSection,
    pub backend: BackendSection,
    #[serde(default)]
    pub card_reader: CardReaderSection,
    #[serde(default)]
    pub phone_login: PhoneLoginSection,
    #[serde(default)]
    pub printer: PrinterSection,
    #[serde(default)]
    pub promo: PromoSection,
    #[serde(default)]
    pub sync: SyncSection,
    #[serde(default)]
    pub notice_board: NoticeBoardSection,
    #[serde(default)]
    pub speech: SpeechSection,
    #[serde(default)]
    pub metrics: MetricsSection,
    #[serde(default)]
    pub storage: StorageSection,
    #[serde(default)]
    pub logging: LoggingSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    /// Stable id of this device, e.g. `lt-radnice-01` (lower-case letters, digits, `-`).
    pub id: String,
    /// Human name of the site, shown to staff.
    pub site: String,
    pub mode: Mode,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreenSection {
    pub width: u32,
    pub height: u32,
    /// Clockwise rotation of the panel in degrees: 0, 90, 180 or 270.
    pub rotation: u32,
    pub fullscreen: bool,
    /// The night hours when the screen sleeps, local time: "22:00-06:00",
    /// several separated by commas; "" never (the hospital).
    pub sleep: String,
    /// A sysfs backlight of the panel (e.g. /sys/class/backlight/intel_backlight)
    /// switched off while asleep; "" (or one the kiosk may not write): a black
    /// screen only.
    pub backlight: String,
}

impl Default for ScreenSection {
    fn default() -> Self {
        ScreenSection {
            width: 1920,
            height: 1080,
            rotation: 0,
            fullscreen: true,
            sleep: String::new(),
            backlight: String::new(),
        }
    }
}

impl ScreenSection {
    /// The logical size the UI is laid out for, after rotation.
    pub fn logical_size(&self) -> (u32, u32) {
        if self.rotation == 90 || self.rotation == 270 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguagesSection {
    pub default: Language,
    pub available: Vec<Language>,
}

impl Default for LanguagesSection {
    fn default() -> Self {
        LanguagesSection {
            default: Language::Cs,
            available: Language::ALL.to_vec(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdleSection {
    /// Anonymous screens return to the promotion loop after this many seconds.
    pub anonymous_seconds: u64,
    /// A logged-in session is warned after this many idle seconds.
    pub session_seconds: u64,
    /// How long the "Pokračovat" warning counts down before the session ends.
    pub warning_seconds: u64,
    /// How long the "Byli jste odhlášeni" screen stays before the loop.
    pub logged_out_seconds: u64,
    /// A session opened by a phone is warned after this many idle seconds:
    /// no card comes out to end it, so the idle time is its safety net.
    /// Unset: 60 s, or `session_seconds` if that is shorter.
    pub phone_session_seconds: Option<u64>,
}

/// [`IdleSection::phone_session_seconds`] when the file does not set it.
pub const DEFAULT_PHONE_SESSION_SECONDS: u64 = 60;

impl Default for IdleSection {
    fn default() -> Self {
        IdleSection {
            anonymous_seconds: 90,
            session_seconds: 120,
            warning_seconds: 30,
            logged_out_seconds: 8,
            phone_session_seconds: None,
        }
    }
}

/// `[phone_login]`: the second way in, with the citizen's phone (RFC 8628).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhoneLoginSection {
    /// Offer "Přihlásit se telefonem" (the backend must serve `/auth/device`).
    pub enabled: bool,
}

impl Default for PhoneLoginSection {
    fn default() -> Self {
        PhoneLoginSection { enabled: true }
    }
}

impl IdleSection {
    pub fn anonymous(&self) -> Duration {
        Duration::from_secs(self.anonymous_seconds)
    }

    /// The idle time before a phone's session is warned.
    pub fn phone_session(&self) -> Duration {
        Duration::from_secs(
            self.phone_session_seconds
                .unwrap_or(DEFAULT_PHONE_SESSION_SECONDS.min(self.session_seconds)),
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSection {
    /// Base URL of the kiosk API, ending in `/kiosk/v1/`.
    pub url: String,
    /// File holding the kiosk's bearer token (never in this TOML).
    pub credentials_file: PathBuf,
    /// Pinned CA certificate (PEM) replacing the system roots. A backend that
    /// is not on loopback needs this or `tls.system_roots = true`.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    #[serde(default)]
    pub tls: TlsSection,
    /// Upper bounds of the backend's answers, per kind of answer.
    #[serde(default)]
    pub max_body_bytes: MaxBodyBytes,
}

fn default_timeout() -> u64 {
    10
}

impl BackendSection {
    /// Why the kiosk must not talk to this backend as configured (no trust
    /// anchor chosen for a remote backend), or `None`. A URL that does not
    /// parse is reported by `portal::client::backend_url` instead.
    pub fn trust_problem(&self) -> Option<String> {
        let url = crate::portal::client::backend_url(&self.url).ok()?;
        if url.loopback || self.ca_file.is_some() || self.tls.system_roots {
            return None;
        }
        Some(
            "a backend that is not on loopback needs a trust anchor: pin its CA with \
             `ca_file = \"/etc/portal-kiosk/portal-ca.pem\"` in [backend], or trust every \
             CA of the system with `system_roots = true` in [backend.tls]"
                .into(),
        )
    }
}

/// `[backend.tls]`: which certificate authorities the kiosk trusts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsSection {
    /// Trust the operating system's CA store. An explicit choice: the default
    /// is a pinned CA (`backend.ca_file`); the two exclude each other.
    pub system_roots: bool,
}

/// Which kind of backend answer a body is, for its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Promo,
    Services,
    Contacts,
    Elections,
    /// The acknowledgement of a batch of events.
    Events,
    /// Login challenge and citizen session.
    Auth,
    /// Citizen data (`/me/...`).
    Me,
    /// Counter answers (`/staff/...`).
    Staff,
    /// The problem+json body of an error answer.
    Problem,
}

impl BodyKind {
    /// Its key under `[backend.max_body_bytes]`.
    pub fn key(self) -> &'static str {
        match self {
            BodyKind::Promo => "promo",
            BodyKind::Services => "services",
            BodyKind::Contacts => "contacts",
            BodyKind::Elections => "elections",
            BodyKind::Events => "events",
            BodyKind::Auth => "auth",
            BodyKind::Me => "me",
            BodyKind::Staff => "staff",
            BodyKind::Problem => "problem",
        }
    }
}

/// `[backend.max_body_bytes]`: the largest answer the kiosk reads, per kind.
/// A larger answer is refused up front (Content-Length) or as soon as the
/// running total passes the limit, so a broken or hostile backend cannot fill
/// the kiosk's memory. Assets are bounded by their announced size instead.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MaxBodyBytes {
    pub promo: u64,
    pub services: u64,
    pub contacts: u64,
    pub elections: u64,
    pub events: u64,
    pub auth: u64,
    pub me: u64,
    pub staff: u64,
    pub problem: u64,
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

impl Default for MaxBodyBytes {
    fn default() -> Self {
        MaxBodyBytes {
            promo: MIB,
            services: 8 * MIB,
            contacts: 2 * MIB,
            elections: 2 * MIB,
            events: 64 * KIB,
            auth: 64 * KIB,
            me: 4 * MIB,
            staff: 4 * MIB,
            problem: 16 * KIB,
        }
    }
}

impl MaxBodyBytes {
    /// Smallest and largest value a limit may have.
    pub const RANGE: std::ops::RangeInclusive<u64> = KIB..=256 * MIB;

    pub fn limit(&self, kind: BodyKind) -> u64 {
        match kind {
            BodyKind::Promo => self.promo,
            BodyKind::Services => self.services,
            BodyKind::Contacts => self.contacts,
            BodyKind::Elections => self.elections,
            BodyKind::Events => self.events,
            BodyKind::Auth => self.auth,
            BodyKind::Me => self.me,
            BodyKind::Staff => self.staff,
            BodyKind::Problem => self.problem,
        }
    }

    fn all(&self) -> [(BodyKind, u64); 9] {
        use BodyKind::*;
        [
            Promo, Services, Contacts, Elections, Events, Auth, Me, Staff, Problem,
        ]
        .map(|k| (k, self.limit(k)))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CardReaderSection {
    pub enabled: bool,
    /// Case-insensitive substring of the PC/SC reader name; empty takes the first reader.
    pub name_pattern: String,
    /// PKCS#11 module that signs with the eObčanka.
    pub pkcs11_module: PathBuf,
}

impl Default for CardReaderSection {
    fn default() -> Self {
        CardReaderSection {
            enabled: true,
            name_pattern: String::new(),
            pkcs11_module: PathBuf::from("/usr/lib/x86_64-linux-gnu/libeopproxyp11.so"),
        }
    }
}

/// Printer profiles the receipt module knows (RECEIPTS.md).
pub const PRINTER_PROFILES: &[&str] = &[
    "epson-tm-t20",
    "epson-tm-t88",
    "xprinter-80",
    "xprinter-58",
    "rongta-rp326",
    "bixolon-srp-s300",
    "generic-cp852",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrinterSection {
    pub enabled: bool,
    /// `file:/dev/usb/lp0`, `tcp://host:9100`, `serial:/dev/ttyUSB0?baud=19200`,
    /// `usb:04b8:0202` (vendor:product, through libusb), `preview:DIR`.
    pub uri: String,
    pub profile: String,
}

impl Default for PrinterSection {
    fn default() -> Self {
        PrinterSection {
            enabled: true,
            uri: "file:/dev/usb/lp0".into(),
            profile: "epson-tm-t20".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PromoSection {
    /// Duration of a slide that does not name its own.
    pub default_slide_seconds: u64,
    /// Cross-fade between slides; 0 (the default) is a cut. A fade redraws the
    /// whole screen in software every frame: 160 ms cost the loop of pictures
    /// 1.2 % of a core more (README "Performance").
    pub transition_ms: u64,
    /// Local playlist used until the backend's playlist has been synced; empty = bundled demo.
    #[serde(default)]
    pub playlist: Option<PathBuf>,
    /// Play only playlists signed by one of `keys` (README "Signed
    /// playlists"); a refused playlist leaves the last verified one playing.
    pub require_signature: bool,
    /// The backend's Ed25519 public keys, base64 of 32 bytes each; more than
    /// one while a key is being rotated.
    pub keys: Vec<String>,
}

impl Default for PromoSection {
    fn default() -> Self {
        PromoSection {
            default_slide_seconds: 8,
            transition_ms: 0,
            playlist: None,
            require_signature: false,
            keys: Vec::new(),
        }
    }
}

/// How often the kiosk talks to the backend, and when its data counts as old.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSection {
    pub promo_seconds: u64,
    pub services_seconds: u64,
    pub contacts_seconds: u64,
    pub elections_seconds: u64,
    /// The úřední deska (from its `[notice_board] source`).
    pub notice_board_seconds: u64,
    pub events_seconds: u64,
    pub heartbeat_seconds: u64,
    /// Longest wait between attempts while the backend fails.
    pub max_backoff_seconds: u64,
    /// Data older than this shows the small staff indicator.
    pub stale_after_minutes: u64,
    /// Upper bound of the downloaded assets, MB.
    pub asset_budget_mb: u64,
}

impl Default for SyncSection {
    fn default() -> Self {
        SyncSection {
            promo_seconds: 300,
            services_seconds: 3600,
            contacts_seconds: 3600,
            elections_seconds: 3600,
            notice_board_seconds: 900,
            events_seconds: 60,
            heartbeat_seconds: 300,
            max_backoff_seconds: 1800,
            stale_after_minutes: 180,
            asset_budget_mb: 512,
        }
    }
}

impl SyncSection {
    pub fn intervals(&self) -> crate::sync::SyncIntervals {
        let s = Duration::from_secs;
        crate::sync::SyncIntervals {
            promo: s(self.promo_seconds),
            services: s(self.services_seconds),
            contacts: s(self.contacts_seconds),
            elections: s(self.elections_seconds),
            notice_board: s(self.notice_board_seconds),
            events: s(self.events_seconds),
            heartbeat: s(self.heartbeat_seconds),
            max_backoff: s(self.max_backoff_seconds),
        }
    }
}

/// `[notice_board]`: where the kiosk reads the town's úřední deska.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoticeBoardSection {
    /// "" (the backend's `notice-board` collection), an https URL of the town's
    /// published OFN board, or an absolute path of a board file.
    pub source: String,
    /// The largest board the kiosk reads, bytes; checked before parsing.
    pub max_bytes: u64,
}

/// `[metrics]`: the Prometheus endpoint for the town's monitoring.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSection {
    pub enabled: bool,
    /// A loopback address only; `portal-kiosk-metrics.socket` publishes it to
    /// the monitoring server.
    pub listen: std::net::SocketAddr,
}

impl Default for MetricsSection {
    fn default() -> Self {
        MetricsSection {
            enabled: true,
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 9464)),
        }
    }
}

/// `[speech]`: "Číst nahlas" (espeak-ng's voices through ALSA).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechSection {
    /// Offer "Číst nahlas" on every screen.
    pub enabled: bool,
    /// The volume step at rest, 1–10 (7 is the synthesizer's own level; each
    /// step is 3 dB).
    pub volume: u8,
    /// Words per minute, 80–300.
    pub rate: u16,
    /// ALSA device of the loudspeaker.
    pub speaker_device: String,
    /// ALSA device of the headphone jack, if the kiosk has one: only there is a
    /// logged-in citizen's personal data read aloud. "" = no headphones.
    pub headphone_device: String,
    /// The synthesizer and the player (Debian: espeak-ng, alsa-utils).
    pub synthesizer: String,
    pub player: String,
}

impl Default for SpeechSection {
    fn default() -> Self {
        let engine = crate::speech::Engine::default();
        SpeechSection {
            enabled: true,
            volume: 7,
            rate: engine.rate,
            speaker_device: engine.speaker_device,
            headphone_device: String::new(),
            synthesizer: engine.program,
            player: engine.player,
        }
    }
}

impl SpeechSection {
    /// The speech engine this section describes.
    pub fn engine(&self) -> crate::speech::Engine {
        crate::speech::Engine {
            program: self.synthesizer.clone(),
            player: self.player.clone(),
            speaker_device: self.speaker_device.clone(),
            headphone_device: (!self.headphone_device.trim().is_empty())
                .then(|| self.headphone_device.trim().to_string()),
            rate: self.rate,
        }
    }
}

impl Default for NoticeBoardSection {
    fn default() -> Self {
        NoticeBoardSection {
            source: String::new(),
            max_bytes: crate::noticeboard::DEFAULT_MAX_BYTES,
        }
    }
}

impl NoticeBoardSection {
    /// Smallest and largest board limit.
    pub const MAX_BYTES: std::ops::RangeInclusive<u64> = 64 * KIB..=64 * MIB;

    /// The sync engine's settings (the source was checked by validation;
    /// one that does not parse reads the backend's collection).
    pub fn settings(&self, timeout: Duration) -> crate::sync::BoardSettings {
        crate::sync::BoardSettings {
            source: crate::noticeboard::source::BoardSource::from_config(&self.source)
                .unwrap_or_default(),
            max_bytes: self.max_bytes,
            timeout,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSection {
    pub data_dir: PathBuf,
}

impl Default for StorageSection {
    fn default() -> Self {
        StorageSection {
            data_dir: PathBuf::from("/var/lib/portal-kiosk"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Journald-style when started by systemd (`JOURNAL_STREAM` set), terminal otherwise.
    Auto,
    Terminal,
    Journald,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoggingSection {
    /// A `tracing` filter: `info`, `debug`, `portal_kiosk=debug,info`, …
    pub level: String,
    pub format: LogFormat,
}

impl Default for LoggingSection {
    fn default() -> Self {
        LoggingSection {
            level: "info".into(),
            format: LogFormat::Auto,
        }
    }
}

/// One thing wrong with a config file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Dotted key path, e.g. `screen.rotation`.
    pub key: Option<String>,
    /// What is wrong and what was expected, in one sentence.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// All problems found in one file (validation reports every one, not just the first).
#[derive(Debug, Clone)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// (key path, message) problems turned into errors with their line and column.
fn located(text: &str, file: &Path, problems: Vec<(String, String)>) -> ConfigErrors {
    let spans = toml::de::DeTable::parse(text).ok();
    let errors = problems
        .into_iter()
        .map(|(key, message)| {
            let span = spans.as_ref().and_then(|t| key_span(t.get_ref(), &key));
            let (line, column) = match span {
                Some(s) => {
                    let (l, c) = line_column(text, s.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ConfigError {
                file: file.to_path_buf(),
                line,
                column,
                key: Some(key),
                message,
            }
        })
        .collect();
    ConfigErrors(errors)
}

/// A config file's text, or the error that names it.
fn read_config(path: &Path) -> Result<String, ConfigErrors> {
    std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            key: None,
            message: format!("cannot read the file: {e}"),
        }])
    })
}

impl KioskConfig {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<KioskConfig, ConfigErrors> {
        KioskConfig::parse(&read_config(path)?, path)
    }

    /// The embedded default configuration (used by `demo`; a unit test keeps it valid).
    pub fn embedded_default() -> Result<KioskConfig, ConfigErrors> {
        KioskConfig::parse(DEFAULT_TOML, Path::new("kiosk-config/default.toml"))
    }

    /// Parses and validates config text; `file` names it in error messages, and
    /// relative paths in it (`town.logo`) are taken from its directory.
    pub fn parse(text: &str, file: &Path) -> Result<KioskConfig, ConfigErrors> {
        KioskConfig::parse_in(text, file, file.parent())
    }

    /// [`KioskConfig::parse`] with relative paths taken from `base_dir`.
    fn parse_in(
        text: &str,
        file: &Path,
        base_dir: Option<&Path>,
    ) -> Result<KioskConfig, ConfigErrors> {
        let locate = |span: Option<Range<usize>>| match span {
            Some(s) => {
                let (l, c) = line_column(text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let deserializer = match toml::de::Deserializer::parse(text) {
            Ok(d) => d,
            Err(e) => {
                let (line, column) = locate(e.span());
                return Err(ConfigErrors(vec![ConfigError {
                    file: file.to_path_buf(),
                    line,
                    column,
                    key: None,
                    message: format!("not valid TOML: {}", e.message().trim()),
                }]));
            }
        };
        let config: KioskConfig = match serde_path_to_error::deserialize(deserializer) {
            Ok(c) => c,
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let (line, column) = locate(inner.span());
                let key = if path == "." || path.is_empty() {
                    None
                } else {
                    Some(path)
                };
                return Err(ConfigErrors(vec![ConfigError {
                    file: file.to_path_buf(),
                    line,
                    column,
                    key,
                    message: inner.message().trim().to_string(),
                }]));
            }
        };
        let mut config = config;
        if let Some(dir) = base_dir {
            config.town.resolve_logo(dir);
        }
        let problems = config.validate();
        if problems.is_empty() {
            return Ok(config);
        }
        Err(located(text, file, problems))
    }

    /// Reads a config for `run` and `check-config`: [`KioskConfig::load`] plus
    /// what only a kiosk in service must not have ([`KioskConfig::production_problems`]).
    pub fn load_for_service(path: &Path) -> Result<KioskConfig, ConfigErrors> {
        KioskConfig::load_for_service_in(path, path.parent().unwrap_or(Path::new(".")))
    }

    /// [`KioskConfig::load_for_service`] for a file about to be installed in
    /// `dir` (Ansible's `validate` checks a temporary copy): relative paths
    /// such as `town.logo` are taken from `dir`.
    pub fn load_for_service_in(path: &Path, dir: &Path) -> Result<KioskConfig, ConfigErrors> {
        let text = read_config(path)?;
        let config = KioskConfig::parse_in(&text, path, Some(dir))?;
        let problems = config.production_problems();
        if problems.is_empty() {
            return Ok(config);
        }
        // `load` read the file a moment ago; only the error positions need it again.
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Err(located(&text, path, problems))
    }

    /// Settings the demo and the tests use that a kiosk in service must refuse:
    /// a `preview:` printer writes every slip — variable symbol, amount, name —
    /// into files on disk instead of handing it to the citizen.
    pub fn production_problems(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        // The logo is read here, not in `parse`: a kiosk in service must show
        // the town's own; the demo and the tests go on without a missing one.
        if !self.town.logo.as_os_str().is_empty()
            && let Err(e) = crate::town::check_logo(&self.town.logo)
        {
            p.push(("town.logo".to_string(), e.to_string()));
        }
        if self.printer.uri.trim_start().starts_with("preview:") {
            p.push((
                "printer.uri".to_string(),
                "a `preview:` printer writes every slip, personal data included, to files; \
                 it is for the demo and tests only. Set the kiosk's printer: file:/dev/usb/lp0, \
                 tcp://host:9100, serial:/dev/ttyUSB0 or usb:VID:PID"
                    .to_string(),
            ));
        }
        p
    }

    /// Checks the values that types alone cannot: returns (key path, message) pairs.
    fn validate(&self) -> Vec<(String, String)> {
        let mut p = self.town.validate();
        let mut bad = |key: &str, msg: String| p.push((key.to_string(), msg));

        let id = &self.kiosk.id;
        if id.is_empty()
            || id.len() > 40
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            bad(
                "kiosk.id",
                format!(
                    "`{id}` is not a valid kiosk id; expected 1–40 lower-case letters, digits or `-`"
                ),
            );
        }
        if self.kiosk.site.trim().is_empty() {
            bad(
                "kiosk.site",
                "the site name is empty; expected e.g. \"Nádraží\"".into(),
            );
        }

        let s = &self.screen;
        if !(320..=7680).contains(&s.width) {
            bad(
                "screen.width",
                format!("{} px is out of range; expected 320 to 7680", s.width),
            );
        }
        if !(320..=7680).contains(&s.height) {
            bad(
                "screen.height",
                format!("{} px is out of range; expected 320 to 7680", s.height),
            );
        }
        if ![0, 90, 180, 270].contains(&s.rotation) {
            bad(
                "screen.rotation",
                format!(
                    "{} is not a rotation; expected 0, 90, 180 or 270",
                    s.rotation
                ),
            );
        }

        if !self.metrics.listen.ip().is_loopback() {
            bad(
                "metrics.listen",
                format!(
                    "{} is not a loopback address; the kiosk serves metrics on 127.0.0.1 or ::1 only \
                     (portal-kiosk-metrics.socket publishes them to the monitoring server)",
                    self.metrics.listen
                ),
            );
        }

        if let Err(e) = crate::schedule::ScreenSleep::parse(&s.sleep) {
            bad("screen.sleep", e);
        }
        if !s.backlight.is_empty() && !s.backlight.starts_with("/sys/class/backlight/") {
            bad(
                "screen.backlight",
                format!(
                    "`{}` is not a backlight; expected a directory under /sys/class/backlight/",
                    s.backlight
                ),
            );
        }

        let l = &self.languages;
        if l.available.is_empty() {
            bad(
                "languages.available",
                "no language is available; expected at least \"cs\"".into(),
            );
        } else if !l.available.contains(&l.default) {
            bad(
                "languages.default",
                format!("`{}` is not in languages.available", l.default.code()),
            );
        }
        for (i, lang) in l.available.iter().enumerate() {
            if l.available[..i].contains(lang) {
                bad(
                    "languages.available",
                    format!("`{}` is listed twice", lang.code()),
                );
            }
        }

        let idle = &self.idle;
        if !(30..=3600).contains(&idle.anonymous_seconds) {
            bad(
                "idle.anonymous_seconds",
                format!(
                    "{} s is out of range; expected 30 to 3600 (UX.md suggests 90)",
                    idle.anonymous_seconds
                ),
            );
        }
        if !(30..=3600).contains(&idle.session_seconds) {
            bad(
                "idle.session_seconds",
                format!(
                    "{} s is out of range; expected 30 to 3600",
                    idle.session_seconds
                ),
            );
        }
        if !(20..=300).contains(&idle.warning_seconds) {
            bad(
                "idle.warning_seconds",
                format!(
                    "{} s is out of range; expected 20 to 300 (the warning must give at least 20 s)",
                    idle.warning_seconds
                ),
            );
        }
        match idle.phone_session_seconds {
            Some(s) if !(30..=3600).contains(&s) => bad(
                "idle.phone_session_seconds",
                format!("{s} s is out of range; expected 30 to 3600"),
            ),
            Some(s) if s > idle.session_seconds => bad(
                "idle.phone_session_seconds",
                format!(
                    "{s} s is longer than idle.session_seconds ({} s); a phone's session has no \
                     card to take out, so its idle time must not be longer than a card session's",
                    idle.session_seconds
                ),
            ),
            _ => {}
        }
        if !(3..=60).contains(&idle.logged_out_seconds) {
            bad(
                "idle.logged_out_seconds",
                format!(
                    "{} s is out of range; expected 3 to 60",
                    idle.logged_out_seconds
                ),
            );
        }

        let url = &self.backend.url;
        match crate::portal::client::backend_url(url) {
            Err(reason) => bad("backend.url", reason),
            Ok(_) if !url.ends_with("/kiosk/v1/") => {
                bad("backend.url", format!("`{url}` must end with `/kiosk/v1/`"))
            }
            Ok(_) => {
                if let Some(reason) = self.backend.trust_problem() {
                    bad("backend", reason);
                }
            }
        }
        if self.backend.ca_file.is_some() && self.backend.tls.system_roots {
            bad(
                "backend.tls.system_roots",
                "cannot be true together with backend.ca_file: a pinned CA replaces the \
                 system roots; keep one of the two"
                    .into(),
            );
        }
        for (kind, value) in self.backend.max_body_bytes.all() {
            let range = MaxBodyBytes::RANGE;
            if !range.contains(&value) {
                bad(
                    &format!("backend.max_body_bytes.{}", kind.key()),
                    format!(
                        "{value} bytes is out of range; expected {} to {} (default {})",
                        range.start(),
                        range.end(),
                        MaxBodyBytes::default().limit(kind)
                    ),
                );
            }
        }
        if !(1..=120).contains(&self.backend.timeout_seconds) {
            bad(
                "backend.timeout_seconds",
                format!(
                    "{} s is out of range; expected 1 to 120",
                    self.backend.timeout_seconds
                ),
            );
        }

        let pr = &self.printer;
        if !PRINTER_PROFILES.contains(&pr.profile.as_str()) {
            bad(
                "printer.profile",
                format!(
                    "unknown printer profile `{}`; expected one of {}",
                    pr.profile,
                    PRINTER_PROFILES.join(", ")
                ),
            );
        }
        // The parser the kiosk opens its printer with, so a URI that passes here also
        // works at start (a serial speed, a USB id of four hex digits each).
        if crate::receipt::PrinterUri::parse(&pr.uri).is_err() {
            bad(
                "printer.uri",
                format!(
                    "`{}` is not a printer URI; expected file:/dev/usb/lp0, tcp://host:9100, serial:/dev/ttyUSB0?baud=19200, usb:04b8:0202 (vendor:product) or preview:DIR",
                    pr.uri
                ),
            );
        }

        let promo = &self.promo;
        if !(2..=600).contains(&promo.default_slide_seconds) {
            bad(
                "promo.default_slide_seconds",
                format!(
                    "{} s is out of range; expected 2 to 600",
                    promo.default_slide_seconds
                ),
            );
        }
        if promo.transition_ms > 2000 {
            bad(
                "promo.transition_ms",
                format!(
                    "{} ms is out of range; expected 0 to 2000",
                    promo.transition_ms
                ),
            );
        }
        for (i, key) in promo.keys.iter().enumerate() {
            if let Err(e) = crate::promo::PublicKey::from_base64(key) {
                bad(&format!("promo.keys[{i}]"), format!("the playlist key {e}"));
            }
        }
        if promo.require_signature && promo.keys.is_empty() {
            bad(
                "promo.require_signature",
                "is true but `promo.keys` names no key: every playlist would be refused".into(),
            );
        }

        let sync = &self.sync;
        for (key, value, min, max) in [
            ("sync.promo_seconds", sync.promo_seconds, 10, 86_400),
            ("sync.services_seconds", sync.services_seconds, 10, 86_400),
            ("sync.contacts_seconds", sync.contacts_seconds, 10, 86_400),
            ("sync.elections_seconds", sync.elections_seconds, 10, 86_400),
            (
                "sync.notice_board_seconds",
                sync.notice_board_seconds,
                10,
                86_400,
            ),
            ("sync.events_seconds", sync.events_seconds, 5, 86_400),
            ("sync.heartbeat_seconds", sync.heartbeat_seconds, 10, 86_400),
            (
                "sync.max_backoff_seconds",
                sync.max_backoff_seconds,
                10,
                86_400,
            ),
            (
                "sync.stale_after_minutes",
                sync.stale_after_minutes,
                5,
                43_200,
            ),
            ("sync.asset_budget_mb", sync.asset_budget_mb, 16, 65_536),
        ] {
            if !(min..=max).contains(&value) {
                bad(
                    key,
                    format!("{value} is out of range; expected {min} to {max}"),
                );
            }
        }

        let board = &self.notice_board;
        if let Err(reason) = crate::noticeboard::source::BoardSource::from_config(&board.source) {
            bad("notice_board.source", reason);
        }
        let range = NoticeBoardSection::MAX_BYTES;
        if !range.contains(&board.max_bytes) {
            bad(
                "notice_board.max_bytes",
                format!(
                    "{} bytes is out of range; expected {} to {} (default {})",
                    board.max_bytes,
                    range.start(),
                    range.end(),
                    crate::noticeboard::DEFAULT_MAX_BYTES
                ),
            );
        }

        let speech = &self.speech;
        if !(1..=crate::speech::VOLUME_MAX).contains(&speech.volume) {
            bad(
                "speech.volume",
                format!("{} is out of range; expected 1 to 10", speech.volume),
            );
        }
        if !(80..=300).contains(&speech.rate) {
            bad(
                "speech.rate",
                format!(
                    "{} words per minute is out of range; expected 80 to 300",
                    speech.rate
                ),
            );
        }
        for (key, value) in [
            ("speech.speaker_device", &speech.speaker_device),
            ("speech.synthesizer", &speech.synthesizer),
            ("speech.player", &speech.player),
        ] {
            if value.trim().is_empty() {
                bad(key, "is empty; leave it out for the default".into());
            }
        }
        // ALSA names: no spaces or shell-ish characters (passed as one argument).
        for (key, value) in [
            ("speech.speaker_device", &speech.speaker_device),
            ("speech.headphone_device", &speech.headphone_device),
        ] {
            if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                bad(key, format!("`{value}` is not an ALSA device name"));
            }
        }

        if self.storage.data_dir.as_os_str().is_empty() {
            bad(
                "storage.data_dir",
                "the data directory is empty; expected a path".into(),
            );
        }

        if tracing_subscriber::EnvFilter::try_new(&self.logging.level).is_err() {
            bad(
                "logging.level",
                format!(
                    "`{}` is not a log filter; expected e.g. \"info\" or \"portal_kiosk=debug,info\"",
                    self.logging.level
                ),
            );
        }
        p
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Span of a dotted key in a parsed document: the value if present, else its table.
fn key_span(table: &toml::de::DeTable<'_>, key: &str) -> Option<Range<usize>> {
    let mut current = table;
    let mut found = None;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        // `keys[2]`: the third element of the array `keys`.
        let (name, index) = match part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            Some((name, i)) => (name, i.parse::<usize>().ok()),
            None => (part, None),
        };
        let (k, v) = current.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
        if let (Some(i), toml::de::DeValue::Array(items)) = (index, v.get_ref()) {
            return Some(items.get(i).map_or(v.span(), |item| item.span()));
        }
        found = Some(if parts.peek().is_none() {
            v.span()
        } else {
            k.span()
        });
        match v.get_ref() {
            toml::de::DeValue::Table(t) => current = t,
            _ => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_is_valid() {
        let c = KioskConfig::parse(DEFAULT_TOML, Path::new("default.toml")).expect("valid");
        assert_eq!(c.kiosk.mode, Mode::Kiosk);
        assert_eq!(c.idle.anonymous_seconds, 90);
    }

    #[test]
    fn the_phone_session_idle_time_is_checked_and_never_longer_than_a_cards() {
        let with = |from: &str, to: &str| {
            let text = DEFAULT_TOML.replace(from, to);
            assert_ne!(text, DEFAULT_TOML, "the default has {from}");
            KioskConfig::parse(&text, Path::new("site.toml"))
        };
        let c = with("phone_session_seconds = 60", "phone_session_seconds = 45").unwrap();
        assert_eq!(c.idle.phone_session(), Duration::from_secs(45));
        assert!(c.phone_login.enabled);
        for (value, says) in [
            ("20", "out of range"),
            ("121", "longer than idle.session_seconds"),
        ] {
            let errors = match with(
                "phone_session_seconds = 60",
                &format!("phone_session_seconds = {value}"),
            ) {
                Ok(_) => panic!("{value} accepted"),
                Err(e) => e,
            };
            let shown = format!("{errors:?}");
            assert!(
                shown.contains("idle.phone_session_seconds") && shown.contains(says),
                "{shown}"
            );
        }
        // Unset, it follows a site's shorter card session (no error on upgrade).
        let c = with("phone_session_seconds = 60\n", "").unwrap();
        assert_eq!(c.idle.phone_session(), Duration::from_secs(60));
        let text = DEFAULT_TOML
            .replace("phone_session_seconds = 60\n", "")
            .replace("session_seconds = 120", "session_seconds = 45");
        let c = KioskConfig::parse(&text, Path::new("site.toml")).unwrap();
        assert_eq!(c.idle.phone_session(), Duration::from_secs(45));
        let c = with(
            "/auth/token.\nenabled = true",
            "/auth/token.\nenabled = false",
        )
        .unwrap();
        assert!(!c.phone_login.enabled);
    }

    #[test]
    fn printer_uris_are_checked_with_the_printers_own_parser() {
        let with_uri = |uri: &str| {
            let text =
                DEFAULT_TOML.replace("uri = \"file:/dev/usb/lp0\"", &format!("uri = \"{uri}\""));
            assert_ne!(text, DEFAULT_TOML, "the default names file:/dev/usb/lp0");
            KioskConfig::parse(&text, Path::new("site.toml"))
        };
        for good in [
            "usb:04b8:0202",
            "tcp://10.0.0.5",
            "serial:/dev/ttyUSB0?baud=19200",
            "preview:/tmp/slips",
        ] {
            assert!(with_uri(good).is_ok(), "{good}");
        }
        for bad in ["usb:04b8", "usb:lp0", "serial:/dev/ttyS0?baud=123", "lpt:1"] {
            let errors = match with_uri(bad) {
                Ok(_) => panic!("{bad} accepted"),
                Err(e) => e.0,
            };
            assert_eq!(errors.len(), 1, "{bad}");
            assert!(
                errors[0]
                    .to_string()
                    .contains("usb:04b8:0202 (vendor:product)"),
                "{bad}: {}",
                errors[0]
            );
        }
    }

    #[test]
    fn playlist_keys_must_be_32_bytes_and_errors_name_line_and_key() {
        let good = crate::promo::PlaylistSigner::from_seed(&[7; 32])
            .unwrap()
            .public_key()
            .to_base64();
        let short = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="; // 31 bytes
        let with = |keys: &str| {
            let text = DEFAULT_TOML
                .replace("require_signature = false\n", "require_signature = true\n")
                .replace("keys = []\n", &format!("keys = [\n  {keys}\n]\n"));
            assert!(!text.contains("keys = []"));
            let line = text.lines().position(|l| l == "keys = [").unwrap() + 1;
            (KioskConfig::parse(&text, Path::new("site.toml")), line)
        };
        let (c, _) = with(&format!("\"{good}\""));
        let c = c.unwrap();
        assert!(c.promo.require_signature);
        assert_eq!(
            crate::promo::PlaylistTrust::from_config(&c.promo)
                .keys
                .len(),
            1
        );
        let (errors, line) = with(&format!("\"{good}\",\n  \"{short}\""));
        let errors = errors.unwrap_err().0;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].key.as_deref(), Some("promo.keys[1]"));
        // `keys = [`, the good key, then the short one.
        assert_eq!(errors[0].line, Some(line + 2), "{}", errors[0]);
        assert!(errors[0].message.contains("31 bytes"), "{}", errors[0]);
        let (errors, _) = with("\"not base64!\"");
        let shown = errors.unwrap_err().to_string();
        assert!(
            shown.contains("promo.keys[0]") && shown.contains("not base64"),
            "{shown}"
        );
        // Required with no key at all.
        let (errors, _) = with("");
        let shown = errors.unwrap_err().to_string();
        assert!(shown.contains("promo.require_signature"), "{shown}");
    }

    #[test]
    fn line_column_counts_characters_not_bytes() {
        // The closing quote is byte 7 but character 6 of line 1: column 7.
        assert_eq!(line_column("a = \"ž\"\nb = 1", 7), (1, 7));
        assert_eq!(line_column("a = \"ž\"\nb = 1", 10), (2, 2));
    }
}
