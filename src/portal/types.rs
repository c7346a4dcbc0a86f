//! The kiosk ↔ backend contract (KIOSK-API.md) as Rust types, shared by the
//! kiosk's client and the development portal so the two cannot drift. JSON is
//! camelCase. Every collection can validate itself: a response that parses but
//! makes no sense (duplicate ids, a slide without its asset, a bad hash) is
//! rejected before it replaces anything the kiosk has.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A moment in true (wall-clock) time, RFC 3339.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

// ---------------------------------------------------------------- promo

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SlideKind {
    /// A full-screen picture (the asset).
    Image,
    /// Title and body set by the kiosk.
    Text,
    /// Title, body and a QR code of `qrUrl`.
    Qr,
    /// An urgent notice (title and body), shown with priority.
    Notice,
}

/// A content-addressed file: the kiosk fetches `/kiosk/v1/assets/{sha256}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssetRef {
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

/// When a slide may play (all conditions must hold; empty lists mean "always").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlideSchedule {
    /// Inclusive first day (YYYY-MM-DD, Europe/Prague).
    #[serde(default)]
    pub valid_from: Option<chrono::NaiveDate>,
    /// Inclusive last day.
    #[serde(default)]
    pub valid_to: Option<chrono::NaiveDate>,
    /// ISO weekdays 1 (Monday) … 7 (Sunday).
    #[serde(default)]
    pub weekdays: Vec<u8>,
    /// Local time window "HH:MM"–"HH:MM" (from inclusive, to exclusive).
    #[serde(default)]
    pub hours_from: Option<chrono::NaiveTime>,
    #[serde(default)]
    pub hours_to: Option<chrono::NaiveTime>,
    /// Site ids (kiosk ids or site tags) this slide is for; empty = everywhere.
    #[serde(default)]
    pub sites: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromoSlide {
    pub id: String,
    pub kind: SlideKind,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub qr_url: Option<String>,
    #[serde(default)]
    pub asset: Option<AssetRef>,
    pub duration_seconds: u32,
    #[serde(default)]
    pub schedule: SlideSchedule,
    /// Higher plays first; ties keep the playlist's order.
    #[serde(default)]
    pub priority: i32,
    /// Interrupts the loop (e.g. a closure of the town hall).
    #[serde(default)]
    pub urgent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromoPlaylist {
    pub slides: Vec<PromoSlide>,
    /// Urgent notices: each interrupts the loop on the screens it targets
    /// (within one `sync.promo_seconds`) and stays on top of it, and as a
    /// banner on the home screen, until it expires or is withdrawn (left out
    /// of the playlist). Signed with the slides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<UrgentNotice>,
    /// The backend's Ed25519 signature over the playlist's canonical bytes
    /// (README "Signed playlists"); a kiosk with `promo.require_signature`
    /// refuses a playlist without a valid one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<PlaylistSignature>,
}

/// How serious an urgent notice is (its colour on screen and the word read aloud).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoticeSeverity {
    /// Good to know (a changed opening time).
    Info,
    /// Affects many (a closed square, a water outage).
    Warning,
    /// Danger (a flood warning, an evacuation).
    Critical,
}

/// An urgent notice of the town ("Uzavírka Mírového náměstí").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UrgentNotice {
    pub id: String,
    pub severity: NoticeSeverity,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// An optional picture; the notice is shown without it until it is
    /// downloaded and its hash checked (and if it never checks out).
    #[serde(default)]
    pub asset: Option<AssetRef>,
    /// Site ids (kiosk ids or modes) it is for; empty = every screen.
    #[serde(default)]
    pub sites: Vec<String>,
    /// When it starts to show (default: at once).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<Timestamp>,
    /// When it stops showing (required: a notice never hangs forever).
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

