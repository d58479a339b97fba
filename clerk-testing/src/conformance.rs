//! The shared harness of the auth-state conformance tests: the vectors of
//! `auth-state-cases.json` (recorded from `@clerk/backend` 0.31.3), a case's configuration and
//! its request.
//!
//! The file ships with this crate (`vectors/auth-state-cases.json`, described in
//! `vectors/README.md`); `CLERK_AUTH_STATE_CASES` may point to another copy.
//!
//! ```no_run
//! use clerk_testing::conformance;
//!
//! let all = conformance::cases();
//! for case in all["cases"].as_array().expect("cases") {
//!     let config = conformance::config_for(case, "http://127.0.0.1:9/");
//!     let request = conformance::request_for(case);
//!     // … replay `request` with `config` and compare with case["expected"]
//! #   let _ = (config, request);
//! }
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clerk_core::{ClerkConfig, FixedClock};
use serde_json::Value;

/// The whole `auth-state-cases.json`: `cases` (auth-state vectors) and `jwt_cases`, among others.
///
/// # Panics
///
/// When the file is missing or is not JSON.
#[must_use]
pub fn cases() -> Value {
    let path = std::env::var_os("CLERK_AUTH_STATE_CASES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/auth-state-cases.json"),
        PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "conformance vectors not found at {} ({e}); they ship in clerk-testing/vectors (or set CLERK_AUTH_STATE_CASES)",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("auth-state-cases.json is JSON")
}

/// The configuration of an auth-state `case` (as `vectors/README.md` says): its `options` (`secret_key`,
/// `frontend_api`, `publishable_key`, `domain`, `proxy_url`, `sign_in_url`, `jwt_key`,
/// `is_satellite`, `authorized_parties`, `audience`, `clock_skew_ms`), the Backend API at
/// `api_url` (where the test serves the case's JWKS) and a clock fixed at the case's `now`.
///
/// # Panics
///
/// When the case has no `now` in seconds, or its options are not a valid configuration.
#[must_use]
pub fn config_for(case: &Value, api_url: &str) -> ClerkConfig {
    let options = &case["options"];
    let now = case["now"].as_i64().expect("now");
    let s = |k: &str| options[k].as_str().map(str::to_owned);
    // The 0.31.3 vectors are the interstitial protocol's.
    let mut b = ClerkConfig::builder()
        .protocol(clerk_core::AuthProtocol::Interstitial)
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

/// The header fields of an auth-state `case`'s request, in order: its `headers`, then one
/// `cookie` field joining its `cookies` (`name=value; …`) when it has any.
///
/// # Panics
///
/// When a header or cookie value is not a string.
#[must_use]
pub fn request_headers(case: &Value) -> Vec<(String, String)> {
    let r = &case["request"];
    let mut fields = Vec::new();
    if let Some(headers) = r["headers"].as_object() {
        for (name, value) in headers {
            fields.push((
                name.clone(),
                value.as_str().expect("header value").to_owned(),
            ));
        }
    }
    if let Some(cookies) = r["cookies"].as_object().filter(|c| !c.is_empty()) {
        let line = cookies
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().expect("cookie value")))
            .collect::<Vec<_>>()
            .join("; ");
        fields.push(("cookie".to_owned(), line));
    }
    fields
}

/// The request of an auth-state `case`: its `method` (default `GET`), its absolute `url` and
/// [`request_headers`].
///
/// # Panics
///
/// When the case's request has no `url` or is not a valid HTTP request.
#[must_use]
pub fn request_for(case: &Value) -> http::Request<()> {
    let r = &case["request"];
    let mut b = http::Request::builder()
        .method(r["method"].as_str().unwrap_or("GET"))
        .uri(r["url"].as_str().expect("url"));
    for (name, value) in request_headers(case) {
        b = b.header(name, value);
    }
    b.body(()).expect("a valid request")
}

/// What is wrong with the `x-clerk-auth-*` headers of an answer to `case`, one line per problem:
/// `x-clerk-auth-status` must be the expected status, `x-clerk-auth-reason` the expected reason
/// (absent when empty), `x-clerk-auth-message` the URI-encoded expected message (absent when
/// empty; not checked when the case gives only `message_starts_with`). `header` reads a
/// response header by name.
///
/// ```
/// let case = serde_json::json!({"expected": {"status": "signed-out", "reason": "", "message": ""}});
/// let headers = |name: &str| (name == "x-clerk-auth-status").then(|| "signed-out".to_owned());
/// assert!(clerk_testing::conformance::header_problems(&case, headers).is_empty());
/// ```
#[must_use]
pub fn header_problems(case: &Value, header: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let expected = &case["expected"];
    let mut problems = Vec::new();
    let status = expected["status"].as_str().unwrap_or_default();
    let got = header("x-clerk-auth-status");
    if got.as_deref() != Some(status) {
        problems.push(format!("x-clerk-auth-status {got:?} != {status}"));
    }
    let reason = expected["reason"].as_str().filter(|r| !r.is_empty());
    let got = header("x-clerk-auth-reason");
    if got.as_deref() != reason {
        problems.push(format!("x-clerk-auth-reason {got:?} != {reason:?}"));
    }
    let message = expected["message"]
        .as_str()
        .filter(|m| !m.is_empty())
        .map(|m| clerk_core::integration::encode_uri_component(m).into_owned());
    let got = header("x-clerk-auth-message");
    if expected["message_starts_with"].is_null() && got != message {
        problems.push(format!("x-clerk-auth-message {got:?} != {message:?}"));
    }
    problems
}

/// Panics with every failure, one line per case, when there is any.
///
/// # Panics
///
/// When `failures` is not empty.
pub fn assert_no_failures(failures: &[String], cases: usize) {
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
