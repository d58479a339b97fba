//! The handshake-protocol conformance cases ([`modern_cases`]) replayed through a framework
//! integration (clerk-axum, clerk-actix, clerk-rocket, or yours), written once: the
//! configuration of a case ([`config_for`]), the request in the form the framework receives it
//! ([`RequestForm`]), the handler's answer ([`handler_body`]), and [`replay`], which sends every
//! replayed case through the integration and compares what came back with the recording.
//!
//! An integration's test serves one application per case: its layer, middleware or fairing with
//! the configuration it is given, and a catch-all route (`GET` and `POST`, any path) answering
//! `200` with [`handler_body`] of the request's stored
//! [`RequestAuth`]. It sends the request in process and
//! returns the [`Answer`].
//!
//! What [`replay`] checks, per case (on top of [`modern_cases::compare`]):
//!
//! * a recorded state with a Location: HTTP `307`, an empty body, no `content-type`, and the
//!   `location` header with the recorded base and query (in order);
//! * any other state: HTTP `200` from the handler, whose auth object equals the recording's
//!   (`null` for a handshake state without a Location);
//! * the response headers: every recorded header with its value (`set-cookie` values in the
//!   recorded order; `x-clerk-auth-*` raw), nothing else but the headers the framework adds
//!   itself ([`Framework::own_response_headers`]), so no `x-clerk-auth-*` on a signed-in state;
//!   status, reason and message are read from the `x-clerk-auth-*` headers (no status header:
//!   signed in);
//! * the Backend API calls as recorded; in the refresh call's `request_headers`, the headers the
//!   harness itself added for an origin-form framework ([`RequestForm::OriginForm`]) are left
//!   out, nothing else.
//!
//! Compared on the core side only (`clerk-core/tests/conformance_handshake.rs`), because a
//! response does not carry them: the verified token and the state's token type (the handler
//! reports the auth object's `tokenType`), `has()` probes, the auth object with pending sessions
//! allowed, and the auth object of a state that redirects (no handler runs). The configuration
//! errors (`E01`–`E03`, `S04`) happen before any integration exists: [`replay`] compares the
//! configuration error, as the core test does.
//!
//! The four deliberate fixes ([`FIXED_DEVIATIONS`]) are not in [`replay`]; [`fixed_deviation`]
//! checks our behaviour for each through the integration.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use clerk_core::integration::RequestAuth;
use clerk_core::{
    AcceptsToken, Auth, AuthProtocol, ClerkConfig, FixedClock, OrganizationSync, TokenType,
};
use serde_json::{Value, json};

use crate::modern_cases::{
    self, BapiStandIn, Case, Expected, Observed, OneOrMany, RecordedCall, compare,
};

/// The cases whose `acceptsToken` is not exactly `"session_token"` (machine tokens, `any`,
/// lists), in file order (docs/auth-rules.md §9.13). They replay with the others.
pub const MACHINE_TOKEN_CASES: [&str; 22] = [
    "M01-api-key-valid",
    "M02-api-key-not-found",
    "M03-api-key-bapi-401",
    "M04-api-key-bapi-500",
    "M05-api-key-wrong-type",
    "M06-api-key-no-token",
    "M07-m2m-opaque-machine-secret",
    "M08-m2m-jwt",
    "M09-m2m-no-keys",
    "M19-m2m-opaque-secret-key",
    "M20-api-key-transport-error",
    "M21-oauth-without-publishable-key",
    "M22-api-key-without-publishable-key",
    "M23-jwt-shaped-ak-token",
    "M10-oauth-opaque",
    "M11-oauth-jwt-audience-mismatch",
    "M12-oauth-jwt-valid",
    "M13-any-session-header",
    "M14-any-no-token-cookie-path",
    "M15-array-session-not-accepted",
    "M16-array-cookie-session",
    "M17-array-machine-no-token",
];

