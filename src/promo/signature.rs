//! Signed playlists: the canonical bytes of a playlist, Ed25519 signatures
//! over them (ring), the kiosk's pinned public keys, and the verdict the sync
//! engine acts on before a playlist is stored or played.
//!
//! The canonical form ([`canonical_bytes`]) covers every field of every slide
//! in playlist order — texts, schedule, targeting, each asset's SHA-256 and
//! size — so that nobody who can change the playlist on its way (or in the
//! content pipeline without the key) can put anything on a public screen.
//! This module must never accept a playlist whose bytes differ from what was
//! signed, and never log the texts it checks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use sha2::{Digest, Sha256};

use crate::portal::types::{
    NoticeSeverity, PlaylistSignature, PromoPlaylist, PromoSlide, SlideKind, UrgentNotice,
};

/// First line of the canonical form: the format and its version.
pub const CANONICAL_HEADER: &str = "portal-kiosk-playlist-v1";

/// A string field: its length in bytes, a colon, then its UTF-8 bytes as they
/// are (no escaping), so no text can imitate a following field.
fn put_str(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(key.as_bytes());
    out.push(b'=');
    out.extend_from_slice(value.len().to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(value.as_bytes());
    out.push(b'\n');
}

/// An optional string: `-` when absent.
fn put_opt_str(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
    match value {
        Some(v) => put_str(out, key, v),
        None => put_plain(out, key, "-"),
    }
}

/// A value that cannot contain a newline (numbers, dates, names of kinds).
fn put_plain(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(key.as_bytes());
    out.push(b'=');
    out.extend_from_slice(value.as_bytes());
    out.push(b'\n');
}

fn kind_name(kind: SlideKind) -> &'static str {
    match kind {
        SlideKind::Image => "image",
        SlideKind::Text => "text",
        SlideKind::Qr => "qr",
        SlideKind::Notice => "notice",
    }
}

