//! The replay harness of the handshake-protocol conformance vectors: the 101 cases of
//! `vectors/modern-auth/` recorded from `@clerk/backend` 3.25.0, typed; a case's request; a
//! stand-in Backend API serving its JWKS and routes on 127.0.0.1 and recording every call; and
//! [`compare`], which lists how what a replay observed differs from the recording.
//!
//! The files ship with this crate (`vectors/modern-auth/`, described in its README);
//! `CLERK_MODERN_AUTH_CASES` may name another directory holding `cases.json`, `results.json` and
//! `fixture-keys.json`.
//!
//! Nothing here depends on how the SDK authenticates a request: a test builds its configuration
//! from [`Case::options`], sends [`request_for`] through it with the API URL set to
//! [`BapiStandIn::url`], fills an [`Observed`] from the state it gets, and calls [`compare`].
//!
//! ```no_run
//! use clerk_testing::modern_cases::{self, BapiStandIn, Observed};
//!
//! # async fn replay() {
//! for (case, expected) in modern_cases::pairs() {
//!     let stand_in = BapiStandIn::start(&case).await;
//!     let request = modern_cases::request_for(&case);
//!     // … build a configuration from case.options with api_url = stand_in.url(), replay
//!     // `request`, and describe the state:
//!     let observed = Observed { calls: stand_in.calls(), ..Observed::default() };
//!     let mismatches = modern_cases::compare(&expected, &observed);
//!     # let _ = (request, mismatches);
//! }
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The Backend API base the cases were recorded against; recorded call URLs are relative to it.
pub const RECORDED_API_URL: &str = "https://api.clerk.test";

/// The placeholder of `options.jwtKey` that stands for the fixture public key.
pub const FIXTURE_SPKI: &str = "$fixture_spki";

/// The fields of a recorded auth object that [`compare`] checks (besides any other field the
/// recording has).
pub const AUTH_FIELDS: [&str; 12] = [
    "tokenType",
    "actor",
    "sessionClaims",
    "sessionId",
    "sessionStatus",
    "userId",
    "orgId",
    "orgRole",
    "orgSlug",
    "orgPermissions",
    "factorVerificationAge",
    "isAuthenticated",
];

// ------------------------------------------------------------------------------------ files

fn vectors_dir() -> PathBuf {
    std::env::var_os("CLERK_MODERN_AUTH_CASES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/modern-auth"),
        PathBuf::from,
    )
}

fn read_json<T: serde::de::DeserializeOwned>(file: &str) -> T {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "modern-auth vectors not found at {} ({e}); they ship in clerk-testing/vectors/modern-auth (or set CLERK_MODERN_AUTH_CASES to a directory)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

#[derive(Deserialize)]
struct CasesFile {
    fixtures: Value,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct ResultsFile {
    lib: String,
    shared: String,
    results: Vec<Expected>,
}

/// Every case of `cases.json`, in file order, with `options.jwtKey: "$fixture_spki"` replaced by
/// the fixture public key PEM ([`FixtureKeys::public_spki_pem`]).
///
/// # Panics
///
/// When the file is missing or a case does not parse (an unknown option key included).
#[must_use]
pub fn cases() -> Vec<Case> {
    let file: CasesFile = read_json("cases.json");
    let keys = fixture_keys();
    file.cases
        .into_iter()
        .map(|mut case| {
            if case.options.jwt_key.as_deref() == Some(FIXTURE_SPKI) {
                case.options.jwt_key = Some(keys.public_spki_pem.clone());
            }
            case
        })
        .collect()
}

/// The `fixtures` of `cases.json`: `now`, the `prod` and `dev` instances (publishable key,
/// secret key, frontend API, cookie suffix), `machineSecretKey`, `tokens` and
/// `handshakeTokens` by name.
///
/// # Panics
///
/// When the file is missing or is not JSON.
#[must_use]
pub fn fixtures() -> Value {
    read_json::<CasesFile>("cases.json").fixtures
}

/// Every recorded result of `results.json`, in the order of [`cases`].
///
/// # Panics
///
/// When the file is missing or a result does not parse.
#[must_use]
pub fn results() -> Vec<Expected> {
    read_json::<ResultsFile>("results.json").results
}

/// The package versions the results were recorded with, e.g.
/// `("@clerk/backend@3.25.0", "@clerk/shared@4.41.0")`.
///
/// # Panics
///
/// When the file is missing or does not parse.
#[must_use]
pub fn recorded_with() -> (String, String) {
    let file = read_json::<ResultsFile>("results.json");
    (file.lib, file.shared)
}

/// Every case with its recorded result.
///
/// # Panics
///
/// When the files are missing, or the two files do not list the same names in the same order.
#[must_use]
pub fn pairs() -> Vec<(Case, Expected)> {
    let cases = cases();
    let results = results();
    assert_eq!(
        cases.len(),
        results.len(),
        "cases.json and results.json differ in length"
    );
    cases
        .into_iter()
        .zip(results)
        .inspect(|(c, r)| assert_eq!(c.name, r.name, "cases.json and results.json out of step"))
        .collect()
}

/// The public half of the fixture key (`fixture-keys.json` → `oracle`). The private key in that
/// file is not read.
#[derive(Debug, Clone, Deserialize)]
pub struct FixtureKeys {
    /// `ins_oracle_fixture_kid_1`.
    pub kid: String,
    /// The public key as a PEM `PUBLIC KEY` (SPKI).
    pub public_spki_pem: String,
    /// The same key as the base64 SPKI body on one line (the form the oracle gave as `jwtKey`).
    pub jwt_key_spki_base64_single_line: String,
    /// The public JWK.
    pub public_jwk: Value,
    /// `{"keys": [public_jwk]}`, what the stand-in serves at `/v1/jwks`.
    pub jwks: Value,
}

/// The fixture key of `fixture-keys.json`.
///
/// # Panics
///
/// When the file is missing or has no `oracle` key.
#[must_use]
pub fn fixture_keys() -> FixtureKeys {
    #[derive(Deserialize)]
    struct File {
        oracle: FixtureKeys,
    }
    read_json::<File>("fixture-keys.json").oracle
}

// ------------------------------------------------------------------------------------ cases

/// One case of `cases.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique; its first letter is the family (H, C, N, D, S, E, M).
    pub name: String,
    /// What it shows, one sentence.
    pub about: String,
    /// The fixed clock, Unix seconds.
    pub now: i64,
    /// The `authenticateRequest` options.
    pub options: CaseOptions,
    /// The incoming request.
    pub request: CaseRequest,
    /// What the Backend API answers.
    #[serde(default)]
    pub bapi: Bapi,
    /// Extra questions asked of the auth object.
    #[serde(default)]
    pub probe: Probe,
}

/// A string option that may also be a list (`issuer`, `audience`, `acceptsToken`, `headerType`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single string.
    One(String),
    /// A list.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a list (one element for [`OneOrMany::One`]).
    #[must_use]
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Self::One(s) => vec![s.clone()],
            Self::Many(v) => v.clone(),
        }
    }

    /// Whether it is exactly the single string `value` (not a list holding it).
    #[must_use]
    pub fn is(&self, value: &str) -> bool {
        matches!(self, Self::One(s) if s == value)
    }
}

