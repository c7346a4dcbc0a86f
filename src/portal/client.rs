//! The kiosk's HTTP client for the backend: reqwest with rustls, a timeout on
//! every call, the kiosk's bearer token from its credentials file, an optional
//! pinned CA, conditional GETs, and problem+json errors mapped to types.
//!
//! Network input is bounded: no redirect is followed (a 3xx is an error, so no
//! token or session header reaches another host), every body is read against a
//! size limit that ends the read early, and plain http is allowed only to an
//! exact loopback host.
//!
//! It never logs the token, and never hands out anything it has not parsed and
//! validated. Its errors show the backend's problem `type` and status, never the
//! problem's free text (which may name a person).

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH, RETRY_AFTER,
};

use super::Collection;
use super::types::{
    AuthCardRequest, AuthChallenge, AuthSession, CITIZEN_SESSION_TOKEN_TYPE, DEVICE_CODE_GRANT,
    DeviceAuthorization, DeviceSession, EventAck, EventBatch, Heartbeat, MeDashboard, OAuthError,
    OAuthErrorCode, ObligationList, PaymentIntent, PaymentIntentRequest, Problem, SubmissionList,
    Watchdog,
};

/// Header that carries the citizen's session token (beside the kiosk's bearer token).
pub const CITIZEN_SESSION: &str = "x-citizen-session";
use super::validate::Invalid;
use crate::config::{BackendSection, BodyKind, MaxBodyBytes};

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("cannot read the kiosk credentials {path}: {reason}")]
    Credentials { path: String, reason: String },
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    #[error("backend unreachable: {0}")]
    Unreachable(String),
    #[error("backend did not answer within {0:?}")]
    Timeout(Duration),
    /// The problem's title and detail stay in `problem` for code that needs
    /// them; the message (which gets logged) shows only its type.
    #[error("backend answered {status}{}", problem.as_ref().map(|p| format!(" ({})", p.loggable_type())).unwrap_or_default())]
    Status {
        status: u16,
        problem: Option<Problem>,
        retry_after: Option<Duration>,
    },
    /// A 3xx: the kiosk follows no redirects (the target is not shown: it is
    /// the backend's free choice).
    #[error(
        "backend answered {status}, a redirect; the kiosk follows none (is backend.url right?)"
    )]
    Redirect { status: u16 },
    /// An answer longer than its limit; the kiosk stopped reading it.
    #[error(
        "backend's answer is larger than {limit} bytes (backend.max_body_bytes.{key}); the kiosk stopped reading it"
    )]
    TooLarge { key: &'static str, limit: u64 },
    /// The same for an answer whose limit is set elsewhere (`setting`).
    #[error(
        "backend's answer is larger than {limit} bytes ({setting}); the kiosk stopped reading it"
    )]
    TooLargeFor { setting: &'static str, limit: u64 },
    #[error("backend sent a malformed response: {0}")]
    Malformed(String),
    #[error("backend sent invalid content: {0}")]
    Invalid(#[from] Invalid),
    #[error("backend answered 304 Not Modified for {0}, which the kiosk has never fetched")]
    UnexpectedNotModified(&'static str),
    #[error("asset {sha256} is wrong: {reason}")]
    Asset { sha256: String, reason: String },
    /// A citizen call answered 401: the session is over (logged out, expired,
    /// unknown, or opened by another kiosk). The kiosk ends its session.
    #[error("the citizen's session has ended at the backend")]
    SessionEnded,
}

impl PortalError {
    /// How long the backend asked us to wait, if it did (429/503 with Retry-After).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            PortalError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether a citizen call failed because the backend ended the session.
    pub fn is_session_ended(&self) -> bool {
        matches!(self, PortalError::SessionEnded)
    }
}

/// A conditional GET's outcome.
#[derive(Debug)]
pub enum Fetched<T> {
    NotModified,
    Fresh { value: T, etag: String },
}

#[derive(Clone)]
pub struct PortalClient {
    http: reqwest::Client,
    base: String,
    /// `Bearer …`, marked sensitive so that it never shows in debug output.
    authorization: reqwest::header::HeaderValue,
    timeout: Duration,
    limits: MaxBodyBytes,
}

impl std::fmt::Debug for PortalClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("PortalClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// The credentials file: TOML with the kiosk's bearer token.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    token: String,
    /// The `[[staff]]` PIN hashes older counters kept here: refused (below).
    #[serde(default)]
    staff: Option<toml::Value>,
}

/// Reads the bearer token from a credentials file (`token = "…"`).
pub fn read_token(path: &Path) -> Result<String, PortalError> {
    let fail = |reason: String| PortalError::Credentials {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let creds: Credentials = toml::from_str(&text).map_err(|e| fail(e.message().to_string()))?;
    if creds.staff.is_some() {
        // A PIN hash on a kiosk's disk can be guessed offline: it belongs to the backend.
        return Err(fail(
            "it still has [[staff]] PIN hashes: the backend checks staff PINs now; move each \
             hash to the backend's staff records and delete the entries here"
                .into(),
        ));
    }
    let token = creds.token.trim().to_string();
    if token.len() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail(
            "the token must be at least 16 printable characters without spaces".into(),
        ));
    }
    Ok(token)
}

/// The name of the kiosk's token among systemd's credentials (`LoadCredential=`
/// in the unit: the file stays root-only, the service reads its copy).
pub const TOKEN_CREDENTIAL: &str = "kiosk-token";

/// Where the token is read: systemd's credential when the service has one
/// (`credentials_dir` is `$CREDENTIALS_DIRECTORY`), else the configured file.
pub fn credentials_path(credentials_dir: Option<&Path>, configured: &Path) -> std::path::PathBuf {
    credentials_dir
        .map(|dir| dir.join(TOKEN_CREDENTIAL))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| configured.to_path_buf())
}

