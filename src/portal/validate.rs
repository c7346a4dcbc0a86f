//! Validation of what the backend sends, before it may replace anything the
//! kiosk has: a pipeline of small checks per collection, each with its reason.
//! Serde already rejected wrong types and unknown fields; these are the rules a
//! type cannot express.

use std::collections::HashSet;

use super::types::*;

/// Why a collection was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{collection}: {reason}")]
pub struct Invalid {
    pub collection: &'static str,
    pub reason: String,
}

/// A collection that can check itself.
pub trait Validate {
    const NAME: &'static str;
    fn validate(&self) -> Result<(), Invalid>;
}

fn fail<T>(collection: &'static str, reason: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid {
        collection,
        reason: reason.into(),
    })
}

fn unique<'a>(
    collection: &'static str,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), Invalid> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            return fail(collection, format!("an empty {what}"));
        }
        if !seen.insert(id) {
            return fail(collection, format!("{what} `{id}` appears twice"));
        }
    }
    Ok(())
}

/// Whether a citizen may be sent to `url` by a QR code: https only, with a
/// host, no spaces or control characters.
pub fn is_https_url(url: &str) -> bool {
    url.starts_with("https://")
        && url.len() > "https://x".len()
        && !url.contains(|c: char| c.is_whitespace() || c.is_control())
}