/// `organizationSyncOptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationSyncOptions {
    /// Patterns with an `:id` or `:slug` parameter selecting an organization.
    #[serde(default)]
    pub organization_patterns: Vec<String>,
    /// Patterns selecting the personal account.
    #[serde(default)]
    pub personal_account_patterns: Vec<String>,
}

/// The options of a case, every key the cases use (`None`: not set). Unknown keys are refused,
/// so a new option in the vectors fails loudly here.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseOptions {
    /// `secretKey`.
    pub secret_key: Option<String>,
    /// `publishableKey`.
    pub publishable_key: Option<String>,
    /// `jwtKey`; [`cases`] resolves `$fixture_spki` to the fixture PEM.
    pub jwt_key: Option<String>,
    /// `authorizedParties`.
    pub authorized_parties: Option<Vec<String>>,
    /// `audience` (string or list).
    pub audience: Option<OneOrMany>,
    /// `issuer` (string or list).
    pub issuer: Option<OneOrMany>,
    /// `domain`.
    pub domain: Option<String>,
    /// `isSatellite`.
    pub is_satellite: Option<bool>,
    /// `proxyUrl` (absolute, or a path starting with `/`).
    pub proxy_url: Option<String>,
    /// `signInUrl`.
    pub sign_in_url: Option<String>,
    /// `satelliteAutoSync`.
    pub satellite_auto_sync: Option<bool>,
    /// `organizationSyncOptions`.
    pub organization_sync_options: Option<OrganizationSyncOptions>,
    /// `acceptsToken` (string or list); absent means `session_token`.
    pub accepts_token: Option<OneOrMany>,
    /// `machineSecretKey`.
    pub machine_secret_key: Option<String>,
    /// `clockSkewInMs`.
    pub clock_skew_in_ms: Option<i64>,
    /// `skipJwksCache`.
    pub skip_jwks_cache: Option<bool>,
    /// `headerType` (string or list).
    pub header_type: Option<OneOrMany>,
}

impl CaseOptions {
    /// Whether the case authenticates session tokens only: `acceptsToken` absent or exactly the
    /// string `"session_token"`.
    #[must_use]
    pub fn session_tokens_only(&self) -> bool {
        self.accepts_token
            .as_ref()
            .is_none_or(|a| a.is("session_token"))
    }
}

/// The request of a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    /// The method (`GET` when absent).
    #[serde(default = "get")]
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Header fields in order, as `(name, value)`.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Cookies in order, as `(name, value)`; sent as one `cookie` header.
    #[serde(default)]
    pub cookies: Vec<(String, String)>,
}

fn get() -> String {
    "GET".to_owned()
}

/// What the stand-in Backend API answers for a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bapi {
    /// `GET /v1/jwks`: absent or `"$fixture"` (the fixture JWKS), `"$empty"` (`{"keys":[]}`), or
    /// `{status, body}`.
    pub jwks: Option<Value>,
    /// Further routes, matched on exact method and path (without the query).
    #[serde(default)]
    pub routes: Vec<Route>,
}

