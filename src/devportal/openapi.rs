//! The OpenAPI document of the development portal: the kiosk API (the
//! contract the town's backend implements, KIOSK-API.md) and the development
//! portal's own admin API, generated from the handlers' annotations and the
//! shared types, served at `/kiosk/v1/openapi.json` and printed by
//! `portal-kiosk openapi`.
//!
//! Rules that hold for every operation are applied here once, by
//! [`ContractRules`], rather than repeated on every handler: each error answer
//! is `application/problem+json` with the `Problem` schema (RFC 9457), an
//! operation behind a token or session may answer 401, and one that takes a
//! body may answer 413 (the router's body limit). `tests/openapi.rs` checks
//! the result against the router's table (routes.rs) and OpenAPI 3.1;
//! `tools/api-fuzz` checks it against the running portal.

use utoipa::openapi::response::Response;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use super::handlers::BODY_LIMIT;
use crate::portal::types::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portál občana – kiosk API",
        version = "1",
        description = "The contract between the Litoměřice citizen-portal kiosks and the portal backend \
(KIOSK-API.md), as the development portal serves it.\n\n\
The kiosk authenticates every request with its per-device bearer token (`kioskToken`). A citizen \
logs in with the card (`/auth/challenge`, then `/auth/card` with the Web eID token, EOBCANKA.md) and \
sends the session back as `x-citizen-session` (`citizenSession`), or logs in with a phone \
(`/auth/device`, then `/auth/token` until the citizen approves at the approval page `/kod`: the OAuth \
2.0 Device Authorization Grant, RFC 8628, whose form-encoded requests and `{\"error\": …}` answers \
with HTTP 400 follow OAuth rather than the rest of this API); a counter kiosk opens a staff \
session with `/staff/login` and sends it as `x-staff-session` (`staffSession`). Every error is \
`application/problem+json` (RFC 9457) but the OAuth errors of `/auth/device` and `/auth/token`. Collections are fetched with `If-None-Match` and answer 304 \
when unchanged.\n\n\
Operations tagged `admin` (`/admin/v1/…`, `adminToken`) belong to the development portal only: \
they publish content, simulate payments and inject faults for tests, and are not part of the \
contract. An injected fault can make a kiosk operation answer any status, including 5xx."
    ),
    paths(
        super::handlers::get_openapi_doc,
        super::handlers::get_promo,
        super::handlers::get_services,
        super::handlers::get_contacts,
        super::handlers::get_elections,
        super::handlers::get_notice_board,
        super::handlers::get_asset,
        super::handlers::post_events,
        super::handlers::post_heartbeat,
        super::auth::post_challenge,
        super::auth::post_card,
        super::auth::post_logout,
        super::device::post_device,
        super::device::post_token,
        super::device::post_cancel,
        super::device::get_approval,
        super::device::post_approval,
        super::me::get_dashboard,
        super::me::get_obligations,
        super::me::post_payment,
        super::me::get_payment,
        super::me::get_submissions,
        super::me::get_watchdog,
        super::me::put_watchdog,
        super::staff::post_login,
        super::staff::post_lookup,
        super::staff::post_payment,
        super::staff::get_payment,
        super::staff::post_logout,
        super::staff::get_audit,
        super::handlers::put_content,
        super::handlers::post_asset,
        super::handlers::put_fault,
        super::handlers::delete_fault,
        super::handlers::list_events,
        super::handlers::list_heartbeats,
        super::auth::put_settings,
        super::auth::get_sessions,
        super::auth::post_session,
        super::device::post_decision,
        super::device::put_settings,
        super::me::put_payment_settings,
        super::me::post_paid,
        super::promo::get_signing,
        super::promo::put_signing,
        super::promo::get_proof_of_play,
    ),
    components(schemas(
        Problem,
        PromoPlaylist,
        PlaylistSignature,
        UrgentNotice,
        NoticeSeverity,
        PromoSlide,
        SlideKind,
        AssetRef,
        SlideSchedule,
        ServiceCatalogue,
        Service,
        Form,
        ContactDirectory,
        Department,
        Person,
        OfficeHours,
        ElectionInfo,
        Election,
        PollingDistrict,
        StreetRange,
        super::ofn::OfnNoticeBoard,
        super::ofn::OfnNotice,
        super::ofn::OfnMoment,
        super::ofn::OfnAgenda,
        super::ofn::OfnDocument,
        super::ofn::OfnOperator,
        super::ofn::OfnText,
        EventBatch,
        KioskEventRecord,
        EventKind,
        EventAck,
        Heartbeat,
        PlaylistCheckReport,
        crate::promo::VerifyState,
        super::promo::SigningMode,
        super::promo::PromoSigningInfo,
        super::promo::SigningRequest,
        super::promo::PlayCount,
        super::promo::ProofOfPlayReport,
        super::promo::ReportFormat,
        AuthChallenge,
        AuthCardRequest,
        AuthSession,
        CitizenSummary,
        DeviceAuthorizationRequest,
        DeviceScope,
        DeviceAuthorization,
        DeviceTokenRequest,
        DeviceCancelRequest,
        DeviceSession,
        DeviceCitizen,
        OAuthError,
        OAuthErrorCode,
        MeDashboard,
        Notice,
        NextElection,
        ObligationList,
        Obligation,
        ObligationKind,
        PaymentIntentRequest,
        PaymentIntent,
        PaymentState,
        SubmissionList,
        Submission,
        Watchdog,
        WatchdogChannels,
        StaffLoginRequest,
        StaffSession,
        StaffLookup,
        StaffLoginRefusal,
        StaffLookupRequest,
        super::staff::StaffAuditLog,
        super::staff::StaffAuditEntry,
        super::staff::StaffAuditAction,
        super::staff::StaffAuditOutcome,
    )),
    tags(
        (name = "public", description = "Public content the kiosk caches: collections and assets"),
        (name = "kiosk", description = "What the kiosk reports: events and heartbeats"),
        (name = "auth", description = "Citizen login: with the eObčanka (Web eID style), or with a \
            phone (OAuth 2.0 Device Authorization Grant, RFC 8628: form-encoded requests, OAuth errors \
            as JSON with HTTP 400)"),
        (name = "approval", description = "The phone login's approval page (HTML for the citizen's \
            browser, no token; the development portal chooses a demo citizen where the town's portal \
            runs the national eID login)"),
        (name = "citizen", description = "The logged-in citizen's own data (never cached)"),
        (name = "staff", description = "The counter: staff sessions, lookups and payments (never cached)"),
        (name = "admin", description = "The development portal's admin API (not part of the contract)"),
    ),
    modifiers(&ContractRules)
)]
pub(super) struct KioskApi;

