//! The handshake-protocol vectors of clerk-testing's `vectors/modern-auth/` (recorded from
//! `@clerk/backend` 3.25.0 + `@clerk/shared` 4.41.0) replayed through `get_auth_state` with
//! `AuthProtocol::Handshake`, as `clerk_testing::modern_cases` describes: per case a fresh
//! configuration (so an empty JWKS cache), a clock fixed at the case's `now`, and a stand-in
//! Backend API on 127.0.0.1 that serves the case's JWKS and routes and records every call; then
//! everything the recording shows is compared (status, reason, message, token type, token,
//! headers, Location, auth object, `has()` answers, outbound calls).
//!
//! The table holds 97 cases: the 75 session-token ones and the 22 machine-token ones
//! (`clerk_testing::handshake_replay::MACHINE_TOKEN_CASES`, `acceptsToken` other than exactly
//! `"session_token"`). Not in it: the four deliberate fixes of docs/auth-rules.md §9.12
//! (`clerk_testing::handshake_replay::FIXED_DEVIATIONS`), where the recording shows the upstream
//! quirk: each has its own test below asserting our behaviour.
//!
//! The configuration of a case (`config_for`) is clerk-testing's, shared with the replay of the
//! same cases through each integration (`clerk_testing::handshake_replay::replay`).
//!
//! Every other case is replayed, satellites included: the Rust builder checks the satellite
//! sign-in URL at construction (§3, the Origin check moved to build time), and no recorded
//! satellite case has its sign-in URL on its own domain or an `Origin` header, so the outcome is
//! the recorded one either way.

use clerk_core::{AuthState, Check, FactorLevel, Reverification, get_auth_state};
use clerk_testing::handshake_replay::{
    auth_json, case, config_for, replayed_pairs, unreplayable_options,
};
use clerk_testing::modern_cases::{self, BapiStandIn, Case, Observed, RecordedCall, compare};
use serde_json::Value;