/// The exact bytes that are signed (README "Signed playlists" spells them out):
///
/// ```text
/// portal-kiosk-playlist-v1
/// slides=<count>
/// # then for each slide, in playlist order (index from 0):
/// slide=<index>
/// id=<S>
/// kind=image|text|qr|notice
/// title=<S>
/// body=<S>
/// qrUrl=<S>|-
/// asset=-                      # or, with an asset, these five lines:
/// asset.sha256=<64 lower-case hex>
/// asset.size=<bytes>
/// asset.width=<px>
/// asset.height=<px>
/// asset.contentType=<S>
/// durationSeconds=<n>
/// validFrom=YYYY-MM-DD|-
/// validTo=YYYY-MM-DD|-
/// weekdays=<n>,<n>,…           # as listed; empty after `=` if none
/// hoursFrom=HH:MM:SS|-
/// hoursTo=HH:MM:SS|-
/// sites=<count>
/// site=<S>                     # one line per site, as listed
/// priority=<signed decimal>
/// urgent=true|false
/// end
/// notices=<count>
/// # then for each urgent notice, in order (index from 0):
/// notice=<index>
/// id=<S>
/// severity=info|warning|critical
/// title=<S>
/// body=<S>
/// asset=-                      # or the five asset lines, as for a slide
/// sites=<count>
/// site=<S>                     # one line per site, as listed
/// startsAt=YYYY-MM-DDTHH:MM:SS[.fraction]Z|-
/// expiresAt=YYYY-MM-DDTHH:MM:SS[.fraction]Z
/// end
/// ```
///
/// Every line ends with `\n` (0x0A), there are no comments or blank lines,
/// and `<S>` is `<byte length>:<UTF-8 bytes>` (e.g. `title=5:Ahoj!`; a text
/// may hold newlines: its length says where it ends). Numbers are decimal
/// without leading zeros or `+`; times are 24-hour with a `.fraction` only if
/// not whole seconds. The `signature` member itself is not covered.
pub fn canonical_bytes(playlist: &PromoPlaylist) -> Vec<u8> {
    // Destructured without `..`: a new member does not compile until it is
    // part of the signed bytes (only the signature itself is not).
    let PromoPlaylist {
        slides,
        notices,
        signature: _,
    } = playlist;
    let mut out = Vec::with_capacity(256 * (slides.len() + notices.len() + 1));
    out.extend_from_slice(CANONICAL_HEADER.as_bytes());
    out.push(b'\n');
    put_plain(&mut out, "slides", &slides.len().to_string());
    for (index, slide) in slides.iter().enumerate() {
        // Destructured without `..`: a new slide field does not compile until
        // it is part of the signed bytes.
        let PromoSlide {
            id,
            kind,
            title,
            body,
            qr_url,
            asset,
            duration_seconds,
            schedule,
            priority,
            urgent,
        } = slide;
        put_plain(&mut out, "slide", &index.to_string());
        put_str(&mut out, "id", id);
        put_plain(&mut out, "kind", kind_name(*kind));
        put_str(&mut out, "title", title);
        put_str(&mut out, "body", body);
        put_opt_str(&mut out, "qrUrl", qr_url.as_deref());
        put_asset(&mut out, asset.as_ref());
        put_plain(&mut out, "durationSeconds", &duration_seconds.to_string());
        let crate::portal::types::SlideSchedule {
            valid_from,
            valid_to,
            weekdays,
            hours_from,
            hours_to,
            sites,
        } = schedule;
        let date = |d: &Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "-".into())
        };
        let time =
            |t: &Option<chrono::NaiveTime>| t.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
        put_plain(&mut out, "validFrom", &date(valid_from));
        put_plain(&mut out, "validTo", &date(valid_to));
        let days: Vec<String> = weekdays.iter().map(u8::to_string).collect();
        put_plain(&mut out, "weekdays", &days.join(","));
        put_plain(&mut out, "hoursFrom", &time(hours_from));
        put_plain(&mut out, "hoursTo", &time(hours_to));
        put_plain(&mut out, "sites", &sites.len().to_string());
        for site in sites {
            put_str(&mut out, "site", site);
        }
        put_plain(&mut out, "priority", &priority.to_string());
        put_plain(&mut out, "urgent", if *urgent { "true" } else { "false" });
        out.extend_from_slice(b"end\n");
    }
    put_plain(&mut out, "notices", &notices.len().to_string());
    for (index, notice) in notices.iter().enumerate() {
        let UrgentNotice {
            id,
            severity,
            title,
            body,
            asset,
            sites,
            starts_at,
            expires_at,
        } = notice;
        put_plain(&mut out, "notice", &index.to_string());
        put_str(&mut out, "id", id);
        let severity = match severity {
            NoticeSeverity::Info => "info",
            NoticeSeverity::Warning => "warning",
            NoticeSeverity::Critical => "critical",
        };
        put_plain(&mut out, "severity", severity);
        put_str(&mut out, "title", title);
        put_str(&mut out, "body", body);
        put_asset(&mut out, asset.as_ref());
        put_plain(&mut out, "sites", &sites.len().to_string());
        for site in sites {
            put_str(&mut out, "site", site);
        }
        let time = |t: &crate::portal::types::Timestamp| {
            t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        };
        put_plain(
            &mut out,
            "startsAt",
            &starts_at.as_ref().map(time).unwrap_or_else(|| "-".into()),
        );
        put_plain(&mut out, "expiresAt", &time(expires_at));
        out.extend_from_slice(b"end\n");
    }
    out
}

/// `asset=-`, or the asset's five lines.
fn put_asset(out: &mut Vec<u8>, asset: Option<&crate::portal::types::AssetRef>) {
    match asset {
        None => put_plain(out, "asset", "-"),
        Some(a) => {
            let crate::portal::types::AssetRef {
                sha256,
                size,
                width,
                height,
                content_type,
            } = a;
            put_plain(out, "asset.sha256", sha256);
            put_plain(out, "asset.size", &size.to_string());
            put_plain(out, "asset.width", &width.to_string());
            put_plain(out, "asset.height", &height.to_string());
            put_str(out, "asset.contentType", content_type);
        }
    }
}

