//! Demo content of the development portal: a town's services, contacts,
//! elections, úřední deska, demo citizens and promotion slides. Bundled: the
//! Litoměřice seed (`assets/seed/*.json` and the demo playlist); any other town
//! from a directory of the same files (`--town DIR`, e.g. examples/horni-javori).

use rusqlite::{Connection, params};

use super::handlers::sha256_hex;
use super::{
    DEMO_COUNTER_ID, DEMO_COUNTER_TOKEN, DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, DEMO_STAFF_ID,
    DEMO_STAFF_NAME, DEMO_STAFF_PIN_HASH, DevPortalError, PortalState, etag_of,
};
use crate::portal::types::*;
use crate::portal::validate::Validate;

use std::borrow::Cow;
use std::path::Path;

const SERVICES: &str = include_str!("../../assets/seed/services.json");
const CONTACTS: &str = include_str!("../../assets/seed/contacts.json");
const ELECTIONS: &str = include_str!("../../assets/seed/elections.json");
/// The town's úřední deska in OFN JSON-LD, served as it is (not canonicalised).
const NOTICE_BOARD: &str = include_str!("../../assets/seed/notice-board.jsonld");

/// A town's demo content, as the development portal publishes it.
#[derive(Debug, Clone)]
pub struct Seed {
    pub services: Cow<'static, str>,
    pub contacts: Cow<'static, str>,
    pub elections: Cow<'static, str>,
    /// OFN JSON-LD, served as it is.
    pub notice_board: Cow<'static, str>,
    /// The demo citizens (`{"citizens": [...]}`) behind the demo cards.
    pub citizens: Cow<'static, str>,
    pub promo: Vec<crate::promo::DemoSlide>,
}

impl Seed {
    /// The bundled Litoměřice demo content.
    pub fn bundled() -> Seed {
        Seed {
            services: Cow::Borrowed(SERVICES),
            contacts: Cow::Borrowed(CONTACTS),
            elections: Cow::Borrowed(ELECTIONS),
            notice_board: Cow::Borrowed(NOTICE_BOARD),
            citizens: Cow::Borrowed(super::auth::CITIZENS_JSON),
            promo: crate::promo::demo_slides(),
        }
    }

    /// A town's seed directory: `seed/services.json`, `seed/contacts.json`,
    /// `seed/elections.json`, `seed/notice-board.jsonld`, `seed/citizens.json`
    /// and `promo/playlist.toml` (its pictures beside it). Each file is checked
    /// as the portal would check it when published.
    pub fn from_dir(dir: &Path) -> Result<Seed, String> {
        let read = |name: &str| {
            let path = dir.join("seed").join(name);
            std::fs::read_to_string(&path)
                .map(Cow::Owned)
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        let seed = Seed {
            services: read("services.json")?,
            contacts: read("contacts.json")?,
            elections: read("elections.json")?,
            notice_board: read("notice-board.jsonld")?,
            citizens: read("citizens.json")?,
            promo: crate::promo::slides_from_file(&dir.join("promo").join("playlist.toml"))?,
        };
        seed.check()
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(seed)
    }

    /// Every collection parses and validates; every service's department exists.
    pub fn check(&self) -> Result<(), String> {
        let err = |e: DevPortalError| e.to_string();
        parse::<ServiceCatalogue>("services.json", &self.services).map_err(err)?;
        parse::<ContactDirectory>("contacts.json", &self.contacts).map_err(err)?;
        parse::<ElectionInfo>("elections.json", &self.elections).map_err(err)?;
        check_board(self.notice_board.as_bytes())
            .map_err(|e| format!("notice-board.jsonld: {e}"))?;
        super::auth::AuthState::new(&self.citizens)?;
        let services: ServiceCatalogue =
            serde_json::from_str(&self.services).map_err(|e| e.to_string())?;
        let contacts: ContactDirectory =
            serde_json::from_str(&self.contacts).map_err(|e| e.to_string())?;
        for s in &services.services {
            if !contacts.departments.iter().any(|d| d.id == s.department_id) {
                return Err(format!(
                    "services.json: service {} names unknown department {}",
                    s.id, s.department_id
                ));
            }
        }
        if self.promo.is_empty() {
            return Err("promo/playlist.toml has no slide".into());
        }
        Ok(())
    }
}

/// A town for the demo and the screenshots: its `[town]` and languages from a
/// site config, and its seed.
#[derive(Debug, Clone)]
pub struct DemoTown {
    pub town: crate::town::TownSection,
    pub languages: Vec<crate::i18n::Language>,
    pub seed: Seed,
}

impl DemoTown {
    /// Litoměřice: the embedded default config's town and the bundled seed.
    pub fn bundled() -> Result<DemoTown, String> {
        let config = crate::config::KioskConfig::embedded_default().map_err(|e| e.to_string())?;
        Ok(DemoTown {
            town: config.town,
            languages: config.languages.available,
            seed: Seed::bundled(),
        })
    }

