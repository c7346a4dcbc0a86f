//! The Web eID login token as the backend (the development portal) validates
//! it: JSON, base64, the X.509 certificate, key usage, the chain to the test CA,
//! validity and the ES512 signature, against a fixed origin and challenge.
//! The first byte chooses what the rest is:
//!
//! - 0: the token's JSON as sent to `POST /auth/card`;
//! - 1: a certificate (DER), sent in a token signed with demo Jana's key;
//! - 2: a TBSCertificate (DER) that the target signs with the test CA's key,
//!   so that fuzzed certificates get past the chain check and reach key usage,
//!   validity, the key itself, the signature and the subject's names;
//! - 3: the trusted-issuer PEM file the portal reads at start.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use p521::ecdsa::signature::hazmat::PrehashSigner;
use p521::ecdsa::{Signature, SigningKey};
use p521::pkcs8::DecodePrivateKey;
use portal_kiosk::webeid::{AuthToken, TrustAnchors, signed_digest, validate};
use sha2::{Digest, Sha512};

const ORIGIN: &str = "https://obcan.litomerice.cz";
const NONCE: &str = "T2gJb2jFZ8SEp0MvGxW6kFJ3n1XrA4S9cHq0dB7eVYI=";
/// 2026-11-18: inside the test certificates' validity.
const NOW: i64 = 1_795_000_000;
const CA_PEM: &str = include_str!("../../assets/test-pki/ca.pem");
const CA_KEY: &str = include_str!("../../assets/test-pki/ca.key.pem");
const JANA_KEY: &str = include_str!("../../assets/test-pki/demo-jana.key.pem");

struct Fixed {
    anchors: TrustAnchors,
    ca_key: SigningKey,
    /// Jana's signature over the fixed origin and challenge (raw r‖s).
    jana_signature: Vec<u8>,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let jana = SigningKey::from_pkcs8_pem(JANA_KEY).expect("test key");
        let signature: Signature = jana
            .sign_prehash(&signed_digest(ORIGIN, NONCE))
            .expect("signing");
        Fixed {
            anchors: TrustAnchors::from_pem(CA_PEM).expect("test CA"),
            ca_key: SigningKey::from_pkcs8_pem(CA_KEY).expect("test CA key"),
            jana_signature: signature.to_bytes().to_vec(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fixed = fixed();
    match mode % 4 {
        0 => {
            let json = String::from_utf8_lossy(rest);
            check(&json, fixed);
        }
        1 => check(&token_json(rest, &fixed.jana_signature), fixed),
        2 => {
            let certificate = signed_by_ca(rest, &fixed.ca_key);
            check(&token_json(&certificate, &fixed.jana_signature), fixed);
        }
        _ => {
            let _ = TrustAnchors::from_pem(&String::from_utf8_lossy(rest));
        }
    }
});

fn check(json: &str, fixed: &Fixed) {
    if validate(json, ORIGIN, NONCE, &fixed.anchors, NOW).is_ok() {
        // A token that validates was signed for this origin and challenge only.
        let other = validate(json, ORIGIN, "another nonce", &fixed.anchors, NOW);
        assert!(
            other.is_err(),
            "a token validated for a different challenge"
        );
    }
}

fn token_json(certificate: &[u8], signature: &[u8]) -> String {
    serde_json::to_string(&AuthToken::new(certificate, signature)).unwrap_or_default()
}

/// A certificate around `tbs`, signed ecdsa-with-SHA512 by the test CA.
fn signed_by_ca(tbs: &[u8], ca_key: &SigningKey) -> Vec<u8> {
    let digest = Sha512::digest(tbs);
    let Ok(signature) = PrehashSigner::<Signature>::sign_prehash(ca_key, &digest) else {
        return Vec::new();
    };
    let signature = signature.to_der();
    // AlgorithmIdentifier { ecdsa-with-SHA512 }
    const ALGORITHM: [u8; 12] = [
        0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04,
    ];
    let mut bits = vec![0x00];
    bits.extend_from_slice(signature.as_bytes());
    let mut body = tbs.to_vec();
    body.extend_from_slice(&ALGORITHM);
    body.extend(tlv(0x03, &bits));
    tlv(0x30, &body)
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(value);
    out
}