/// The id of a public key: the first 8 bytes of its SHA-256, lower-case hex.
pub fn key_id(public_key: &[u8; 32]) -> String {
    crate::sync::hex_of(&Sha256::digest(public_key)[..8])
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("is not base64")]
    NotBase64,
    #[error("is {0} bytes long; an Ed25519 public key is 32 bytes (44 base64 characters)")]
    WrongLength(usize),
}

/// One pinned Ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub id: String,
    pub bytes: [u8; 32],
}

impl PublicKey {
    pub fn from_bytes(bytes: [u8; 32]) -> PublicKey {
        PublicKey {
            id: key_id(&bytes),
            bytes,
        }
    }

    /// A key as written in the config: base64 of the 32 raw bytes.
    pub fn from_base64(text: &str) -> Result<PublicKey, KeyError> {
        let raw = B64.decode(text.trim()).map_err(|_| KeyError::NotBase64)?;
        let bytes: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongLength(raw.len()))?;
        Ok(PublicKey::from_bytes(bytes))
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.bytes)
    }
}

/// Why a playlist's signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the playlist is not signed")]
    Unsigned,
    #[error("the playlist is signed with key {0}, which is not configured")]
    UnknownKey(String),
    #[error("the playlist's signature does not match its content (key {0})")]
    BadSignature(String),
}

/// Checks `playlist`'s signature against the pinned `keys`; the id of the key
/// that signed it.
pub fn verify(playlist: &PromoPlaylist, keys: &[PublicKey]) -> Result<String, SignatureError> {
    let Some(PlaylistSignature { key_id, sig }) = &playlist.signature else {
        return Err(SignatureError::Unsigned);
    };
    let Some(key) = keys.iter().find(|k| k.id == *key_id) else {
        return Err(SignatureError::UnknownKey(printable_id(key_id)));
    };
    let bad = || SignatureError::BadSignature(key.id.clone());
    let sig = B64.decode(sig.trim()).map_err(|_| bad())?;
    UnparsedPublicKey::new(&ED25519, &key.bytes)
        .verify(&canonical_bytes(playlist), &sig)
        .map_err(|_| bad())?;
    Ok(key.id.clone())
}

/// A key id from outside, safe to log (at most 16 hex digits).
fn printable_id(id: &str) -> String {
    if id.len() <= 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        id.to_string()
    } else {
        "(not a key id)".into()
    }
}

/// A signing key (the backend's side; the development portal and tests).
pub struct PlaylistSigner {
    pair: Ed25519KeyPair,
    public: PublicKey,
}

impl std::fmt::Debug for PlaylistSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlaylistSigner({})", self.public.id)
    }
}

impl PlaylistSigner {
    /// The key of a 32-byte Ed25519 seed (the private key).
    pub fn from_seed(seed: &[u8; 32]) -> Result<PlaylistSigner, String> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|e| format!("not an Ed25519 seed: {e}"))?;
        let bytes: [u8; 32] = pair
            .public_key()
            .as_ref()
            .try_into()
            .map_err(|_| "an Ed25519 public key that is not 32 bytes".to_string())?;
        Ok(PlaylistSigner {
            pair,
            public: PublicKey::from_bytes(bytes),
        })
    }

    /// A fresh random key and its seed (to keep in a file).
    pub fn generate() -> Result<(PlaylistSigner, [u8; 32]), String> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| format!("no randomness for a key: {e}"))?;
        Ok((PlaylistSigner::from_seed(&seed)?, seed))
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The signature of `playlist` as it is now (its own `signature` ignored).
    pub fn signature(&self, playlist: &PromoPlaylist) -> PlaylistSignature {
        let sig = self.pair.sign(&canonical_bytes(playlist));
        PlaylistSignature {
            key_id: self.public.id.clone(),
            sig: B64.encode(sig.as_ref()),
        }
    }

    /// `playlist` with its signature set.
    pub fn sign(&self, mut playlist: PromoPlaylist) -> PromoPlaylist {
        playlist.signature = Some(self.signature(&playlist));
        playlist
    }
}