/// Security schemes and the rules every operation follows (module docs).
struct ContractRules;

impl Modify for ContractRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        let header = |name: &str, description: &str| {
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                name,
                description,
            )))
        };
        components.add_security_scheme(
            "kioskToken",
            bearer("The kiosk's per-device token, from its credentials file"),
        );
        components.add_security_scheme(
            "citizenSession",
            header(
                crate::portal::client::CITIZEN_SESSION,
                "The citizen session from POST /kiosk/v1/auth/card; valid only with the token of \
                 the kiosk that opened it",
            ),
        );
        components.add_security_scheme(
            "staffSession",
            header(
                crate::portal::client::STAFF_SESSION,
                "The staff session from POST /kiosk/v1/staff/login; valid only with the token of \
                 the kiosk that opened it",
            ),
        );
        components.add_security_scheme(
            "adminToken",
            bearer("The development portal's admin token (development portal only)"),
        );

        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                let secured = operation
                    .security
                    .as_ref()
                    .is_some_and(|s| s.iter().any(|r| *r != Default::default()));
                if secured {
                    responses.entry("401".into()).or_insert_with(|| {
                        Response::new("No or a wrong token, or the session has ended").into()
                    });
                }
                if operation.request_body.is_some() {
                    responses.entry("413".into()).or_insert_with(|| {
                        Response::new(format!(
                            "The body is over the portal's limit ({} MiB)",
                            BODY_LIMIT / (1024 * 1024)
                        ))
                        .into()
                    });
                }
                for (status, response) in responses.iter_mut() {
                    let is_error = status.parse::<u16>().is_ok_and(|s| s >= 400)
                        || status.starts_with(['4', '5']);
                    if let (true, RefOr::T(response)) = (is_error, response) {
                        // RFC 8628's endpoints answer OAuth errors (RFC 6749
                        // §5.2) as the standard says, not problem+json.
                        if is_oauth_error(response) {
                            continue;
                        }
                        response.content.clear();
                        response.content.insert(
                            "application/problem+json".into(),
                            RefOr::T(Content::new(Some(Ref::from_schema_name("Problem")))),
                        );
                    }
                }
            }
        }
    }
}