    /// A town directory: `kiosk.toml` (a site config of that town: its `[town]`
    /// and `[languages]` are used), `seed/` and `promo/` (see [`Seed::from_dir`]).
    pub fn from_dir(dir: &Path) -> Result<DemoTown, String> {
        let config =
            crate::config::KioskConfig::load(&dir.join("kiosk.toml")).map_err(|e| e.to_string())?;
        Ok(DemoTown {
            town: config.town,
            languages: config.languages.available,
            seed: Seed::from_dir(dir)?,
        })
    }
}

/// An OFN board as published: UTF-8, and a board the kiosk's reader accepts.
pub fn check_board(body: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
    let board = crate::noticeboard::read_board(body, crate::noticeboard::DEFAULT_MAX_BYTES)
        .map_err(|e| e.to_string())?;
    board.validate().map_err(|e| e.to_string())?;
    Ok(text.to_string())
}

/// Publishes the seeded board (also into a database seeded before it existed).
pub fn seed_notice_board(conn: &Connection, seed: &Seed) -> Result<(), DevPortalError> {
    let board = check_board(seed.notice_board.as_bytes())
        .map_err(|e| DevPortalError::Seed(format!("notice-board.jsonld: {e}")))?;
    put_content(conn, "notice-board", &board)?;
    Ok(())
}

fn parse<C: Validate + serde::de::DeserializeOwned + serde::Serialize>(
    name: &str,
    text: &str,
) -> Result<String, DevPortalError> {
    let value: C =
        serde_json::from_str(text).map_err(|e| DevPortalError::Seed(format!("{name}: {e}")))?;
    value
        .validate()
        .map_err(|e| DevPortalError::Seed(e.to_string()))?;
    serde_json::to_string(&value).map_err(|e| DevPortalError::Seed(e.to_string()))
}

fn put_content(conn: &Connection, collection: &str, json: &str) -> rusqlite::Result<String> {
    let etag = etag_of(json.as_bytes());
    conn.execute(
        "INSERT OR REPLACE INTO content (collection, json, etag) VALUES (?1, ?2, ?3)",
        params![collection, json, etag],
    )?;
    Ok(etag)
}

/// Publishes canonical JSON of a collection; returns its new ETag.
pub fn publish(state: &PortalState, collection: &str, json: &str) -> rusqlite::Result<String> {
    state.with_db(|c| put_content(c, collection, json))
}

/// Reads an image's type and pixel size, refusing anything that is not PNG or JPEG.
pub fn describe_image(bytes: &[u8]) -> Result<AssetRef, String> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let content_type = match reader.format() {
        Some(image::ImageFormat::Png) => "image/png",
        Some(image::ImageFormat::Jpeg) => "image/jpeg",
        _ => return Err("not a PNG or JPEG image".into()),
    };
    let (width, height) = reader.into_dimensions().map_err(|e| e.to_string())?;
    Ok(AssetRef {
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
        width,
        height,
        content_type: content_type.into(),
    })
}

fn insert_asset(conn: &Connection, asset: &AssetRef, bytes: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO assets (sha256, content_type, bytes) VALUES (?1, ?2, ?3)",
        params![asset.sha256, asset.content_type, bytes],
    )
    .map(|_| ())
}

pub fn store_asset(state: &PortalState, bytes: &[u8]) -> Result<AssetRef, String> {
    let asset = describe_image(bytes)?;
    state
        .with_db(|c| insert_asset(c, &asset, bytes))
        .map_err(|e| e.to_string())?;
    Ok(asset)
}

/// The bundled demo slides as the backend publishes them.
fn demo_promo(conn: &Connection, seed: &Seed) -> Result<PromoPlaylist, DevPortalError> {
    let mut slides = Vec::new();
    for (i, slide) in seed.promo.iter().cloned().enumerate() {
        let duration_seconds = slide.seconds.unwrap_or(8) as u32;
        let (kind, asset) = match slide.image {
            Some((name, bytes)) => {
                let asset = describe_image(&bytes)
                    .map_err(|e| DevPortalError::Seed(format!("{name}: {e}")))?;
                insert_asset(conn, &asset, &bytes)?;
                (SlideKind::Image, Some(asset))
            }
            None if slide.qr_url.is_some() => (SlideKind::Qr, None),
            None => (SlideKind::Text, None),
        };
        slides.push(PromoSlide {
            id: format!("demo-{}", i + 1),
            kind,
            title: slide.title,
            body: slide.body,
            qr_url: slide.qr_url,
            asset,
            duration_seconds,
            schedule: SlideSchedule::default(),
            priority: 0,
            urgent: false,
        });
    }
    Ok(PromoPlaylist {
        slides,
        signature: None,
        notices: Vec::new(),
    })
}