/// docs/auth-rules.md §9.12 (fixed on purpose) that a case records in its upstream form;
/// each has its own test, in core and through each integration ([`fixed_deviation`]).
pub const FIXED_DEVIATIONS: [&str; 4] = [
    // §6.2: a development handshake JWT with a bad signature → signed-out, not a rejected call.
    "N05-dev-handshake-bad-signature",
    // §4.2 R4: an unparsable `__clerk_redirect_url` → the rule is skipped, not a TypeError.
    "D08-dev-primary-bad-redirect-url",
    // §9.2: a malformed `fea` = no features (header path: upstream's toAuth() throws).
    "H23-header-v2-bad-fea",
    // §9.2: the same on the cookie path (upstream: signed-out unexpected-error).
    "C28-prod-v2-bad-fea-cookie",
];

/// The number of replayed cases: 101 − 4 fixed deviations (75 session-token, 22 machine-token).
pub const REPLAYED: usize = 97;

/// The cases that replay as recorded (every case but the [`FIXED_DEVIATIONS`]: the session-token
/// cases and the [`MACHINE_TOKEN_CASES`]), with their recordings, in file order.
///
/// # Panics
///
/// When the vectors are missing, or the machine-token cases or fixed deviations changed.
#[must_use]
pub fn replayed_pairs() -> Vec<(Case, Expected)> {
    let pairs = modern_cases::pairs();
    let machine: Vec<&str> = pairs
        .iter()
        .filter(|(case, _)| !case.options.session_tokens_only())
        .map(|(case, _)| case.name.as_str())
        .collect();
    assert_eq!(
        machine, MACHINE_TOKEN_CASES,
        "the machine-token cases changed"
    );
    for name in FIXED_DEVIATIONS {
        assert!(
            pairs.iter().any(|(case, _)| case.name == name),
            "no case {name}"
        );
    }
    let replayed: Vec<(Case, Expected)> = pairs
        .into_iter()
        .filter(|(case, _)| !FIXED_DEVIATIONS.contains(&case.name.as_str()))
        .collect();
    assert_eq!(replayed.len(), REPLAYED);
    replayed
}