/// Whether a response is documented as an OAuth error (`application/json`
/// with the `OAuthError` schema).
fn is_oauth_error(response: &Response) -> bool {
    response.content.len() == 1
        && response.content.get("application/json").is_some_and(|c| {
            matches!(c, RefOr::T(c)
                if matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/OAuthError")))
        })
}

/// The document as pretty-printed JSON, every integer with its exact range.
pub fn openapi_json() -> String {
    let mut doc = match serde_json::to_value(KioskApi::openapi()) {
        Ok(doc) => doc,
        Err(e) => return format!("{{\"error\": \"{e}\"}}"),
    };
    exact_integer_ranges(&mut doc);
    string_rules(&mut doc);
    // Back through utoipa's types for their order ("openapi" and "info"
    // first, not alphabetical), if that changes nothing else.
    match serde_json::from_value::<utoipa::openapi::OpenApi>(doc.clone()) {
        Ok(typed) if serde_json::to_value(&typed).ok().as_ref() == Some(&doc) => {
            typed.to_pretty_json()
        }
        _ => serde_json::to_string_pretty(&doc),
    }
    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Gives every integer schema the range of its Rust type, as its `format`
/// names it, so that the document accepts exactly what serde accepts: without
/// it a `u32` is documented as int32 (so 2^31 would be refused by the document
/// and accepted by the portal) and a `u8` has no upper bound at all. A bound
/// the schema sets itself (`maximum = …`) is kept when it is tighter.
fn exact_integer_ranges(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let is_integer = match map.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
                _ => false,
            };
            // utoipa spells the unsigned formats "u-int32"; the usual spelling is "uint32".
            if let Some(Value::String(format)) = map.get_mut("format")
                && format.starts_with("u-int")
            {
                *format = format.replacen("u-int", "uint", 1);
            }
            let range: Option<(i128, i128)> = match map.get("format").and_then(Value::as_str) {
                _ if !is_integer => None,
                Some("int8") => Some((i8::MIN.into(), i8::MAX.into())),
                Some("uint8") => Some((0, u8::MAX.into())),
                Some("int16") => Some((i16::MIN.into(), i16::MAX.into())),
                Some("uint16") => Some((0, u16::MAX.into())),
                Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
                Some("uint32") => Some((0, u32::MAX.into())),
                Some("int64") => Some((i64::MIN.into(), i64::MAX.into())),
                Some("uint64") => Some((0, u64::MAX.into())),
                _ => None,
            };
            if let Some((min, max)) = range {
                let number = |n: i128| {
                    i64::try_from(n)
                        .map(Value::from)
                        .or_else(|_| u64::try_from(n).map(Value::from))
                        .unwrap_or(Value::Null)
                };
                let tighter = |bound: Option<&Value>, keep: fn(i128, i128) -> bool, own: i128| {
                    bound
                        .and_then(|b| b.as_i64().map(i128::from).or(b.as_u64().map(i128::from)))
                        .filter(|b| keep(*b, own))
                        .unwrap_or(own)
                };
                let min = tighter(map.get("minimum"), |b, own| b > own, min);
                let max = tighter(map.get("maximum"), |b, own| b < own, max);
                map.insert("minimum".into(), number(min));
                map.insert("maximum".into(), number(max));
            }
            map.values_mut().for_each(exact_integer_ranges);
        }
        Value::Array(items) => items.iter_mut().for_each(exact_integer_ranges),
        _ => {}
    }
}

/// Characters Rust's `char::is_whitespace` (and so `str::trim`) takes for
/// white space, as a regular-expression class body.
const WHITE_SPACE: &str =
    "\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/// Control characters (`char::is_control`, Unicode Cc).
const CONTROL: &str = "\\u0000-\\u001f\\u007f-\\u009f";

/// The string rules the portal checks that JSON Schema can say, written into
/// the schemas of the shared types (their Rust definitions have no regular
/// expressions): without them the document promised that any
/// e-mail address or fault was fine, and the portal refused them.
fn string_rules(doc: &mut serde_json::Value) {
    // me.rs `check_watchdog`: "" or one `@`, no white space or control
    // characters, the domain has a dot and neither starts nor ends with it.
    let part = format!("[^@{WHITE_SPACE}{CONTROL}]");
    let end = format!("[^.@{WHITE_SPACE}{CONTROL}]");
    let email = format!("^(?:{part}+@{end}{part}*\\.{part}*{end})?$");
    // "" or an optional `+`, then 9 to 15 digits among spaces.
    let sms = "^(?:\\+?(?: *[0-9]){9,15} *)?$".to_string();
    // faults.rs `Fault::parse` (Rust's integer parsing takes a leading `+`).
    let fault = "^(?:not-json|truncated|wrong-types|not-modified|wrong-hash|cut-off\
        |status:\\+?[0-9]+(?::retry=\\+?[0-9]+)?|(?:ack-)?delay:\\+?[0-9]+)$"
        .to_string();
    for (schema, property, pattern) in [
        ("WatchdogChannels", "email", email),
        ("WatchdogChannels", "sms", sms),
        ("FaultRequest", "fault", fault),
    ] {
        if let Some(serde_json::Value::Object(p)) = doc.pointer_mut(&format!(
            "/components/schemas/{schema}/properties/{property}"
        )) {
            p.insert("pattern".into(), pattern.into());
        }
    }
}