#[tokio::test]
async fn handshake_cases() {
    // The 97 cases that are not deliberate fixes: 75 session-token cases, 22 machine-token ones.
    let pairs = replayed_pairs();
    let mut failures = Vec::new();
    for (case, expected) in &pairs {
        let mut problems = unreplayable_options(case);
        problems.extend(compare(expected, &replay(case).await));
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", case.name, problems.join("\n    ")));
        }
    }
    let replayed = pairs.len();
    assert!(
        failures.is_empty(),
        "{} of {replayed} cases differ from @clerk/backend 3.25.0:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// §6.2 (fix): the development handshake JWT fails its signature check. Upstream rejects the
/// whole call; ours is a signed-out `unexpected-error` state carrying upstream's text, with no
/// redirect (so no loop) and the one JWKS fetch the verification needed.
#[tokio::test]
async fn n05_dev_handshake_bad_signature_is_signed_out() {
    let (case, _) = case("N05-");
    let (state, calls) = run(&case).await;
    let state = state.expect("a valid configuration");
    let message = "Clerk: Handshake token verification failed due to an invalid signature. If you have switched Clerk keys locally, clear your cookies and try again.";
    assert_eq!(state.status().as_str(), "signed-out");
    assert_eq!(state.reason().map(|r| r.as_str()), Some("unexpected-error"));
    assert_eq!(state.message(), Some(message));
    assert_eq!(state.token(), None);
    assert_eq!(state.token_type(), Some("session_token"));
    assert_eq!(
        sorted_headers(&state),
        [
            ("x-clerk-auth-message".to_owned(), message.to_owned()),
            (
                "x-clerk-auth-reason".to_owned(),
                "unexpected-error".to_owned()
            ),
            ("x-clerk-auth-status".to_owned(), "signed-out".to_owned()),
        ]
    );
    let auth = state.to_auth().expect("a signed-out auth object");
    assert!(!auth.is_signed_in());
    assert_eq!(auth.user_id(), None);
    assert_eq!(calls, [jwks_call("sk_test_oracle_dev_secret")]);
}

/// §4.2 R4 (fix): `__clerk_redirect_url=/relative/path` does not parse as a URL, so R4 is
/// skipped instead of failing the call. The request carries a dev-browser cookie and neither a
/// session nor a client-uat cookie, so R7 decides: signed-out `session-token-and-uat-missing`,
/// no redirect, no Backend API call.
#[tokio::test]
async fn d08_unparsable_redirect_url_skips_the_rule() {
    let (case, _) = case("D08-");
    let (state, calls) = run(&case).await;
    let state = state.expect("a valid configuration");
    assert_eq!(state.status().as_str(), "signed-out");
    assert_eq!(
        state.reason().map(|r| r.as_str()),
        Some("session-token-and-uat-missing")
    );
    assert_eq!(state.message().filter(|m| !m.is_empty()), None);
    assert_eq!(state.token(), None);
    assert_eq!(
        sorted_headers(&state),
        [
            (
                "x-clerk-auth-reason".to_owned(),
                "session-token-and-uat-missing".to_owned()
            ),
            ("x-clerk-auth-status".to_owned(), "signed-out".to_owned()),
        ]
    );
    assert!(
        !state
            .to_auth()
            .expect("a signed-out auth object")
            .is_signed_in()
    );
    assert!(calls.is_empty(), "{calls:?}");
}

/// §9.2 (fix), header path: `fea: "dashboard"` (no scope) is malformed. Upstream signs in but
/// its `toAuth()` throws; ours signs in with no features: the organization from `o` is there,
/// without permissions, and asking for the feature is `false`.
#[tokio::test]
async fn h23_malformed_fea_in_the_header_means_no_features() {
    let (case, _) = case("H23-");
    let (state, calls) = run(&case).await;
    let state = state.expect("a valid configuration");
    assert_signed_in_without_features(&state);
    assert_eq!(calls, [jwks_call("sk_live_oracle_prod_secret")]);
}

/// §9.2 (fix), cookie path: the same token in `__session`. Upstream's auth object throws inside
/// the cookie rules and the state becomes signed-out `unexpected-error`; ours is signed in with
/// no features, exactly like the header path.
#[tokio::test]
async fn c28_malformed_fea_in_the_cookie_means_no_features() {
    let (case, _) = case("C28-");
    let (state, calls) = run(&case).await;
    let state = state.expect("a valid configuration");
    assert_signed_in_without_features(&state);
    assert_eq!(calls, [jwks_call("sk_live_oracle_prod_secret")]);
}

// ------------------------------------------------------------------------------------ helpers

/// Runs `case` against a fresh stand-in: the state (or the configuration error) and the calls the
/// stand-in received.
async fn run(case: &Case) -> (Result<AuthState, String>, Vec<RecordedCall>) {
    let stand_in = BapiStandIn::start(case).await;
    let state = match config_for(case, stand_in.url()) {
        Ok(config) => Ok(get_auth_state(&config, &modern_cases::request_for(case)).await),
        Err(message) => Err(message),
    };
    (state, stand_in.calls())
}

/// What replaying `case` shows, for [`compare`].
async fn replay(case: &Case) -> Observed {
    match run(case).await {
        (Ok(state), calls) => observe(case, &state, calls),
        (Err(message), calls) => Observed {
            error_message: Some(message),
            calls,
            ..Observed::default()
        },
    }
}

fn observe(case: &Case, state: &AuthState, calls: Vec<RecordedCall>) -> Observed {
    let auth = state.to_auth();
    let to_auth_pending_allowed = if case.probe.to_auth_pending {
        auth.as_ref()
            .and_then(|a| a.to_signed_in_even_if_pending())
            .map(|a| auth_json(&a))
    } else {
        None
    };
    Observed {
        error_message: None,
        status: state.status().as_str().to_owned(),
        reason: state.reason().map(|r| r.as_str().to_owned()),
        message: state.message().map(str::to_owned),
        token_type: state.token_type().map(str::to_owned),
        token: state.token().map(str::to_owned),
        headers: state
            .response_headers()
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect(),
        location: None,
        to_auth: auth.as_ref().map(auth_json),
        to_auth_pending_allowed,
        has: case
            .probe
            .has
            .iter()
            .map(|params| {
                let answer = auth.as_ref().is_some_and(|a| a.check(&check_for(params)));
                (params.clone(), answer)
            })
            .collect(),
        calls,
    }
}

/// The `Check` of a `has()` argument (`role`, `permission`, `feature`, `plan`,
/// `reverification`); `{}` asks nothing, which is `false`.
fn check_for(params: &Value) -> Check {
    let fields = params.as_object().expect("has() takes an object");
    let mut check = Check::new();
    for (key, value) in fields {
        check = match (key.as_str(), value) {
            ("role", Value::String(s)) => check.role(s.as_str()),
            ("permission", Value::String(s)) => check.permission(s.as_str()),
            ("feature", Value::String(s)) => check.feature(s.as_str()),
            ("plan", Value::String(s)) => check.plan(s.as_str()),
            ("reverification", Value::String(s)) => check.reverification(match s.as_str() {
                "strict_mfa" => Reverification::StrictMfa,
                "strict" => Reverification::Strict,
                "moderate" => Reverification::Moderate,
                "lax" => Reverification::Lax,
                other => panic!("reverification {other:?} has no Rust form"),
            }),
            ("reverification", Value::Object(custom)) => {
                check.reverification(Reverification::Custom {
                    level: match custom["level"].as_str() {
                        Some("first_factor") => FactorLevel::FirstFactor,
                        Some("second_factor") => FactorLevel::SecondFactor,
                        Some("multi_factor") => FactorLevel::MultiFactor,
                        other => panic!("reverification level {other:?} has no Rust form"),
                    },
                    after_minutes: custom["afterMinutes"]
                        .as_i64()
                        .expect("afterMinutes is an integer"),
                })
            }
            _ => panic!("has() argument {key}: {value} has no Rust form"),
        };
    }
    check
}

/// The state's headers, names lower-case, sorted.
fn sorted_headers(state: &AuthState) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = state
        .response_headers()
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .collect();
    headers.sort();
    headers
}

