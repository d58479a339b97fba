//! Every auth-state case of ../shared/spec/auth-state-cases.json (recorded from @clerk/backend
//! 0.31.3) replayed through `get_auth_state`, following spec §0.1: a fresh instance per case, a
//! fixed clock, and the case's JWKS served from 127.0.0.1 with the exact request count checked.
//!
//! The file is read from `CLERK_AUTH_STATE_CASES` or else from `../shared/spec/auth-state-cases.json`
//! beside the repository; a missing file fails the test.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clerk_core::{ClerkConfig, FixedClock, get_auth_state};
use common::{Reply, TestServer};
use serde_json::Value;

fn cases() -> Value {
    let path = std::env::var_os("CLERK_AUTH_STATE_CASES").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/spec/auth-state-cases.json")
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

fn request(r: &Value) -> http::Request<()> {
    let mut b = http::Request::builder()
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
    b.body(()).unwrap()
}

#[tokio::test]
async fn auth_state_cases() {
    let all = cases();
    let cases = all["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 47);
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let jwks = &case["jwks"];
        let server = TestServer::start(Reply::Json(
            200,
            if jwks.is_null() {
                r#"{"keys":[]}"#.to_owned()
            } else {
                jwks.to_string()
            },
        ))
        .await;
        let now = case["now"].as_i64().unwrap();
        let config = config(&case["options"], &server.url, now);
        let state = get_auth_state(&config, &request(&case["request"])).await;
        let expected = &case["expected"];

        let mut problems = Vec::new();
        if state.status().as_str() != expected["status"] {
            problems.push(format!(
                "status {} != {}",
                state.status(),
                expected["status"]
            ));
        }
        let reason = state.reason().map(|r| r.as_str());
        if reason != expected["reason"].as_str() {
            problems.push(format!("reason {reason:?} != {}", expected["reason"]));
        }
        if let Some(prefix) = expected["message_starts_with"].as_str() {
            if !state.message().unwrap_or("").starts_with(prefix) {
                problems.push(format!(
                    "message {:?} does not start with {prefix:?}",
                    state.message()
                ));
            }
        } else if state.message() != expected["message"].as_str() {
            problems.push(format!(
                "message {:?} != {}",
                state.message(),
                expected["message"]
            ));
        }
        match (state.to_auth(), &expected["auth"]) {
            (None, Value::Null) => {}
            (Some(auth), Value::Object(fields)) => {
                let got = [
                    ("user_id", auth.user_id()),
                    ("session_id", auth.session_id()),
                    ("org_id", auth.org_id()),
                    ("org_role", auth.org_role()),
                    ("org_slug", auth.org_slug()),
                ];
                for (name, value) in got {
                    if value != fields[name].as_str() {
                        problems.push(format!("auth.{name} {value:?} != {}", fields[name]));
                    }
                }
            }
            (got, want) => problems.push(format!("to_auth {got:?} vs {want}")),
        }
        let hits = server.hits();
        let want_hits = usize::from(!jwks.is_null());
        if hits != want_hits {
            problems.push(format!("{hits} JWKS requests, expected {want_hits}"));
        }
        if want_hits == 1 {
            let auth = server.authorizations.lock().unwrap()[0].clone();
            let secret = case["options"]["secret_key"].as_str().unwrap();
            if auth.as_deref() != Some(&format!("Bearer {secret}")) {
                problems.push(format!("JWKS request authorization {auth:?}"));
            }
            if server.paths.lock().unwrap()[0] != "/v1/jwks" {
                problems.push("JWKS path".to_owned());
            }
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