/// The case whose name starts with `prefix`, with its recording.
///
/// # Panics
///
/// When there is none.
#[must_use]
pub fn case(prefix: &str) -> (Case, Expected) {
    modern_cases::pairs()
        .into_iter()
        .find(|(case, _)| case.name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no case {prefix}"))
}

/// Options of a replayed case that cannot be handed to the builder (none today; a new vector
/// using one fails loudly instead of being replayed without it).
#[must_use]
pub fn unreplayable_options(case: &Case) -> Vec<String> {
    let o = &case.options;
    let mut problems = Vec::new();
    if o.header_type.is_some() {
        problems.push("option headerType is not replayed".to_owned());
    }
    problems
}

/// The configuration of `case` (the handshake protocol, its options, a clock fixed at its `now`)
/// with the Backend API at `api_url`, or the message of the configuration error.
///
/// # Errors
///
/// The configuration error's message, when the case's options do not build (`E01`–`E03`,
/// `S04`).
///
/// # Panics
///
/// When `clockSkewInMs` is negative.
pub fn config_for(case: &Case, api_url: &str) -> Result<ClerkConfig, String> {
    let o = &case.options;
    let mut b = ClerkConfig::builder()
        .protocol(AuthProtocol::Handshake)
        .api_url(api_url)
        .clock(Arc::new(FixedClock::from_unix_seconds(case.now)));
    if let Some(v) = &o.secret_key {
        b = b.secret_key(v.clone());
    }
    if let Some(v) = &o.publishable_key {
        b = b.publishable_key(v.clone());
    }
    if let Some(v) = &o.jwt_key {
        b = b.jwt_key(v.clone());
    }
    if let Some(v) = &o.authorized_parties {
        b = b.authorized_parties(v.clone());
    }
    if let Some(v) = &o.audience {
        b = b.audience(v.to_vec());
    }
    if let Some(v) = &o.issuer {
        b = b.issuer(v.to_vec());
    }
    if let Some(v) = &o.domain {
        b = b.domain(v.clone());
    }
    if let Some(v) = &o.proxy_url {
        b = b.proxy_url(v.clone());
    }
    if let Some(v) = o.is_satellite {
        b = b.is_satellite(v);
    }
    if let Some(v) = &o.sign_in_url {
        b = b.sign_in_url(v.clone());
    }
    if let Some(v) = o.satellite_auto_sync {
        b = b.satellite_auto_sync(v);
    }
    if let Some(sync) = &o.organization_sync_options {
        b = b.organization_sync(OrganizationSync::new(
            sync.organization_patterns.clone(),
            sync.personal_account_patterns.clone(),
        ));
    }
    if let Some(ms) = o.clock_skew_in_ms {
        let ms = u64::try_from(ms).expect("a non-negative clockSkewInMs");
        b = b.clock_skew(Duration::from_millis(ms));
    }
    if let Some(v) = o.skip_jwks_cache {
        b = b.skip_jwks_cache(v);
    }
    if let Some(v) = &o.machine_secret_key {
        b = b.machine_secret_key(v.clone());
    }
    if let Some(accepts) = &o.accepts_token {
        let types = |names: &[String]| -> Vec<TokenType> {
            names
                .iter()
                .map(|n| TokenType::parse(n).expect("a token type"))
                .collect()
        };
        b = b.accepts_token(match accepts {
            OneOrMany::One(name) if name == "any" => AcceptsToken::Any,
            OneOrMany::One(name) => {
                AcceptsToken::Only(TokenType::parse(name).expect("a token type"))
            }
            OneOrMany::Many(names) => AcceptsToken::OneOf(types(names)),
        });
    }
    b.build().map_err(|e| e.message().to_owned())
}

// ------------------------------------------------------------------------------------ handler

/// The auth object as the recording shows it (`toAuth()` without its functions). The
/// `tokenType` is `session_token`: every replayed case authenticates session tokens only.
#[must_use]
pub fn auth_json(auth: &Auth) -> Value {
    match auth.token_type() {
        None => return json!({"isAuthenticated": false, "tokenType": null}),
        Some(TokenType::SessionToken) => {}
        Some(machine_type) => return machine_json(auth, machine_type),
    }
    json!({
        "tokenType": "session_token",
        "actor": auth.actor().map(|a| Value::Object(a.claims.clone())),
        "sessionClaims": auth.session_claims().map(|c| Value::Object(c.all().clone())),
        "sessionId": auth.session_id(),
        "sessionStatus": auth.session_status(),
        "userId": auth.user_id(),
        "orgId": auth.org_id(),
        "orgRole": auth.org_role(),
        "orgSlug": auth.org_slug(),
        "orgPermissions": auth.org_permissions(),
        "factorVerificationAge": auth.factor_verification_age(),
        "isAuthenticated": auth.is_signed_in(),
    })
}

/// A machine auth object in the recording's shape: the common fields and the type's own.
fn machine_json(auth: &Auth, token_type: TokenType) -> Value {
    let m = auth.machine();
    let mut object = json!({
        "tokenType": token_type.as_str(),
        "id": m.map(|m| m.id()),
        "subject": m.map(|m| m.subject()),
        "scopes": m.map(|m| m.scopes()),
        "isAuthenticated": auth.is_authenticated(),
    });
    let own = match token_type {
        TokenType::ApiKey => json!({
            "name": m.and_then(|m| m.name()),
            "claims": m.and_then(|m| m.claims()),
            "userId": m.and_then(|m| m.user_id()),
            "orgId": m.and_then(|m| m.org_id()),
        }),
        TokenType::M2mToken => json!({
            "claims": m.and_then(|m| m.claims()),
            "machineId": m.and_then(|m| m.machine_id()),
        }),
        TokenType::OauthToken => json!({
            "userId": m.and_then(|m| m.user_id()),
            "clientId": m.and_then(|m| m.client_id()),
        }),
        TokenType::SessionToken => json!({}),
    };
    if let (Some(object), Value::Object(own)) = (object.as_object_mut(), own) {
        object.extend(own);
    }
    object
}

/// What the test application's catch-all handler answers (`200`, JSON): `{"handler": true,
/// "auth": <the auth object, or null>}`, from the [`RequestAuth`] the integration stored on the
/// request (`None`: nothing stored).
#[must_use]
pub fn handler_body(stored: Option<&RequestAuth>) -> Value {
    json!({
        "handler": true,
        "auth": stored.and_then(RequestAuth::auth).map(auth_json),
    })
}

// ------------------------------------------------------------------------------------ replay

/// How a framework receives a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestForm {
    /// The recorded request as it is: its absolute URI, its headers, one `cookie` header
    /// ([`modern_cases::request_for`]). For frameworks that keep the request target (axum,
    /// actix-web).
    AbsoluteUri,
    /// Path and query only (Rocket keeps nothing else of the request target): the URI's
    /// authority becomes a `host` header and an `https` scheme `x-forwarded-proto: https`,
    /// unless the case sends them already. These added headers are left out of the refresh
    /// call's `request_headers` when comparing.
    OriginForm,
}