impl PortalClient {
    pub fn from_config(backend: &BackendSection) -> Result<PortalClient, PortalError> {
        // Config validation refuses this already; a section built in code is checked too.
        if let Some(reason) = backend.trust_problem() {
            return Err(PortalError::Setup(reason));
        }
        let dir = std::env::var_os("CREDENTIALS_DIRECTORY").map(std::path::PathBuf::from);
        let token = read_token(&credentials_path(dir.as_deref(), &backend.credentials_file))?;
        Ok(PortalClient::new(
            &backend.url,
            &token,
            backend.ca_file.as_deref(),
            Duration::from_secs(backend.timeout_seconds),
        )?
        .with_body_limits(backend.max_body_bytes.clone()))
    }

    /// The same client with other body limits (the default: `MaxBodyBytes::default()`).
    pub fn with_body_limits(mut self, limits: MaxBodyBytes) -> PortalClient {
        self.limits = limits;
        self
    }

    pub fn new(
        base_url: &str,
        token: &str,
        ca_file: Option<&Path>,
        timeout: Duration,
    ) -> Result<PortalClient, PortalError> {
        let parsed = backend_url(base_url).map_err(PortalError::Setup)?;
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("portal-kiosk/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry the session headers (and on 307/308 the
            // card token) to wherever the answer points: none is followed.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!parsed.plain_http);
        if let Some(ca) = ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| PortalError::Setup(format!("CA file {}: {e}", ca.display())))?;
            let cert = reqwest::Certificate::from_pem(&pem)
                .map_err(|e| PortalError::Setup(format!("CA file {}: {e}", ca.display())))?;
            builder = builder
                .tls_built_in_root_certs(false)
                .add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| PortalError::Setup(e.to_string()))?;
        let base = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        let mut authorization = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| {
                PortalError::Setup("the token has characters not allowed in a header".into())
            })?;
        authorization.set_sensitive(true);
        Ok(PortalClient {
            http,
            base,
            authorization,
            timeout,
            limits: MaxBodyBytes::default(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn map_send_error(&self, e: reqwest::Error) -> PortalError {
        if e.is_timeout() {
            PortalError::Timeout(self.timeout)
        } else {
            PortalError::Unreachable(without_url(&e))
        }
    }

    /// Reads a body of at most the limit for `kind`: refused up front when its
    /// Content-Length is larger, and the read ends as soon as the running total
    /// passes the limit (the connection is dropped, not drained).
    async fn read_body(
        &self,
        response: reqwest::Response,
        kind: BodyKind,
        what: &str,
    ) -> Result<Vec<u8>, PortalError> {
        let limit = self.limits.limit(kind);
        self.read_body_within(response, limit, what, || PortalError::TooLarge {
            key: kind.key(),
            limit,
        })
        .await
    }

    /// [`PortalClient::read_body`] with the limit given, and the error a
    /// larger answer is.
    async fn read_body_within(
        &self,
        mut response: reqwest::Response,
        limit: u64,
        what: &str,
        too_large: impl Fn() -> PortalError,
    ) -> Result<Vec<u8>, PortalError> {
        let announced = response.content_length();
        if announced.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        // At most `limit` (checked above), so a lying header costs nothing more.
        let mut body = Vec::with_capacity(announced.unwrap_or(0) as usize);
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                if e.is_timeout() {
                    PortalError::Timeout(self.timeout)
                } else {
                    PortalError::Malformed(format!("{what}: body cut off: {}", without_url(&e)))
                }
            })?;
            let Some(chunk) = chunk else {
                return Ok(body);
            };
            if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
    }

    /// Turns a redirect or another non-success status into a typed error, with
    /// its problem+json if one came (read within `max_body_bytes.problem`).
    async fn check_status(
        &self,
        response: reqwest::Response,
    ) -> Result<reqwest::Response, PortalError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        if status.is_redirection() {
            return Err(PortalError::Redirect {
                status: status.as_u16(),
            });
        }
        let retry_after = retry_after_of(&response);
        let problem = self
            .read_body(response, BodyKind::Problem, "problem")
            .await
            .ok()
            .and_then(|b| serde_json::from_slice::<Problem>(&b).ok());
        Err(PortalError::Status {
            status: status.as_u16(),
            problem,
            retry_after,
        })
    }

    /// Conditional GET of a collection, parsed and validated.
    pub async fn fetch<C: Collection>(
        &self,
        etag: Option<&str>,
    ) -> Result<Fetched<C>, PortalError> {
        let mut request = self
            .http
            .get(self.url(C::PATH))
            .header(AUTHORIZATION, self.authorization.clone());
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(|e| self.map_send_error(e))?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return if etag.is_some() {
                Ok(Fetched::NotModified)
            } else {
                Err(PortalError::UnexpectedNotModified(C::PATH))
            };
        }
        let response = self.check_status(response).await?;
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| PortalError::Malformed(format!("{} came without an ETag", C::PATH)))?;
        let bytes = self.read_body(response, C::BODY, C::PATH).await?;
        let value: C = serde_json::from_slice(&bytes)
            .map_err(|e| PortalError::Malformed(format!("{}: {e}", C::PATH)))?;
        value.validate()?;
        Ok(Fetched::Fresh { value, etag })
    }

    /// Conditional GET of a collection the kiosk reads itself (the notice
    /// board, in the town's OFN format): its bytes, read within `limit`
    /// (`setting` names where the limit is configured), and its ETag.
    pub async fn fetch_bytes(
        &self,
        path: &'static str,
        etag: Option<&str>,
        limit: u64,
        setting: &'static str,
    ) -> Result<Fetched<Vec<u8>>, PortalError> {
        let mut request = self
            .http
            .get(self.url(path))
            .header(AUTHORIZATION, self.authorization.clone());
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(|e| self.map_send_error(e))?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return if etag.is_some() {
                Ok(Fetched::NotModified)
            } else {
                Err(PortalError::UnexpectedNotModified(path))
            };
        }
        let response = self.check_status(response).await?;
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| PortalError::Malformed(format!("{path} came without an ETag")))?;
        let value = self
            .read_body_within(response, limit, path, || PortalError::TooLargeFor {
                setting,
                limit,
            })
            .await?;
        Ok(Fetched::Fresh { value, etag })
    }

    /// Streams an asset into `sink`, checking the size as it goes; the caller verifies the hash.
    pub async fn asset(
        &self,
        sha256: &str,
        expected_size: u64,
        mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<u64, PortalError> {
        let response = self
            .http
            .get(self.url(&format!("assets/{sha256}")))
            .header(AUTHORIZATION, self.authorization.clone())
            .send()
            .await
            .map_err(|e| self.map_send_error(e))?;
        let response = self.check_status(response).await?;
        let wrong = |reason: String| PortalError::Asset {
            sha256: sha256.to_string(),
            reason,
        };
        if let Some(announced) = response.content_length()
            && announced != expected_size
        {
            return Err(wrong(format!(
                "the backend announced {announced} bytes instead of {expected_size}"
            )));
        }
        let mut stream = response.bytes_stream();
        let mut total = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                wrong(format!(
                    "download broke off after {total} bytes: {}",
                    without_url(&e)
                ))
            })?;
            total += chunk.len() as u64;
            if total > expected_size {
                return Err(wrong(format!(
                    "more than the announced {expected_size} bytes"
                )));
            }
            sink(&chunk).map_err(|e| wrong(format!("cannot write: {e}")))?;
        }
        if total != expected_size {
            return Err(wrong(format!("{total} bytes instead of {expected_size}")));
        }
        Ok(total)
    }

    pub async fn send_events(&self, batch: &EventBatch) -> Result<EventAck, PortalError> {
        self.post_json("events", batch, BodyKind::Events, "events ack")
            .await
    }

    /// A POST with the kiosk's token whose JSON answer is read within the
    /// limit for `kind` and parsed without quoting the answer in errors.
    async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
        kind: BodyKind,
        what: &str,
    ) -> Result<T, PortalError> {
        let response = self
            .http
            .post(self.url(path))
            .header(AUTHORIZATION, self.authorization.clone())
            .json(body)
            .send()
            .await
            .map_err(|e| self.map_send_error(e))?;
        let response = self.check_status(response).await?;
        let bytes = self.read_body(response, kind, what).await?;
        parse_citizen(&bytes, what)
    }

    /// A fresh login challenge (nonce) for this kiosk.
    pub async fn auth_challenge(&self) -> Result<AuthChallenge, PortalError> {
        let challenge: AuthChallenge = self
            .post_json(
                "auth/challenge",
                &serde_json::json!({}),
                BodyKind::Auth,
                "auth challenge",
            )
            .await?;
        if challenge.nonce.len() != crate::webeid::NONCE_LEN {
            return Err(PortalError::Malformed(
                "auth challenge: the nonce is not 44 characters".into(),
            ));
        }
        Ok(challenge)
    }

    /// Logs in with a signed card token; the session is for memory only.
    pub async fn auth_card(&self, request: &AuthCardRequest) -> Result<AuthSession, PortalError> {
        self.post_json("auth/card", request, BodyKind::Auth, "auth session")
            .await
    }

    /// Ends a citizen session at the backend.
    pub async fn auth_logout(&self, session: &str) -> Result<(), PortalError> {
        let mut value = HeaderValue::from_str(session)
            .map_err(|_| PortalError::Malformed("session token is not a header value".into()))?;
        value.set_sensitive(true);
        let response = self
            .http
            .post(self.url("auth/logout"))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CITIZEN_SESSION, value)
            .send()
            .await
            .map_err(|e| self.map_send_error(e))?;
        self.check_status(response).await.map(|_| ())
    }

    /// A form POST with the kiosk's token (the phone login's endpoints).
    async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<reqwest::Response, PortalError> {
        self.http
            .post(self.url(path))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| self.map_send_error(e))
    }

    /// An OAuth error answer (HTTP 400, RFC 6749 §5.2), read within the auth limit.
    async fn oauth_error(
        &self,
        response: reqwest::Response,
        what: &str,
    ) -> Result<OAuthError, PortalError> {
        let bytes = self.read_body(response, BodyKind::Auth, what).await?;
        parse_citizen(&bytes, what)
    }

    /// Phone login, step 1 (RFC 8628 §3.1): a code for the citizen's phone,
    /// checked before anything of it is shown (addresses https or loopback,
    /// the QR code's address on the same site as the typed one, sizes).
    pub async fn device_authorization(&self) -> Result<DeviceAuthorization, PortalError> {
        let response = self
            .post_form("auth/device", &[("scope", "citizen")])
            .await?;
        if response.status() == StatusCode::BAD_REQUEST {
            let error = self
                .oauth_error(response, "device authorization error")
                .await?;
            return Err(oauth_refusal(error.error));
        }
        let response = self.check_status(response).await?;
        let bytes = self
            .read_body(response, BodyKind::Auth, "device authorization")
            .await?;
        let code: DeviceAuthorization = parse_citizen(&bytes, "device authorization")?;
        check_device_authorization(&code)
            .map_err(|reason| PortalError::Malformed(format!("device authorization: {reason}")))?;
        Ok(code)
    }

    /// Phone login, step 2 (RFC 8628 §3.4): has the citizen approved yet? An
    /// OAuth error is an answer ([`DevicePoll`]); anything else that is not a
    /// session (a 5xx, garbage, a redirect) is an error.
    pub async fn device_token(&self, device_code: &str) -> Result<DevicePoll, PortalError> {
        let response = self
            .post_form(
                "auth/token",
                &[
                    ("grant_type", DEVICE_CODE_GRANT),
                    ("device_code", device_code),
                ],
            )
            .await?;
        if response.status() == StatusCode::BAD_REQUEST {
            let error = self.oauth_error(response, "device token error").await?;
            return Ok(match error.error {
                OAuthErrorCode::AuthorizationPending => DevicePoll::Pending,
                OAuthErrorCode::SlowDown => DevicePoll::SlowDown {
                    interval: error.interval.map(Duration::from_secs),
                },
                OAuthErrorCode::AccessDenied => DevicePoll::Denied,
                OAuthErrorCode::ExpiredToken => DevicePoll::Expired,
                other => DevicePoll::Refused(other),
            });
        }
        let response = self.check_status(response).await?;
        let bytes = self
            .read_body(response, BodyKind::Auth, "device session")
            .await?;
        let session: DeviceSession = parse_citizen(&bytes, "device session")?;
        check_device_session(&session)
            .map_err(|reason| PortalError::Malformed(format!("device session: {reason}")))?;
        Ok(DevicePoll::Session(session))
    }

    /// Phone login abandoned (Zrušit, a card, the loop): the backend forgets
    /// the code, so nobody can approve it any more.
    pub async fn device_cancel(&self, device_code: &str) -> Result<(), PortalError> {
        let response = self
            .post_form("auth/device/cancel", &[("device_code", device_code)])
            .await?;
        self.check_status(response).await.map(|_| ())
    }

    pub async fn heartbeat(&self, heartbeat: &Heartbeat) -> Result<(), PortalError> {
        let response = self
            .http
            .post(self.url("heartbeat"))
            .header(AUTHORIZATION, self.authorization.clone())
            .json(heartbeat)
            .send()
            .await
            .map_err(|e| self.map_send_error(e))?;
        self.check_status(response).await.map(|_| ())
    }
}

