//! Every auth-state case of clerk-testing's `vectors/auth-state-cases.json` (recorded from
//! @clerk/backend 0.31.3) replayed through `get_auth_state` as its `vectors/README.md` says: a
//! fresh instance per case, a fixed clock, and the case's JWKS served from 127.0.0.1 with the
//! exact request count checked.

mod common;

use clerk_core::{AuthState, get_auth_state, try_get_auth_state};
use clerk_testing::conformance::{cases, config_for, request_for};
use common::{Reply, TestServer};
use serde_json::Value;

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
        let config = config_for(case, &server.url);
        let request = request_for(case);
        let mut problems = Vec::new();
        // Without I/O first: `None` exactly when the state needs the JWKS, and no request sent.
        let cold = try_get_auth_state(&config, &request);
        let needs_fetch = !jwks.is_null();
        if cold.is_some() == needs_fetch || server.hits() != 0 {
            problems.push(format!(
                "try_get_auth_state on a cold cache: {cold:?} with {} JWKS requests",
                server.hits()
            ));
        }
        let state = get_auth_state(&config, &request).await;
        // Once the keys are cached, the synchronous path completes with the same state.
        match try_get_auth_state(&config, &request) {
            Some(warm) if same_state(&warm, &state) => {}
            warm => problems.push(format!(
                "try_get_auth_state after get_auth_state: {warm:?} != {state:?}"
            )),
        }
        if let Some(cold) = cold.filter(|cold| !same_state(cold, &state)) {
            problems.push(format!("try_get_auth_state: {cold:?} != {state:?}"));
        }
        let expected = &case["expected"];

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

/// The same status, reason, message, key-fetch flag and auth object.
fn same_state(a: &AuthState, b: &AuthState) -> bool {
    (
        a.status(),
        a.reason(),
        a.message(),
        a.is_key_fetch_failure(),
    ) == (
        b.status(),
        b.reason(),
        b.message(),
        b.is_key_fetch_failure(),
    ) && format!("{:?}", a.to_auth()) == format!("{:?}", b.to_auth())
}