/// An Ed25519 signature over the playlist's canonical bytes. These are, each
/// line ended by `\n`: `portal-kiosk-playlist-v1`, `slides=<count>`, then per
/// slide in playlist order `slide=<index from 0>`, `id=<S>`,
/// `kind=image|text|qr|notice`, `title=<S>`, `body=<S>`, `qrUrl=<S>|-`, either
/// `asset=-` or `asset.sha256=<hex>`, `asset.size=<n>`, `asset.width=<n>`,
/// `asset.height=<n>`, `asset.contentType=<S>`; then `durationSeconds=<n>`,
/// `validFrom=YYYY-MM-DD|-`, `validTo=YYYY-MM-DD|-`, `weekdays=<n>,<n>…`
/// (empty if none), `hoursFrom=HH:MM:SS|-`, `hoursTo=HH:MM:SS|-`,
/// `sites=<count>`, one `site=<S>` per site, `priority=<n>`,
/// `urgent=true|false`, `end`; then `notices=<count>` and per notice in order
/// `notice=<index from 0>`, `id=<S>`, `severity=info|warning|critical`,
/// `title=<S>`, `body=<S>`, the asset lines as for a slide, `sites=<count>`,
/// one `site=<S>` per site, `startsAt=<RFC 3339 UTC>|-`,
/// `expiresAt=<RFC 3339 UTC>`, `end`. `<S>` is the byte length of the UTF-8
/// text, `:`, and the text as it is (`title=5:Ahoj!`); a time is
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaylistSignature {
    /// The signing key's id: the first 8 bytes of the SHA-256 of its 32-byte
    /// public key, as 16 lower-case hex digits.
    pub key_id: String,
    /// The 64-byte Ed25519 signature, base64 (standard alphabet, padded).
    pub sig: String,
}

// ---------------------------------------------------------------- services

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Form {
    pub name: String,
    /// PDF, ZFO, DOCX …
    pub format: String,
    pub url: String,
}

/// Who to ask about a service: a person (or a desk) with a direct phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceContact {
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

/// A life situation ("životní situace"): where, how, with whom, for how much.
/// Only `id` and `title` are required: a service with missing parts shows what
/// it has (the text fields may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub categories: Vec<String>,
    /// The department that handles it (`contacts`); empty when none is named.
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub summary: String,
    /// Words a citizen might search with that are not in the title
    /// ("ztráta", "občanka", "sňatek").
    #[serde(default)]
    pub keywords: Vec<String>,
    /// KDE
    #[serde(default, rename = "where")]
    pub where_: String,
    /// The room or desk ("přepážky S 002 a S 003"); the building and the
    /// office hours are the department's.
    #[serde(default)]
    pub room: String,
    /// JAK
    #[serde(default)]
    pub how: String,
    /// JAK, step by step (shown numbered when present).
    #[serde(default)]
    pub steps: Vec<String>,
    /// S KÝM
    #[serde(default)]
    pub with_whom: String,
    #[serde(default)]
    pub contact: Option<ServiceContact>,
    /// ZA KOLIK ("Zdarma." when it costs nothing).
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub bring: Vec<String>,
    #[serde(default)]
    pub deadlines: String,
    #[serde(default)]
    pub forms: Vec<Form>,
    /// The reservation system's page for this service. Links that are not
    /// https are kept but get no QR code on the kiosk.
    #[serde(default)]
    pub reservation_url: Option<String>,
    /// The service's page on the portal (the QR code of the service slip).
    #[serde(default)]
    pub url: Option<String>,
    pub updated_at: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceCatalogue {
    pub services: Vec<Service>,
}

