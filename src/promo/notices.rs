//! Urgent notices of the town ("Uzavírka Mírového náměstí", "Výpadek vody"):
//! which of the synced playlist's notices are in force on this screen now —
//! started, not expired, meant for this site — most severe first, and when
//! that changes next. The UI shows the first over the promotion loop and as a
//! banner on the home screen.
//!
//! A notice arrives with the playlist (signed with it), so it interrupts the
//! loop within one `sync.promo_seconds`; it goes when it expires or when the
//! playlist no longer has it (withdrawn). It must never show a notice of
//! another site, nor a picture whose hash was not checked.

use std::path::{Path, PathBuf};

use crate::portal::types::{NoticeSeverity, PromoPlaylist, Timestamp, UrgentNotice};

/// A notice in force, ready for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveNotice {
    pub id: String,
    pub severity: NoticeSeverity,
    pub title: String,
    pub body: String,
    /// The picture, if it is on disk with its announced size (downloaded and
    /// hash-checked by the sync); None shows the notice as text.
    pub picture: Option<PathBuf>,
    pub expires_at: Timestamp,
}

fn in_force(n: &UrgentNotice, now: Timestamp, site_tags: &[&str]) -> bool {
    n.starts_at.is_none_or(|s| s <= now)
        && now < n.expires_at
        && (n.sites.is_empty() || n.sites.iter().any(|t| site_tags.contains(&t.as_str())))
}

fn rank(severity: NoticeSeverity) -> u8 {
    match severity {
        NoticeSeverity::Critical => 0,
        NoticeSeverity::Warning => 1,
        NoticeSeverity::Info => 2,
    }
}

/// The notices in force at `now` on a kiosk with these site tags: the most
/// severe first, ties in playlist order.
pub fn active_notices(
    playlist: &PromoPlaylist,
    now: Timestamp,
    site_tags: &[&str],
    assets_dir: &Path,
) -> Vec<ActiveNotice> {
    let mut active: Vec<ActiveNotice> = playlist
        .notices
        .iter()
        .filter(|n| in_force(n, now, site_tags))
        .map(|n| ActiveNotice {
            id: n.id.clone(),
            severity: n.severity,
            title: n.title.clone(),
            body: n.body.clone(),
            picture: n.asset.as_ref().and_then(|a| {
                let path = crate::sync::asset_path(assets_dir, &a.sha256);
                path.metadata()
                    .is_ok_and(|m| m.len() == a.size)
                    .then_some(path)
            }),
            expires_at: n.expires_at,
        })
        .collect();
    active.sort_by_key(|n| rank(n.severity));
    active
}

/// The next moment after `now` a notice of this site starts or expires.
pub fn next_change(
    playlist: &PromoPlaylist,
    now: Timestamp,
    site_tags: &[&str],
) -> Option<Timestamp> {
    playlist
        .notices
        .iter()
        .filter(|n| n.sites.is_empty() || n.sites.iter().any(|t| site_tags.contains(&t.as_str())))
        .flat_map(|n| [n.starts_at, Some(n.expires_at)])
        .flatten()
        .filter(|t| *t > now)
        .min()
}

/// The next moment after `now` any notice (of any site) starts or expires:
/// when the sync engine wakes to tell the UI.
pub fn next_change_anywhere(playlist: &PromoPlaylist, now: Timestamp) -> Option<Timestamp> {
    playlist
        .notices
        .iter()
        .flat_map(|n| [n.starts_at, Some(n.expires_at)])
        .flatten()
        .filter(|t| *t > now)
        .min()
}

/// The severity in words, shown with the notice (never colour alone).
pub fn label(severity: NoticeSeverity) -> &'static str {
    match severity {
        NoticeSeverity::Critical => "Varování",
        NoticeSeverity::Warning => "Důležité upozornění",
        NoticeSeverity::Info => "Upozornění",
    }
}

