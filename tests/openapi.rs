//! The OpenAPI document against the development portal's router and the rules
//! of the contract, without Python: the router serves exactly the operations
//! the document names (and every route goes through the recorded table), the
//! document's operation ids are unique, every response is described, every
//! error is problem+json, every reference resolves, and each operation names
//! the token or session its handler checks. axum's own refusals (405, 413, a
//! path that is not UTF-8) are problem+json too. `tools/api-fuzz` validates
//! the document as OpenAPI 3.1 and fuzzes the running portal against it.

use std::collections::{BTreeMap, BTreeSet};

use portal_kiosk::devportal::{self, DEMO_KIOSK_TOKEN};
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

fn document() -> Value {
    serde_json::from_str(&devportal::openapi_json()).expect("the document is JSON")
}

/// Every operation of the document: (method, path) → operation.
fn operations(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.insert((method.to_string(), path.clone()), op.clone());
            }
        }
    }
    out
}

fn label((method, path): &(String, String)) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

#[test]
fn the_router_serves_exactly_the_operations_of_the_document() {
    let served: BTreeSet<(String, String)> = devportal::served_routes()
        .iter()
        .map(|s| (s.method.to_string(), s.path.to_string()))
        .collect();
    assert_eq!(
        served.len(),
        devportal::served_routes().len(),
        "a route is registered twice"
    );
    let documented: BTreeSet<(String, String)> = operations(&document()).into_keys().collect();
    let list = |pairs: Vec<String>| {
        if pairs.is_empty() {
            "(none)".to_string()
        } else {
            pairs.join("\n  ")
        }
    };
    let undocumented: Vec<String> = served.difference(&documented).map(label).collect();
    let unserved: Vec<String> = documented.difference(&served).map(label).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "\nserved by the router but missing from the OpenAPI document (add a #[utoipa::path] \
         and list it in src/devportal/openapi.rs):\n  {}\n\
         in the OpenAPI document but not served by the router:\n  {}\n",
        list(undocumented),
        list(unserved)
    );
    // The login endpoints the backend vendor needs most are among them.
    for op in [
        "/kiosk/v1/auth/challenge",
        "/kiosk/v1/auth/card",
        "/kiosk/v1/auth/logout",
        "/kiosk/v1/auth/device",
        "/kiosk/v1/auth/token",
        "/kiosk/v1/auth/device/cancel",
    ] {
        assert!(documented.contains(&("post".into(), op.into())), "{op}");
    }
}

/// Routes must be added through `routes::Routes`, or the table above would
/// not know them: no other devportal file builds axum routes itself.
#[test]
fn routes_are_added_only_through_the_recorded_table() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/devportal");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("routes.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for pattern in [
                ".route(",
                ".route_service(",
                ".nest(",
                "Router::new(",
                "routing::",
            ] {
                if code.contains(pattern) {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "\nroutes added outside src/devportal/routes.rs (use Routes::get/post/put/delete, \
         which record them):\n  {}\n",
        offenders.join("\n  ")
    );
}

#[test]
fn the_document_starts_with_its_version_and_info() {
    let text = devportal::openapi_json();
    assert!(
        text.starts_with("{\n  \"openapi\": \"3.1"),
        "{}",
        &text[..80]
    );
    let info = text.find("\"info\"").unwrap();
    assert!(info < text.find("\"paths\"").unwrap());
}

