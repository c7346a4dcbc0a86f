//! The demo citizens' cards (fictional; `assets/test-pki/README.md`): the
//! certificates and keys the card simulator, the demo signer and the tests use.
//! TEST material only — the issuing CA is trusted by nothing but the
//! development portal.

use super::sim::SimProfile;

pub struct TestCitizen {
    /// The citizen id of `assets/seed/citizens.json`.
    pub id: &'static str,
    pub document_number: &'static str,
    /// The test IOK.
    pub pin: &'static str,
    pub short_certificate: &'static [u8],
    pub long_certificate: &'static [u8],
    /// PKCS#8 PEM of the card's key (stands in for the chip).
    pub key_pem: &'static str,
}

macro_rules! citizen {
    ($id:literal, $number:literal, $pin:literal) => {
        TestCitizen {
            id: $id,
            document_number: $number,
            pin: $pin,
            short_certificate: include_bytes!(concat!("../../assets/test-pki/", $id, ".short.der")),
            long_certificate: include_bytes!(concat!("../../assets/test-pki/", $id, ".auth.der")),
            key_pem: include_str!(concat!("../../assets/test-pki/", $id, ".key.pem")),
        }
    };
}

pub const TEST_CITIZENS: [TestCitizen; 4] = [
    citizen!("demo-jana", "900000001", "1234"),
    citizen!("demo-josef", "900000002", "2580"),
    citizen!("demo-tereza", "900000003", "1111"),
    citizen!("demo-podnikatel", "900000004", "4321"),
];

pub fn citizen(id: &str) -> Option<&'static TestCitizen> {
    TEST_CITIZENS.iter().find(|c| c.id == id)
}

impl SimProfile {
    /// A valid eObčanka of a demo citizen, IOK 3 of 3.
    pub fn for_citizen(citizen: &TestCitizen) -> SimProfile {
        SimProfile {
            document_number: citizen.document_number.into(),
            short_certificate: citizen.short_certificate.to_vec(),
            long_certificate: citizen.long_certificate.to_vec(),
            ..SimProfile::valid()
        }
    }
}

/// A card profile file for `card-sim --profile FILE` (TOML).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    /// "eobcanka" (default) or "bank-card".
    #[serde(default = "eobcanka")]
    kind: String,
    /// Demo citizen whose certificates the card carries (for kind "eobcanka").
    citizen: Option<String>,
    iok_tries_left: Option<u8>,
    #[serde(default)]
    iok_blocked: bool,
    #[serde(default)]
    long_certificate_needs_pin: bool,
}

fn eobcanka() -> String {
    "eobcanka".into()
}

/// Resolves `--profile`: a built-in name (`valid`, `blocked`, `bank-card`), a
/// demo citizen id (`demo-jana` …), or a TOML file.
pub fn load_profile(spec: &str) -> Result<SimProfile, String> {
    match spec {
        "valid" => return Ok(SimProfile::for_citizen(&TEST_CITIZENS[0])),
        "blocked" => {
            let mut p = SimProfile::for_citizen(&TEST_CITIZENS[0]);
            p.iok_state = 0x05;
            p.iok_tries_left = 0;
            return Ok(p);
        }
        "bank-card" => return Ok(SimProfile::bank_card()),
        _ => {}
    }
    if let Some(c) = citizen(spec) {
        return Ok(SimProfile::for_citizen(c));
    }
    let text = std::fs::read_to_string(spec).map_err(|e| {
        format!("card profile {spec}: {e} (or use valid, blocked, bank-card, demo-jana…)")
    })?;
    let file: ProfileFile =
        toml::from_str(&text).map_err(|e| format!("card profile {spec}: {e}"))?;
    let mut profile = match file.kind.as_str() {
        "bank-card" => return Ok(SimProfile::bank_card()),
        "eobcanka" => {
            let id = file.citizen.as_deref().unwrap_or("demo-jana");
            SimProfile::for_citizen(
                citizen(id).ok_or_else(|| format!("card profile {spec}: unknown citizen {id}"))?,
            )
        }
        other => return Err(format!("card profile {spec}: unknown kind {other}")),
    };
    if let Some(t) = file.iok_tries_left {
        if t > profile.iok_max {
            return Err(format!(
                "card profile {spec}: iok_tries_left above {}",
                profile.iok_max
            ));
        }
        profile.iok_tries_left = t;
    }
    if file.iok_blocked || profile.iok_tries_left == 0 {
        profile.iok_state = 0x05;
        profile.iok_tries_left = 0;
    }
    profile.long_certificate_needs_pin = file.long_certificate_needs_pin;
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardKind, read_card, sim::SimCard};

    #[test]
    fn every_shipped_profile_loads_and_reads_as_intended() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/cards");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let profile = load_profile(path.to_str().unwrap()).unwrap();
            let kind = read_card(&mut SimCard::new(profile)).unwrap();
            let name = path.file_stem().unwrap().to_str().unwrap().to_string();
            match (name.as_str(), kind) {
                ("bank-card", CardKind::NotEObcanka) => {}
                ("jana-blocked", CardKind::EObcanka(c)) => assert!(c.iok.blocked),
                ("jana-pin-protected", CardKind::EObcanka(c)) => {
                    assert!(c.long_certificate.is_none());
                    assert_eq!(c.short_certificate, TEST_CITIZENS[0].short_certificate);
                }
                (n, CardKind::EObcanka(c)) => {
                    assert!(!c.iok.blocked, "{n}");
                    let citizen = TEST_CITIZENS
                        .iter()
                        .find(|t| t.document_number == c.document_number)
                        .unwrap();
                    assert_eq!(
                        c.long_certificate.as_deref(),
                        Some(citizen.long_certificate)
                    );
                }
                (n, k) => panic!("{n}: {k:?}"),
            }
            seen += 1;
        }
        assert!(seen >= 5);
        assert!(
            load_profile("/nonexistent.toml")
                .unwrap_err()
                .contains("valid, blocked")
        );
    }
}