/// What a framework needs to be replayed.
#[derive(Debug, Clone, Copy)]
pub struct Framework {
    /// How it receives a request.
    pub form: RequestForm,
    /// The response headers the framework adds on its own (`content-type` of the handler's JSON,
    /// `content-length`, `date`, `server`, Rocket's Shield headers, …), lower-case: not compared
    /// with the recording. `content-type` is checked on a `307` regardless: there is none.
    pub own_response_headers: &'static [&'static str],
}

/// A request of a case, as [`replay`] hands it to the integration's `send` (an `http` 1.x
/// request without a body; frameworks on other `http` versions read its parts).
pub type Request = http::Request<()>;

/// A response, as the framework's test client returned it.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// Every header field in order, `(name, value)` (names in any case).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The request of `case` in `form`, and the names of the headers added to it.
///
/// # Panics
///
/// When the case's request is not valid HTTP.
#[must_use]
pub fn request_in_form(case: &Case, form: RequestForm) -> (Request, Vec<&'static str>) {
    let request = modern_cases::request_for(case);
    if form == RequestForm::AbsoluteUri {
        return (request, Vec::new());
    }
    let (mut parts, ()) = request.into_parts();
    let mut added = Vec::new();
    if let Some(authority) = parts.uri.authority().cloned()
        && !parts.headers.contains_key("host")
    {
        parts.headers.insert(
            "host",
            http::HeaderValue::from_str(authority.as_str()).expect("an authority"),
        );
        added.push("host");
    }
    if parts.uri.scheme_str() == Some("https") && !parts.headers.contains_key("x-forwarded-proto") {
        parts
            .headers
            .insert("x-forwarded-proto", http::HeaderValue::from_static("https"));
        added.push("x-forwarded-proto");
    }
    parts.uri = parts
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str)
        .parse()
        .expect("a path and query");
    (http::Request::from_parts(parts, ()), added)
}