/// One route of [`Bapi::routes`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Route {
    /// The method (`GET` when absent).
    #[serde(default = "get")]
    pub method: String,
    /// The exact path, e.g. `/v1/sessions/sess_1/refresh`.
    pub path: String,
    /// The status (200 when absent).
    pub status: Option<u16>,
    /// The JSON body (`{}` when absent; a string is sent as it is).
    pub body: Option<Value>,
    /// Drop the connection without answering.
    #[serde(default)]
    pub transport_error: bool,
    /// Accepted for completeness (the oracle honours it); every stand-in answer is
    /// `application/json`, and no case sets it.
    pub content_type: Option<String>,
}

/// The probes of a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// Arguments of `has()`, as JSON (`{"role": …}`, `{"reverification": "strict"}`, …).
    #[serde(default)]
    pub has: Vec<Value>,
    /// Also ask for the auth object with pending sessions treated as signed in.
    #[serde(default)]
    pub to_auth_pending: bool,
}

/// The `cookie` header of a case: its cookies as `n=v; n=v` in order, `None` when it has none.
#[must_use]
pub fn cookie_header(case: &Case) -> Option<String> {
    let cookies = &case.request.cookies;
    (!cookies.is_empty()).then(|| {
        cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The request of a case: its method, its URL as an absolute URI, its headers in order and one
/// `cookie` header ([`cookie_header`]) after them. No `host` header is added: the recorded
/// requests had none (and the refresh call echoes every request header to the Backend API).
///
/// # Panics
///
/// When the case's method, URL or headers are not valid HTTP.
#[must_use]
pub fn request_for(case: &Case) -> http::Request<()> {
    let r = &case.request;
    let mut b = http::Request::builder()
        .method(r.method.as_str())
        .uri(r.url.as_str());
    for (name, value) in &r.headers {
        b = b.header(name.as_str(), value.as_str());
    }
    if let Some(cookie) = cookie_header(case) {
        b = b.header("cookie", cookie);
    }
    b.body(())
        .unwrap_or_else(|e| panic!("{}: not a valid request: {e}", case.name))
}

// ------------------------------------------------------------------------------------ results

/// How a recorded call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// `authenticateRequest` returned a state.
    State,
    /// It rejected (a configuration error, or N05/D08).
    Exception,
}

/// The error of an `exception` result.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordedError {
    /// The JavaScript class name (`Error`, `TypeError`).
    pub name: String,
    /// The message; only its first line is ours to match.
    pub message: String,
}

/// The Location of a recorded state, split.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RecordedLocation {
    /// Origin and path.
    #[serde(default)]
    pub base: String,
    /// Query pairs in order, decoded.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// The raw value when it was not an absolute URL (no case has one).
    pub raw: Option<String>,
}

/// The headers of a recorded outbound call.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordedRequestHeaders {
    /// `authorization`.
    pub authorization: Option<String>,
    /// `clerk-api-version` (informational).
    #[serde(rename = "clerk-api-version")]
    pub clerk_api_version: Option<String>,
    /// `content-type`.
    #[serde(rename = "content-type")]
    pub content_type: Option<String>,
    /// `user-agent` (informational).
    #[serde(rename = "user-agent")]
    pub user_agent: Option<String>,
}

/// An outbound call the library made.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The absolute URL (under [`RECORDED_API_URL`]).
    pub url: String,
    /// Its headers of interest.
    #[serde(default)]
    pub headers: RecordedRequestHeaders,
    /// The parsed JSON body, `null` without one.
    #[serde(default)]
    pub body: Value,
    /// The answer's status, or `"transport-error"`.
    #[serde(default)]
    pub outcome: Value,
}

/// One recorded result of `results.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    /// The case's name.
    pub name: String,
    /// `state` or `exception`.
    pub outcome: Outcome,
    /// The rejection, for `exception`.
    pub error: Option<RecordedError>,
    /// `signed-in`, `signed-out` or `handshake`.
    pub status: Option<String>,
    /// The reason (`null` when signed in).
    pub reason: Option<String>,
    /// The message (`null` when signed in, often `""` otherwise).
    pub message: Option<String>,
    /// `session_token`, a machine type, or `null`.
    pub token_type: Option<String>,
    /// Whether the state is authenticated.
    pub is_authenticated: Option<bool>,
    /// The verified token.
    pub token: Option<String>,
    /// The options the state repeats (informational).
    pub echo: Option<Value>,
    /// Every header of the state, names lower-case and sorted, `set-cookie` last in order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The Location, split.
    pub location: Option<RecordedLocation>,
    /// The auth object without its functions; `None` for a handshake (and exceptions).
    pub to_auth: Option<Value>,
    /// `getToken()`: `null`, `"$state.token"` or a value.
    pub get_token: Option<Value>,
    /// `has()` answers for the probe, `[params, answer]`.
    pub has: Option<Vec<(Value, Value)>>,
    /// The auth object with pending sessions allowed, for `probe.toAuthPending`.
    pub to_auth_pending_allowed: Option<Value>,
    /// Every outbound call, in order.
    #[serde(default)]
    pub requests: Vec<RecordedRequest>,
    /// Captured console lines (informational).
    #[serde(default)]
    pub logs: Vec<Value>,
}

// ------------------------------------------------------------------------------------ stand-in

/// A call the [`BapiStandIn`] answered (or dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCall {
    /// The method.
    pub method: String,
    /// Path and query, e.g. `/v1/clients/handshake_payload?nonce=n1`.
    pub path_and_query: String,
    /// The `authorization` header.
    pub authorization: Option<String>,
    /// The parsed JSON body; `null` without a body; a string when the body is not JSON.
    pub body: Value,
}

