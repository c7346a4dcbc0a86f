//! Playlist model and its TOML form (used for the bundled demo and for a local
//! playlist file; the synced playlist from the backend maps onto the same types).

use serde::Deserialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The demo playlist bundled into the binary, with its images.
const DEMO_PLAYLIST: &str = include_str!("../../assets/promo/playlist.toml");
const DEMO_IMAGES: &[(&str, &[u8])] = &[
    (
        "litomerice-portal.jpg",
        include_bytes!("../../assets/promo/litomerice-portal.jpg"),
    ),
    (
        "platba-qr.png",
        include_bytes!("../../assets/promo/platba-qr.png"),
    ),
    (
        "eobcanka.png",
        include_bytes!("../../assets/promo/eobcanka.png"),
    ),
];

/// Where an image slide's pixels come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlideImage {
    /// Bundled into the binary (demo slides).
    Bundled(&'static [u8]),
    /// Read once into memory (a town's demo slides from a seed directory).
    Bytes(Arc<[u8]>),
    /// A file on disk (local playlist, synced assets).
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlideKind {
    /// A full-screen picture, scaled to cover the screen.
    Image(SlideImage),
    /// Title and body set in the kiosk's own typography, with an optional QR code.
    Text {
        title: String,
        body: String,
        qr_url: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaylistSlide {
    /// The backend's slide id (for proof of play), or `bundled-N` / `local-N`.
    pub id: String,
    pub kind: SlideKind,
    pub duration: Duration,
}

/// An ordered list of slides. Cheap to clone and to send to the preparer thread.
#[derive(Debug, Clone, Default)]
pub struct Playlist {
    pub slides: Arc<Vec<PlaylistSlide>>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlaylistError {
    #[error("cannot read playlist {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("playlist {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaylistFile {
    #[serde(rename = "slide", default)]
    slides: Vec<SlideFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "lowercase")]
enum SlideFile {
    Image {
        image: String,
        seconds: Option<u64>,
    },
    Text {
        title: String,
        #[serde(default)]
        body: String,
        qr_url: Option<String>,
        seconds: Option<u64>,
    },
}

/// One slide of the bundled demo playlist, as written in its TOML (the
/// development portal publishes the same slides through the backend contract).
#[derive(Debug, Clone)]
pub struct DemoSlide {
    /// A picture: its file name and bytes.
    pub image: Option<(String, Cow<'static, [u8]>)>,
    pub title: String,
    pub body: String,
    pub qr_url: Option<String>,
    pub seconds: Option<u64>,
}

impl SlideFile {
    /// The slide as the development portal publishes it, its picture's bytes
    /// from `picture` (`None` for a picture that cannot be had).
    fn demo<E>(
        self,
        picture: impl FnOnce(String) -> Result<Option<(String, Cow<'static, [u8]>)>, E>,
    ) -> Result<Option<DemoSlide>, E> {
        Ok(match self {
            SlideFile::Image { image, seconds } => picture(image)?.map(|image| DemoSlide {
                image: Some(image),
                title: String::new(),
                body: String::new(),
                qr_url: None,
                seconds,
            }),
            SlideFile::Text {
                title,
                body,
                qr_url,
                seconds,
            } => Some(DemoSlide {
                image: None,
                title,
                body,
                qr_url,
                seconds,
            }),
        })
    }
}

/// A town's demo slides from a playlist file, its pictures read from beside it
/// (a seed directory of the development portal).
pub fn slides_from_file(path: &Path) -> Result<Vec<DemoSlide>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: PlaylistFile =
        toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut slides = Vec::new();
    for slide in file.slides {
        let read = |image: String| {
            std::fs::read(dir.join(&image))
                .map(|bytes| Some((image.clone(), Cow::Owned(bytes))))
                .map_err(|e| format!("{}: {image}: {e}", path.display()))
        };
        slides.extend(slide.demo(read)?);
    }
    Ok(slides)
}

/// The bundled demo slides with their image bytes.
pub fn demo_slides() -> Vec<DemoSlide> {
    let Ok(file) = toml::from_str::<PlaylistFile>(DEMO_PLAYLIST) else {
        return Vec::new();
    };
    let bundled = |image: String| {
        Ok::<_, std::convert::Infallible>(
            DEMO_IMAGES
                .iter()
                .find(|(n, _)| *n == image)
                .map(|(n, b)| (n.to_string(), Cow::Borrowed(*b))),
        )
    };
    file.slides
        .into_iter()
        .filter_map(|s| s.demo(bundled).ok().flatten())
        .collect()
}

impl Playlist {
    /// What a kiosk plays before it has synced its town's playlist (and with no
    /// local playlist): one slide with the town's portal and its address as a
    /// QR code, from the site config — nothing of any other town.
    pub fn town(town: &crate::town::TownSection, default_duration: Duration) -> Playlist {
        Playlist {
            slides: Arc::new(vec![PlaylistSlide {
                id: "town-1".into(),
                kind: SlideKind::Text {
                    title: town.portal_name.clone(),
                    body: "Služby úřadu, kontakty, úřední deska, volby a vaše poplatky. \
                           Dotkněte se obrazovky."
                        .into(),
                    qr_url: Some(format!("https://{}/", town.web)),
                },
                duration: default_duration,
            }]),
        }
    }

    /// A seed's demo slides as a playlist (the screenshots of a town).
    pub fn from_demo_slides(slides: &[DemoSlide], default_duration: Duration) -> Playlist {
        let slides = slides
            .iter()
            .enumerate()
            .map(|(i, s)| PlaylistSlide {
                id: format!("demo-{}", i + 1),
                kind: match &s.image {
                    Some((_, Cow::Borrowed(bytes))) => SlideKind::Image(SlideImage::Bundled(bytes)),
                    Some((_, Cow::Owned(bytes))) => {
                        SlideKind::Image(SlideImage::Bytes(Arc::from(bytes.as_slice())))
                    }
                    None => SlideKind::Text {
                        title: s.title.clone(),
                        body: s.body.clone(),
                        qr_url: s.qr_url.clone(),
                    },
                },
                duration: s.seconds.map_or(default_duration, Duration::from_secs),
            })
            .collect();
        Playlist {
            slides: Arc::new(slides),
        }
    }

    /// The bundled demo playlist (always valid: a unit test checks it).
    pub fn demo(default_duration: Duration) -> Playlist {
        let bundled = |name: &str| {
            DEMO_IMAGES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, bytes)| SlideImage::Bundled(bytes))
        };
        Playlist::parse(
            DEMO_PLAYLIST,
            Path::new("assets/promo/playlist.toml"),
            default_duration,
            &bundled,
            "bundled",
        )
        .unwrap_or_default()
    }

    /// Reads a playlist file; image paths are relative to the file's directory.
    pub fn load(path: &Path, default_duration: Duration) -> Result<Playlist, PlaylistError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlaylistError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let resolve = move |name: &str| Some(SlideImage::File(dir.join(name)));
        Playlist::parse(&text, path, default_duration, &resolve, "local")
    }

    /// The synced playlist as it plays at `now` (Prague wall-clock time, see
    /// [`super::schedule`]): slides outside their schedule or not meant for this site are left out, and so are pictures not (yet) verified
    /// on disk. Urgent slides come first, then by priority.
    pub fn from_portal(
        playlist: &crate::portal::types::PromoPlaylist,
        assets_dir: &Path,
        now: chrono::NaiveDateTime,
        site_tags: &[&str],
    ) -> Playlist {
        use crate::portal::types::SlideKind as Kind;
        let mut chosen: Vec<(&crate::portal::types::PromoSlide, PlaylistSlide)> = Vec::new();
        for slide in &playlist.slides {
            if !super::schedule::plays_at(slide, now, site_tags) {
                continue;
            }
            let kind = match slide.kind {
                Kind::Image => {
                    let Some(asset) = &slide.asset else { continue };
                    let path = crate::sync::asset_path(assets_dir, &asset.sha256);
                    if !path.metadata().is_ok_and(|m| m.len() == asset.size) {
                        continue;
                    }
                    SlideKind::Image(SlideImage::File(path))
                }
                Kind::Text | Kind::Notice => SlideKind::Text {
                    title: slide.title.clone(),
                    body: slide.body.clone(),
                    qr_url: None,
                },
                Kind::Qr => SlideKind::Text {
                    title: slide.title.clone(),
                    body: slide.body.clone(),
                    qr_url: slide.qr_url.clone(),
                },
            };
            chosen.push((
                slide,
                PlaylistSlide {
                    id: slide.id.clone(),
                    kind,
                    duration: Duration::from_secs(u64::from(slide.duration_seconds.clamp(2, 600))),
                },
            ));
        }
        chosen.sort_by_key(|(s, _)| (!s.urgent, std::cmp::Reverse(s.priority)));
        Playlist {
            slides: Arc::new(chosen.into_iter().map(|(_, p)| p).collect()),
        }
    }

    /// The slide ids in playing order (to tell whether a new playlist differs).
    pub fn ids(&self) -> Vec<&str> {
        self.slides.iter().map(|s| s.id.as_str()).collect()
    }

    fn parse(
        text: &str,
        path: &Path,
        default_duration: Duration,
        resolve: &dyn Fn(&str) -> Option<SlideImage>,
        id_prefix: &str,
    ) -> Result<Playlist, PlaylistError> {
        let invalid = |message: String| PlaylistError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let file: PlaylistFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let duration = |seconds: Option<u64>| -> Result<Duration, PlaylistError> {
            match seconds {
                None => Ok(default_duration),
                Some(s) if (2..=600).contains(&s) => Ok(Duration::from_secs(s)),
                Some(s) => Err(invalid(format!(
                    "slide duration {s} s is out of range 2 to 600"
                ))),
            }
        };
        let mut slides = Vec::with_capacity(file.slides.len());
        for (i, slide) in file.slides.into_iter().enumerate() {
            let id = format!("{id_prefix}-{}", i + 1);
            slides.push(match slide {
                SlideFile::Image { image, seconds } => PlaylistSlide {
                    id,
                    kind: SlideKind::Image(
                        resolve(&image)
                            .ok_or_else(|| invalid(format!("unknown image `{image}`")))?,
                    ),
                    duration: duration(seconds)?,
                },
                SlideFile::Text {
                    title,
                    body,
                    qr_url,
                    seconds,
                } => PlaylistSlide {
                    id,
                    kind: SlideKind::Text {
                        title,
                        body,
                        qr_url,
                    },
                    duration: duration(seconds)?,
                },
            });
        }
        Ok(Playlist {
            slides: Arc::new(slides),
        })
    }

    pub fn len(&self) -> usize {
        self.slides.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slides.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&PlaylistSlide> {
        self.slides.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_playlist_is_complete() {
        let p = Playlist::demo(Duration::from_secs(8));
        assert!(p.len() >= 5, "demo has {} slides", p.len());
        let images = p
            .slides
            .iter()
            .filter(|s| matches!(s.kind, SlideKind::Image(_)))
            .count();
        assert_eq!(
            images,
            DEMO_IMAGES.len(),
            "every bundled image is used once"
        );
    }

    #[test]
    fn local_playlist_resolves_images_next_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("playlist.toml");
        std::fs::write(
            &path,
            "[[slide]]\nkind = \"image\"\nimage = \"a.png\"\nseconds = 5\n\n[[slide]]\nkind = \"text\"\ntitle = \"Ahoj\"\n",
        )
        .unwrap();
        let p = Playlist::load(&path, Duration::from_secs(8)).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(
            p.slides[0].kind,
            SlideKind::Image(SlideImage::File(dir.path().join("a.png")))
        );
        assert_eq!(p.slides[0].duration, Duration::from_secs(5));
        assert_eq!(p.slides[1].duration, Duration::from_secs(8));
    }

    #[test]
    fn bad_playlists_are_rejected_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        for (text, needle) in [
            ("[[slide]]\nkind = \"video\"\n", "video"),
            (
                "[[slide]]\nkind = \"text\"\ntitle = \"x\"\nseconds = 1\n",
                "out of range",
            ),
            ("[[slide]]\nkind = \"text\"\n", "title"),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Playlist::load(&path, Duration::from_secs(8))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err:?} should mention {needle:?}");
        }
    }
}
