//! The HTTP-level auth-state vectors of ../shared/spec/auth-state-cases.json replayed through
//! `ClerkLayer` (in process, `tower::ServiceExt::oneshot`, so that each case's request reaches
//! the layer exactly as recorded): the `x-clerk-auth-*` headers must carry the recorded status,
//! reason and message, and the HTTP status must follow the outcome rules.
//!
//! The file is read from `CLERK_AUTH_STATE_CASES` or else from `../shared/spec/auth-state-cases.json`
//! beside the repository; a missing file fails the test.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Json;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use clerk_axum::clerk_core::{FixedClock, encode_uri_component};
use clerk_axum::{ClerkConfig, ClerkLayer};
use serde_json::Value;
use tokio::net::TcpListener;
use tower::ServiceExt;

fn cases() -> Value {
    let path = std::env::var_os("CLERK_AUTH_STATE_CASES").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/spec/auth-state-cases.json")
        },
        PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "conformance vectors not found at {} ({e}); set CLERK_AUTH_STATE_CASES to the path of auth-state-cases.json",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("auth-state-cases.json is JSON")
}

/// Serves `jwks` at `GET /v1/jwks` on 127.0.0.1 and returns the base URL.
async fn jwks_server(jwks: Value) -> String {
    let app = Router::new().route("/v1/jwks", get(move || async move { Json(jwks) }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn config(options: &Value, api_url: &str, now: i64) -> ClerkConfig {
    let s = |k: &str| options[k].as_str().map(str::to_owned);
    let mut b = ClerkConfig::builder()
        .api_url(api_url)
        .clock(Arc::new(FixedClock::from_unix_seconds(now)));
    if let Some(v) = s("secret_key") {
        b = b.secret_key(v);
    }
    if let Some(v) = s("frontend_api") {
        b = b.frontend_api(v);
    }
    if let Some(v) = s("publishable_key") {
        b = b.publishable_key(v);
    }
    if let Some(v) = s("domain") {
        b = b.domain(v);
    }
    if let Some(v) = s("proxy_url") {
        b = b.proxy_url(v);
    }
    if let Some(v) = s("sign_in_url") {
        b = b.sign_in_url(v);
    }
    if let Some(v) = s("jwt_key") {
        b = b.jwt_key(v);
    }
    if let Some(v) = options["is_satellite"].as_bool() {
        b = b.is_satellite(v);
    }
    if let Some(list) = options["authorized_parties"].as_array() {
        b = b.authorized_parties(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(list) = options["audience"].as_array() {
        b = b.audience(list.iter().filter_map(Value::as_str).map(str::to_owned));
    } else if let Some(a) = s("audience") {
        b = b.audience([a]);
    }
    if let Some(ms) = options["clock_skew_ms"].as_u64() {
        b = b.clock_skew(Duration::from_millis(ms));
    }
    b.build().expect("case options are a valid configuration")
}

fn request(r: &Value) -> Request<Body> {
    let mut b = Request::builder()
        .method(r["method"].as_str().unwrap_or("GET"))
        .uri(r["url"].as_str().unwrap());
    if let Some(headers) = r["headers"].as_object() {
        for (name, value) in headers {
            b = b.header(name, value.as_str().unwrap());
        }
    }
    if let Some(cookies) = r["cookies"].as_object().filter(|c| !c.is_empty()) {
        let line = cookies
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
            .collect::<Vec<_>>()
            .join("; ");
        b = b.header("cookie", line);
    }
    b.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn auth_state_cases_through_the_layer() {
    let all = cases();
    let cases = all["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 47);
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let jwks = match &case["jwks"] {
            Value::Null => serde_json::json!({ "keys": [] }),
            jwks => jwks.clone(),
        };
        let api_url = jwks_server(jwks).await;
        let now = case["now"].as_i64().unwrap();
        let config = config(&case["options"], &api_url, now);
        let app = Router::new()
            .fallback(|| async { "handler" })
            .layer(ClerkLayer::new(config));
        let response = app.oneshot(request(&case["request"])).await.unwrap();
        let expected = &case["expected"];

        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let mut problems = Vec::new();
        let status = expected["status"].as_str().unwrap();
        if header("x-clerk-auth-status").as_deref() != Some(status) {
            problems.push(format!(
                "x-clerk-auth-status {:?} != {status}",
                header("x-clerk-auth-status")
            ));
        }
        let reason = expected["reason"].as_str().filter(|r| !r.is_empty());
        if header("x-clerk-auth-reason").as_deref() != reason {
            problems.push(format!(
                "x-clerk-auth-reason {:?} != {reason:?}",
                header("x-clerk-auth-reason")
            ));
        }
        let message = expected["message"]
            .as_str()
            .filter(|m| !m.is_empty())
            .map(|m| encode_uri_component(m).into_owned());
        if expected["message_starts_with"].is_null() && header("x-clerk-auth-message") != message {
            problems.push(format!(
                "x-clerk-auth-message {:?} != {message:?}",
                header("x-clerk-auth-message")
            ));
        }
        let http_status = response.status();
        let status_ok = match status {
            "signed-in" => http_status == StatusCode::OK,
            "signed-out" => {
                http_status == StatusCode::OK
                    || (http_status == StatusCode::SERVICE_UNAVAILABLE
                        && reason.is_some_and(|r| r.starts_with("jwk")))
            }
            _ => http_status == StatusCode::UNAUTHORIZED,
        };
        if !status_ok {
            problems.push(format!("HTTP {http_status} for {status} {reason:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{id}: {}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