/// What one poll of the phone login's token endpoint said (RFC 8628 §3.5).
#[derive(Debug)]
pub enum DevicePoll {
    /// Not approved yet: poll again after the interval.
    Pending,
    /// Polled too fast: add 5 s to the interval. The backend may say the
    /// interval it now expects (an extension of this contract).
    SlowDown { interval: Option<Duration> },
    /// The citizen refused on the phone.
    Denied,
    /// The code expired: a new one is needed.
    Expired,
    /// Approved: the citizen session (its `Debug` shows nothing of it).
    Session(DeviceSession),
    /// Any other OAuth error (`invalid_grant`: unknown, another kiosk's, used
    /// or abandoned code; `unsupported_grant_type`; …): this code is over.
    Refused(OAuthErrorCode),
}

/// An OAuth error of the device authorization endpoint as a [`PortalError`]
/// whose message names the code (it names no person).
fn oauth_refusal(code: OAuthErrorCode) -> PortalError {
    PortalError::Status {
        status: 400,
        problem: Some(Problem {
            kind: code.as_str().into(),
            title: String::new(),
            status: 400,
            detail: String::new(),
        }),
        retry_after: None,
    }
}

/// Longest device code, session token and address the kiosk takes.
const DEVICE_SECRET_MAX: usize = 1024;
const VERIFICATION_URI_MAX: usize = 512;