// ---------------------------------------------------------------- contacts

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficeHours {
    /// Czech weekday name as shown ("pondělí").
    pub day: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub room: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Department {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub building: String,
    pub address: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub office_hours: Vec<OfficeHours>,
    #[serde(default)]
    pub people: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactDirectory {
    pub departments: Vec<Department>,
}

// ---------------------------------------------------------------- elections

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Election {
    pub id: String,
    pub title: String,
    pub days: Vec<chrono::NaiveDate>,
    /// Opening hours per day, e.g. "14:00–22:00".
    pub hours: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StreetRange {
    pub street: String,
    /// "all", "odd", "even" or "A-B" (house numbers, číslo orientační).
    pub numbers: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PollingDistrict {
    pub number: u32,
    pub place: String,
    pub address: String,
    /// The room and its floor ("tělocvična, přízemí").
    pub room: String,
    /// How to get in ("Hlavní vchod školy z ulice Na Valech.").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrance: Option<String>,
    /// Step-free access, or what to do without it ("Do patra vede jen schodiště…").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<String>,
    /// Where it is: `geo:LAT,LON` (RFC 5870) or an https link of the town's map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "geo:50.53492,14.12938")]
    pub map: Option<String>,
    pub streets: Vec<StreetRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ElectionInfo {
    pub elections: Vec<Election>,
    pub districts: Vec<PollingDistrict>,
}

// ---------------------------------------------------------------- events, heartbeat, errors

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    ProofOfPlay,
    SlipPrinted,
    SessionStarted,
    SessionEnded,
    Error,
    HardwareStatus,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ProofOfPlay => "proof-of-play",
            EventKind::SlipPrinted => "slip-printed",
            EventKind::SessionStarted => "session-started",
            EventKind::SessionEnded => "session-ended",
            EventKind::Error => "error",
            EventKind::HardwareStatus => "hardware-status",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        [
            EventKind::ProofOfPlay,
            EventKind::SlipPrinted,
            EventKind::SessionStarted,
            EventKind::SessionEnded,
            EventKind::Error,
            EventKind::HardwareStatus,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One event from the kiosk's outbox. Never carries personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KioskEventRecord {
    pub id: uuid::Uuid,
    pub kind: EventKind,
    /// When it happened (true time), even if sent hours later.
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: Timestamp,
    /// What happened, as a JSON object; never personal data.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBatch {
    pub kiosk_id: String,
    pub events: Vec<KioskEventRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventAck {
    /// Ids the backend has stored (now or before): the kiosk may forget them.
    pub accepted: Vec<uuid::Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Heartbeat {
    pub kiosk_id: String,
    pub version: String,
    pub uptime_seconds: u64,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_sync_at: Option<Timestamp>,
    /// "ok", "paper-near-end", "paper-end", "cover-open", "offline", "disabled", "unknown".
    pub printer: String,
    /// "ok", "no-reader", "pcscd-down", "disabled", "unknown".
    pub reader: String,
    pub free_disk_bytes: u64,
    /// The checks of playlists from the backend since the kiosk started
    /// (left out by kiosks older than signed playlists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playlist: Option<PlaylistCheckReport>,
}

/// How the kiosk's checks of signed playlists went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaylistCheckReport {
    /// The result of the last check.
    pub state: crate::promo::VerifyState,
    /// Whether the kiosk plays only verified playlists (`promo.require_signature`).
    pub required: bool,
    /// Playlists refused since the start (the last verified one kept playing).
    pub refused: u64,
}

/// RFC 9457 problem details.
///
/// `title` and `detail` are free text from the backend and may name a person
/// or quote a variable symbol: they are for the code that acts on them, never
/// for logs. `Debug` leaves them out; `loggable_type` is what may be logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
}

impl Problem {
    /// The problem's `type` if it looks like the URI it should be (at most 200
    /// visible ASCII characters, no spaces), else a placeholder: a type is
    /// chosen from a fixed list by the backend, not written for one case.
    pub fn loggable_type(&self) -> &str {
        let k = &self.kind;
        if !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()) {
            k
        } else {
            "a problem type that is not a URI"
        }
    }
}

impl std::fmt::Debug for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem")
            .field("type", &self.loggable_type())
            .field("status", &self.status)
            .field("title", &format_args!("<{} bytes>", self.title.len()))
            .field("detail", &format_args!("<{} bytes>", self.detail.len()))
            .finish()
    }
}

fn about_blank() -> String {
    "about:blank".into()
}

/// `POST /auth/challenge`: a fresh nonce for the card to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthChallenge {
    /// 32 random bytes, base64 (44 characters); single use.
    pub nonce: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

/// `POST /auth/card` body: the Web eID token (EOBCANKA.md).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthCardRequest {
    #[schema(value_type = Object)]
    pub token: crate::webeid::AuthToken,
}

impl std::fmt::Debug for AuthCardRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCardRequest(..)")
    }
}

/// Who logged in, as much as the kiosk shows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitizenSummary {
    /// The first name, for the greeting.
    pub display_name: String,
}

/// `POST /auth/card` answer: a short-lived session, held in memory only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthSession {
    pub session: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    pub citizen: CitizenSummary,
}

impl std::fmt::Debug for AuthSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthSession(..)")
    }
}

// ---------------------------------------------------------------- phone login (RFC 8628)
//
// The OAuth 2.0 Device Authorization Grant (PHONE-LOGIN.md). These types keep
// the standard's snake_case names and its rules: requests are form-encoded,
// errors are `{"error": …}` JSON with HTTP 400 (RFC 6749 §5.2, not problem+json),
// and unknown members are ignored both ways (RFC 6749 §3.1 and §5.1), so none
// of them denies unknown fields.

/// The `grant_type` of a device-code token request (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The alphabet of user codes (RFC 8628 §6.1): base 20, no vowels, no look-alikes.
pub const USER_CODE_ALPHABET: &str = "BCDFGHJKLMNPQRSTVWXZ";

