//! The development portal's side of signed playlists and proof of play: it
//! signs the playlist it serves with its Ed25519 key (generated on the first
//! start and kept in its database, or given with `dev-portal --promo-key FILE`), shows the public key to pin, can
//! be told to serve an unsigned, tampered or wrongly signed playlist for
//! tests, and sums the proof-of-play events into a report per slide × site ×
//! day (JSON or CSV).
//!
//! It must never sign anything but the published playlist, and the report
//! carries slide, site and time only — never anything of a person.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::PortalState;
use super::extract::{AdminAuth, BodyBytes, from_json};
use super::handlers::{internal, problem};
use super::routes::Routes;
use crate::portal::types::PromoPlaylist;
use crate::promo::PlaylistSigner;

type AppState = State<Arc<PortalState>>;

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/admin/v1/promo/signing", get_signing)
        .put("/admin/v1/promo/signing", put_signing)
        .get("/admin/v1/reports/proof-of-play", get_proof_of_play)
}

/// How the portal serves the playlist (tests set it; `signed` at start).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Deserialize,
    serde::Serialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SigningMode {
    /// Signed with the portal's key.
    #[default]
    Signed,
    /// Without a signature.
    Unsigned,
    /// Signed, then the first slide's title changed (the signature no longer holds).
    Tampered,
    /// Signed with a throw-away key no kiosk has.
    WrongKey,
}

/// The portal's signing key and how it serves the playlist.
pub(crate) struct PromoSigning {
    signer: std::sync::RwLock<Arc<PlaylistSigner>>,
    mode: std::sync::Mutex<SigningMode>,
}

impl PromoSigning {
    #[cfg(test)]
    fn generate() -> Result<PromoSigning, String> {
        let (signer, _) = PlaylistSigner::generate()?;
        Ok(PromoSigning::with(signer))
    }

    fn with(signer: PlaylistSigner) -> PromoSigning {
        PromoSigning {
            signer: std::sync::RwLock::new(Arc::new(signer)),
            mode: std::sync::Mutex::new(SigningMode::Signed),
        }
    }

    /// The key kept in the portal's database (`settings`), made there on
    /// the first start: a restarted portal serves the same signed bytes, so
    /// kiosks get 304s as before.
    pub(super) fn open(conn: &rusqlite::Connection) -> Result<PromoSigning, String> {
        use base64::Engine;
        use rusqlite::OptionalExtension;
        let b64 = base64::engine::general_purpose::STANDARD;
        let stored: Option<String> = conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'promo_key_seed'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        let seed: Option<[u8; 32]> = stored
            .and_then(|text| b64.decode(text).ok())
            .and_then(|raw| raw.as_slice().try_into().ok());
        if let Some(seed) = seed {
            return Ok(PromoSigning::with(PlaylistSigner::from_seed(&seed)?));
        }
        let (signer, seed) = PlaylistSigner::generate()?;
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('promo_key_seed', ?1)",
            [b64.encode(seed)],
        )
        .map_err(|e| e.to_string())?;
        Ok(PromoSigning::with(signer))
    }

    pub(super) fn set_key(&self, signer: PlaylistSigner) {
        *self.signer.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(signer);
    }

    pub(super) fn signer(&self) -> Arc<PlaylistSigner> {
        self.signer
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(super) fn mode(&self) -> SigningMode {
        *self.mode.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn set_mode(&self, mode: SigningMode) {
        *self.mode.lock().unwrap_or_else(|p| p.into_inner()) = mode;
    }

    /// The published playlist (stored unsigned) as it is served now.
    pub(super) fn serve(&self, json: &str) -> Result<String, String> {
        let mut playlist: PromoPlaylist = serde_json::from_str(json).map_err(|e| e.to_string())?;
        playlist.signature = None;
        let signer = self.signer();
        let served = match self.mode() {
            SigningMode::Signed => signer.sign(playlist),
            SigningMode::Unsigned => playlist,
            SigningMode::Tampered => {
                let mut p = signer.sign(playlist);
                match p.slides.first_mut() {
                    Some(slide) => slide.title.push_str(" (podvrženo)"),
                    None => p.slides.push(tampered_slide()),
                }
                p
            }
            SigningMode::WrongKey => PlaylistSigner::generate()?.0.sign(playlist),
        };
        serde_json::to_string(&served).map_err(|e| e.to_string())
    }
}

/// A slide slipped into an empty playlist after signing.
fn tampered_slide() -> crate::portal::types::PromoSlide {
    crate::portal::types::PromoSlide {
        id: "podvrh".into(),
        kind: crate::portal::types::SlideKind::Text,
        title: "Podvržený slajd".into(),
        body: String::new(),
        qr_url: None,
        asset: None,
        duration_seconds: 8,
        schedule: Default::default(),
        priority: 0,
        urgent: false,
    }
}

/// The key a kiosk pins, and how the playlist is served.
#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromoSigningInfo {
    /// The public key, base64 of 32 bytes: a kiosk's `promo.keys`.
    pub public_key: String,
    /// Its id (the `keyId` of signatures).
    pub key_id: String,
    pub mode: SigningMode,
}

