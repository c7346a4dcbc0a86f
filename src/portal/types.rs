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

/// A life situation ("životní situace"): where, how, with whom, for how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub title: String,
    pub categories: Vec<String>,
    pub department_id: String,
    pub summary: String,
    /// KDE
    #[serde(rename = "where")]
    pub where_: String,
    /// JAK
    pub how: String,
    /// S KÝM
    pub with_whom: String,
    /// ZA KOLIK
    pub cost: String,
    #[serde(default)]
    pub bring: Vec<String>,
    #[serde(default)]
    pub deadlines: String,
    #[serde(default)]
    pub forms: Vec<Form>,
    #[serde(default)]
    pub reservation_url: Option<String>,
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
    pub room: String,
    pub streets: Vec<StreetRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
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

// ---------------------------------------------------------------- counter (staff, never cached)

/// `POST /staff/login` body. The kiosk has checked the staff PIN itself
/// (`crate::staff`): the PIN never leaves the kiosk, and the backend trusts the
/// device (its bearer token) to vouch for the member it names.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffLoginRequest {
    /// The member's name from the kiosk's credentials file ("Přepážka 1").
    pub staff_name: String,
}

/// `POST /staff/login` answer: a staff session for this kiosk (15 minutes),
/// sent back as `x-staff-session`; held in memory only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffSession {
    pub session: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// The staff member, as the backend recorded the login.
    pub name: String,
}

/// `GET /staff/obligations?vs=…`: a payer's obligations (paid and unpaid) with
/// this variable symbol; an empty list when nobody has it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffLookup {
    pub obligations: Vec<Obligation>,
    /// The payer as the backend knows them ("Jana Nováková"); "" when none matched.
    pub payer_name: String,
}

redacted_debug!(StaffLoginRequest, StaffSession, StaffLookup);
