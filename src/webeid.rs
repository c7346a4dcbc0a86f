//! The login token of EOBCANKA.md, in the Web eID format: built by the kiosk
//! after the card signed the challenge, and validated by the backend (here, the
//! development portal) in Web eID's order — size, format, certificate, key usage,
//! chain and validity, signature. The nonce's single use is the backend's
//! bookkeeping; this module checks everything that needs only the token.
//!
//! Nothing here logs: certificates name people.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use p521::ecdsa::signature::hazmat::PrehashVerifier;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};
use x509_parser::oid_registry::{
    OID_SIG_ECDSA_WITH_SHA512, OID_X509_COMMON_NAME, OID_X509_GIVEN_NAME, OID_X509_SERIALNUMBER,
    OID_X509_SURNAME,
};
use x509_parser::prelude::*;

pub const FORMAT: &str = "web-eid:1.0";
pub const ALGORITHM: &str = "ES512";
/// Raw r‖s of a P-521 signature.
pub const SIGNATURE_LEN: usize = 132;
/// 32 random bytes, base64.
pub const NONCE_LEN: usize = 44;

/// The value the card signs: SHA-512( SHA-512(origin) ‖ SHA-512(nonce) ).
pub fn signed_digest(origin: &str, nonce: &str) -> [u8; 64] {
    let mut outer = Sha512::new();
    outer.update(Sha512::digest(origin.as_bytes()));
    outer.update(Sha512::digest(nonce.as_bytes()));
    outer.finalize().into()
}

/// The origin of a backend base URL: `scheme://host[:port]`, no path, no slash.
pub fn origin_of(base_url: &str) -> Option<String> {
    let (scheme, rest) = base_url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// A fresh nonce: 32 random bytes, base64 (44 characters).
pub fn new_nonce() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(B64.encode(bytes))
}

/// The token as sent to `POST /kiosk/v1/auth/card`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AuthToken {
    pub format: String,
    pub unverified_certificate: String,
    pub algorithm: String,
    pub signature: String,
    #[serde(default)]
    pub app_version: String,
}

impl std::fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The certificate names a person: never in debug output.
        f.debug_struct("AuthToken")
            .field("format", &self.format)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl AuthToken {
    pub fn new(certificate_der: &[u8], signature_raw: &[u8]) -> AuthToken {
        AuthToken {
            format: FORMAT.into(),
            unverified_certificate: B64.encode(certificate_der),
            algorithm: ALGORITHM.into(),
            signature: B64.encode(signature_raw),
            app_version: format!(
                "https://obcan.litomerice.cz/kiosk/{}",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// Why a token was refused. The messages are for logs and staff, and carry no
/// personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token size {0} is outside 100–10000 characters")]
    Size(usize),
    #[error("token is not JSON of the Web eID shape")]
    Shape,
    #[error("token format is not web-eid:1")]
    Format,
    #[error("unsupported algorithm (ES512 expected)")]
    Algorithm,
    #[error("certificate cannot be decoded")]
    Certificate,
    #[error("certificate may not be used for signing in (key usage)")]
    KeyUsage,
    #[error("certificate was not issued by a trusted issuer")]
    Issuer,
    #[error("certificate is not valid at this time")]
    Validity,
    #[error("signature does not verify for this origin and challenge")]
    Signature,
}

/// The trusted issuers (the state's issuing CAs; in tests, the test CA).
#[derive(Clone)]
pub struct TrustAnchors {
    issuers: Vec<Issuer>,
}

#[derive(Clone)]
struct Issuer {
    subject_der: Vec<u8>,
    key: p521::ecdsa::VerifyingKey,
}

impl TrustAnchors {
    /// Reads the issuers from PEM text (one or more `CERTIFICATE` blocks).
    pub fn from_pem(pem_text: &str) -> Result<TrustAnchors, String> {
        let mut issuers = Vec::new();
        for pem in Pem::iter_from_buffer(pem_text.as_bytes()) {
            let pem = pem.map_err(|e| format!("PEM: {e}"))?;
            issuers.push(Self::issuer(&pem.contents)?);
        }
        if issuers.is_empty() {
            return Err("no certificate in the trusted issuer file".into());
        }
        Ok(TrustAnchors { issuers })
    }

    fn issuer(der: &[u8]) -> Result<Issuer, String> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("certificate: {e}"))?;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(&cert.public_key().subject_public_key.data)
                .map_err(|_| "the issuer's key is not a P-521 key".to_string())?;
        Ok(Issuer {
            subject_der: cert.subject().as_raw().to_vec(),
            key,
        })
    }
}

/// What a valid token tells the backend about the person.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// The certificate subject's serialNumber (the personal identifier).
    pub serial_number: Option<String>,
    pub common_name: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(..)")
    }
}