/// Sets how the playlist is served (tests of the kiosk's refusals).
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningRequest {
    pub mode: SigningMode,
}

/// The public key to pin and how the playlist is served now.
#[utoipa::path(get, path = "/admin/v1/promo/signing", tag = "admin", operation_id = "adminGetPromoSigning",
    security(("adminToken" = [])),
    responses((status = 200, description = "The playlist key and the serving mode", body = PromoSigningInfo)))]
pub(super) async fn get_signing(State(state): AppState, _: AdminAuth) -> Response {
    let signer = state.promo.signer();
    axum::Json(PromoSigningInfo {
        public_key: signer.public_key().to_base64(),
        key_id: signer.public_key().id.clone(),
        mode: state.promo.mode(),
    })
    .into_response()
}

/// Serves the playlist signed, unsigned, tampered after signing, or signed
/// with a key no kiosk has — from the next request on.
#[utoipa::path(put, path = "/admin/v1/promo/signing", tag = "admin", operation_id = "adminPutPromoSigning",
    security(("adminToken" = [])),
    request_body(content = SigningRequest, example = json!({"mode": "tampered"})),
    responses((status = 204, description = "Set"),
              (status = 400, description = "Not a signing request")))]
pub(super) async fn put_signing(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    match from_json::<SigningRequest>(&body) {
        Ok(r) => {
            state.promo.set_mode(r.mode);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => problem(
            StatusCode::BAD_REQUEST,
            "Bad signing request",
            e.to_string(),
        ),
    }
}

// ---------------------------------------------------------------- proof of play

/// Plays of one slide at one site (kiosk) on one day (Europe/Prague).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlayCount {
    /// The local day in Europe/Prague, YYYY-MM-DD.
    pub day: String,
    /// The kiosk's id.
    pub site: String,
    pub slide_id: String,
    /// Distinct proof-of-play events (each event id counts once).
    pub plays: u64,
    /// Seconds on screen, summed (as the kiosk reported each play).
    pub seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProofOfPlayReport {
    pub total_plays: u64,
    /// By day, site, slide.
    pub rows: Vec<PlayCount>,
}

/// `format=json|csv`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    #[serde(default)]
    format: Option<String>,
}

/// The report's formats, for the OpenAPI document (the handler reads the
/// query itself, to answer an unknown one with a problem).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ReportFormat {
    Json,
    Csv,
}

/// Proof of play per slide × site × day, from the events stored exactly once.
#[utoipa::path(get, path = "/admin/v1/reports/proof-of-play", tag = "admin", operation_id = "adminGetProofOfPlay",
    security(("adminToken" = [])),
    params(("format" = Option<ReportFormat>, Query, description = "`json` (default) or `csv`")),
    responses((status = 200, description = "Plays by day (Europe/Prague), site and slide. CSV: a header \
        `day,site,slide_id,plays,seconds`, one row per line (RFC 4180)",
        content((ProofOfPlayReport = "application/json"), (String = "text/csv"))),
              (status = 400, description = "An unknown format or query parameter")))]