/// Replays `case` through the integration: a fresh [`BapiStandIn`], the configuration
/// ([`config_for`]), and `send` with the request in the framework's form. The answer (`None`
/// for a configuration error: no integration to build), the configuration error, the Backend API
/// calls, and the names of the headers the harness added to the request.
pub async fn replay_one<F, Fut>(
    case: &Case,
    framework: &Framework,
    send: &mut F,
) -> (Result<Answer, String>, Vec<RecordedCall>, Vec<&'static str>)
where
    F: FnMut(ClerkConfig, Request) -> Fut,
    Fut: Future<Output = Answer>,
{
    let stand_in = BapiStandIn::start(case).await;
    let (request, added) = request_in_form(case, framework.form);
    let answer = match config_for(case, stand_in.url()) {
        Ok(config) => Ok(send(config, request).await),
        Err(message) => Err(message),
    };
    (answer, stand_in.calls(), added)
}

/// Replays the [`REPLAYED`] cases through the integration `send` serves (see the module docs),
/// and returns how many were replayed, or every difference, case by case.
///
/// # Errors
///
/// A readable list of the cases that differ from the recording, and how.
pub async fn replay<F, Fut>(framework: &Framework, mut send: F) -> Result<usize, String>
where
    F: FnMut(ClerkConfig, Request) -> Fut,
    Fut: Future<Output = Answer>,
{
    let pairs = replayed_pairs();
    let mut failures = Vec::new();
    for (case, expected) in &pairs {
        let (answer, calls, added) = replay_one(case, framework, &mut send).await;
        let mut problems = unreplayable_options(case);
        problems.extend(check(expected, framework, answer, calls, &added));
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", case.name, problems.join("\n    ")));
        }
    }
    if failures.is_empty() {
        Ok(pairs.len())
    } else {
        Err(format!(
            "{} of {} cases differ from @clerk/backend 3.25.0 through the integration:\n{}",
            failures.len(),
            pairs.len(),
            failures.join("\n")
        ))
    }
}

fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The calls with the harness's own request headers left out of `request_headers`.
fn without_added(mut calls: Vec<RecordedCall>, added: &[&str]) -> Vec<RecordedCall> {
    for call in &mut calls {
        if let Some(headers) = call
            .body
            .get_mut("request_headers")
            .and_then(Value::as_object_mut)
        {
            for name in added {
                headers.remove(*name);
            }
        }
    }
    calls
}

/// Every way the integration's `answer` to a case differs from its recording `expected` (see
/// the module docs).
#[must_use]
pub fn check(
    expected: &Expected,
    framework: &Framework,
    answer: Result<Answer, String>,
    calls: Vec<RecordedCall>,
    added: &[&str],
) -> Vec<String> {
    let calls = without_added(calls, added);
    let answer = match answer {
        Ok(answer) => answer,
        Err(message) => {
            return compare(
                expected,
                &Observed {
                    error_message: Some(message),
                    calls,
                    ..Observed::default()
                },
            );
        }
    };
    let mut problems = Vec::new();
    // What a response cannot show: compared on the core side only.
    let mut want = expected.clone();
    want.token = None;
    want.token_type = None;
    want.has = None;
    want.to_auth_pending_allowed = None;
    let redirect = want.location.is_some();
    let handler = if redirect {
        want.to_auth = None;
        if answer.status != 307 {
            problems.push(format!("HTTP {}, expected 307", answer.status));
        }
        if !answer.body.is_empty() {
            problems.push(format!(
                "a 307 with a body of {} bytes: {:?}",
                answer.body.len(),
                String::from_utf8_lossy(&answer.body)
            ));
        }
        if let Some(ct) = header(&answer, "content-type") {
            problems.push(format!("a 307 with content-type {ct:?}"));
        }
        None
    } else {
        if answer.status != 200 {
            problems.push(format!(
                "HTTP {}, expected 200 from the handler",
                answer.status
            ));
        }
        match serde_json::from_slice::<Value>(&answer.body) {
            Ok(body) if body["handler"] == true => Some(body["auth"].clone()),
            _ => {
                problems.push(format!(
                    "the handler did not answer: {:?}",
                    String::from_utf8_lossy(&answer.body)
                ));
                None
            }
        }
    };
    let headers: Vec<(String, String)> = answer
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .filter(|(n, _)| !framework.own_response_headers.contains(&n.as_str()))
        .collect();
    let observed = Observed {
        error_message: None,
        status: header(&answer, "x-clerk-auth-status")
            .unwrap_or("signed-in")
            .to_owned(),
        reason: header(&answer, "x-clerk-auth-reason").map(str::to_owned),
        message: header(&answer, "x-clerk-auth-message").map(str::to_owned),
        token_type: None,
        token: None,
        headers,
        location: None,
        to_auth: handler.filter(|auth| !auth.is_null()),
        to_auth_pending_allowed: None,
        has: Vec::new(),
        calls,
    };
    problems.extend(compare(&want, &observed));
    problems
}