/// A page the citizen's phone may be sent to: https, or http on loopback (the
/// development portal), no user name or password, and short enough to type.
fn check_verification_uri(uri: &str) -> Result<reqwest::Url, String> {
    if uri.len() > VERIFICATION_URI_MAX {
        return Err(format!("an address over {VERIFICATION_URI_MAX} bytes"));
    }
    backend_url(uri).map_err(|_| "an address that is neither https nor loopback".to_string())?;
    reqwest::Url::parse(uri).map_err(|_| "an address that does not parse".to_string())
}

/// Checks a code before the kiosk shows or uses any of it.
pub fn check_device_authorization(code: &DeviceAuthorization) -> Result<(), String> {
    let secret = |s: &str| {
        !s.is_empty() && s.len() <= DEVICE_SECRET_MAX && s.bytes().all(|b| b.is_ascii_graphic())
    };
    if !secret(&code.device_code) {
        return Err("the device code is empty, too long or not printable".into());
    }
    let user_code = code.user_code.trim();
    if user_code.is_empty()
        || user_code.chars().count() > 20
        || !user_code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
    {
        return Err("the user code is not 1–20 letters, digits and dashes".into());
    }
    let typed = check_verification_uri(&code.verification_uri)?;
    if let Some(complete) = &code.verification_uri_complete {
        let complete = check_verification_uri(complete)?;
        // The QR code leads where the typed address does, not to another site.
        if complete.origin() != typed.origin() {
            return Err("the QR code's address is on another site than the typed one".into());
        }
    }
    if code.expires_in == 0 {
        return Err("the code expires at once".into());
    }
    Ok(())
}