pub(super) async fn get_proof_of_play(State(state): AppState, _: AdminAuth, uri: Uri) -> Response {
    let query: ReportQuery = match serde_urlencoded::from_str(uri.query().unwrap_or("")) {
        Ok(q) => q,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad query", e.to_string()),
    };
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad query",
                format!("unknown format `{other}`; expected json or csv"),
            );
        }
    };
    let report = match proof_of_play(&state) {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    if csv {
        (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            report_csv(&report),
        )
            .into_response()
    } else {
        axum::Json(report).into_response()
    }
}

/// Sums the stored proof-of-play events (the events table has one row per
/// event id: a batch sent again adds nothing).
pub(super) fn proof_of_play(state: &PortalState) -> rusqlite::Result<ProofOfPlayReport> {
    let rows = state.with_db(|c| {
        let mut stmt = c.prepare(
            "SELECT kiosk_id, occurred_at, payload FROM events WHERE kind = 'proof-of-play'",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })?;
    let mut counts: BTreeMap<(String, String, String), (u64, u64)> = BTreeMap::new();
    for (site, occurred_at, payload) in rows {
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(&occurred_at) else {
            continue;
        };
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
        let Some(slide) = payload.get("slideId").and_then(|v| v.as_str()) else {
            continue;
        };
        let seconds = payload.get("seconds").and_then(|v| v.as_u64()).unwrap_or(0);
        let day = crate::promo::prague::to_local(at.with_timezone(&chrono::Utc))
            .date()
            .format("%Y-%m-%d")
            .to_string();
        let entry = counts.entry((day, site, slide.to_string())).or_default();
        entry.0 += 1;
        entry.1 += seconds;
    }
    let rows: Vec<PlayCount> = counts
        .into_iter()
        .map(|((day, site, slide_id), (plays, seconds))| PlayCount {
            day,
            site,
            slide_id,
            plays,
            seconds,
        })
        .collect();
    Ok(ProofOfPlayReport {
        total_plays: rows.iter().map(|r| r.plays).sum(),
        rows,
    })
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(super) fn report_csv(report: &ProofOfPlayReport) -> String {
    let mut out = String::from("day,site,slide_id,plays,seconds\r\n");
    for r in &report.rows {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            r.day,
            csv_field(&r.site),
            csv_field(&r.slide_id),
            r.plays,
            r.seconds
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let report = ProofOfPlayReport {
            total_plays: 3,
            rows: vec![
                PlayCount {
                    day: "2027-03-28".into(),
                    site: "lt-demo-01".into(),
                    slide_id: "a,\"b\"".into(),
                    plays: 2,
                    seconds: 16,
                },
                PlayCount {
                    day: "2027-03-28".into(),
                    site: "lt-nadrazi".into(),
                    slide_id: "c".into(),
                    plays: 1,
                    seconds: 8,
                },
            ],
        };
        assert_eq!(
            report_csv(&report),
            "day,site,slide_id,plays,seconds\r\n\
             2027-03-28,lt-demo-01,\"a,\"\"b\"\"\",2,16\r\n\
             2027-03-28,lt-nadrazi,c,1,8\r\n"
        );
    }

    #[test]
    fn the_served_playlist_is_signed_tampered_or_unsigned_as_told() {
        let signing = PromoSigning::generate().unwrap();
        let trust = crate::promo::PlaylistTrust {
            require_signature: true,
            keys: vec![signing.signer().public_key().clone()],
        };
        let published = serde_json::json!({"slides": [{"id": "a", "kind": "text", "title": "Ahoj",
            "durationSeconds": 8}]})
        .to_string();
        let state_of = |signing: &PromoSigning| {
            let served: PromoPlaylist =
                serde_json::from_str(&signing.serve(&published).unwrap()).unwrap();
            trust.check(&served).state
        };
        use crate::promo::VerifyState::*;
        assert_eq!(state_of(&signing), Verified);
        for (mode, state) in [
            (SigningMode::Unsigned, Unsigned),
            (SigningMode::Tampered, BadSignature),
            (SigningMode::WrongKey, UnknownKey),
            (SigningMode::Signed, Verified),
        ] {
            signing.set_mode(mode);
            assert_eq!(state_of(&signing), state, "{mode:?}");
        }
    }
}