/// The result of the last check of a playlist from the backend, as the
/// heartbeat and the metric `portal_kiosk_playlist_verified{state}` report it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyState {
    /// Nothing checked yet since the kiosk started.
    #[default]
    None,
    /// Signed with a configured key, and the signature holds.
    Verified,
    /// No signature; taken only where `promo.require_signature` is false.
    Unsigned,
    /// Signed with a key the kiosk does not have (or no longer has).
    UnknownKey,
    /// The signature does not match the playlist's content.
    BadSignature,
}

impl VerifyState {
    pub const ALL: [VerifyState; 5] = [
        VerifyState::None,
        VerifyState::Verified,
        VerifyState::Unsigned,
        VerifyState::UnknownKey,
        VerifyState::BadSignature,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VerifyState::None => "none",
            VerifyState::Verified => "verified",
            VerifyState::Unsigned => "unsigned",
            VerifyState::UnknownKey => "unknown-key",
            VerifyState::BadSignature => "bad-signature",
        }
    }

    fn of(result: &Result<String, SignatureError>) -> VerifyState {
        match result {
            Ok(_) => VerifyState::Verified,
            Err(SignatureError::Unsigned) => VerifyState::Unsigned,
            Err(SignatureError::UnknownKey(_)) => VerifyState::UnknownKey,
            Err(SignatureError::BadSignature(_)) => VerifyState::BadSignature,
        }
    }
}

/// What the kiosk trusts: `[promo] require_signature` and `[promo] keys`.
#[derive(Debug, Clone, Default)]
pub struct PlaylistTrust {
    pub require_signature: bool,
    pub keys: Vec<PublicKey>,
}

/// What to do with a playlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub state: VerifyState,
    /// Store and play it (false: refuse it, keep the last one).
    pub accept: bool,
    /// Why it is refused or not verified (None when verified).
    pub reason: Option<SignatureError>,
}

impl PlaylistTrust {
    /// From the config's `[promo]` (keys that do not parse were refused by
    /// the config check already; here they are skipped).
    pub fn from_config(promo: &crate::config::PromoSection) -> PlaylistTrust {
        PlaylistTrust {
            require_signature: promo.require_signature,
            keys: promo
                .keys
                .iter()
                .filter_map(|k| PublicKey::from_base64(k).ok())
                .collect(),
        }
    }

    /// Checks a playlist. Required: only a verified one is accepted. Not
    /// required: every playlist is accepted, and the state says what it was.
    pub fn check(&self, playlist: &PromoPlaylist) -> Verdict {
        let result = verify(playlist, &self.keys);
        let state = VerifyState::of(&result);
        Verdict {
            state,
            accept: !self.require_signature || state == VerifyState::Verified,
            reason: result.err(),
        }
    }
}

/// The kiosk's record of playlist checks, shared between the sync engine
/// (which writes it) and whoever reports it (heartbeat, metrics).
#[derive(Debug, Default)]
pub struct VerifyStatus {
    inner: std::sync::Mutex<VerifyCounts>,
}

/// A copy of [`VerifyStatus`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyCounts {
    /// The result of the last check of a playlist from the backend.
    pub state: VerifyState,
    /// Playlists refused since the kiosk started.
    pub refused: u64,
    /// Playlists accepted (verified, or not required to be) since the start.
    pub accepted: u64,
}

impl VerifyStatus {
    pub fn record(&self, verdict: &Verdict) {
        let mut c = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        c.state = verdict.state;
        if verdict.accept {
            c.accepted += 1;
        } else {
            c.refused += 1;
        }
    }