/// A stand-in for the Backend API of one case, on 127.0.0.1: `GET …/jwks` (any path ending in
/// `/jwks`, as in the oracle) serves the fixture JWKS unless `bapi.jwks` says otherwise; the
/// case's `bapi.routes` come first (exact method and path; `transportError` drops the
/// connection); anything else is 404 `resource_not_found`. Every answer is `content-type:
/// application/json`. Every call is recorded. The server stops when this is dropped.
#[derive(Debug)]
pub struct BapiStandIn {
    url: String,
    calls: Arc<Mutex<Vec<RecordedCall>>>,
    server: JoinHandle<()>,
}

#[derive(Debug)]
struct Plan {
    jwks_status: u16,
    jwks_body: Value,
    routes: Vec<Route>,
}

/// A route asked to fail: the connection is dropped without an answer.
#[derive(Debug)]
struct TransportError;

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("transport error asked by the case")
    }
}

impl std::error::Error for TransportError {}

fn resolve_jwks(value: &Value, fixture: &Value) -> Value {
    match value.as_str() {
        Some("$fixture") => fixture.clone(),
        Some("$empty") => json!({"keys": []}),
        _ => value.clone(),
    }
}

impl BapiStandIn {
    /// Starts the stand-in of `case`.
    ///
    /// # Panics
    ///
    /// When no port can be bound on 127.0.0.1, or `fixture-keys.json` is missing.
    pub async fn start(case: &Case) -> Self {
        let fixture = fixture_keys().jwks;
        let (jwks_status, jwks_body) = match &case.bapi.jwks {
            None => (200, fixture),
            Some(Value::Object(o)) if o.contains_key("status") => (
                o["status"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(200),
                resolve_jwks(o.get("body").unwrap_or(&Value::Null), &fixture),
            ),
            Some(other) => (200, resolve_jwks(other, &fixture)),
        };
        let plan = Arc::new(Plan {
            jwks_status,
            jwks_body,
            routes: case.bapi.routes.clone(),
        });
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Backend API stand-in");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let calls = Arc::new(Mutex::new(Vec::new()));
        let recorder = Arc::clone(&calls);
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let plan = Arc::clone(&plan);
                let recorder = Arc::clone(&recorder);
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let plan = Arc::clone(&plan);
                        let recorder = Arc::clone(&recorder);
                        async move { answer(&plan, &recorder, req).await }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { url, calls, server }
    }

    /// The base URL, `http://127.0.0.1:PORT`, for the SDK's API URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every call so far, in arrival order.
    ///
    /// # Panics
    ///
    /// When the recorder's lock is poisoned.
    #[must_use]
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.calls.lock().expect("calls").clone()
    }
}

impl Drop for BapiStandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn answer(
    plan: &Plan,
    recorder: &Mutex<Vec<RecordedCall>>,
    req: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, TransportError> {
    let (parts, body) = req.into_parts();
    let bytes = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    recorder.lock().expect("calls").push(RecordedCall {
        method: method.clone(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), |p| p.as_str().to_owned()),
        authorization: parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body,
    });
    let (status, body) = if let Some(route) = plan
        .routes
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(&method) && r.path == path)
    {
        if route.transport_error {
            return Err(TransportError);
        }
        (
            route.status.unwrap_or(200),
            route.body.clone().unwrap_or_else(|| json!({})),
        )
    } else if method == "GET" && path.ends_with("/jwks") {
        (plan.jwks_status, plan.jwks_body.clone())
    } else {
        (
            404,
            json!({"errors": [{
                "code": "resource_not_found",
                "message": "not found",
                "long_message": "oracle fake BAPI: no route",
                "meta": {}
            }]}),
        )
    };
    let text = match body {
        Value::String(s) => s,
        other => other.to_string(),
    };
    Ok(http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(text)))
        .expect("a valid response"))
}

// ------------------------------------------------------------------------------------ compare

/// What a replay saw, to [`compare`] with the recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// The configuration error (the message of `ConfigError`) when the replay could not even
    /// build a configuration; the other fields are then ignored except `calls`.
    pub error_message: Option<String>,
    /// `signed-in`, `signed-out` or `handshake`.
    pub status: String,
    /// The reason.
    pub reason: Option<String>,
    /// The message (`None` and `""` compare equal).
    pub message: Option<String>,
    /// The token type.
    pub token_type: Option<String>,
    /// The verified token.
    pub token: Option<String>,
    /// Every header of the state, `(lower-case name, value)`, in emission order.
    pub headers: Vec<(String, String)>,
    /// The Location; when `None`, the `location` entry of `headers` is used.
    pub location: Option<String>,
    /// The auth object as JSON with the recording's field names ([`AUTH_FIELDS`]); `None` when the
    /// state gives none (a handshake).
    pub to_auth: Option<Value>,
    /// The auth object with pending sessions allowed, when the case probes it.
    pub to_auth_pending_allowed: Option<Value>,
    /// `has()` answers for the case's probe, `(params, answer)`.
    pub has: Vec<(Value, bool)>,
    /// The calls the Backend API stand-in received.
    pub calls: Vec<RecordedCall>,
}