/// The JWKS fetch of a verification with `secret_key`.
fn jwks_call(secret_key: &str) -> RecordedCall {
    RecordedCall {
        method: "GET".to_owned(),
        path_and_query: "/v1/jwks".to_owned(),
        authorization: Some(format!("Bearer {secret_key}")),
        body: Value::Null,
    }
}

/// H23/C28 (fix): signed in as the token says, with the organization of `o` and no features.
fn assert_signed_in_without_features(state: &AuthState) {
    assert_eq!(state.status().as_str(), "signed-in");
    assert_eq!(state.reason().map(|r| r.as_str()), None);
    assert_eq!(state.message().filter(|m| !m.is_empty()), None);
    assert_eq!(state.token_type(), Some("session_token"));
    // The same token in both cases: in the Authorization header (H23), in `__session` (C28).
    let fixtures = modern_cases::fixtures();
    let token = fixtures["tokens"]["prodV2BadFea"].as_str().expect("token");
    assert_eq!(state.token(), Some(token));
    assert_eq!(sorted_headers(state), Vec::<(String, String)>::new());
    let auth = state.to_auth().expect("an auth object");
    assert!(auth.is_signed_in());
    assert_eq!(auth.user_id(), Some("user_1"));
    assert_eq!(auth.session_id(), Some("sess_1"));
    assert_eq!(auth.org_id(), Some("org_2"));
    assert_eq!(auth.org_slug(), Some("acme"));
    assert_eq!(auth.org_role(), Some("org:admin"));
    assert!(auth.org_permissions().is_empty());
    let claims = auth.session_claims().expect("claims");
    assert_eq!(claims.all()["fea"], "dashboard");
    assert!(auth.check(&Check::new().role("org:admin")));
    assert!(!auth.check(&Check::new().feature("dashboard")));
    assert!(!auth.check(&Check::new().feature("o:dashboard")));
}