#[test]
fn operation_ids_are_unique() {
    let doc = document();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for (key, op) in operations(&doc) {
        match op["operationId"].as_str() {
            None => problems.push(format!("{} has no operationId", label(&key))),
            Some(id) => {
                if let Some(first) = seen.insert(id.to_string(), label(&key)) {
                    problems.push(format!("{id}: {first} and {}", label(&key)));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n  {}\n", problems.join("\n  "));
}

/// The one exception to problem+json: RFC 8628's two endpoints answer their
/// 400 as OAuth says (RFC 6749 §5.2), `application/json` `{"error": …}`.
const OAUTH_ERRORS: [(&str, &str); 2] = [
    ("post", "/kiosk/v1/auth/device"),
    ("post", "/kiosk/v1/auth/token"),
];

#[test]
fn every_response_is_described_and_every_error_is_problem_json() {
    let doc = document();
    let mut problems = Vec::new();
    for (key, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        assert!(!responses.is_empty(), "{} has no responses", label(&key));
        for (status, response) in responses {
            let at = format!("{} → {status}", label(&key));
            if response["description"]
                .as_str()
                .is_none_or(|d| d.trim().is_empty())
            {
                problems.push(format!("{at}: no description"));
            }
            let oauth = OAUTH_ERRORS.contains(&(key.0.as_str(), key.1.as_str())) && status == "400";
            if oauth {
                let types: Vec<&String> = response["content"]
                    .as_object()
                    .map(|c| c.keys().collect())
                    .unwrap_or_default();
                if types != ["application/json"]
                    || response["content"]["application/json"]["schema"]["$ref"]
                        != "#/components/schemas/OAuthError"
                {
                    problems.push(format!("{at}: the OAuth error is documented as {types:?}"));
                }
            } else if status.starts_with(['4', '5']) {
                let content = response["content"].as_object();
                let types: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
                if types != ["application/problem+json"] {
                    problems.push(format!("{at}: error documented as {types:?}"));
                } else if response["content"]["application/problem+json"]["schema"]["$ref"]
                    != "#/components/schemas/Problem"
                {
                    problems.push(format!("{at}: error without the Problem schema"));
                }
            }
        }
        if !responses.keys().any(|s| s.starts_with('2')) {
            problems.push(format!("{}: no success answer", label(&key)));
        }
    }
    assert!(problems.is_empty(), "\n  {}\n", problems.join("\n  "));
    // The Problem schema is RFC 9457's.
    let problem = &doc["components"]["schemas"]["Problem"]["properties"];
    for field in ["type", "title", "status", "detail"] {
        assert!(problem.get(field).is_some(), "Problem.{field}");
    }
}

fn references(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        out.insert(r.clone());
                    }
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut refs = BTreeSet::new();
    references(&doc, &mut refs);
    assert!(refs.contains("#/components/schemas/Problem"));
    let dangling: Vec<&String> = refs
        .iter()
        .filter(|r| {
            let pointer = r.strip_prefix('#').unwrap_or("/not-local");
            doc.pointer(pointer).is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    for (key, op) in operations(&doc) {
        for requirement in op["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().unwrap().keys() {
                assert!(schemes.contains_key(name), "{}: {name}", label(&key));
            }
        }
    }
}

#[test]
fn every_operation_names_the_credentials_its_handler_checks() {
    let doc = document();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["kioskToken"]["type"], "http");
    assert_eq!(schemes["kioskToken"]["scheme"], "bearer");
    assert_eq!(schemes["adminToken"]["scheme"], "bearer");
    assert_eq!(schemes["citizenSession"]["type"], "apiKey");
    assert_eq!(schemes["citizenSession"]["in"], "header");
    assert_eq!(schemes["citizenSession"]["name"], "x-citizen-session");
    assert_eq!(schemes["staffSession"]["name"], "x-staff-session");

    for ((method, path), op) in operations(&doc) {
        let at = label(&(method.clone(), path.clone()));
        let required: BTreeSet<String> = op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r.as_object().unwrap().keys().cloned())
            .collect();
        let expected: BTreeSet<String> = if path == "/kiosk/v1/openapi.json" {
            BTreeSet::new()
        } else if path == portal_kiosk::devportal::APPROVAL_PATH {
            // The phone login's approval page: the citizen's browser has no token.
            BTreeSet::new()
        } else if path.starts_with("/admin/v1/") {
            ["adminToken".into()].into()
        } else if path.starts_with("/kiosk/v1/me/") {
            ["kioskToken".into(), "citizenSession".into()].into()
        } else if path.starts_with("/kiosk/v1/staff/")
            && !path.ends_with("/login")
            && !path.ends_with("/logout")
        {
            ["kioskToken".into(), "staffSession".into()].into()
        } else {
            assert!(path.starts_with("/kiosk/v1/"), "{at}: outside both APIs");
            ["kioskToken".into()].into()
        };
        assert_eq!(required, expected, "{at}");
        let tags = op["tags"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            tags.contains(&Value::from("admin")),
            path.starts_with("/admin/"),
            "{at}: the admin API and only it is tagged admin"
        );
        assert_eq!(
            tags.contains(&Value::from("approval")),
            path == portal_kiosk::devportal::APPROVAL_PATH,
            "{at}: the approval page and only it is tagged approval"
        );
        let responses = op["responses"].as_object().unwrap();
        if !required.is_empty() {
            assert!(responses.contains_key("401"), "{at}: no 401");
        }
        if op.get("requestBody").is_some() {
            assert!(responses.contains_key("413"), "{at}: no 413");
        }
    }
}

/// Placeholders for path parameters: a value no resource has.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("no-such-thing");
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The table is the router: every recorded (method, path) reaches a handler
/// (not the fallback's 404 "no such endpoint", not a 405).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_route_reaches_a_handler() {
    let dir = tempfile::tempdir().unwrap();
    let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    for route in devportal::served_routes() {
        let url = format!("http://{}{}", portal.addr, concrete(route.path));
        let method =
            reqwest::Method::from_bytes(route.method.to_ascii_uppercase().as_bytes()).unwrap();
        let response = http.request(method, &url).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_ne!(status, 405, "{route}");
        assert!(
            !(status == 404 && body.contains("no such endpoint")),
            "{route}: the fallback answered"
        );
    }
    portal.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_refusals_are_problem_json_too() {
    let dir = tempfile::tempdir().unwrap();
    let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
        .await
        .unwrap();
    let admin_token = portal.state.admin_token().to_string();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{}{path}", portal.addr);
    let is_problem = |r: &reqwest::Response| {
        r.headers()
            .get("content-type")
            .is_some_and(|v| v == "application/problem+json")
    };

    // A method the path does not serve: 405 with Allow.
    let r = http.delete(url("/kiosk/v1/promo")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert!(is_problem(&r));
    let allow = r
        .headers()
        .get("allow")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(allow.contains("GET"), "{allow}");
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["status"], 405);

    // An unknown path: 404.
    let r = http.get(url("/kiosk/v1/nothing")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(is_problem(&r));

    // A path parameter that is not UTF-8: 400.
    for path in ["/kiosk/v1/assets/%FF", "/admin/v1/payments/%C3%28/paid"] {
        let token = if path.starts_with("/admin") {
            admin_token.as_str()
        } else {
            DEMO_KIOSK_TOKEN
        };
        let r = http
            .request(
                if path.starts_with("/admin") {
                    reqwest::Method::POST
                } else {
                    reqwest::Method::GET
                },
                url(path),
            )
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
        assert!(is_problem(&r), "{path}");
    }
    // A body over the limit: 413. (Last, on its own connection: the portal
    // answers before reading the body and then closes the connection.)
    let r = reqwest::Client::new()
        .post(url("/kiosk/v1/heartbeat"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .body(vec![b' '; 33 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(is_problem(&r));

    portal.stop().await;
}

#[test]
fn integers_have_the_range_of_their_rust_type() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let range = |schema: &str, property: &str| {
        let p = &schemas[schema]["properties"][property];
        (
            p["format"].as_str().unwrap_or_default().to_string(),
            p["minimum"].clone(),
            p["maximum"].clone(),
        )
    };
    assert_eq!(
        range("Heartbeat", "uptimeSeconds"),
        ("uint64".into(), 0.into(), u64::MAX.into())
    );
    assert_eq!(
        range("PromoSlide", "durationSeconds"),
        ("uint32".into(), 0.into(), u32::MAX.into())
    );
    assert_eq!(
        range("PromoSlide", "priority"),
        ("int32".into(), i32::MIN.into(), i32::MAX.into())
    );
    // A bound of the schema's own stays when it is tighter.
    assert_eq!(
        range("AuthSettings", "nonceTtlSeconds").2,
        Value::from(86_400)
    );
    let weekday = &schemas["SlideSchedule"]["properties"]["weekdays"]["items"];
    assert_eq!(
        (weekday["format"].as_str(), &weekday["maximum"]),
        (Some("uint8"), &255.into())
    );
}

#[test]
fn string_rules_of_the_portal_are_in_the_document() {
    let doc = document();
    for (schema, property) in [
        ("StaffLoginRequest", "pin"),
        ("WatchdogChannels", "email"),
        ("WatchdogChannels", "sms"),
        ("FaultRequest", "fault"),
    ] {
        let pattern = doc
            .pointer(&format!(
                "/components/schemas/{schema}/properties/{property}/pattern"
            ))
            .and_then(Value::as_str);
        assert!(
            pattern.is_some_and(|p| p.starts_with('^') && p.ends_with('$')),
            "{schema}.{property}: {pattern:?}"
        );
    }
}

/// What the fuzzer found, by request: each must stay fixed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_fuzzer_found_stays_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
        .await
        .unwrap();
    let admin_token = portal.state.admin_token().to_string();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{}{path}", portal.addr);
    let send = |method: reqwest::Method, path: &str, token: &str, body: &str| {
        http.request(method, url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let status = |r: reqwest::Response| r.status().as_u16();
    use reqwest::Method;

    // Whole numbers written with a fraction are integers (JSON Schema's reading).
    let heartbeat = |uptime: &str| {
        format!(
            r#"{{"kioskId": "lt-demo-01", "version": "1", "uptimeSeconds": {uptime},
                "printer": "ok", "reader": "ok", "freeDiskBytes": 1}}"#
        )
    };
    let r = send(
        Method::POST,
        "/kiosk/v1/heartbeat",
        DEMO_KIOSK_TOKEN,
        &heartbeat("24769.0"),
    );
    assert_eq!(status(r.await.unwrap()), 204);
    for bad in ["24769.5", "18446744073709551616", "-1"] {
        let r = send(
            Method::POST,
            "/kiosk/v1/heartbeat",
            DEMO_KIOSK_TOKEN,
            &heartbeat(bad),
        );
        assert_eq!(status(r.await.unwrap()), 400, "{bad}");
    }
    // An object written as an array of its fields is not an object.
    for path in ["/admin/v1/auth", "/admin/v1/payments"] {
        let r = send(Method::PUT, path, admin_token.as_str(), "[null, null]");
        assert_eq!(status(r.await.unwrap()), 400, "{path}");
    }
    // An event's payload is an object.
    let batch = |payload: &str| {
        format!(
            r#"{{"kioskId": "lt-demo-01", "events": [{{"id": "e3e70682-c209-4cac-a29f-6fbed82c07cd",
                "kind": "error", "occurredAt": "2026-01-01T00:00:00Z", "payload": {payload}}}]}}"#
        )
    };
    for bad in ["[null, null]", "1", "null", "\"x\""] {
        let r = send(
            Method::POST,
            "/kiosk/v1/events",
            DEMO_KIOSK_TOKEN,
            &batch(bad),
        );
        assert_eq!(status(r.await.unwrap()), 400, "{bad}");
    }
    let r = send(
        Method::POST,
        "/kiosk/v1/events",
        DEMO_KIOSK_TOKEN,
        &batch("{}"),
    );
    assert_eq!(status(r.await.unwrap()), 200);
    // Times that would overflow the portal's dates are refused (after one, the
    // next challenge or payment intent panicked and the connection died).
    let r = send(
        Method::PUT,
        "/admin/v1/auth",
        admin_token.as_str(),
        r#"{"nonceTtlSeconds": 10000000000000}"#,
    );
    assert_eq!(status(r.await.unwrap()), 422);
    let r = send(
        Method::POST,
        "/kiosk/v1/auth/challenge",
        DEMO_KIOSK_TOKEN,
        "",
    );
    assert_eq!(status(r.await.unwrap()), 200);
    for body in [
        r#"{"intentTtlSeconds": 10000000000000}"#,
        r#"{"autoPaySeconds": 18446744073709551615}"#,
    ] {
        let r = send(
            Method::PUT,
            "/admin/v1/payments",
            admin_token.as_str(),
            body,
        );
        assert_eq!(status(r.await.unwrap()), 422, "{body}");
    }
    // A citizen session opened through the admin API works like a card login's.
    let r = send(
        Method::POST,
        "/admin/v1/auth/sessions",
        admin_token.as_str(),
        r#"{"citizenId": "demo-jana", "kioskId": "lt-demo-01"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["citizen"]["displayName"], "Jana");
    let r = http
        .post(url("/kiosk/v1/me/payments"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .header("x-citizen-session", session["session"].as_str().unwrap())
        .body(r#"{"obligationIds": ["o-jana-odpad-2026"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 201);
    for body in [
        r#"{"citizenId": "nobody", "kioskId": "lt-demo-01"}"#,
        r#"{"citizenId": "demo-jana", "kioskId": "no-such-kiosk"}"#,
    ] {
        let r = send(
            Method::POST,
            "/admin/v1/auth/sessions",
            admin_token.as_str(),
            body,
        );
        assert_eq!(status(r.await.unwrap()), 422, "{body}");
    }
    portal.stop().await;
}
