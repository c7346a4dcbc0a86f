//! Where a kiosk's notice board comes from (`[notice_board] source`): the
//! backend's `notice-board` collection (the default), a file on the kiosk, or
//! the town's own published OFN board at an https URL. A file or URL is read
//! within the size limit before anything parses it.
//!
//! The town's URL is a public web page, not the backend: the kiosk's token and
//! pinned CA are never used for it (the system's CA store is), plain http is
//! allowed only to loopback (tests), and a redirect is followed only to https.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::BoardError;

/// Where the board is read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BoardSource {
    /// The backend's `notice-board` collection (GET /kiosk/v1/notice-board).
    #[default]
    Backend,
    /// A board file on this machine.
    File(PathBuf),
    /// The town's published board.
    Url(String),
}

impl std::fmt::Display for BoardSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoardSource::Backend => f.write_str("the backend's notice-board collection"),
            BoardSource::File(p) => write!(f, "{}", p.display()),
            BoardSource::Url(u) => f.write_str(u),
        }
    }
}

impl BoardSource {
    /// `[notice_board] source`: "" for the backend, an https URL, or an
    /// absolute path (a service's working directory is no place to look for it).
    pub fn from_config(text: &str) -> Result<BoardSource, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(BoardSource::Backend);
        }
        match BoardSource::from_argument(text)? {
            BoardSource::File(p) if !p.is_absolute() => Err(format!(
                "`{}` is not an absolute path; expected e.g. \"/var/lib/portal-kiosk/uredni-deska.jsonld\" \
                 or an https:// URL of the town's board",
                p.display()
            )),
            other => Ok(other),
        }
    }

    /// What `notice-board check` takes: a URL (`scheme://…`) or a path.
    pub fn from_argument(text: &str) -> Result<BoardSource, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("no file or URL given".into());
        }
        if text.contains("://") {
            crate::portal::client::backend_url(text).map_err(|e| {
                format!("{e} (the notice board's source is an https URL or a file path)")
            })?;
            return Ok(BoardSource::Url(text.to_string()));
        }
        Ok(BoardSource::File(PathBuf::from(text)))
    }
}

/// The outcome of a conditional read.
#[derive(Debug)]
pub enum Fetched {
    /// The same as the copy with the ETag the caller has.
    NotModified,
    Fresh {
        bytes: Vec<u8>,
        etag: String,
    },
}

/// The ETag the kiosk gives content that came without one: its SHA-256.
pub fn content_etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"sha256:{hex}\"")
}

/// Reads a board file of at most `limit` bytes (the size is checked before
/// the bytes are read, and the read stops past it if the file grows).
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, BoardError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| BoardError::Unreadable(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(BoardError::Unreadable(format!(
            "{}: not a file",
            path.display()
        )));
    }
    if meta.len() > limit {
        return Err(BoardError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(BoardError::TooLarge { limit });
    }
    Ok(bytes)
}

/// A file or URL source, read conditionally: `etag` is what the caller has.
/// (The backend's collection goes through the portal client instead.)
pub async fn fetch(
    source: &BoardSource,
    etag: Option<&str>,
    limit: u64,
    timeout: Duration,
) -> Result<Fetched, BoardError> {
    let (bytes, new_etag) = match source {
        BoardSource::Backend => {
            return Err(BoardError::Unreadable(
                "the backend's board is fetched by the portal client".into(),
            ));
        }
        BoardSource::File(path) => {
            let path = path.clone();
            let bytes = tokio::task::spawn_blocking(move || read_file(&path, limit))
                .await
                .map_err(|e| BoardError::Unreadable(e.to_string()))??;
            let tag = content_etag(&bytes);
            (bytes, tag)
        }
        BoardSource::Url(url) => match fetch_url(url, etag, limit, timeout).await? {
            Fetched::NotModified => return Ok(Fetched::NotModified),
            Fetched::Fresh { bytes, etag } => (bytes, etag),
        },
    };
    if etag == Some(new_etag.as_str()) {
        return Ok(Fetched::NotModified);
    }
    Ok(Fetched::Fresh {
        bytes,
        etag: new_etag,
    })
}

/// GET of a town's board URL with `If-None-Match`, read within `limit`.
async fn fetch_url(
    url: &str,
    etag: Option<&str>,
    limit: u64,
    timeout: Duration,
) -> Result<Fetched, BoardError> {
    let checked = crate::portal::client::backend_url(url).map_err(BoardError::Unreadable)?;
    let fail = |what: String| BoardError::Unreadable(format!("{url}: {what}"));
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("portal-kiosk/", env!("CARGO_PKG_VERSION")))
        .https_only(!checked.plain_http)
        // A town's web may move its file; it may not move it to plain http.
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= 5 || attempt.url().scheme() != "https" {
                attempt.stop()
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let mut request = http.get(url).header(
        reqwest::header::ACCEPT,
        "application/ld+json, application/json;q=0.9, */*;q=0.1",
    );
    if let Some(etag) = etag {
        request = request.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    let mut response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            fail(format!("no answer within {} s", timeout.as_secs()))
        } else {
            fail(error_chain(&e))
        }
    })?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED && etag.is_some() {
        return Ok(Fetched::NotModified);
    }
    if status.is_redirection() {
        return Err(fail(format!(
            "answered {status}, a redirect to an address that is not https (or too many)"
        )));
    }
    if !status.is_success() {
        return Err(fail(format!("answered {status}")));
    }
    let served_etag = response
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(BoardError::TooLarge { limit });
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| fail(format!("the answer broke off: {}", error_chain(&e))))?
    {
        if (bytes.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(BoardError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    let etag = served_etag.unwrap_or_else(|| content_etag(&bytes));
    Ok(Fetched::Fresh { bytes, etag })
}

/// reqwest's error with its causes, without the URL (said once by the caller).
fn error_chain(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(&format!(" ({url})"), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_sources() {
        assert_eq!(BoardSource::from_config("").unwrap(), BoardSource::Backend);
        assert_eq!(
            BoardSource::from_config(" https://www.litomerice.cz/uredni-deska.jsonld ").unwrap(),
            BoardSource::Url("https://www.litomerice.cz/uredni-deska.jsonld".into())
        );
        assert_eq!(
            BoardSource::from_config("/var/lib/portal-kiosk/deska.jsonld").unwrap(),
            BoardSource::File("/var/lib/portal-kiosk/deska.jsonld".into())
        );
        assert!(
            BoardSource::from_config("deska.jsonld")
                .unwrap_err()
                .contains("not an absolute path")
        );
        for bad in [
            "http://www.litomerice.cz/deska.jsonld",
            "ftp://x/y",
            "https://user:pw@x.cz/deska",
        ] {
            assert!(BoardSource::from_config(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            BoardSource::from_config("http://127.0.0.1:8080/deska").unwrap(),
            BoardSource::Url(_)
        ));
        assert!(matches!(
            BoardSource::from_argument("deska.jsonld").unwrap(),
            BoardSource::File(_)
        ));
    }

    #[test]
    fn a_file_is_read_within_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deska.jsonld");
        std::fs::write(&path, vec![b' '; 2048]).unwrap();
        assert_eq!(read_file(&path, 2048).unwrap().len(), 2048);
        assert_eq!(
            read_file(&path, 2047).unwrap_err(),
            BoardError::TooLarge { limit: 2047 }
        );
        assert!(matches!(
            read_file(&dir.path().join("none"), 10).unwrap_err(),
            BoardError::Unreadable(_)
        ));
        assert!(matches!(
            read_file(dir.path(), 10).unwrap_err(),
            BoardError::Unreadable(_)
        ));
    }
}