impl Observed {
    /// The observation the recording itself describes (for testing [`compare`]): calls relative
    /// to [`RECORDED_API_URL`], the Location rebuilt from its parts.
    #[must_use]
    pub fn from_recording(expected: &Expected) -> Self {
        let calls = expected
            .requests
            .iter()
            .map(|r| RecordedCall {
                method: r.method.clone(),
                path_and_query: r
                    .url
                    .strip_prefix(RECORDED_API_URL)
                    .unwrap_or(&r.url)
                    .to_owned(),
                authorization: r.headers.authorization.clone(),
                body: r.body.clone(),
            })
            .collect();
        if expected.outcome == Outcome::Exception {
            return Self {
                error_message: expected.error.as_ref().map(|e| e.message.clone()),
                calls,
                ..Self::default()
            };
        }
        Self {
            error_message: None,
            status: expected.status.clone().unwrap_or_default(),
            reason: expected.reason.clone(),
            message: expected.message.clone(),
            token_type: expected.token_type.clone(),
            token: expected.token.clone(),
            headers: expected.headers.clone(),
            location: None,
            to_auth: expected.to_auth.clone(),
            to_auth_pending_allowed: expected.to_auth_pending_allowed.clone(),
            has: expected
                .has
                .iter()
                .flatten()
                .map(|(p, a)| (p.clone(), a.as_bool().unwrap_or(false)))
                .collect(),
            calls,
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn non_empty(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.is_empty())
}

/// Every way `observed` differs from the recording `expected`, one readable line each (empty:
/// the replay conforms).
///
/// * `exception`: the observed configuration error's first line must equal the recorded
///   message's first line (upstream appends setup help).
/// * status, reason, message (`None` ≡ `""`), tokenType, token: exact.
/// * headers other than `location`: the same multiset (order ignored), except that the
///   `set-cookie` values must come in the same order.
/// * Location: the same `base` (origin + path) and the same query pairs in the same order, after
///   parsing the observed value.
/// * the auth object: [`AUTH_FIELDS`] and any other field the recording has; `orgPermissions`
///   `null` ≡ `[]` (the Rust API cannot tell them apart); `sessionClaims` as a JSON object.
/// * `has()`: the same parameters with the same answers, in order.
/// * outbound calls: the same count, and per call the method, path + query (relative to
///   [`RECORDED_API_URL`]), `authorization` and JSON body; `user-agent` and `clerk-api-version`
///   are not compared.
#[must_use]
pub fn compare(expected: &Expected, observed: &Observed) -> Vec<String> {
    let mut out = Vec::new();
    match (expected.outcome, &observed.error_message) {
        (Outcome::Exception, Some(got)) => {
            let want = expected
                .error
                .as_ref()
                .map_or("", |e| first_line(&e.message));
            if first_line(got) != want {
                out.push(format!(
                    "configuration error {:?}, expected {want:?}",
                    first_line(got)
                ));
            }
        }
        (Outcome::Exception, None) => out.push(format!(
            "a {} state, expected the error {:?}",
            observed.status,
            expected
                .error
                .as_ref()
                .map_or("", |e| first_line(&e.message))
        )),
        (Outcome::State, Some(got)) => out.push(format!(
            "configuration error {:?}, expected a {} state",
            first_line(got),
            expected.status.as_deref().unwrap_or("?")
        )),
        (Outcome::State, None) => compare_state(expected, observed, &mut out),
    }
    compare_calls(&expected.requests, &observed.calls, &mut out);
    out
}

fn compare_state(expected: &Expected, observed: &Observed, out: &mut Vec<String>) {
    let want_status = expected.status.as_deref().unwrap_or_default();
    if observed.status != want_status {
        out.push(format!(
            "status {}, expected {want_status}",
            observed.status
        ));
    }
    if observed.reason != expected.reason {
        out.push(format!(
            "reason {:?}, expected {:?}",
            observed.reason, expected.reason
        ));
    }
    let (got, want) = (
        non_empty(observed.message.as_ref()),
        non_empty(expected.message.as_ref()),
    );
    if got != want {
        out.push(format!("message {got:?}, expected {want:?}"));
    }
    if observed.token_type != expected.token_type {
        out.push(format!(
            "tokenType {:?}, expected {:?}",
            observed.token_type, expected.token_type
        ));
    }
    if observed.token != expected.token {
        out.push(format!(
            "token {}, expected {}",
            describe_token(observed.token.as_deref()),
            describe_token(expected.token.as_deref())
        ));
    }
    compare_headers(&expected.headers, &observed.headers, out);
    let observed_location = observed.location.clone().or_else(|| {
        observed
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.clone())
    });
    compare_location(
        expected.location.as_ref(),
        observed_location.as_deref(),
        out,
    );
    compare_auth(
        "toAuth",
        expected.to_auth.as_ref(),
        observed.to_auth.as_ref(),
        out,
    );
    if expected.to_auth_pending_allowed.is_some() {
        compare_auth(
            "toAuth(pending allowed)",
            expected.to_auth_pending_allowed.as_ref(),
            observed.to_auth_pending_allowed.as_ref(),
            out,
        );
    }
    compare_has(expected.has.as_deref().unwrap_or(&[]), &observed.has, out);
}

fn describe_token(t: Option<&str>) -> String {
    t.map_or_else(
        || "none".to_owned(),
        |t| {
            let end = t.len().min(24);
            format!("{}…({} chars)", t.get(..end).unwrap_or(t), t.len())
        },
    )
}

fn compare_headers(
    expected: &[(String, String)],
    observed: &[(String, String)],
    out: &mut Vec<String>,
) {
    let split = |list: &[(String, String)]| {
        let mut others = BTreeMap::<(String, String), usize>::new();
        let mut cookies = Vec::new();
        for (name, value) in list {
            let name = name.to_ascii_lowercase();
            match name.as_str() {
                "set-cookie" => cookies.push(value.clone()),
                "location" => {}
                _ => *others.entry((name, value.clone())).or_default() += 1,
            }
        }
        (others, cookies)
    };
    let (want, want_cookies) = split(expected);
    let (got, got_cookies) = split(observed);
    for ((name, value), n) in &want {
        let m = got
            .get(&(name.clone(), value.clone()))
            .copied()
            .unwrap_or(0);
        if m < *n {
            let actual: Vec<_> = got
                .keys()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect();
            out.push(format!("header {name}: {value:?} missing (got {actual:?})"));
        }
    }
    for ((name, value), n) in &got {
        let m = want
            .get(&(name.clone(), value.clone()))
            .copied()
            .unwrap_or(0);
        if m < *n && !want.keys().any(|(k, _)| k == name) {
            out.push(format!("unexpected header {name}: {value:?}"));
        } else if m < *n {
            out.push(format!("header {name}: extra value {value:?}"));
        }
    }
    if want_cookies != got_cookies {
        out.push(format!(
            "set-cookie {got_cookies:?}, expected {want_cookies:?} (in this order)"
        ));
    }
}

fn compare_location(
    expected: Option<&RecordedLocation>,
    observed: Option<&str>,
    out: &mut Vec<String>,
) {
    match (expected, observed) {
        (None, None) => {}
        (None, Some(got)) => out.push(format!("unexpected location {got:?}")),
        (Some(want), None) => out.push(format!("no location, expected {}", show_location(want))),
        (Some(want), Some(got)) => {
            if let Some(raw) = &want.raw {
                if raw != got {
                    out.push(format!("location {got:?}, expected {raw:?}"));
                }
                return;
            }
            let Ok(url) = url::Url::parse(got) else {
                out.push(format!(
                    "location {got:?} is not an absolute URL, expected {}",
                    show_location(want)
                ));
                return;
            };
            let base = format!("{}{}", url.origin().ascii_serialization(), url.path());
            if base != want.base {
                out.push(format!("location base {base:?}, expected {:?}", want.base));
            }
            let query: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if query != want.query {
                out.push(format!(
                    "location query {query:?}, expected {:?} (in this order)",
                    want.query
                ));
            }
        }
    }
}

fn show_location(l: &RecordedLocation) -> String {
    let mut s = l.base.clone();
    for (i, (k, v)) in l.query.iter().enumerate() {
        let _ = write!(s, "{}{k}={v}", if i == 0 { '?' } else { '&' });
    }
    s
}

fn compare_auth(
    what: &str,
    expected: Option<&Value>,
    observed: Option<&Value>,
    out: &mut Vec<String>,
) {
    let (want, got) = match (expected, observed) {
        (None | Some(Value::Null), None | Some(Value::Null)) => return,
        (None | Some(Value::Null), Some(got)) => {
            out.push(format!("{what}: an auth object {got}, expected none"));
            return;
        }
        (Some(want), None | Some(Value::Null)) => {
            out.push(format!("{what}: none, expected {want}"));
            return;
        }
        (Some(want), Some(got)) => (want, got),
    };
    if let Some(error) = want.get("error") {
        if got.get("error").is_none() {
            out.push(format!("{what}: the recording threw {error}, got {got}"));
        }
        return;
    }
    let mut fields: Vec<&str> = AUTH_FIELDS.to_vec();
    if let Some(o) = want.as_object() {
        fields.extend(
            o.keys()
                .map(String::as_str)
                .filter(|k| !AUTH_FIELDS.contains(k)),
        );
    }
    for field in fields {
        let w = want.get(field).unwrap_or(&Value::Null);
        let g = got.get(field).unwrap_or(&Value::Null);
        let same = w == g
            || (field == "orgPermissions"
                && [w, g]
                    .iter()
                    .all(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
        if !same {
            out.push(format!("{what}.{field} {g}, expected {w}"));
        }
    }
}

fn compare_has(expected: &[(Value, Value)], observed: &[(Value, bool)], out: &mut Vec<String>) {
    if expected.len() != observed.len() {
        out.push(format!(
            "{} has() answers, expected {}",
            observed.len(),
            expected.len()
        ));
    }
    for ((params, want), (got_params, got)) in expected.iter().zip(observed) {
        if params != got_params {
            out.push(format!("has() asked {got_params}, expected {params}"));
        } else if want.as_bool() != Some(*got) {
            out.push(format!("has({params}) {got}, expected {want}"));
        }
    }
}

fn compare_calls(expected: &[RecordedRequest], observed: &[RecordedCall], out: &mut Vec<String>) {
    let show = |c: &[RecordedCall]| {
        c.iter()
            .map(|c| format!("{} {}", c.method, c.path_and_query))
            .collect::<Vec<_>>()
    };
    let want: Vec<RecordedCall> = expected
        .iter()
        .map(|r| RecordedCall {
            method: r.method.clone(),
            path_and_query: r.url.strip_prefix(RECORDED_API_URL).map_or_else(
                || format!("(outside the Backend API) {}", r.url),
                str::to_owned,
            ),
            authorization: r.headers.authorization.clone(),
            body: r.body.clone(),
        })
        .collect();
    if want.len() != observed.len() {
        out.push(format!(
            "Backend API calls {:?}, expected {:?}",
            show(observed),
            show(&want)
        ));
        return;
    }
    for (i, (w, g)) in want.iter().zip(observed).enumerate() {
        if (&w.method, &w.path_and_query) != (&g.method, &g.path_and_query) {
            out.push(format!(
                "call {i}: {} {}, expected {} {}",
                g.method, g.path_and_query, w.method, w.path_and_query
            ));
            continue;
        }
        if w.authorization != g.authorization {
            out.push(format!(
                "call {i} ({} {}): authorization {:?}, expected {:?}",
                g.method, g.path_and_query, g.authorization, w.authorization
            ));
        }
        if w.body != g.body {
            out.push(format!(
                "call {i} ({} {}): body {}, expected {}",
                g.method, g.path_and_query, g.body, w.body
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str) -> Case {
        cases()
            .into_iter()
            .find(|c| c.name.starts_with(name))
            .unwrap_or_else(|| panic!("no case {name}"))
    }

    fn recorded(name: &str) -> Expected {
        results()
            .into_iter()
            .find(|c| c.name.starts_with(name))
            .unwrap_or_else(|| panic!("no result {name}"))
    }

    #[test]
    fn every_case_and_result_parses() {
        let pairs = pairs();
        assert_eq!(pairs.len(), 101);
        let (lib, shared) = recorded_with();
        assert_eq!(lib, "@clerk/backend@3.25.0");
        assert_eq!(shared, "@clerk/shared@4.41.0");
        let keys = fixture_keys();
        assert_eq!(keys.kid, "ins_oracle_fixture_kid_1");
        for (case, expected) in &pairs {
            assert!(!case.about.is_empty(), "{}", case.name);
            let _ = request_for(case);
            match expected.outcome {
                Outcome::State => assert!(expected.status.is_some(), "{}", case.name),
                Outcome::Exception => assert!(expected.error.is_some(), "{}", case.name),
            }
            assert_ne!(case.options.jwt_key.as_deref(), Some(FIXTURE_SPKI));
        }
        let h16 = case("H16");
        assert_eq!(
            h16.options.jwt_key.as_deref(),
            Some(keys.public_spki_pem.as_str())
        );
        assert!(fixtures()["tokens"]["prod"].is_string());
        // Every family is there, and the option shapes the harness types.
        let c25 = case("C25");
        let sync = c25.options.organization_sync_options.expect("org sync");
        assert_eq!(
            sync.organization_patterns,
            ["/orgs/:slug", "/orgs/:slug/(.*)"]
        );
        assert_eq!(
            case("H11").options.issuer,
            Some(OneOrMany::One("https://clerk.other.com".into()))
        );
        let m15 = case("M15").options;
        assert_eq!(
            m15.accepts_token.as_ref().map(OneOrMany::to_vec),
            Some(vec!["api_key".to_owned(), "m2m_token".to_owned()])
        );
        assert!(!m15.session_tokens_only());
        assert!(case("H01").options.session_tokens_only());
    }

    #[test]
    fn request_for_builds_an_absolute_uri_and_one_cookie_header() {
        let c16 = case("C16");
        let request = request_for(&c16);
        assert_eq!(request.method(), "GET");
        assert_eq!(request.uri().to_string(), "https://example.com/dashboard");
        assert!(request.headers().get("host").is_none());
        let cookies: Vec<_> = request.headers().get_all("cookie").iter().collect();
        assert_eq!(cookies.len(), 1);
        let cookie = cookies[0].to_str().unwrap();
        assert!(cookie.starts_with("__session=eyJ"), "{cookie}");
        assert!(
            cookie.ends_with("; __client_uat=1699999870; __refresh_naoXFJnI=rt_1"),
            "{cookie}"
        );
        let names: Vec<_> = request.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["accept", "sec-fetch-dest", "user-agent", "cookie"]);
        // No cookies, no cookie header; the query stays in the URI.
        let h19 = request_for(&case("H19"));
        assert!(h19.headers().get("cookie").is_none());
        let n04 = request_for(&case("N04"));
        assert!(
            n04.uri()
                .query()
                .is_some_and(|q| q.contains("__clerk_handshake="))
        );
    }

    #[test]
    fn a_recording_matches_itself() {
        for expected in results() {
            let observed = Observed::from_recording(&expected);
            assert_eq!(
                compare(&expected, &observed),
                Vec::<String>::new(),
                "{}",
                expected.name
            );
        }
    }

    #[test]
    fn compare_finds_a_changed_reason() {
        let expected = recorded("C03");
        let mut observed = Observed::from_recording(&expected);
        observed.reason = Some("dev-browser-missing".into());
        let problems = compare(&expected, &observed);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("reason"), "{problems:?}");
    }

    #[test]
    fn compare_keeps_the_order_of_set_cookie_only() {
        let expected = recorded("C16");
        let mut observed = Observed::from_recording(&expected);
        observed.headers.reverse();
        let problems = compare(&expected, &observed);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("set-cookie"), "{problems:?}");
        // Other headers may come in any order.
        let expected = recorded("C03");
        let mut observed = Observed::from_recording(&expected);
        observed.headers.reverse();
        assert!(compare(&expected, &observed).is_empty());
        observed.headers.retain(|(n, _)| n != "cache-control");
        let problems = compare(&expected, &observed);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("cache-control"), "{problems:?}");
    }

    #[test]
    fn compare_parses_the_location_and_keeps_the_query_order() {
        let expected = recorded("C03");
        let want = expected.location.clone().unwrap();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &want.query {
            query.append_pair(k, v);
        }
        let mut observed = Observed::from_recording(&expected);
        // The same URL written with another (equivalent) encoding still matches.
        observed.location = Some(format!("{}?{}", want.base, query.finish()));
        observed.headers.retain(|(n, _)| n != "location");
        assert!(
            compare(&expected, &observed).is_empty(),
            "{:?}",
            compare(&expected, &observed)
        );
        let mut swapped = want.query.clone();
        swapped.swap(0, 1);
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &swapped {
            query.append_pair(k, v);
        }
        observed.location = Some(format!("{}?{}", want.base, query.finish()));
        let problems = compare(&expected, &observed);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("location query"), "{problems:?}");
    }

    #[test]
    fn compare_checks_errors_auth_has_and_calls() {
        let e01 = recorded("E01");
        let observed = Observed {
            error_message: Some("Publishable key is missing.".into()),
            ..Observed::default()
        };
        assert!(compare(&e01, &observed).is_empty());
        let observed = Observed {
            error_message: Some("Missing Clerk Secret Key.".into()),
            ..Observed::default()
        };
        assert_eq!(compare(&e01, &observed).len(), 1);

        let h13 = recorded("H13");
        let mut observed = Observed::from_recording(&h13);
        observed.to_auth.as_mut().unwrap()["orgSlug"] = json!("other");
        observed.has[0].1 = false;
        observed.calls[0].authorization = None;
        let problems = compare(&h13, &observed);
        assert_eq!(problems.len(), 3, "{problems:?}");

        // orgPermissions: null and [] are the same answer.
        let c16 = recorded("C16");
        let mut observed = Observed::from_recording(&c16);
        observed.to_auth.as_mut().unwrap()["orgPermissions"] = json!([]);
        assert_eq!(compare(&c16, &observed), Vec::<String>::new());
    }

    async fn body_json(response: reqwest::Response) -> Value {
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn the_stand_in_serves_records_and_404s() {
        let c16 = case("C16");
        let stand_in = BapiStandIn::start(&c16).await;
        assert!(stand_in.url().starts_with("http://127.0.0.1:"));
        let client = reqwest::Client::new();
        let refresh = client
            .post(format!("{}/v1/sessions/sess_1/refresh?x=1", stand_in.url()))
            .header("authorization", "Bearer sk_live_oracle_prod_secret")
            .body(r#"{"format":"cookie"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(refresh.status(), 200);
        assert_eq!(refresh.headers()["content-type"], "application/json");
        let body: Value = body_json(refresh).await;
        assert_eq!(body["object"], "cookies");
        let jwks: Value = body_json(
            client
                .get(format!("{}/v1/jwks", stand_in.url()))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(jwks, fixture_keys().jwks);
        let missing = client
            .get(format!(
                "{}/v1/clients/handshake_payload?nonce=n",
                stand_in.url()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
        let body: Value = body_json(missing).await;
        assert_eq!(body["errors"][0]["code"], "resource_not_found");
        let calls = stand_in.calls();
        assert_eq!(calls.len(), 3);
        assert_eq!(
            calls[0],
            RecordedCall {
                method: "POST".into(),
                path_and_query: "/v1/sessions/sess_1/refresh?x=1".into(),
                authorization: Some("Bearer sk_live_oracle_prod_secret".into()),
                body: json!({"format": "cookie"}),
            }
        );
        assert_eq!(calls[1].path_and_query, "/v1/jwks");
        assert_eq!(calls[1].body, Value::Null);
        assert_eq!(
            calls[2].path_and_query,
            "/v1/clients/handshake_payload?nonce=n"
        );
    }

    #[tokio::test]
    async fn the_stand_in_serves_case_jwks_and_drops_transport_errors() {
        let client = reqwest::Client::new();
        let h14 = BapiStandIn::start(&case("H14")).await;
        let empty: Value = body_json(
            client
                .get(format!("{}/v1/jwks", h14.url()))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(empty, json!({"keys": []}));
        let h15 = BapiStandIn::start(&case("H15")).await;
        let refused = client
            .get(format!("{}/v1/jwks", h15.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        let m20 = BapiStandIn::start(&case("M20")).await;
        let dropped = client
            .post(format!("{}/api_keys/verify", m20.url()))
            .body(r#"{"secret":"ak_x"}"#)
            .send()
            .await;
        assert!(dropped.is_err(), "{dropped:?}");
        assert_eq!(m20.calls().len(), 1);
    }
}