/// One of the [`FIXED_DEVIATIONS`] (`prefix`: its name's start) through the integration: our
/// behaviour, not the recording's. N05: the handler runs signed out (`unexpected-error`, the
/// signature message), one JWKS call. D08: signed out `session-token-and-uat-missing`, no call.
/// H23 and C28: signed in as `user_1` in `org_2` (`acme`, `org:admin`) without permissions, no
/// `x-clerk-auth-*` header, one JWKS call.
///
/// # Errors
///
/// What differs.
///
/// # Panics
///
/// When `prefix` names no fixed deviation.
pub async fn fixed_deviation<F, Fut>(
    prefix: &str,
    framework: &Framework,
    mut send: F,
) -> Result<(), String>
where
    F: FnMut(ClerkConfig, Request) -> Fut,
    Fut: Future<Output = Answer>,
{
    let (case, _) = case(prefix);
    assert!(
        FIXED_DEVIATIONS.contains(&case.name.as_str()),
        "{} is not a fixed deviation",
        case.name
    );
    let (answer, calls, _) = replay_one(&case, framework, &mut send).await;
    let answer = answer.map_err(|e| format!("{}: configuration error {e}", case.name))?;
    let mut problems = Vec::new();
    let body: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    if answer.status != 200 || body["handler"] != true {
        problems.push(format!(
            "HTTP {} {:?}, expected the handler's 200",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        ));
    }
    let auth = &body["auth"];
    let jwks = |secret: &str| RecordedCall {
        method: "GET".to_owned(),
        path_and_query: "/v1/jwks".to_owned(),
        authorization: Some(format!("Bearer {secret}")),
        body: Value::Null,
    };
    let (status, reason, message, want_calls) = match &case.name[..3] {
        "N05" => (
            Some("signed-out"),
            Some("unexpected-error"),
            Some(
                "Clerk: Handshake token verification failed due to an invalid signature. If you have switched Clerk keys locally, clear your cookies and try again.",
            ),
            vec![jwks("sk_test_oracle_dev_secret")],
        ),
        "D08" => (
            Some("signed-out"),
            Some("session-token-and-uat-missing"),
            None,
            Vec::new(),
        ),
        _ => (None, None, None, vec![jwks("sk_live_oracle_prod_secret")]),
    };
    for (name, want) in [
        ("x-clerk-auth-status", status),
        ("x-clerk-auth-reason", reason),
        ("x-clerk-auth-message", message),
    ] {
        let got = header(&answer, name);
        if got != want {
            problems.push(format!("{name} {got:?}, expected {want:?}"));
        }
    }
    for name in ["location", "set-cookie"] {
        if let Some(got) = header(&answer, name) {
            problems.push(format!("unexpected {name} {got:?}"));
        }
    }
    if status.is_some() {
        if auth["isAuthenticated"] != false || !auth["userId"].is_null() {
            problems.push(format!("auth object {auth}, expected signed out"));
        }
    } else {
        let want = [
            ("isAuthenticated", json!(true)),
            ("userId", json!("user_1")),
            ("sessionId", json!("sess_1")),
            ("orgId", json!("org_2")),
            ("orgSlug", json!("acme")),
            ("orgRole", json!("org:admin")),
            ("orgPermissions", json!([])),
        ];
        for (field, value) in want {
            if auth[field] != value {
                problems.push(format!("auth.{field} {}, expected {value}", auth[field]));
            }
        }
        if auth["sessionClaims"]["fea"] != "dashboard" {
            problems.push(format!("auth.sessionClaims {}", auth["sessionClaims"]));
        }
    }
    if calls != want_calls {
        problems.push(format!("calls {calls:?}, expected {want_calls:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", case.name, problems.join("; ")))
    }
}

// ------------------------------------------------------------------------------------ socket