    /// The state of the stored playlist, checked again when the backend
    /// answered that it has not changed (nothing is counted).
    pub fn set_state(&self, state: VerifyState) {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).state = state;
    }

    pub fn counts(&self) -> VerifyCounts {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The samples of the gauge `portal_kiosk_playlist_verified{state}`: 1 for
    /// the state of the last check, 0 for every other state.
    pub fn metric_samples(&self) -> Vec<(&'static str, u64)> {
        let now = self.counts().state;
        VerifyState::ALL
            .iter()
            .map(|s| (s.as_str(), u64::from(*s == now)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::types::{AssetRef, SlideSchedule};

    fn slide(id: &str, title: &str) -> PromoSlide {
        PromoSlide {
            id: id.into(),
            kind: SlideKind::Text,
            title: title.into(),
            body: "Tělo".into(),
            qr_url: None,
            asset: None,
            duration_seconds: 8,
            schedule: SlideSchedule::default(),
            priority: 0,
            urgent: false,
        }
    }

    fn playlist() -> PromoPlaylist {
        let mut image = slide("b", "");
        image.kind = SlideKind::Image;
        image.asset = Some(AssetRef {
            sha256: "ab".repeat(32),
            size: 1234,
            width: 1920,
            height: 1080,
            content_type: "image/jpeg".into(),
        });
        image.schedule = SlideSchedule {
            valid_from: chrono::NaiveDate::from_ymd_opt(2027, 3, 1),
            valid_to: None,
            weekdays: vec![1, 2, 3],
            hours_from: chrono::NaiveTime::from_hms_opt(22, 0, 0),
            hours_to: chrono::NaiveTime::from_hms_opt(2, 0, 0),
            sites: vec!["nadrazi".into(), "lt-demo-01".into()],
        };
        PromoPlaylist {
            slides: vec![slide("a", "Vítejte"), image, slide("c", "Konec")],
            signature: None,
            notices: Vec::new(),
        }
    }

    fn signer(n: u8) -> PlaylistSigner {
        PlaylistSigner::from_seed(&[n; 32]).unwrap()
    }

    fn trust(keys: &[&PlaylistSigner]) -> PlaylistTrust {
        PlaylistTrust {
            require_signature: true,
            keys: keys.iter().map(|s| s.public_key().clone()).collect(),
        }
    }

    #[test]
    fn the_canonical_bytes_are_exactly_as_documented() {
        let mut p = playlist();
        p.slides.truncate(2);
        p.slides[0].qr_url = Some("https://x.cz/".into());
        p.slides[0].title = "Ahoj\nid=2:zz".into();
        let text = String::from_utf8(canonical_bytes(&p)).unwrap();
        assert_eq!(
            text,
            "portal-kiosk-playlist-v1\nslides=2\n\
             slide=0\nid=1:a\nkind=text\ntitle=12:Ahoj\nid=2:zz\nbody=5:Tělo\nqrUrl=13:https://x.cz/\nasset=-\n\
             durationSeconds=8\nvalidFrom=-\nvalidTo=-\nweekdays=\nhoursFrom=-\nhoursTo=-\nsites=0\n\
             priority=0\nurgent=false\nend\n\
             slide=1\nid=1:b\nkind=image\ntitle=0:\nbody=5:Tělo\nqrUrl=-\n\
             asset.sha256=abababababababababababababababababababababababababababababababab\n\
             asset.size=1234\nasset.width=1920\nasset.height=1080\nasset.contentType=10:image/jpeg\n\
             durationSeconds=8\nvalidFrom=2027-03-01\nvalidTo=-\nweekdays=1,2,3\n\
             hoursFrom=22:00:00\nhoursTo=02:00:00\nsites=2\nsite=7:nadrazi\nsite=10:lt-demo-01\n\
             priority=0\nurgent=false\nend\nnotices=0\n"
        );
    }

    #[test]
    fn a_signed_playlist_verifies_and_survives_json() {
        let s = signer(1);
        let p = s.sign(playlist());
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"signature\":{\"keyId\":"), "{json}");
        let back: PromoPlaylist = serde_json::from_str(&json).unwrap();
        let v = trust(&[&s]).check(&back);
        assert_eq!(v.state, VerifyState::Verified);
        assert!(v.accept);
        assert_eq!(
            verify(&back, &trust(&[&s]).keys),
            Ok(s.public_key().id.clone())
        );
    }

    /// Each change after signing must break the signature.
    #[test]
    fn any_tampering_is_refused() {
        let s = signer(1);
        let t = trust(&[&s]);
        let signed = s.sign(playlist());
        type Tamper = Box<dyn Fn(&mut PromoPlaylist)>;
        let tamperings: Vec<(&str, Tamper)> = vec![
            ("slide text", Box::new(|p| p.slides[0].title.push('!'))),
            ("slide body", Box::new(|p| p.slides[2].body = "Jiný".into())),
            (
                "asset hash",
                Box::new(|p| {
                    if let Some(a) = &mut p.slides[1].asset {
                        a.sha256 = "cd".repeat(32);
                    }
                }),
            ),
            (
                "asset size",
                Box::new(|p| {
                    if let Some(a) = &mut p.slides[1].asset {
                        a.size += 1;
                    }
                }),
            ),
            ("order", Box::new(|p| p.slides.swap(0, 2))),
            (
                "a slide removed",
                Box::new(|p| {
                    p.slides.pop();
                }),
            ),
            (
                "a site added",
                Box::new(|p| p.slides[1].schedule.sites.push("x".into())),
            ),
            (
                "weekdays",
                Box::new(|p| p.slides[1].schedule.weekdays = vec![1, 2, 3, 6]),
            ),
            (
                "hours",
                Box::new(|p| {
                    p.slides[1].schedule.hours_to = chrono::NaiveTime::from_hms_opt(3, 0, 0)
                }),
            ),
            (
                "valid to",
                Box::new(|p| {
                    p.slides[1].schedule.valid_to = chrono::NaiveDate::from_ymd_opt(2030, 1, 1)
                }),
            ),
            ("urgent", Box::new(|p| p.slides[0].urgent = true)),
            ("priority", Box::new(|p| p.slides[0].priority = 9)),
            ("duration", Box::new(|p| p.slides[0].duration_seconds = 600)),
            (
                "qr",
                Box::new(|p| p.slides[2].qr_url = Some("https://evil.example/".into())),
            ),
            ("kind", Box::new(|p| p.slides[0].kind = SlideKind::Notice)),
            ("id", Box::new(|p| p.slides[0].id = "z".into())),
        ];
        for (what, tamper) in tamperings {
            let mut p = signed.clone();
            tamper(&mut p);
            let v = t.check(&p);
            assert_eq!(v.state, VerifyState::BadSignature, "{what}");
            assert!(!v.accept, "{what}");
        }
        // A signature that is not base64, or of another playlist.
        let mut p = signed.clone();
        if let Some(sig) = &mut p.signature {
            sig.sig = "***".into();
        }
        assert_eq!(t.check(&p).state, VerifyState::BadSignature);
        // Another playlist's valid signature on this one.
        let mut borrowed = signed.clone();
        borrowed.signature = s
            .sign(PromoPlaylist {
                slides: vec![slide("a", "Jiný")],
                signature: None,
                notices: Vec::new(),
            })
            .signature;
        assert_eq!(t.check(&borrowed).state, VerifyState::BadSignature);
    }

    #[test]
    fn urgent_notices_are_signed_too() {
        let s = signer(1);
        let t = trust(&[&s]);
        let mut p = playlist();
        p.notices = vec![UrgentNotice {
            id: "voda".into(),
            severity: NoticeSeverity::Warning,
            title: "Výpadek vody".into(),
            body: "Ulice Dlouhá".into(),
            asset: None,
            sites: vec!["nadrazi".into()],
            starts_at: None,
            expires_at: "2027-05-10T12:00:00Z".parse().unwrap(),
        }];
        let text = String::from_utf8(canonical_bytes(&p)).unwrap();
        assert!(
            text.ends_with(
                "notices=1\nnotice=0\nid=4:voda\nseverity=warning\ntitle=13:Výpadek vody\n\
                 body=13:Ulice Dlouhá\nasset=-\nsites=1\nsite=7:nadrazi\nstartsAt=-\n\
                 expiresAt=2027-05-10T12:00:00Z\nend\n"
            ),
            "{text}"
        );
        let signed = s.sign(p);
        assert!(t.check(&signed).accept);
        type Tamper = Box<dyn Fn(&mut PromoPlaylist)>;
        let tamperings: Vec<(&str, Tamper)> = vec![
            (
                "title",
                Box::new(|p| p.notices[0].title = "Evakuace".into()),
            ),
            (
                "severity",
                Box::new(|p| p.notices[0].severity = NoticeSeverity::Critical),
            ),
            ("sites", Box::new(|p| p.notices[0].sites.clear())),
            (
                "expiry",
                Box::new(|p| p.notices[0].expires_at = "2030-01-01T00:00:00Z".parse().unwrap()),
            ),
            ("withdrawn", Box::new(|p| p.notices.clear())),
            (
                "added",
                Box::new(|p| {
                    let mut n = p.notices[0].clone();
                    n.id = "podvrh".into();
                    p.notices.push(n);
                }),
            ),
        ];
        for (what, tamper) in tamperings {
            let mut p = signed.clone();
            tamper(&mut p);
            assert_eq!(t.check(&p).state, VerifyState::BadSignature, "{what}");
        }
    }

    #[test]
    fn unsigned_and_unknown_keys_are_refused_when_required() {
        let t = trust(&[&signer(1)]);
        let v = t.check(&playlist());
        assert_eq!((v.state, v.accept), (VerifyState::Unsigned, false));
        let v = t.check(&signer(2).sign(playlist()));
        assert_eq!((v.state, v.accept), (VerifyState::UnknownKey, false));
        // A key id that claims to be ours with another key's signature.
        let mut forged = signer(2).sign(playlist());
        if let Some(sig) = &mut forged.signature {
            sig.key_id = signer(1).public_key().id.clone();
        }
        let v = t.check(&forged);
        assert_eq!((v.state, v.accept), (VerifyState::BadSignature, false));
    }

    #[test]
    fn not_required_takes_everything_and_says_what_it_was() {
        let mut t = trust(&[&signer(1)]);
        t.require_signature = false;
        let v = t.check(&playlist());
        assert_eq!((v.state, v.accept), (VerifyState::Unsigned, true));
        let mut bad = signer(1).sign(playlist());
        bad.slides[0].title.push('!');
        let v = t.check(&bad);
        assert_eq!((v.state, v.accept), (VerifyState::BadSignature, true));
    }

    #[test]
    fn key_rotation_old_and_new_both_verify_until_the_old_is_removed() {
        let (old, new) = (signer(1), signer(2));
        let both = trust(&[&old, &new]);
        assert!(both.check(&old.sign(playlist())).accept);
        assert!(both.check(&new.sign(playlist())).accept);
        let retired = trust(&[&new]);
        let v = retired.check(&old.sign(playlist()));
        assert_eq!((v.state, v.accept), (VerifyState::UnknownKey, false));
        assert!(retired.check(&new.sign(playlist())).accept);
    }

    #[test]
    fn public_keys_must_be_32_bytes_of_base64() {
        let s = signer(3);
        let b64 = s.public_key().to_base64();
        assert_eq!(b64.len(), 44);
        assert_eq!(PublicKey::from_base64(&b64).unwrap(), *s.public_key());
        assert_eq!(
            PublicKey::from_base64(&B64.encode([0u8; 31])),
            Err(KeyError::WrongLength(31))
        );
        assert_eq!(
            PublicKey::from_base64(&B64.encode([0u8; 33])),
            Err(KeyError::WrongLength(33))
        );
        assert_eq!(
            PublicKey::from_base64("not base64!"),
            Err(KeyError::NotBase64)
        );
        assert_eq!(s.public_key().id.len(), 16);
    }

    #[test]
    fn the_status_counts_and_gives_one_metric_state() {
        let status = VerifyStatus::default();
        let t = trust(&[&signer(1)]);
        status.record(&t.check(&signer(1).sign(playlist())));
        status.record(&t.check(&playlist()));
        let c = status.counts();
        assert_eq!(
            (c.state, c.accepted, c.refused),
            (VerifyState::Unsigned, 1, 1)
        );
        let samples = status.metric_samples();
        assert_eq!(samples.len(), 5);
        assert_eq!(samples.iter().filter(|(_, v)| *v == 1).count(), 1);
        assert!(samples.contains(&("unsigned", 1)));
    }
}