/// `POST /auth/device` (form): a kiosk asks for a code a phone can approve.
/// RFC 8628 leaves `scope` optional; this contract names it (there is one),
/// so that a request is never an empty form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceAuthorizationRequest {
    /// The kiosk's id. Optional: the kiosk is the one its bearer token names.
    #[schema(pattern = "^[a-z0-9-]{1,40}$")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub client_id: Option<String>,
    /// `citizen`, the only scope (a citizen session for the `/me` calls).
    pub scope: DeviceScope,
}

/// What a phone login opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeviceScope {
    /// A citizen session, as a card login opens it.
    Citizen,
}

/// The answer to `POST /auth/device` (RFC 8628 §3.2).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceAuthorization {
    /// The kiosk's secret for polling `POST /auth/token`; never shown or logged.
    pub device_code: String,
    /// What the citizen types or checks on the phone, e.g. `WDJB-MJHT`: eight
    /// characters of `BCDFGHJKLMNPQRSTVWXZ`; case and dashes are ignored on entry.
    pub user_code: String,
    /// The approval page, for typing.
    pub verification_uri: String,
    /// The approval page with the code in it, for the QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub verification_uri_complete: Option<String>,
    /// Seconds until the code expires.
    pub expires_in: u64,
    /// Seconds the kiosk waits between polls (5 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub interval: Option<u64>,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The device code is a secret and the user code lets a phone log in here.
        f.debug_struct("DeviceAuthorization")
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// `POST /auth/token` (form): has the citizen approved this code yet?
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceTokenRequest {
    /// Always `urn:ietf:params:oauth:grant-type:device_code`.
    #[schema(pattern = "^urn:ietf:params:oauth:grant-type:device_code$")]
    pub grant_type: String,
    pub device_code: String,
    /// The kiosk's id (optional, as for `POST /auth/device`).
    #[schema(pattern = "^[a-z0-9-]{1,40}$")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub client_id: Option<String>,
}

impl std::fmt::Debug for DeviceTokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceTokenRequest(..)")
    }
}

/// `POST /auth/device/cancel` (form): the kiosk abandons a code (Zrušit, a
/// card inserted, the loop returning); it can no longer be approved or used.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceCancelRequest {
    pub device_code: String,
}

impl std::fmt::Debug for DeviceCancelRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceCancelRequest(..)")
    }
}

/// Whose session a phone opened, as much as the kiosk shows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCitizen {
    /// The first name, for the greeting (as `CitizenSummary`).
    pub display_name: String,
    /// The name shown before any data, so the person at the kiosk can see whose
    /// session opened: the first initial and the surname ("J. Nováková").
    pub confirm_name: String,
}

/// The answer to `POST /auth/token` once the citizen approved (RFC 6749 §5.1):
/// a citizen session, used exactly as the card login's.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceSession {
    /// The citizen session: sent as `x-citizen-session` with the kiosk's token.
    pub access_token: String,
    /// Always `citizen-session` (the header above, not a bearer token).
    pub token_type: String,
    /// Seconds the session lasts at most.
    pub expires_in: u64,
    pub citizen: DeviceCitizen,
}

impl std::fmt::Debug for DeviceSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSession(..)")
    }
}

/// The `token_type` of [`DeviceSession`].
pub const CITIZEN_SESSION_TOKEN_TYPE: &str = "citizen-session";

/// The OAuth error codes of the two endpoints (RFC 6749 §5.2, RFC 8628 §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OAuthErrorCode {
    /// Not approved yet: keep polling.
    AuthorizationPending,
    /// Polled too fast: add 5 s to the interval for this and every later poll.
    SlowDown,
    /// The citizen refused on the phone.
    AccessDenied,
    /// The code expired: start again with a new one.
    ExpiredToken,
    /// A parameter is missing, repeated or malformed, or the body is not a form.
    InvalidRequest,
    /// Another client than the kiosk the token names.
    InvalidClient,
    /// No such code, another kiosk's code, or one used or abandoned already.
    InvalidGrant,
    /// `grant_type` is not the device-code grant.
    UnsupportedGrantType,
    /// A scope other than `citizen`.
    InvalidScope,
}

impl OAuthErrorCode {
    /// The code as the wire spells it (for logs: it names no person).
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthErrorCode::AuthorizationPending => "authorization_pending",
            OAuthErrorCode::SlowDown => "slow_down",
            OAuthErrorCode::AccessDenied => "access_denied",
            OAuthErrorCode::ExpiredToken => "expired_token",
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
        }
    }
}