/// Parses the subject names of a certificate (for card-info and the greeting).
pub fn identity_of(certificate_der: &[u8]) -> Option<Identity> {
    let (_, cert) = X509Certificate::from_der(certificate_der).ok()?;
    let subject = cert.subject();
    let get = |oid| {
        subject
            .iter_by_oid(oid)
            .next()
            .and_then(|v| v.as_str().ok())
            .map(str::to_string)
    };
    Some(Identity {
        serial_number: get(&OID_X509_SERIALNUMBER),
        common_name: get(&OID_X509_COMMON_NAME),
        given_name: get(&OID_X509_GIVEN_NAME),
        surname: get(&OID_X509_SURNAME),
    })
}

/// Validates `token_json` for `origin` and `nonce` at unix time `now` — all of
/// Web eID's checks but the nonce's single use.
pub fn validate(
    token_json: &str,
    origin: &str,
    nonce: &str,
    anchors: &TrustAnchors,
    now_unix: i64,
) -> Result<Identity, TokenError> {
    let size = token_json.chars().count();
    if !(100..=10_000).contains(&size) {
        return Err(TokenError::Size(size));
    }
    let token: AuthToken = serde_json::from_str(token_json).map_err(|_| TokenError::Shape)?;
    if !token.format.starts_with("web-eid:1") {
        return Err(TokenError::Format);
    }
    if token.algorithm != ALGORITHM {
        return Err(TokenError::Algorithm);
    }
    let der = B64
        .decode(token.unverified_certificate.as_bytes())
        .map_err(|_| TokenError::Certificate)?;
    let (rest, cert) = X509Certificate::from_der(&der).map_err(|_| TokenError::Certificate)?;
    if !rest.is_empty() {
        return Err(TokenError::Certificate);
    }
    check_key_usage(&cert)?;
    check_chain(&cert, anchors, now_unix)?;
    let key =
        p521::ecdsa::VerifyingKey::from_sec1_bytes(&cert.public_key().subject_public_key.data)
            .map_err(|_| TokenError::Algorithm)?;
    let raw = B64
        .decode(token.signature.as_bytes())
        .map_err(|_| TokenError::Signature)?;
    if raw.len() != SIGNATURE_LEN {
        return Err(TokenError::Signature);
    }
    let signature = p521::ecdsa::Signature::from_slice(&raw).map_err(|_| TokenError::Signature)?;
    key.verify_prehash(&signed_digest(origin, nonce), &signature)
        .map_err(|_| TokenError::Signature)?;
    identity_of(&der).ok_or(TokenError::Certificate)
}

fn check_key_usage(cert: &X509Certificate<'_>) -> Result<(), TokenError> {
    match cert.key_usage() {
        Ok(Some(ku)) if ku.value.digital_signature() => {}
        _ => return Err(TokenError::KeyUsage),
    }
    match cert.extended_key_usage() {
        Ok(None) => Ok(()),
        Ok(Some(eku)) if eku.value.client_auth || eku.value.any => Ok(()),
        _ => Err(TokenError::KeyUsage),
    }
}