pub fn seed_demo(conn: &Connection, seed: &Seed) -> Result<(), DevPortalError> {
    conn.execute(
        "INSERT OR REPLACE INTO tokens (token, kiosk_id) VALUES (?1, ?2)",
        params![DEMO_KIOSK_TOKEN, DEMO_KIOSK_ID],
    )?;
    let promo = demo_promo(conn, seed)?;
    let promo_json =
        serde_json::to_string(&promo).map_err(|e| DevPortalError::Seed(e.to_string()))?;
    put_content(conn, "promo", &promo_json)?;
    put_content(
        conn,
        "services",
        &parse::<ServiceCatalogue>("services.json", &seed.services)?,
    )?;
    put_content(
        conn,
        "contacts",
        &parse::<ContactDirectory>("contacts.json", &seed.contacts)?,
    )?;
    put_content(
        conn,
        "elections",
        &parse::<ElectionInfo>("elections.json", &seed.elections)?,
    )?;
    seed_notice_board(conn, seed)?;
    tracing::info!("development portal seeded with demo content");
    Ok(())
}

/// The demo counter: its token, its registration as a counter and the demo
/// staff member allowed at it. The demo station kiosk is no counter.
pub fn seed_demo_counter(conn: &Connection) -> Result<(), DevPortalError> {
    conn.execute(
        "INSERT OR REPLACE INTO tokens (token, kiosk_id) VALUES (?1, ?2)",
        params![DEMO_COUNTER_TOKEN, DEMO_COUNTER_ID],
    )?;
    super::staff::register_counter(conn, DEMO_COUNTER_ID)?;
    super::staff::add_staff_member(
        conn,
        DEMO_STAFF_ID,
        DEMO_STAFF_NAME,
        DEMO_STAFF_PIN_HASH,
        &[DEMO_COUNTER_ID],
    )
    .map_err(DevPortalError::Seed)?;
    tracing::info!("development portal seeded with the demo counter and its staff");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_content_is_valid_and_rich_enough() {
        let services: ServiceCatalogue = serde_json::from_str(SERVICES).unwrap();
        services.validate().unwrap();
        assert!(
            services.services.len() >= 60,
            "{} services",
            services.services.len()
        );
        let contacts: ContactDirectory = serde_json::from_str(CONTACTS).unwrap();
        contacts.validate().unwrap();
        for s in &services.services {
            assert!(
                contacts.departments.iter().any(|d| d.id == s.department_id),
                "service {} names unknown department {}",
                s.id,
                s.department_id
            );
        }
        let elections: ElectionInfo = serde_json::from_str(ELECTIONS).unwrap();
        elections.validate().unwrap();
        assert!(elections.districts.len() >= 20);
    }

    /// The seeded board has every variation NOTICE-BOARD.md lists, so the
    /// demo and the tests exercise the kiosk's reader on all of them.
    #[test]
    fn the_seeded_board_has_every_variation_of_the_format() {
        use crate::noticeboard::{BoardDate, read_board};
        let raw: serde_json::Value = serde_json::from_str(NOTICE_BOARD).unwrap();
        let items = raw["informace"].as_array().unwrap();
        let board = read_board(NOTICE_BOARD.as_bytes(), 1 << 20).unwrap();
        board.validate().unwrap();
        assert!(board.notices.len() >= 40, "{} notices", board.notices.len());
        assert!(board.refused.is_empty(), "{:?}", board.refused);
        let n = &board.notices;
        let has = |what: &str, ok: bool| assert!(ok, "the seeded board has no {what}");
        has(
            "`datum`",
            n.iter().any(|x| matches!(x.posted, BoardDate::Day(_))),
        );
        has(
            "`datum_a_čas`",
            n.iter().any(|x| matches!(x.posted, BoardDate::At(..))),
        );
        has(
            "`nespecifikovaný`",
            n.iter().any(|x| x.until == BoardDate::Unspecified),
        );
        has(
            "notice with several documents",
            n.iter().any(|x| x.documents.len() >= 3),
        );
        has(
            "notice without documents",
            n.iter().any(|x| x.documents.is_empty()),
        );
        has(
            "notice without an agenda",
            n.iter().any(|x| x.agendas.is_empty()),
        );
        has(
            "notice with two agendas",
            n.iter().any(|x| x.agendas.len() >= 2),
        );
        has(
            "non-https document",
            n.iter().any(|x| x.documents.iter().any(|d| !d.qr)),
        );
        has(
            "expired notice",
            n.iter().any(|x| {
                x.until
                    .last_day()
                    .is_some_and(|d| d < chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap())
            }),
        );
        has(
            "document named only by its URL",
            items.iter().any(|i| {
                i["dokument"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d.get("název").is_none()))
            }),
        );
        has(
            "HTML in a title",
            items
                .iter()
                .any(|i| i["název"]["cs"].as_str().is_some_and(|t| t.contains("<b>"))),
        );
        has(
            "unknown extra key",
            items.iter().any(|i| i.get("kategorie").is_some()),
        );
        has(
            "notice without its `typ`",
            items.iter().any(|i| i.get("typ").is_none()),
        );
        has(
            "time without its `typ`",
            items.iter().any(|i| {
                i["vyvěšení"].get("typ").is_none() || i["relevantní_do"].get("typ").is_none()
            }),
        );
    }
}