/// An OAuth error answer: HTTP 400, `application/json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OAuthError {
    pub error: OAuthErrorCode,
    /// A sentence for developers (never shown to the citizen, never logged by the kiosk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error_description: Option<String>,
    /// With `slow_down`: the interval in seconds now in force for this code
    /// (an extension; the kiosk adds 5 s by itself either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub interval: Option<u64>,
}

// ---------------------------------------------------------------- citizen data (/me, never cached)

/// `Debug` that prints only the type's name: these types carry personal data,
/// which must never reach a log line or a panic message (ARCHITECTURE.md).
macro_rules! redacted_debug {
    ($($ty:ident),* $(,)?) => {$(
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($ty), "(..)"))
            }
        }
    )*};
}

/// A message for the citizen on the dashboard (nástěnka).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Notice {
    pub title: String,
    pub text: String,
    pub date: chrono::NaiveDate,
}

/// The citizen's next election and polling room.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NextElection {
    pub title: String,
    /// The first voting day that is today or later.
    pub date: chrono::NaiveDate,
    /// Number of the citizen's polling district.
    pub district: u32,
    pub place: String,
    pub address: String,
}

/// `GET /me/dashboard`: the nástěnka.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeDashboard {
    pub unpaid_count: u32,
    /// Sum of the unpaid amounts, two decimals ("1598.00").
    pub unpaid_total_czk: String,
    /// Unpaid obligations due before today.
    pub overdue_count: u32,
    /// The earliest due date among the unpaid obligations.
    #[serde(default)]
    pub nearest_due_date: Option<chrono::NaiveDate>,
    /// Submissions not yet closed.
    pub open_submissions: u32,
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// None when no election is ahead or the citizen's district is unknown.
    #[serde(default)]
    pub next_election: Option<NextElection>,
}

/// What an obligation is for. Kinds the kiosk does not know arrive as
/// `Unknown` and are shown like `Other` ([`ObligationKind::shown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ObligationKind {
    /// Poplatek za komunální odpad.
    Waste,
    /// Poplatek ze psů.
    Dog,
    /// Pokuta.
    Fine,
    Other,
    /// A kind newer than this kiosk.
    #[serde(other)]
    Unknown,
}

impl ObligationKind {
    /// The kind to present: an unknown kind is shown as "other".
    pub fn shown(self) -> ObligationKind {
        match self {
            ObligationKind::Unknown => ObligationKind::Other,
            k => k,
        }
    }
}

/// One item of the konto plátce. Amount, account and symbols are strings on
/// purpose: the kiosk validates every obligation itself and shows a broken one
/// as text (without a QR code) instead of rejecting the whole list.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Obligation {
    pub id: String,
    pub kind: ObligationKind,
    pub title: String,
    /// "2026", "2026-03" …
    pub period: String,
    /// Two decimals, "." as the decimal point ("900.00").
    pub amount_czk: String,
    pub due_date: chrono::NaiveDate,
    pub paid: bool,
    #[serde(default)]
    pub paid_at: Option<chrono::NaiveDate>,
    /// The payee's account as an IBAN.
    pub account_iban: String,
    pub variable_symbol: String,
    #[serde(default)]
    pub specific_symbol: String,
    #[serde(default)]
    pub constant_symbol: String,
    /// A remark for the citizen ("Uhrazeno po splatnosti.").
    #[serde(default)]
    pub note: String,
}

/// `GET /me/obligations`: every obligation since 2020, paid or not.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObligationList {
    pub obligations: Vec<Obligation>,
}

/// `POST /me/payments` body: the obligations to pay at once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentIntentRequest {
    pub obligation_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PaymentState {
    /// Waiting for the money.
    Pending,
    /// The backend has the money; the obligations are paid.
    Paid,
    /// Not paid in time: the kiosk stops showing its QR code.
    Expired,
}

/// A payment intent: the SPAYD fields for a QR code and an optional link to
/// the payment gateway. The backend never repairs a broken account or symbol:
/// the kiosk decides whether it can show a QR code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentIntent {
    pub id: String,
    pub state: PaymentState,
    pub account_iban: String,
    /// The sum of the obligations, two decimals.
    pub amount_czk: String,
    /// The obligation's own VS, or a collective one for several obligations.
    pub variable_symbol: String,
    #[serde(default)]
    pub specific_symbol: String,
    #[serde(default)]
    pub constant_symbol: String,
    /// For the payee: upper-case ASCII, at most 60 characters.
    pub message: String,
    /// Pay by card on the phone (HTTPS), if the backend offers it.
    #[serde(default)]
    pub gateway_url: Option<String>,
    /// A pending intent expires then.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// When the money arrived (a paid intent only): the date on the proof of payment.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub paid_on: Option<chrono::NaiveDate>,
}