fn check_chain(
    cert: &X509Certificate<'_>,
    anchors: &TrustAnchors,
    now: i64,
) -> Result<(), TokenError> {
    let time = ASN1Time::from_timestamp(now).map_err(|_| TokenError::Validity)?;
    if cert.signature_algorithm.algorithm != OID_SIG_ECDSA_WITH_SHA512 {
        return Err(TokenError::Issuer);
    }
    let tbs_digest = Sha512::digest(cert.tbs_certificate.as_ref());
    let signature = p521::ecdsa::DerSignature::from_bytes(&cert.signature_value.data)
        .ok()
        .and_then(|der| p521::ecdsa::Signature::try_from(der).ok());
    let issuer_der = cert.issuer().as_raw();
    let trusted = anchors.issuers.iter().any(|issuer| {
        issuer.subject_der == issuer_der
            && signature
                .as_ref()
                .is_some_and(|s| issuer.key.verify_prehash(&tbs_digest, s).is_ok())
    });
    if !trusted {
        return Err(TokenError::Issuer);
    }
    if !cert.validity().is_valid_at(time) {
        return Err(TokenError::Validity);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_scheme_and_authority_only() {
        assert_eq!(
            origin_of("https://Obcan.Litomerice.cz/kiosk/v1/").as_deref(),
            Some("https://obcan.litomerice.cz")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("https://user@host/"), None);
        assert_eq!(origin_of("no-scheme"), None);
    }

    #[test]
    fn nonce_has_44_characters_and_is_fresh() {
        let a = new_nonce().unwrap();
        assert_eq!(a.len(), NONCE_LEN);
        assert_ne!(a, new_nonce().unwrap());
    }

    #[test]
    fn digest_depends_on_origin_and_nonce() {
        let d = signed_digest("https://a", "n");
        assert_ne!(d, signed_digest("https://b", "n"));
        assert_ne!(d, signed_digest("https://a", "m"));
        // SHA-512(SHA-512("https://a") || SHA-512("n")), computed independently.
        let mut cat = Sha512::digest(b"https://a").to_vec();
        cat.extend(Sha512::digest(b"n"));
        assert_eq!(d.to_vec(), Sha512::digest(&cat).to_vec());
    }

    fn signed_token(key_pem: &str, cert: &[u8], origin: &str, nonce: &str) -> String {
        use p521::ecdsa::signature::hazmat::PrehashSigner;
        use p521::pkcs8::DecodePrivateKey;
        let key = p521::ecdsa::SigningKey::from_pkcs8_pem(key_pem).unwrap();
        let sig: p521::ecdsa::Signature = key.sign_prehash(&signed_digest(origin, nonce)).unwrap();
        serde_json::to_string(&AuthToken::new(cert, &sig.to_bytes())).unwrap()
    }

    const NOW: i64 = 1_795_000_000; // 2026-11-18

    fn anchors() -> TrustAnchors {
        TrustAnchors::from_pem(include_str!("../assets/test-pki/ca.pem")).unwrap()
    }

    #[test]
    fn a_card_token_of_the_test_ca_validates_and_names_the_citizen() {
        let token = signed_token(
            include_str!("../assets/test-pki/demo-jana.key.pem"),
            include_bytes!("../assets/test-pki/demo-jana.auth.der"),
            "https://obcan.litomerice.cz",
            "nonce-1",
        );
        let id = validate(
            &token,
            "https://obcan.litomerice.cz",
            "nonce-1",
            &anchors(),
            NOW,
        )
        .unwrap();
        assert_eq!(id.serial_number.as_deref(), Some("DEMO-0001"));
        assert_eq!(id.given_name.as_deref(), Some("Jana"));
        assert_eq!(id.common_name.as_deref(), Some("JANA NOVÁKOVÁ"));
        // Same token, other nonce or origin: the signature does not fit.
        assert_eq!(
            validate(
                &token,
                "https://obcan.litomerice.cz",
                "nonce-2",
                &anchors(),
                NOW
            ),
            Err(TokenError::Signature)
        );
        assert_eq!(
            validate(&token, "https://evil.example", "nonce-1", &anchors(), NOW),
            Err(TokenError::Signature)
        );
        // Before the certificate's validity (2025-01-01).
        assert_eq!(
            validate(
                &token,
                "https://obcan.litomerice.cz",
                "nonce-1",
                &anchors(),
                1_700_000_000
            ),
            Err(TokenError::Validity)
        );
    }

    #[test]
    fn foreign_expired_and_non_signing_certificates_are_refused() {
        let o = "https://obcan.litomerice.cz";
        let stranger = signed_token(
            include_str!("../assets/test-pki/stranger.key.pem"),
            include_bytes!("../assets/test-pki/stranger.auth.der"),
            o,
            "n",
        );
        assert_eq!(
            validate(&stranger, o, "n", &anchors(), NOW),
            Err(TokenError::Issuer)
        );
        let expired = signed_token(
            include_str!("../assets/test-pki/expired.key.pem"),
            include_bytes!("../assets/test-pki/expired.auth.der"),
            o,
            "n",
        );
        assert_eq!(
            validate(&expired, o, "n", &anchors(), NOW),
            Err(TokenError::Validity)
        );
        let nosig = signed_token(
            include_str!("../assets/test-pki/nosig.key.pem"),
            include_bytes!("../assets/test-pki/nosig.auth.der"),
            o,
            "n",
        );
        assert_eq!(
            validate(&nosig, o, "n", &anchors(), NOW),
            Err(TokenError::KeyUsage)
        );
        // A token whose certificate is Jana's but whose signature is the stranger's key.
        let forged = signed_token(
            include_str!("../assets/test-pki/stranger.key.pem"),
            include_bytes!("../assets/test-pki/demo-jana.auth.der"),
            o,
            "n",
        );
        assert_eq!(
            validate(&forged, o, "n", &anchors(), NOW),
            Err(TokenError::Signature)
        );
    }

    #[test]
    fn malformed_tokens_are_refused_in_order() {
        let anchors_pem = include_str!("../assets/test-pki/ca.pem");
        let anchors = TrustAnchors::from_pem(anchors_pem).unwrap();
        assert_eq!(
            validate("{}", "https://a", "n", &anchors, 0),
            Err(TokenError::Size(2))
        );
        let long_junk = format!("{{\"x\":\"{}\"}}", "a".repeat(200));
        assert_eq!(
            validate(&long_junk, "https://a", "n", &anchors, 0),
            Err(TokenError::Shape)
        );
        let mut token = AuthToken::new(&[0x30; 50], &[0; 132]);
        token.format = "web-eid:2.0".into();
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(
            validate(&json, "https://a", "n", &anchors, 0),
            Err(TokenError::Format)
        );
        let token = AuthToken::new(&[0x30; 50], &[0; 132]);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(
            validate(&json, "https://a", "n", &anchors, 0),
            Err(TokenError::Certificate)
        );
    }
}