/// What "Číst nahlas" says of a notice: its severity in words, title, text.
pub fn spoken(notice: &ActiveNotice) -> String {
    let kind = label(notice.severity);
    if notice.body.trim().is_empty() {
        format!("{kind}: {}.", notice.title)
    } else {
        format!("{kind}: {}. {}", notice.title, notice.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::types::AssetRef;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn notice(id: &str, severity: NoticeSeverity, sites: &[&str]) -> UrgentNotice {
        UrgentNotice {
            id: id.into(),
            severity,
            title: format!("Titulek {id}"),
            body: "Text".into(),
            asset: None,
            sites: sites.iter().map(|s| s.to_string()).collect(),
            starts_at: None,
            expires_at: t("2027-05-10T12:00:00Z"),
        }
    }

    fn playlist(notices: Vec<UrgentNotice>) -> PromoPlaylist {
        PromoPlaylist {
            slides: Vec::new(),
            notices,
            signature: None,
        }
    }

    fn ids(v: &[ActiveNotice]) -> Vec<&str> {
        v.iter().map(|n| n.id.as_str()).collect()
    }

    #[test]
    fn notices_appear_for_their_sites_most_severe_first() {
        let p = playlist(vec![
            notice("info", NoticeSeverity::Info, &[]),
            notice("nadrazi", NoticeSeverity::Warning, &["lt-nadrazi-01"]),
            notice("all", NoticeSeverity::Critical, &[]),
            notice("kiosks", NoticeSeverity::Warning, &["kiosk"]),
        ]);
        let dir = Path::new("/nonexistent");
        let now = t("2027-05-10T08:00:00Z");
        assert_eq!(
            ids(&active_notices(&p, now, &["lt-nadrazi-01", "signage"], dir)),
            ["all", "nadrazi", "info"]
        );
        assert_eq!(
            ids(&active_notices(&p, now, &["lt-demo-01", "kiosk"], dir)),
            ["all", "kiosks", "info"]
        );
    }

    #[test]
    fn notices_start_and_expire_on_time() {
        let mut later = notice("later", NoticeSeverity::Warning, &[]);
        later.starts_at = Some(t("2027-05-10T09:00:00Z"));
        let p = playlist(vec![later, notice("now", NoticeSeverity::Info, &[])]);
        let dir = Path::new("/nonexistent");
        let at = |s: &str| ids(&active_notices(&p, t(s), &[], dir)).join(",");
        assert_eq!(at("2027-05-10T08:59:59Z"), "now");
        assert_eq!(at("2027-05-10T09:00:00Z"), "later,now");
        assert_eq!(at("2027-05-10T11:59:59Z"), "later,now");
        assert_eq!(at("2027-05-10T12:00:00Z"), "", "both expired");
        assert_eq!(
            next_change(&p, t("2027-05-10T08:00:00Z"), &[]),
            Some(t("2027-05-10T09:00:00Z"))
        );
        assert_eq!(
            next_change(&p, t("2027-05-10T09:00:00Z"), &[]),
            Some(t("2027-05-10T12:00:00Z"))
        );
        assert_eq!(next_change(&p, t("2027-05-10T12:00:00Z"), &[]), None);
        // A notice for another site: not a change here, but the engine wakes for it.
        let mut other = notice("other", NoticeSeverity::Info, &["elsewhere"]);
        other.expires_at = t("2027-05-10T10:00:00Z");
        let p = playlist(vec![other]);
        assert_eq!(next_change(&p, t("2027-05-10T08:00:00Z"), &["here"]), None);
        assert_eq!(
            next_change_anywhere(&p, t("2027-05-10T08:00:00Z")),
            Some(t("2027-05-10T10:00:00Z"))
        );
    }

    #[test]
    fn a_withdrawn_notice_is_gone_with_the_next_playlist() {
        let with = playlist(vec![notice("voda", NoticeSeverity::Warning, &[])]);
        let without = playlist(Vec::new());
        let now = t("2027-05-10T08:00:00Z");
        let dir = Path::new("/nonexistent");
        assert_eq!(active_notices(&with, now, &[], dir).len(), 1);
        assert!(active_notices(&without, now, &[], dir).is_empty());
    }

    #[test]
    fn a_picture_shows_only_once_it_is_on_disk_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut n = notice("foto", NoticeSeverity::Info, &[]);
        let sha = "ab".repeat(32);
        n.asset = Some(AssetRef {
            sha256: sha.clone(),
            size: 4,
            width: 1,
            height: 1,
            content_type: "image/png".into(),
        });
        let p = playlist(vec![n]);
        let now = t("2027-05-10T08:00:00Z");
        assert_eq!(active_notices(&p, now, &[], dir.path())[0].picture, None);
        std::fs::write(dir.path().join(&sha), b"abc").unwrap();
        assert_eq!(
            active_notices(&p, now, &[], dir.path())[0].picture,
            None,
            "wrong size"
        );
        std::fs::write(dir.path().join(&sha), b"abcd").unwrap();
        assert_eq!(
            active_notices(&p, now, &[], dir.path())[0].picture,
            Some(dir.path().join(&sha))
        );
    }

    #[test]
    fn spoken_text_names_the_severity() {
        let p = playlist(vec![notice("x", NoticeSeverity::Critical, &[])]);
        let n = &active_notices(&p, t("2027-05-10T08:00:00Z"), &[], Path::new("/x"))[0];
        assert_eq!(spoken(n), "Varování: Titulek x. Text");
    }
}