/// One submission (podání) and where it stands.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Submission {
    pub id: String,
    pub title: String,
    /// With its Europe/Prague offset.
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: chrono::DateTime<chrono::FixedOffset>,
    /// "received", "in-progress", "waiting-for-citizen", "decided", "closed" …
    pub state: String,
    /// The state in words for the citizen.
    pub state_text: String,
    #[schema(value_type = String, format = DateTime)]
    pub last_activity_at: chrono::DateTime<chrono::FixedOffset>,
}

/// `GET /me/submissions`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmissionList {
    pub submissions: Vec<Submission>,
}

/// Where the hlídací pes sends its notifications ("" = not this way).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WatchdogChannels {
    /// "" or an e-mail address: one `@`, no white space or control
    /// characters, a dot inside the domain; at most 254 bytes (the backend
    /// answers 422 to a longer one).
    pub email: String,
    /// "" or a phone number: an optional `+`, then 9 to 15 digits and any spaces.
    pub sms: String,
}

/// `GET/PUT /me/watchdog`: which events notify the citizen, and how.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Watchdog {
    pub new_obligation: bool,
    pub due_date_approaching: bool,
    pub submission_changed: bool,
    pub election: bool,
    pub channels: WatchdogChannels,
}

redacted_debug!(
    Notice,
    NextElection,
    MeDashboard,
    Obligation,
    ObligationList,
    PaymentIntentRequest,
    PaymentIntent,
    Submission,
    SubmissionList,
    WatchdogChannels,
    Watchdog,
);

// ---------------------------------------------------------------- counter (staff, never cached)

/// Problem types (RFC 9457 `type`) of the staff endpoints, which the kiosk
/// tells apart.
pub mod staff_problems {
    /// `POST /staff/login` from a device the backend has not registered as a
    /// counter (403).
    pub const NOT_A_COUNTER: &str = "https://obcan.litomerice.cz/kiosk/v1/problems/not-a-counter";
    /// `POST /staff/login` with a PIN of no staff member allowed at this counter (401).
    pub const WRONG_PIN: &str = "https://obcan.litomerice.cz/kiosk/v1/problems/wrong-pin";
    /// `POST /staff/login` while this counter's staff login is locked (429).
    pub const LOCKED: &str = "https://obcan.litomerice.cz/kiosk/v1/problems/staff-login-locked";
    /// `POST /staff/lookup` more often than the staff session may (429).
    pub const TOO_MANY_LOOKUPS: &str =
        "https://obcan.litomerice.cz/kiosk/v1/problems/too-many-lookups";
}

/// `POST /staff/login` body: the staff member's PIN (6 to 12 digits), which
/// the backend checks against the argon2id hashes of the staff allowed at this
/// counter. It travels only in this body, inside TLS; it is never logged, and
/// is zeroized when this value is dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffLoginRequest {
    /// 6 to 12 ASCII digits.
    #[schema(pattern = "^[0-9]{6,12}$", example = "123456")]
    pub pin: String,
}

impl Drop for StaffLoginRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pin);
    }
}

/// `POST /staff/login` answer: a staff session for this kiosk (ends 15 minutes after its last use),
/// sent back as `x-staff-session`; held in memory only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffSession {
    pub session: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// The staff member's display name, as the backend holds it ("Přepážka 1").
    pub name: String,
}

/// `POST /staff/login` refused for a wrong PIN (401, problem+json): the
/// problem and how many more wrong PINs lock this counter's staff login.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffLoginRefusal {
    /// [`staff_problems::WRONG_PIN`].
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    /// Wrong PINs left before the lockout.
    pub misses_left: u32,
}

/// `POST /staff/lookup` body: the variable symbol to look up (1 to 10 digits).
/// In the body, not the URL, so that no URL, proxy or client log carries it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffLookupRequest {
    #[schema(pattern = "^[0-9]{1,10}$", example = "1100012011")]
    pub vs: String,
}

/// `POST /staff/lookup`: a payer's obligations (paid and unpaid) with this
/// variable symbol; an empty list when nobody has it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffLookup {
    pub obligations: Vec<Obligation>,
    /// The payer as the backend knows them ("Jana Nováková"); "" when none matched.
    pub payer_name: String,
}

redacted_debug!(
    StaffLoginRequest,
    StaffSession,
    StaffLoginRefusal,
    StaffLookupRequest,
    StaffLookup
);