/// Checks a phone login's session before it is held.
fn check_device_session(session: &DeviceSession) -> Result<(), String> {
    let token = &session.access_token;
    if token.is_empty()
        || token.len() > DEVICE_SECRET_MAX
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err("the session token is empty, too long or not printable".into());
    }
    if !session
        .token_type
        .eq_ignore_ascii_case(CITIZEN_SESSION_TOKEN_TYPE)
    {
        return Err("the token is not a citizen session".into());
    }
    let name_ok = |s: &str| s.chars().count() <= 100 && !s.chars().any(char::is_control);
    if !name_ok(&session.citizen.display_name) || !name_ok(&session.citizen.confirm_name) {
        return Err("the citizen's name is too long or has control characters".into());
    }
    Ok(())
}

/// A backend base URL the kiosk may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendUrl {
    /// The host is exactly `localhost`, an IPv4 address in 127.0.0.0/8 or `::1`.
    pub loopback: bool,
    /// Plain `http://` (allowed only when `loopback`).
    pub plain_http: bool,
}

/// Checks a backend URL as `reqwest` will parse it: `https://` to any host, or
/// plain `http://` only to a loopback host (exactly `localhost` in any case,
/// 127.0.0.0/8 or `[::1]`: not `localhost.example`, not `127.0.0.1.nip.io`).
/// A URL with a user name or password is refused for every scheme, and the
/// message then does not repeat the URL (it would show the password).
pub fn backend_url(url: &str) -> Result<BackendUrl, String> {
    // A URL that does not parse is shown only if it cannot hold a password.
    let shown = if url.contains('@') { "the URL" } else { url };
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("`{shown}` is not a URL: {e}"))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "the URL carries a user name or password; the kiosk's credentials belong in \
             credentials_file, never in the URL"
                .into(),
        );
    }
    // For http(s) the parser has already normalised the host: IPv4 in dotted
    // form (`127.1` is `127.0.0.1`), IPv6 in brackets, names in lower case.
    let loopback = match parsed.host_str() {
        None | Some("") => return Err(format!("`{shown}` has no host")),
        Some(host) => {
            if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
                v6.parse::<std::net::Ipv6Addr>()
                    .is_ok_and(|ip| ip == std::net::Ipv6Addr::LOCALHOST)
            } else if let Ok(v4) = host.parse::<std::net::Ipv4Addr>() {
                v4.is_loopback()
            } else {
                host.eq_ignore_ascii_case("localhost")
            }
        }
    };
    match parsed.scheme() {
        "https" => Ok(BackendUrl {
            loopback,
            plain_http: false,
        }),
        "http" if loopback => Ok(BackendUrl {
            loopback,
            plain_http: true,
        }),
        _ => Err(format!(
            "`{url}` is not allowed; expected an https:// URL (plain http only to \
             localhost, 127.0.0.0/8 or [::1])"
        )),
    }
}