/// The configuration of the socket scenario [`client_uat_without_session`]: the production
/// instance of the cases (`C03`'s options, the handshake protocol). No Backend API call is made.
///
/// # Panics
///
/// When the vectors are missing.
#[must_use]
pub fn socket_config() -> ClerkConfig {
    let (case, _) = case("C03-");
    config_for(&case, "http://127.0.0.1:9").expect("C03 builds")
}

/// Over a real socket, against an application serving the routes of
/// [`scenarios`](crate::scenarios) (`/me` with `ClerkUser`, `/optional` with
/// `Option<ClerkUser>`) behind the integration configured with [`socket_config`], at `base`
/// (`http://127.0.0.1:PORT`): a request with `__client_uat` > 0 and no session
///
/// * from a browser navigation (`sec-fetch-dest: document`) is answered `307` (no handler)
///   to the frontend API's handshake with `redirect_url` the request's URL, a
///   `__clerk_redirect_count=1` cookie, `cache-control: no-store` and an empty body;
/// * as an API call (no `sec-fetch-dest`, `accept: application/json`) reaches the handler signed
///   out: `/optional` is `200` with no user, `/me` is `401`; both carry `x-clerk-auth-status:
///   signed-out` and `x-clerk-auth-reason: client-uat-but-no-session-token`, and no
///   `location` or `set-cookie`.
///
/// # Errors
///
/// What differs.
///
/// # Panics
///
/// When the HTTP client cannot be built.
pub async fn client_uat_without_session(base: &str) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut problems = Vec::new();
    let cookie = "__client_uat=1699999870";

    let url = format!("{base}/me?tab=1");
    let page = client
        .get(&url)
        .header("accept", "text/html,application/xhtml+xml")
        .header("sec-fetch-dest", "document")
        .header("cookie", cookie)
        .send()
        .await
        .map_err(|e| format!("navigation: {e}"))?;
    let status = page.status().as_u16();
    let headers = page.headers().clone();
    let get = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    if status != 307 {
        problems.push(format!("navigation: HTTP {status}, expected 307"));
    }
    let location = get("location").join("");
    match url::Url::parse(&location) {
        Ok(l) => {
            let base_url = format!("{}{}", l.origin().ascii_serialization(), l.path());
            if base_url != "https://clerk.example.com/v1/client/handshake" {
                problems.push(format!("navigation: location base {base_url}"));
            }
            let redirect = l
                .query_pairs()
                .find(|(k, _)| k == "redirect_url")
                .map(|(_, v)| v.into_owned());
            if redirect.as_deref() != Some(url.as_str()) {
                problems.push(format!(
                    "navigation: redirect_url {redirect:?}, expected {url}"
                ));
            }
            let reason = l
                .query_pairs()
                .find(|(k, _)| k == "__clerk_hs_reason")
                .map(|(_, v)| v.into_owned());
            if reason.as_deref() != Some("client-uat-but-no-session-token") {
                problems.push(format!("navigation: __clerk_hs_reason {reason:?}"));
            }
        }
        Err(e) => problems.push(format!("navigation: location {location:?}: {e}")),
    }
    let cookies = get("set-cookie");
    if cookies.len() != 1 || !cookies[0].starts_with("__clerk_redirect_count=1;") {
        problems.push(format!("navigation: set-cookie {cookies:?}"));
    }
    if get("cache-control") != ["no-store"] {
        problems.push(format!(
            "navigation: cache-control {:?}",
            get("cache-control")
        ));
    }
    if get("x-clerk-auth-status") != ["handshake"]
        || get("x-clerk-auth-reason") != ["client-uat-but-no-session-token"]
    {
        problems.push(format!(
            "navigation: x-clerk-auth-status {:?}, -reason {:?}",
            get("x-clerk-auth-status"),
            get("x-clerk-auth-reason")
        ));
    }
    if !get("content-type").is_empty() {
        problems.push(format!(
            "navigation: content-type {:?}",
            get("content-type")
        ));
    }
    let body = page.bytes().await.map_err(|e| e.to_string())?;
    if !body.is_empty() {
        problems.push(format!("navigation: a body of {} bytes", body.len()));
    }

    for (path, want_status, want_body) in [
        ("/optional", 200, Some(json!({"user_id": null}))),
        ("/me", 401, None),
    ] {
        let response = client
            .get(format!("{base}{path}"))
            .header("accept", "application/json")
            .header("cookie", cookie)
            .send()
            .await
            .map_err(|e| format!("API call {path}: {e}"))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let get = |name: &str| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        if status != want_status {
            problems.push(format!(
                "API call {path}: HTTP {status}, expected {want_status}"
            ));
        }
        if get("x-clerk-auth-status") != ["signed-out"]
            || get("x-clerk-auth-reason") != ["client-uat-but-no-session-token"]
        {
            problems.push(format!(
                "API call {path}: x-clerk-auth-status {:?}, -reason {:?}",
                get("x-clerk-auth-status"),
                get("x-clerk-auth-reason")
            ));
        }
        for name in ["location", "set-cookie"] {
            if !get(name).is_empty() {
                problems.push(format!("API call {path}: {name} {:?}", get(name)));
            }
        }
        let text = response.text().await.unwrap_or_default();
        if let Some(want) = want_body {
            let got: Value = serde_json::from_str(&text).unwrap_or_default();
            if got != want {
                problems.push(format!("API call {path}: body {text:?}, expected {want}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ninety_seven_cases_are_replayed() {
        let pairs = replayed_pairs();
        assert_eq!(pairs.len(), REPLAYED);
        assert!(
            pairs
                .iter()
                .all(|(c, _)| !FIXED_DEVIATIONS.contains(&c.name.as_str()))
        );
    }

    #[test]
    fn the_origin_form_moves_the_authority_into_headers() {
        let (c16, _) = case("C16");
        let (request, added) = request_in_form(&c16, RequestForm::OriginForm);
        assert_eq!(request.uri().to_string(), "/dashboard");
        assert_eq!(request.headers()["host"], "example.com");
        assert_eq!(request.headers()["x-forwarded-proto"], "https");
        assert_eq!(added, ["host", "x-forwarded-proto"]);
        // C30 sends its own forwarded headers, over http.
        let (c30, _) = case("C30");
        let (request, added) = request_in_form(&c30, RequestForm::OriginForm);
        assert_eq!(request.uri().to_string(), "/page?x=1");
        assert_eq!(request.headers()["host"], "localhost:3000");
        assert_eq!(added, ["host"]);
        let (request, added) = request_in_form(&c30, RequestForm::AbsoluteUri);
        assert_eq!(request.uri().to_string(), "http://localhost:3000/page?x=1");
        assert!(added.is_empty());
    }

    #[test]
    fn a_recorded_answer_checks_clean() {
        const OWN: Framework = Framework {
            form: RequestForm::AbsoluteUri,
            own_response_headers: &["content-type"],
        };
        for prefix in ["C03", "C16", "C01"] {
            let (_, expected) = case(prefix);
            let redirect = expected.location.is_some();
            let mut headers = expected.headers.clone();
            let body = if redirect {
                Vec::new()
            } else {
                headers.push(("content-type".into(), "application/json".into()));
                serde_json::to_vec(&json!({"handler": true, "auth": expected.to_auth}))
                    .expect("json")
            };
            let answer = Answer {
                status: if redirect { 307 } else { 200 },
                headers,
                body,
            };
            let calls = Observed::from_recording(&expected).calls;
            assert_eq!(
                check(&expected, &OWN, Ok(answer.clone()), calls.clone(), &[]),
                Vec::<String>::new(),
                "{prefix}"
            );
            // A body on a redirect, or a status header on a signed-in answer, is found.
            let mut wrong = answer;
            if redirect {
                wrong.body = b"x".to_vec();
            } else {
                wrong
                    .headers
                    .push(("x-clerk-auth-status".into(), "signed-in".into()));
            }
            assert!(
                !check(&expected, &OWN, Ok(wrong), calls, &[]).is_empty(),
                "{prefix}"
            );
        }
    }
}