/// A URL a citizen may be sent to: https only.
fn https(collection: &'static str, what: &str, url: &str) -> Result<(), Invalid> {
    if is_https_url(url) {
        Ok(())
    } else {
        fail(collection, format!("{what} `{url}` is not an https URL"))
    }
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Largest asset the kiosk accepts (a full-HD slide is well under 5 MB).
pub const MAX_ASSET_BYTES: u64 = 32 * 1024 * 1024;

impl Validate for PromoPlaylist {
    const NAME: &'static str = "promo";
    fn validate(&self) -> Result<(), Invalid> {
        unique(
            Self::NAME,
            "slide id",
            self.slides.iter().map(|s| s.id.as_str()),
        )?;
        for s in &self.slides {
            if !(2..=600).contains(&s.duration_seconds) {
                return fail(
                    Self::NAME,
                    format!(
                        "slide `{}` lasts {} s; expected 2 to 600",
                        s.id, s.duration_seconds
                    ),
                );
            }
            if let Some(asset) = &s.asset {
                if !is_sha256_hex(&asset.sha256) {
                    return fail(
                        Self::NAME,
                        format!("slide `{}` asset hash is not a SHA-256", s.id),
                    );
                }
                if asset.size == 0 || asset.size > MAX_ASSET_BYTES {
                    return fail(
                        Self::NAME,
                        format!("slide `{}` asset size {} is out of range", s.id, asset.size),
                    );
                }
                if !matches!(asset.content_type.as_str(), "image/png" | "image/jpeg") {
                    return fail(
                        Self::NAME,
                        format!(
                            "slide `{}` asset type {} is not PNG or JPEG",
                            s.id, asset.content_type
                        ),
                    );
                }
            }
            match s.kind {
                SlideKind::Image => {
                    if s.asset.is_none() {
                        return fail(Self::NAME, format!("image slide `{}` has no asset", s.id));
                    }
                }
                SlideKind::Text | SlideKind::Notice => {
                    if s.title.trim().is_empty() {
                        return fail(Self::NAME, format!("slide `{}` has no title", s.id));
                    }
                }
                SlideKind::Qr => {
                    let Some(url) = &s.qr_url else {
                        return fail(Self::NAME, format!("QR slide `{}` has no qrUrl", s.id));
                    };
                    https(Self::NAME, "qrUrl", url)?;
                }
            }
            if s.schedule.weekdays.iter().any(|d| !(1..=7).contains(d)) {
                return fail(
                    Self::NAME,
                    format!("slide `{}` has a weekday outside 1–7", s.id),
                );
            }
            if let (Some(from), Some(to)) = (s.schedule.valid_from, s.schedule.valid_to)
                && from > to
            {
                return fail(
                    Self::NAME,
                    format!("slide `{}` ends before it starts", s.id),
                );
            }
        }
        unique(
            Self::NAME,
            "notice id",
            self.notices.iter().map(|n| n.id.as_str()),
        )?;
        for n in &self.notices {
            if n.title.trim().is_empty() {
                return fail(Self::NAME, format!("notice `{}` has no title", n.id));
            }
            if let Some(asset) = &n.asset
                && (!is_sha256_hex(&asset.sha256)
                    || asset.size == 0
                    || asset.size > MAX_ASSET_BYTES
                    || !matches!(asset.content_type.as_str(), "image/png" | "image/jpeg"))
            {
                return fail(
                    Self::NAME,
                    format!(
                        "notice `{}` picture is not a PNG or JPEG with a SHA-256 and a size up to 32 MiB",
                        n.id
                    ),
                );
            }
            if n.starts_at.is_some_and(|s| s >= n.expires_at) {
                return fail(
                    Self::NAME,
                    format!("notice `{}` expires before it starts", n.id),
                );
            }
        }
        Ok(())
    }
}

impl Validate for ServiceCatalogue {
    const NAME: &'static str = "services";
    fn validate(&self) -> Result<(), Invalid> {
        unique(
            Self::NAME,
            "service id",
            self.services.iter().map(|s| s.id.as_str()),
        )?;
        for s in &self.services {
            if s.title.trim().is_empty() {
                return fail(Self::NAME, format!("service `{}` has no title", s.id));
            }
            // Missing parts, and links that are not https, are shown as what
            // they are (no QR code for such a link): one odd service must not
            // keep the whole catalogue from the kiosk.
        }
        Ok(())
    }
}

impl Validate for ContactDirectory {
    const NAME: &'static str = "contacts";
    fn validate(&self) -> Result<(), Invalid> {
        unique(
            Self::NAME,
            "department id",
            self.departments.iter().map(|d| d.id.as_str()),
        )?;
        for d in &self.departments {
            if d.name.trim().is_empty() {
                return fail(Self::NAME, format!("department `{}` has no name", d.id));
            }
        }
        Ok(())
    }
}

impl Validate for ElectionInfo {
    const NAME: &'static str = "elections";
    fn validate(&self) -> Result<(), Invalid> {
        unique(
            Self::NAME,
            "election id",
            self.elections.iter().map(|e| e.id.as_str()),
        )?;
        for e in &self.elections {
            if e.days.is_empty() || !e.days.is_sorted() {
                return fail(
                    Self::NAME,
                    format!("election `{}`: its days are missing or out of order", e.id),
                );
            }
            if e.hours.len() != e.days.len() {
                return fail(
                    Self::NAME,
                    format!(
                        "election `{}` has {} days but {} opening hours",
                        e.id,
                        e.days.len(),
                        e.hours.len()
                    ),
                );
            }
        }
        let mut numbers = HashSet::new();
        for d in &self.districts {
            if let Some(map) = &d.map
                && crate::elections::map_link(map).is_none()
            {
                return fail(
                    Self::NAME,
                    format!(
                        "district {}: map `{map}` is neither geo:LAT,LON nor an https link",
                        d.number
                    ),
                );
            }
            if !numbers.insert(d.number) {
                return fail(
                    Self::NAME,
                    format!("polling district {} appears twice", d.number),
                );
            }
            for s in &d.streets {
                if parse_numbers(&s.numbers).is_none() {
                    return fail(
                        Self::NAME,
                        format!(
                            "district {}: `{}` is not all, odd, even or A-B for {}",
                            d.number, s.numbers, s.street
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}

/// Which house numbers a street range covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseNumbers {
    All,
    Odd,
    Even,
    Range(u32, u32),
}

impl HouseNumbers {
    pub fn contains(self, n: u32) -> bool {
        match self {
            HouseNumbers::All => true,
            HouseNumbers::Odd => !n.is_multiple_of(2),
            HouseNumbers::Even => n.is_multiple_of(2),
            HouseNumbers::Range(a, b) => (a..=b).contains(&n),
        }
    }
}

pub fn parse_numbers(s: &str) -> Option<HouseNumbers> {
    match s.trim() {
        "all" => Some(HouseNumbers::All),
        "odd" => Some(HouseNumbers::Odd),
        "even" => Some(HouseNumbers::Even),
        other => {
            let (a, b) = other.split_once('-')?;
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some(HouseNumbers::Range(a, b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slide(id: &str) -> PromoSlide {
        PromoSlide {
            id: id.into(),
            kind: SlideKind::Text,
            title: "Titulek".into(),
            body: String::new(),
            qr_url: None,
            asset: None,
            duration_seconds: 8,
            schedule: SlideSchedule::default(),
            priority: 0,
            urgent: false,
        }
    }

    #[test]
    fn duplicate_slide_ids_are_refused() {
        let p = PromoPlaylist {
            slides: vec![slide("a"), slide("a")],
            signature: None,
            notices: Vec::new(),
        };
        assert_eq!(
            p.validate().unwrap_err().reason,
            "slide id `a` appears twice"
        );
    }

    #[test]
    fn image_slide_needs_a_proper_asset() {
        let mut s = slide("a");
        s.kind = SlideKind::Image;
        assert!(
            PromoPlaylist {
                slides: vec![s.clone()],
                signature: None,
                notices: Vec::new(),
            }
            .validate()
            .unwrap_err()
            .reason
            .contains("no asset")
        );
        s.asset = Some(AssetRef {
            sha256: "xyz".into(),
            size: 10,
            width: 1,
            height: 1,
            content_type: "image/png".into(),
        });
        assert!(
            PromoPlaylist {
                slides: vec![s],
                signature: None,
                notices: Vec::new(),
            }
            .validate()
            .unwrap_err()
            .reason
            .contains("SHA-256")
        );
    }

    #[test]
    fn qr_slides_point_to_https_only() {
        let mut s = slide("a");
        s.kind = SlideKind::Qr;
        s.qr_url = Some("http://evil.example/".into());
        assert!(
            PromoPlaylist {
                slides: vec![s],
                signature: None,
                notices: Vec::new(),
            }
            .validate()
            .unwrap_err()
            .reason
            .contains("not an https URL")
        );
    }

    #[test]
    fn election_days_hours_and_polling_room_maps_are_checked() {
        let mut info: ElectionInfo =
            serde_json::from_str(include_str!("../../assets/seed/elections.json")).unwrap();
        assert_eq!(info.validate(), Ok(()));
        info.districts[0].map = Some("http://mapy.cz/x".into());
        assert!(
            info.validate()
                .unwrap_err()
                .reason
                .contains("neither geo:LAT,LON")
        );
        info.districts[0].map = Some("geo:50.5,14.1".into());
        info.elections[0].hours.pop();
        assert!(
            info.validate()
                .unwrap_err()
                .reason
                .contains("opening hours")
        );
        info.elections[0].hours.push("8:00–14:00".into());
        info.elections[0].days.reverse();
        assert!(info.validate().unwrap_err().reason.contains("out of order"));
    }

    #[test]
    fn house_number_ranges() {
        assert_eq!(parse_numbers("1-40"), Some(HouseNumbers::Range(1, 40)));
        assert_eq!(parse_numbers("40-1"), None);
        assert_eq!(parse_numbers("odd"), Some(HouseNumbers::Odd));
        assert!(HouseNumbers::Odd.contains(7) && !HouseNumbers::Odd.contains(8));
        assert_eq!(parse_numbers("most"), None);
    }
}