/// reqwest's error text without the URL (which may carry a query with ids).
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "…");
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// The `Retry-After` of an answer, in seconds (an HTTP date is not used).
fn retry_after_of(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

// ---------------------------------------------------------------- citizen data (/me)

/// The session token as a header value that never shows in debug output.
fn session_header(session: &str) -> Result<HeaderValue, PortalError> {
    let mut value = HeaderValue::from_str(session)
        .map_err(|_| PortalError::Malformed("session token is not a header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// A parse error without the offending value: citizen data must not end up in
/// an error message that may be logged.
fn parse_citizen<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &str,
) -> Result<T, PortalError> {
    serde_json::from_slice(bytes).map_err(|e| {
        PortalError::Malformed(format!(
            "{what}: {:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

impl PortalClient {
    /// Sends a request on behalf of a logged-in person (the session token in
    /// `header`: citizen or staff); a 401 is `SessionEnded`.
    async fn session_call(
        &self,
        request: reqwest::RequestBuilder,
        header: &'static str,
        session: &str,
    ) -> Result<reqwest::Response, PortalError> {
        let response = request
            .header(AUTHORIZATION, self.authorization.clone())
            .header(header, session_header(session)?)
            .send()
            .await
            .map_err(|e| self.map_send_error(e))?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(PortalError::SessionEnded);
        }
        self.check_status(response).await
    }

    async fn session_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        header: &'static str,
        session: &str,
        what: &str,
    ) -> Result<T, PortalError> {
        let response = self.session_call(request, header, session).await?;
        let kind = if header == STAFF_SESSION {
            BodyKind::Staff
        } else {
            BodyKind::Me
        };
        let bytes = self.read_body(response, kind, what).await?;
        parse_citizen(&bytes, what)
    }

    async fn citizen_call(
        &self,
        request: reqwest::RequestBuilder,
        session: &str,
    ) -> Result<reqwest::Response, PortalError> {
        self.session_call(request, CITIZEN_SESSION, session).await
    }

    async fn citizen_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        session: &str,
        what: &str,
    ) -> Result<T, PortalError> {
        self.session_json(request, CITIZEN_SESSION, session, what)
            .await
    }

    /// The nástěnka of the logged-in citizen.
    pub async fn me_dashboard(&self, session: &str) -> Result<MeDashboard, PortalError> {
        let request = self.http.get(self.url("me/dashboard"));
        self.citizen_json(request, session, "dashboard").await
    }

    /// Every obligation of the citizen, each to be validated by the kiosk.
    pub async fn me_obligations(&self, session: &str) -> Result<ObligationList, PortalError> {
        let request = self.http.get(self.url("me/obligations"));
        self.citizen_json(request, session, "obligations").await
    }

    /// A payment intent for these obligations (all payable to one account).
    pub async fn create_payment(
        &self,
        session: &str,
        obligation_ids: &[String],
    ) -> Result<PaymentIntent, PortalError> {
        let body = PaymentIntentRequest {
            obligation_ids: obligation_ids.to_vec(),
        };
        let request = self.http.post(self.url("me/payments")).json(&body);
        self.citizen_json(request, session, "payment intent").await
    }

    /// The current state of a payment intent.
    pub async fn payment(&self, session: &str, id: &str) -> Result<PaymentIntent, PortalError> {
        let request = self.http.get(self.url_with_segment("me/payments", id)?);
        self.citizen_json(request, session, "payment intent").await
    }

    /// `path` under the base URL with `segment` appended, escaped as one segment.
    fn url_with_segment(&self, path: &str, segment: &str) -> Result<reqwest::Url, PortalError> {
        let mut url = reqwest::Url::parse(&self.url(path))
            .map_err(|e| PortalError::Setup(format!("base URL: {e}")))?;
        url.path_segments_mut()
            .map_err(|_| PortalError::Setup("the base URL cannot have a path".into()))?
            .push(segment);
        Ok(url)
    }

    /// The citizen's submissions and their states.
    pub async fn me_submissions(&self, session: &str) -> Result<SubmissionList, PortalError> {
        let request = self.http.get(self.url("me/submissions"));
        self.citizen_json(request, session, "submissions").await
    }

    /// The hlídací pes settings.
    pub async fn me_watchdog(&self, session: &str) -> Result<Watchdog, PortalError> {
        let request = self.http.get(self.url("me/watchdog"));
        self.citizen_json(request, session, "watchdog").await
    }

    /// Stores new hlídací pes settings.
    pub async fn put_me_watchdog(
        &self,
        session: &str,
        watchdog: &Watchdog,
    ) -> Result<(), PortalError> {
        let request = self.http.put(self.url("me/watchdog")).json(watchdog);
        self.citizen_call(request, session).await.map(|_| ())
    }
}

// ---------------------------------------------------------------- counter (staff)

/// Header that carries a staff session token (beside the kiosk's bearer token).
pub const STAFF_SESSION: &str = "x-staff-session";

/// Why `POST /staff/login` opened no session.
#[derive(Debug, thiserror::Error)]
pub enum StaffLoginError {
    /// No staff member allowed at this counter has this PIN (401); the backend
    /// says how many more wrong PINs lock the login.
    #[error("wrong staff PIN")]
    WrongPin { misses_left: Option<u32> },
    /// Too many wrong PINs: the backend's lockout, for `retry_after` (429).
    #[error("the staff login is locked at the backend")]
    Locked { retry_after: Option<Duration> },
    /// The backend does not know this kiosk as a counter (403).
    #[error("the backend does not know this kiosk as a counter")]
    NotACounter,
    /// Anything else: unreachable, refused, malformed.
    #[error(transparent)]
    Portal(#[from] PortalError),
}

impl PortalClient {
    /// Sends a request on behalf of a logged-in staff member; a 401 is
    /// `SessionEnded` (logged out, unused for 15 minutes, unknown, or opened
    /// by another kiosk): the counter goes back to its staff login.
    async fn staff_call(
        &self,
        request: reqwest::RequestBuilder,
        session: &str,
    ) -> Result<reqwest::Response, PortalError> {
        self.session_call(request, STAFF_SESSION, session).await
    }

    async fn staff_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        session: &str,
        what: &str,
    ) -> Result<T, PortalError> {
        self.session_json(request, STAFF_SESSION, session, what)
            .await
    }

    /// Logs a staff member in with their PIN (6 to 12 digits): the backend
    /// checks it and opens a staff session for this kiosk. The PIN goes only
    /// into the request body, built in a zeroized buffer of its exact size
    /// (no reallocation leaves copies behind), which is wiped when the HTTP
    /// stack lets go of it.
    pub async fn staff_login(
        &self,
        pin: &[u8],
    ) -> Result<super::types::StaffSession, StaffLoginError> {
        if !crate::staff::is_valid_pin(pin) {
            // Never sent: only digits can go into the body unescaped.
            return Err(StaffLoginError::WrongPin { misses_left: None });
        }
        const OPEN: &[u8] = b"{\"pin\":\"";
        const CLOSE: &[u8] = b"\"}";
        let mut body =
            zeroize::Zeroizing::new(Vec::with_capacity(OPEN.len() + pin.len() + CLOSE.len()));
        body.extend_from_slice(OPEN);
        body.extend_from_slice(pin);
        body.extend_from_slice(CLOSE);
        let response = self
            .http
            .post(self.url("staff/login"))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(bytes::Bytes::from_owner(body))
            .send()
            .await
            .map_err(|e| self.map_send_error(e))?;
        match response.status() {
            StatusCode::FORBIDDEN => return Err(StaffLoginError::NotACounter),
            StatusCode::TOO_MANY_REQUESTS => {
                return Err(StaffLoginError::Locked {
                    retry_after: retry_after_of(&response),
                });
            }
            StatusCode::UNAUTHORIZED => {
                let status = response.status().as_u16();
                let bytes = self
                    .read_body(response, BodyKind::Problem, "staff login refusal")
                    .await
                    .unwrap_or_default();
                return Err(
                    match serde_json::from_slice::<super::types::StaffLoginRefusal>(&bytes) {
                        Ok(r) if r.kind == super::types::staff_problems::WRONG_PIN => {
                            StaffLoginError::WrongPin {
                                misses_left: Some(r.misses_left),
                            }
                        }
                        // Not the PIN: the backend does not know this kiosk's token.
                        _ => StaffLoginError::Portal(PortalError::Status {
                            status,
                            problem: serde_json::from_slice::<Problem>(&bytes).ok(),
                            retry_after: None,
                        }),
                    },
                );
            }
            _ => {}
        }
        let response = self.check_status(response).await?;
        let bytes = self
            .read_body(response, BodyKind::Staff, "staff session")
            .await?;
        Ok(parse_citizen(&bytes, "staff session")?)
    }

    /// A payer's obligations by variable symbol (1–10 digits; the backend
    /// answers 400 otherwise), each to be validated by the kiosk. The symbol
    /// goes in the body, never in the URL. Too many lookups in a session: 429.
    pub async fn staff_lookup(
        &self,
        session: &str,
        variable_symbol: &str,
    ) -> Result<super::types::StaffLookup, PortalError> {
        let body = super::types::StaffLookupRequest {
            vs: variable_symbol.to_string(),
        };
        let request = self.http.post(self.url("staff/lookup")).json(&body);
        self.staff_json(request, session, "staff lookup").await
    }

    /// A payment intent for obligations of any one payer, made at the counter.
    pub async fn staff_payment(
        &self,
        session: &str,
        obligation_ids: &[String],
    ) -> Result<PaymentIntent, PortalError> {
        let body = PaymentIntentRequest {
            obligation_ids: obligation_ids.to_vec(),
        };
        let request = self.http.post(self.url("staff/payments")).json(&body);
        self.staff_json(request, session, "payment intent").await
    }

    /// The state of a payment intent made at the counter (polled until paid).
    pub async fn staff_payment_state(
        &self,
        session: &str,
        id: &str,
    ) -> Result<PaymentIntent, PortalError> {
        let request = self.http.get(self.url_with_segment("staff/payments", id)?);
        self.staff_json(request, session, "payment intent").await
    }

    /// Ends a staff session at the backend (one that has ended already is fine).
    pub async fn staff_logout(&self, session: &str) -> Result<(), PortalError> {
        let request = self.http.post(self.url("staff/logout"));
        match self.staff_call(request, session).await {
            Ok(_) | Err(PortalError::SessionEnded) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_systemds_credential_when_the_service_has_one() {
        let dir = tempfile::tempdir().unwrap();
        let configured = dir.path().join("credentials.toml");
        let creds = dir.path().join("creds");
        std::fs::create_dir(&creds).unwrap();
        // No credentials directory, or one without the kiosk's token: the file.
        assert_eq!(credentials_path(None, &configured), configured);
        assert_eq!(credentials_path(Some(&creds), &configured), configured);
        std::fs::write(
            creds.join(TOKEN_CREDENTIAL),
            "token = \"kiosk-token-from-systemd-0001\"\n",
        )
        .unwrap();
        let path = credentials_path(Some(&creds), &configured);
        assert_eq!(path, creds.join("kiosk-token"));
        assert_eq!(read_token(&path).unwrap(), "kiosk-token-from-systemd-0001");
    }

    #[test]
    fn plain_http_only_to_an_exact_loopback_host() {
        let loopback_http = BackendUrl {
            loopback: true,
            plain_http: true,
        };
        for good in [
            "http://[::1]:8080/kiosk/v1/",
            "HTTP://LOCALHOST:8080/",
            "http://localhost/kiosk/v1/",
            "http://127.0.0.1:8080/kiosk/v1/",
            "http://127.45.6.7/",
        ] {
            assert_eq!(backend_url(good), Ok(loopback_http.clone()), "{good}");
        }
        assert_eq!(
            backend_url("https://evil.example"),
            Ok(BackendUrl {
                loopback: false,
                plain_http: false,
            })
        );
        assert_eq!(
            backend_url("https://localhost:8443/kiosk/v1/"),
            Ok(BackendUrl {
                loopback: true,
                plain_http: false,
            })
        );
        for bad in [
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://10.0.0.1",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost./",
            "ftp://localhost/",
            "not a url",
        ] {
            assert!(backend_url(bad).is_err(), "{bad} accepted");
        }
        let err = backend_url("https://user:pw@[::1/").unwrap_err();
        assert!(!err.contains("pw"), "the password is repeated: {err}");
        // The host of this one is evil.example: `127.0.0.1` is a user name.
        for with_userinfo in [
            "http://127.0.0.1@evil.example",
            "http://user:pw@127.0.0.1/",
            "https://user:pw@obcan.litomerice.cz/kiosk/v1/",
            "https://:pw@obcan.litomerice.cz/",
        ] {
            let err = backend_url(with_userinfo).unwrap_err();
            assert!(
                err.contains("user name or password"),
                "{with_userinfo}: {err}"
            );
            assert!(!err.contains("pw"), "the password is repeated: {err}");
        }
    }

    #[test]
    fn the_client_refuses_what_the_url_check_refuses() {
        let client = |url: &str| {
            PortalClient::new(
                url,
                "test-token-0123456789abcdef",
                None,
                Duration::from_secs(1),
            )
        };
        for bad in [
            "http://user:pw@127.0.0.1/kiosk/v1/",
            "http://localhost.evil.example/kiosk/v1/",
            "http://127.0.0.1@evil.example/kiosk/v1/",
        ] {
            assert!(
                matches!(client(bad), Err(PortalError::Setup(_))),
                "{bad} accepted"
            );
        }
        assert!(client("http://127.0.0.1:9/kiosk/v1/").is_ok());
        assert!(client("https://obcan.litomerice.cz/kiosk/v1/").is_ok());
    }

    #[test]
    fn problem_texts_stay_out_of_messages_and_debug_output() {
        let problem = Problem {
            kind: "https://obcan.litomerice.cz/problems/not-payable".into(),
            title: "Poplatek Jany Novákové nelze zaplatit".into(),
            status: 422,
            detail: "Jana Nováková, VS 1234567890, dluží 1 500 Kč".into(),
        };
        let error = PortalError::Status {
            status: 422,
            problem: Some(problem.clone()),
            retry_after: None,
        };
        let shown = error.to_string();
        let debug = format!("{error:?} {problem:?} {error:#?}");
        for text in [&shown, &debug] {
            for personal in ["Nováková", "Novákové", "Jana", "1234567890", "1 500"] {
                assert!(!text.contains(personal), "{personal} in {text}");
            }
        }
        assert_eq!(
            shown,
            "backend answered 422 (https://obcan.litomerice.cz/problems/not-payable)"
        );
        assert!(
            debug.contains("not-payable") && debug.contains("422"),
            "{debug}"
        );
        // The code that acts on a problem still has its detail.
        match error {
            PortalError::Status {
                problem: Some(p), ..
            } => assert!(p.detail.contains("1234567890")),
            _ => unreachable!(),
        }

        // A "type" that is free text is not shown either.
        let free_text = Problem {
            kind: "Jana Nováková owes 1500".into(),
            ..problem
        };
        let error = PortalError::Status {
            status: 422,
            problem: Some(free_text),
            retry_after: None,
        };
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("Jana") && !shown.contains("1500"),
            "{shown}"
        );
    }
}
