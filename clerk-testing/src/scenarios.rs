//! The HTTP scenarios every integration (clerk-axum, clerk-actix, clerk-rocket) must pass, written
//! once: the routes an integration's test application serves, the cases, and [`replay`], which
//! sends them over real sockets and checks status, headers and body.
//!
//! An integration's test serves these routes behind its middleware, with the configuration it is
//! given:
//!
//! | route | handler | `200` answer |
//! |---|---|---|
//! | `GET /public` | no Clerk extractor | `the handler ran` |
//! | `GET /optional` | `Option<ClerkUser>` | `{"user_id": <id or null>}` |
//! | `GET /me` | `ClerkUser` | `{"user_id","session_id","org_id","org_role","org_slug","org_permissions"}` |
//! | `GET /admin` | `Protected<`[`Admins`]`>` | `{"user_id","org_role"}` |
//! | `POST /invoices` | `Protected<`[`InvoicesRead`]`>`, then the body as text | `{"user_id","body"}` |
//! | `GET /many` | `Protected<SignedIn>`, `ClerkUser`, `Option<ClerkUser>`, `Result<ClerkUser, ClerkRejection>` | the four user ids (`""` for none) joined by `,` |
//! | `GET /custom` | `Result<ClerkUser, ClerkRejection>` | `{"hello": <user id>}`; a rejection answers its `status_code()` with `{"code":"not_signed_in","why":<reason()>}` |
//!
//! The scenarios: signed in by header and by cookie; signed out (`401` with
//! `WWW-Authenticate: Bearer`, `Option` is `None`); roles and permissions (`403`); the
//! interstitial (HTML for a browser page, JSON for an API client, JSON when turned off); an
//! expired header token (`unknown`); Clerk outages (the JWKS endpoint answering `500`, non-JSON
//! or an empty key set: public routes keep serving signed out, `ClerkUser` and `Protected` answer
//! `503` with `Retry-After`); a key id the loaded key set lacks (`401`); the custom rejection
//! mapping; several extractors on one request; hostile inputs (never a `5xx`). [`missing_setup`]
//! checks the `500` of a route without the integration.
//! [`replay_nested`] checks nesting (two configurations, one inside the other) for the
//! integrations that can scope a middleware.
//!
//! ```no_run
//! use clerk_testing::{TestInstance, scenarios};
//!
//! # async fn serve(config: clerk_core::ClerkConfig) -> String { unimplemented!() }
//! # async fn run() {
//! let instance = TestInstance::new();
//! // `serve` starts the application with the integration configured by `config` on
//! // 127.0.0.1 and returns its base URL.
//! scenarios::replay(&instance, serve).await.expect("every scenario");
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use clerk_core::integration::{AUTH_REASON_HEADER, AUTH_STATUS_HEADER};
use clerk_core::{Auth, ClerkConfig, Policy, jwt::JwksCacheSettings};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::TestInstance;

/// The policy of `GET /admin`: the `org:admin` role.
#[derive(Debug, Clone, Copy)]
pub struct Admins;

impl Policy for Admins {
    fn roles() -> &'static [&'static str] {
        &["org:admin"]
    }
}

/// The policy of `POST /invoices`: the `org:invoices:read` permission.
#[derive(Debug, Clone, Copy)]
pub struct InvoicesRead;

impl Policy for InvoicesRead {
    fn permissions() -> &'static [&'static str] {
        &["org:invoices:read"]
    }
}

/// The `200` body of `GET /me`: the signed-in user's ids, organization and permissions.
#[must_use]
pub fn me_body(auth: &Auth) -> Value {
    json!({
        "user_id": auth.user_id(),
        "session_id": auth.session_id(),
        "org_id": auth.org_id(),
        "org_role": auth.org_role(),
        "org_slug": auth.org_slug(),
        "org_permissions": auth.org_permissions(),
    })
}

/// The `200` body of `GET /optional`: `{"user_id": <id or null>}`.
#[must_use]
pub fn optional_body(auth: Option<&Auth>) -> Value {
    json!({ "user_id": auth.and_then(Auth::user_id) })
}

/// The `200` body of `GET /admin`: `{"user_id","org_role"}`.
#[must_use]
pub fn admin_body(auth: &Auth) -> Value {
    json!({ "user_id": auth.user_id(), "org_role": auth.org_role() })
}

/// The `200` body of `GET /many`: the user ids its four extractors saw, `""` for none, joined by
/// `,`.
#[must_use]
pub fn many_body(users: [Option<&Auth>; 4]) -> String {
    users
        .map(|auth| auth.and_then(Auth::user_id).unwrap_or_default())
        .join(",")
}

/// The body of `GET /custom`: `{"hello": <user id>}` when signed in, else
/// `{"code":"not_signed_in","why":<reason>}` (to send with the rejection's status).
#[must_use]
pub fn custom_body(user: Result<&Auth, Option<&str>>) -> Value {
    match user {
        Ok(auth) => json!({ "hello": auth.user_id() }),
        Err(reason) => json!({ "code": "not_signed_in", "why": reason }),
    }
}

/// A browser's user agent (the development rules treat other clients as non-browsers).
pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

/// What the JWKS stand-in answers on every path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksReply {
    /// `200` with this key set.
    Keys(Value),
    /// `500` with a JSON body.
    ServerError,
    /// `200` with an HTML body.
    NotJson,
    /// `200` with `{"keys":[]}`.
    EmptySet,
}

/// A Backend API stand-in on 127.0.0.1 answering `GET /v1/jwks` (any path) with a [`JwksReply`],
/// counting requests. It runs until the runtime stops.
#[derive(Debug, Clone)]
pub struct JwksStandIn {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl JwksStandIn {
    /// Starts one.
    ///
    /// # Panics
    ///
    /// When no port can be bound on 127.0.0.1.
    pub async fn start(reply: JwksReply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the JWKS stand-in");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let reply = reply.clone();
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let service = service_fn(move |_req| {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let (status, content_type, body) = match &reply {
                            JwksReply::Keys(keys) => (200, "application/json", keys.to_string()),
                            JwksReply::ServerError => {
                                (500, "application/json", r#"{"errors":[]}"#.to_owned())
                            }
                            JwksReply::NotJson => {
                                (200, "text/html", "<html>maintenance</html>".to_owned())
                            }
                            JwksReply::EmptySet => {
                                (200, "application/json", r#"{"keys":[]}"#.to_owned())
                            }
                        };
                        let response = http::Response::builder()
                            .status(status)
                            .header("content-type", content_type)
                            .body(Full::new(Bytes::from(body)));
                        async move { Ok::<_, Infallible>(response.unwrap_or_default()) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { url, hits }
    }

    /// The base URL, for `ClerkConfig::builder().api_url(..)`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many requests it answered.
    #[must_use]
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// The configuration a scenario runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// `sk_test_…`, the instance's PEM key: the development rules.
    Dev,
    /// `sk_live_…`, the instance's PEM key: no development browser rules.
    Prod,
    /// Development with the interstitial page turned off.
    InterstitialOff,
    /// Keys from a JWKS stand-in giving this reply (production, one attempt per fetch).
    Jwks(Reply),
}

/// [`JwksReply`] without its data, for the case table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    Keys,
    ServerError,
    NotJson,
    EmptySet,
}

/// What a case expects of the body.
#[derive(Debug, Clone)]
enum Body {
    Json(Value),
    Text(String),
    /// HTML containing every string and none of the others.
    Html(Vec<String>, Vec<String>),
}

/// One request and what its answer must be.
#[derive(Debug, Clone)]
struct Case {
    name: &'static str,
    setup: Setup,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Option<&'static str>,
    status: u16,
    /// Headers that must have exactly this value (`None`: absent).
    expect_headers: Vec<(&'static str, Option<String>)>,
    /// Headers that must start with this text.
    header_prefixes: Vec<(&'static str, &'static str)>,
    /// Text no header may contain (a token).
    secret: Option<String>,
    expect_body: Body,
}

impl Case {
    fn new(name: &'static str, setup: Setup, path: &'static str, status: u16) -> Self {
        Self {
            name,
            setup,
            method: "GET",
            path,
            headers: Vec::new(),
            body: None,
            status,
            expect_headers: Vec::new(),
            header_prefixes: Vec::new(),
            secret: None,
            expect_body: Body::Text(String::new()),
        }
    }

    fn post(mut self, body: &'static str) -> Self {
        self.method = "POST";
        self.body = Some(body);
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    fn auth(self, status: &str, reason: Option<&str>) -> Self {
        self.expect("x-clerk-auth-status", Some(status))
            .expect("x-clerk-auth-reason", reason)
    }

    fn expect(mut self, name: &'static str, value: Option<&str>) -> Self {
        self.expect_headers.push((name, value.map(str::to_owned)));
        self
    }

    fn json(mut self, body: Value) -> Self {
        self.expect_body = Body::Json(body);
        self.expect("content-type", Some("application/json"))
    }

    fn text(mut self, body: &str) -> Self {
        self.expect_body = Body::Text(body.to_owned());
        self
    }

    /// `401` from a guard: `WWW-Authenticate: Bearer` and the guard's body.
    fn unauthenticated(self, reason: &str) -> Self {
        self.expect("www-authenticate", Some("Bearer"))
            .json(json!({ "error": "unauthenticated", "reason": reason }))
    }

    /// `503` from a guard during an outage: `Retry-After: 5`, the 503 body, no
    /// `WWW-Authenticate`.
    fn unavailable(self, reason: &str) -> Self {
        self.expect("retry-after", Some("5"))
            .expect("www-authenticate", None)
            .json(json!({ "status": "signed-out", "reason": reason }))
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// Every case, with tokens of `instance` signed now.
#[allow(clippy::too_many_lines)]
fn cases(instance: &TestInstance) -> Vec<Case> {
    use Setup::{Dev, InterstitialOff, Jwks, Prod};
    let full = instance
        .token()
        .user_id("user_1")
        .session_id(Some("sess_1"))
        .org_id("org_1")
        .org_role("org:admin")
        .org_slug("acme")
        .org_permissions(["org:invoices:read"])
        .sign();
    let iat = now();
    let cookie_token = instance.token().user_id("user_c").issued_at(iat).sign();
    let admin = instance
        .token()
        .user_id("user_a")
        .org_id("org_1")
        .org_role("org:admin")
        .sign();
    let reader = instance
        .token()
        .user_id("user_r")
        .org_id("org_1")
        .org_role("org:member")
        .org_permissions(["org:invoices:read"])
        .sign();
    let plain = instance.token().user_id("user_o").sign();
    let expired = instance
        .token()
        .issued_at(now() - 600)
        .expires_at(now() - 300)
        .sign();
    let unknown_kid = instance.token().kid("ins_rotated_away").sign();
    let html = "text/html,application/xhtml+xml,*/*;q=0.8";

    let mut cases = vec![
        // Signed in.
        Case::new("signed in by header", Dev, "/me", 200)
            .bearer(&full)
            .auth("signed-in", None)
            .expect("x-clerk-auth-message", None)
            .json(json!({
                "user_id": "user_1",
                "session_id": "sess_1",
                "org_id": "org_1",
                "org_role": "org:admin",
                "org_slug": "acme",
                "org_permissions": ["org:invoices:read"],
            })),
        Case::new("signed in by cookie", Dev, "/optional", 200)
            .header("user-agent", BROWSER)
            .header(
                "cookie",
                format!("__client_uat={iat}; __session={cookie_token}"),
            )
            .auth("signed-in", None)
            .json(json!({ "user_id": "user_c" })),
        Case::new("signed in, Option", Prod, "/optional", 200)
            .bearer(&plain)
            .auth("signed-in", None)
            .json(json!({ "user_id": "user_o" })),
        Case::new("several extractors on one request", Prod, "/many", 200)
            .bearer(&plain)
            .auth("signed-in", None)
            .text("user_o,user_o,user_o,user_o"),
        // Signed out.
        Case::new("signed out, ClerkUser", Prod, "/me", 401)
            .auth("signed-out", Some("cookie-and-uat-missing"))
            .unauthenticated("cookie-and-uat-missing"),
        Case::new("signed out, Option", Prod, "/optional", 200)
            .auth("signed-out", Some("cookie-and-uat-missing"))
            .json(json!({ "user_id": null })),
        Case::new("signed out by cookie, Option", Prod, "/optional", 200)
            .header("user-agent", BROWSER)
            .header("cookie", "__client_uat=0")
            .auth("signed-out", Some("standard-signed-out"))
            .json(json!({ "user_id": null })),
        Case::new("signed out, public route", Prod, "/public", 200)
            .auth("signed-out", Some("cookie-and-uat-missing"))
            .text("the handler ran"),
        Case::new("signed out, several extractors", Prod, "/many", 401)
            .auth("signed-out", Some("cookie-and-uat-missing"))
            .unauthenticated("cookie-and-uat-missing"),
        // Roles and permissions.
        Case::new("signed out, Protected", Prod, "/admin", 401)
            .auth("signed-out", Some("cookie-and-uat-missing"))
            .unauthenticated("cookie-and-uat-missing"),
        Case::new("role present", Prod, "/admin", 200)
            .bearer(&admin)
            .auth("signed-in", None)
            .json(json!({ "user_id": "user_a", "org_role": "org:admin" })),
        Case::new("role missing", Prod, "/admin", 403)
            .bearer(&reader)
            .auth("signed-in", None)
            .expect("www-authenticate", None)
            .json(json!({ "error": "forbidden" })),
        Case::new("permission present", Prod, "/invoices", 200)
            .post("hello")
            .bearer(&reader)
            .json(json!({ "user_id": "user_r", "body": "hello" })),
        Case::new("permission missing", Prod, "/invoices", 403)
            .post("hello")
            .bearer(&admin)
            .json(json!({ "error": "forbidden" })),
        Case::new("permission, signed out", Prod, "/invoices", 401)
            .post("hello")
            .unauthenticated("cookie-and-uat-missing"),
        // The interstitial.
        Case::new("interstitial for a browser page", Dev, "/public", 401)
            .header("user-agent", BROWSER)
            .header("accept", html)
            .auth("interstitial", Some("uat-missing"))
            .expect("content-type", Some("text/html; charset=utf-8"))
            .expect("cache-control", Some("no-store")),
        Case::new(
            "interstitial as JSON for an API client",
            Dev,
            "/public",
            401,
        )
        .header("user-agent", BROWSER)
        .header("accept", "application/json")
        .auth("interstitial", Some("uat-missing"))
        .expect("www-authenticate", Some("Bearer"))
        .json(json!({ "status": "interstitial", "reason": "uat-missing" })),
        Case::new("interstitial turned off", InterstitialOff, "/public", 401)
            .header("user-agent", BROWSER)
            .header("accept", "text/html")
            .auth("interstitial", Some("uat-missing"))
            .json(json!({ "status": "interstitial", "reason": "uat-missing" })),
        // An expired header token.
        Case::new("expired header token", Dev, "/me", 401)
            .bearer(&expired)
            .auth("unknown", Some("token-expired"))
            .expect("www-authenticate", Some("Bearer"))
            .json(json!({ "status": "unknown", "reason": "token-expired" })),
        // The custom mapping of rejections.
        Case::new("custom mapping, signed out", Prod, "/custom", 401)
            .auth("signed-out", Some("cookie-and-uat-missing"))
            .expect("www-authenticate", None)
            .json(json!({ "code": "not_signed_in", "why": "cookie-and-uat-missing" })),
        Case::new("custom mapping, signed in", Prod, "/custom", 200)
            .bearer(&instance.token().user_id("user_x").sign())
            .json(json!({ "hello": "user_x" })),
        // Keys loaded from the JWKS endpoint.
        Case::new(
            "JWKS loaded, signed in",
            Jwks(Reply::Keys),
            "/optional",
            200,
        )
        .bearer(&plain)
        .auth("signed-in", None)
        .json(json!({ "user_id": "user_o" })),
        Case::new("JWKS loaded, unknown kid", Jwks(Reply::Keys), "/me", 401)
            .bearer(&unknown_kid)
            .auth("signed-out", Some("jwk-remote-missing"))
            .unauthenticated("jwk-remote-missing"),
        Case::new(
            "JWKS loaded, unknown kid, Protected",
            Jwks(Reply::Keys),
            "/admin",
            401,
        )
        .bearer(&unknown_kid)
        .unauthenticated("jwk-remote-missing"),
    ];
    // Clerk outages: public routes keep serving signed out; authentication answers 503.
    for reply in [Reply::ServerError, Reply::NotJson, Reply::EmptySet] {
        // The key-loading failure's reason: a non-JSON answer is an unexpected error.
        let reason = match reply {
            Reply::NotJson => "unexpected-error",
            _ => "jwk-remote-failed-to-load",
        };
        cases.extend([
            Case::new("outage, public route", Jwks(reply), "/public", 200)
                .bearer(&plain)
                .auth("signed-out", Some(reason))
                .text("the handler ran"),
            Case::new("outage, Option", Jwks(reply), "/optional", 200)
                .bearer(&plain)
                .auth("signed-out", Some(reason))
                .json(json!({ "user_id": null })),
            Case::new("outage, ClerkUser", Jwks(reply), "/me", 503)
                .bearer(&plain)
                .auth("signed-out", Some(reason))
                .unavailable(reason),
            Case::new("outage, Protected", Jwks(reply), "/admin", 503)
                .bearer(&admin)
                .auth("signed-out", Some(reason))
                .unavailable(reason),
            Case::new(
                "outage, Protected with a body",
                Jwks(reply),
                "/invoices",
                503,
            )
            .post("hello")
            .bearer(&reader)
            .unavailable(reason),
            Case::new("outage, custom mapping", Jwks(reply), "/custom", 503)
                .bearer(&plain)
                .json(json!({ "code": "not_signed_in", "why": reason })),
        ]);
    }
    // The interstitial page's content.
    if let Some(case) = cases
        .iter_mut()
        .find(|c| c.name == "interstitial for a browser page")
    {
        case.expect_body = Body::Html(
            vec!["<html>".to_owned(), instance.publishable_key().to_owned()],
            vec!["the handler ran".to_owned()],
        );
    }
    // The expired token's message, which never quotes the token.
    if let Some(case) = cases.iter_mut().find(|c| c.name == "expired header token") {
        case.header_prefixes
            .push(("x-clerk-auth-message", "JWT%20is%20expired"));
        case.secret = Some(expired.clone());
    }
    cases
}

/// The configuration of `setup`, with `api_url` for the JWKS setups.
fn config(instance: &TestInstance, setup: Setup, api_url: Option<&str>) -> ClerkConfig {
    let built = match (setup, api_url) {
        (Setup::Dev, _) => instance.config_builder().build(),
        (Setup::Prod, _) => instance
            .config_builder()
            .secret_key("sk_live_scenarios")
            .build(),
        (Setup::InterstitialOff, _) => instance.config_builder().interstitial(false).build(),
        (Setup::Jwks(_), url) => {
            let mut settings = JwksCacheSettings::default();
            settings.attempts = 1;
            ClerkConfig::builder()
                .protocol(clerk_core::AuthProtocol::Interstitial)
                .secret_key("sk_live_scenarios_jwks")
                .publishable_key(instance.publishable_key())
                .api_url(url.unwrap_or_default())
                .jwks_cache_settings(settings)
                .build()
        }
    };
    built.expect("the scenario's configuration is valid")
}

/// A response as the checks see it.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn send(client: &reqwest::Client, base: &str, case: &Case) -> Result<Answer, String> {
    let url = format!("{base}{}", case.path);
    let mut request = match case.method {
        "POST" => client.post(url).body(case.body.unwrap_or_default()),
        _ => client.get(url),
    };
    for (name, value) in &case.headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    Ok(Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.map_err(|e| e.to_string())?,
    })
}

/// What is wrong with `answer` for `case`, one line per problem.
fn check(case: &Case, answer: &Answer) -> Vec<String> {
    let mut problems = Vec::new();
    if answer.status != case.status {
        problems.push(format!(
            "status {} (expected {})",
            answer.status, case.status
        ));
    }
    for (name, want) in &case.expect_headers {
        let got = answer.header(name);
        if got != want.as_deref() {
            problems.push(format!("{name}: {got:?} (expected {want:?})"));
        }
    }
    for (name, prefix) in &case.header_prefixes {
        if !answer.header(name).is_some_and(|v| v.starts_with(prefix)) {
            problems.push(format!("{name} does not start with {prefix:?}"));
        }
    }
    if let Some(secret) = &case.secret
        && answer
            .headers
            .values()
            .any(|v| v.to_str().is_ok_and(|v| v.contains(secret.as_str())))
    {
        problems.push("a header quotes the token".to_owned());
    }
    match &case.expect_body {
        Body::Json(want) => match serde_json::from_str::<Value>(&answer.body) {
            Ok(got) if got == *want => {}
            _ => problems.push(format!("body {} (expected {want})", answer.body)),
        },
        Body::Text(want) => {
            if answer.body != *want {
                problems.push(format!("body {:?} (expected {want:?})", answer.body));
            }
        }
        Body::Html(present, absent) => {
            for text in present {
                if !answer.body.contains(text.as_str()) {
                    problems.push(format!("the page lacks {text:?}"));
                }
            }
            for text in absent {
                if answer.body.contains(text.as_str()) {
                    problems.push(format!("the page contains {text:?}"));
                }
            }
        }
    }
    problems
}

/// Sends every scenario to applications started by `serve` (one per configuration: `serve`
/// starts the integration's test application, see the [module docs](self), on 127.0.0.1 with
/// that configuration and returns its base URL), then the hostile inputs.
///
/// # Errors
///
/// One line per case that did not answer as expected.
pub async fn replay<F, Fut>(instance: &TestInstance, mut serve: F) -> Result<(), String>
where
    F: FnMut(ClerkConfig) -> Fut,
    Fut: Future<Output = String>,
{
    let cases = cases(instance);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let mut failures = Vec::new();
    let mut setups: Vec<Setup> = Vec::new();
    for case in &cases {
        if !setups.contains(&case.setup) {
            setups.push(case.setup);
        }
    }
    for setup in setups {
        let stand_in = match setup {
            Setup::Jwks(reply) => Some(
                JwksStandIn::start(match reply {
                    Reply::Keys => JwksReply::Keys(instance.jwks()),
                    Reply::ServerError => JwksReply::ServerError,
                    Reply::NotJson => JwksReply::NotJson,
                    Reply::EmptySet => JwksReply::EmptySet,
                })
                .await,
            ),
            _ => None,
        };
        let base = serve(config(
            instance,
            setup,
            stand_in.as_ref().map(JwksStandIn::url),
        ))
        .await;
        for case in cases.iter().filter(|c| c.setup == setup) {
            let problems = match send(&client, &base, case).await {
                Ok(answer) => check(case, &answer),
                Err(e) => vec![e],
            };
            if !problems.is_empty() {
                failures.push(format!(
                    "{} ({setup:?}, {} {}): {}",
                    case.name,
                    case.method,
                    case.path,
                    problems.join("; ")
                ));
            }
        }
        if let Some(stand_in) = stand_in
            && stand_in.hits() == 0
        {
            failures.push(format!("{setup:?}: the JWKS endpoint was never asked"));
        }
    }
    let dev = serve(config(instance, Setup::Dev, None)).await;
    let prod = serve(config(instance, Setup::Prod, None)).await;
    failures.extend(hostile_inputs(&client, &[&dev, &prod]).await);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} scenario(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// Nesting (axum routers, actix-web scopes): an application whose routes run behind a layer or
/// middleware of one configuration, and the same routes under `/inner` behind a second one
/// nested inside it. A state computed by the outer configuration is reused only by the same
/// configuration: another one computes again, its state is what the extractors see, and its
/// `x-clerk-auth-*` headers (exactly one set) are the response's.
///
/// `serve(outer, inner)` starts that application on 127.0.0.1 and returns its base URL. Three
/// set-ups: two instances (customers outside, staff inside); one instance whose inner
/// configuration restricts authorized parties; the same configuration twice.
///
/// # Errors
///
/// One line per case that did not answer as expected.
pub async fn replay_nested<F, Fut>(mut serve: F) -> Result<(), String>
where
    F: FnMut(ClerkConfig, ClerkConfig) -> Fut,
    Fut: Future<Output = String>,
{
    let prod = |instance: &TestInstance| config(instance, Setup::Prod, None);
    let org_admin = |instance: &TestInstance| {
        instance
            .token()
            .user_id("user_admin")
            .org_id("org_1")
            .org_role("org:admin")
            .sign()
    };
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    let expect = |base: &str,
                  path: &str,
                  token: String,
                  status: u16,
                  auth: &'static str,
                  reason: Option<&'static str>| {
        nested_case(
            &client,
            format!("{base}{path}"),
            token,
            status,
            auth,
            reason,
        )
    };

    // Customers' instance outside, staff's inside: a customer `org:admin` is no staff admin.
    let customers = TestInstance::new();
    let staff = TestInstance::new();
    let base = serve(prod(&customers), prod(&staff)).await;
    let runs = [
        expect(
            &base,
            "/admin",
            org_admin(&customers),
            200,
            "signed-in",
            None,
        )
        .await,
        expect(
            &base,
            "/inner/admin",
            org_admin(&customers),
            401,
            "signed-out",
            Some("token-invalid-signature"),
        )
        .await,
        expect(
            &base,
            "/inner/admin",
            org_admin(&staff),
            200,
            "signed-in",
            None,
        )
        .await,
        expect(
            &base,
            "/admin",
            org_admin(&staff),
            401,
            "signed-out",
            Some("token-invalid-signature"),
        )
        .await,
    ];
    failures.extend(runs.into_iter().filter_map(Result::err));

    // One instance, the inner configuration restricting `azp`: the looser outer result is not
    // reused.
    let instance = TestInstance::new();
    let strict = instance
        .config_builder()
        .secret_key("sk_live_x")
        .authorized_parties(["https://app.example"])
        .build()
        .map_err(|e| e.to_string())?;
    let base = serve(prod(&instance), strict).await;
    let azp = |origin: &str| instance.token().authorized_party(origin).sign();
    let runs = [
        expect(
            &base,
            "/me",
            azp("https://evil.example"),
            200,
            "signed-in",
            None,
        )
        .await,
        expect(
            &base,
            "/inner/me",
            azp("https://evil.example"),
            401,
            "signed-out",
            Some("token-invalid-authorized-parties"),
        )
        .await,
        expect(
            &base,
            "/inner/me",
            azp("https://app.example"),
            200,
            "signed-in",
            None,
        )
        .await,
    ];
    failures.extend(runs.into_iter().filter_map(Result::err));

    // The same configuration twice: one state, one set of headers, every extractor served.
    let same = prod(&instance);
    let base = serve(same.clone(), same).await;
    let token = instance.token().user_id("user_once").sign();
    if let Err(e) = expect(&base, "/inner/many", token, 200, "signed-in", None).await {
        failures.push(e);
    }

    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} nesting case(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// One request of [`replay_nested`]: its status, exactly one `x-clerk-auth-status` with `auth`,
/// and `x-clerk-auth-reason` equal to `reason`.
async fn nested_case(
    client: &reqwest::Client,
    url: String,
    token: String,
    status: u16,
    auth: &str,
    reason: Option<&str>,
) -> Result<(), String> {
    let case = format!("GET {url} expecting {status} {auth} {reason:?}");
    let response = client
        .get(&url)
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .map_err(|e| format!("{case}: {e}"))?;
    let statuses = response
        .headers()
        .get_all(AUTH_STATUS_HEADER)
        .iter()
        .count();
    let answer = Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap_or_default(),
    };
    if answer.status == status
        && statuses == 1
        && answer.header(AUTH_STATUS_HEADER) == Some(auth)
        && answer.header(AUTH_REASON_HEADER) == reason
    {
        return Ok(());
    }
    Err(format!(
        "{case}: {} ({statuses} status headers) {:?} {:?} {}",
        answer.status,
        answer.header(AUTH_STATUS_HEADER),
        answer.header(AUTH_REASON_HEADER),
        answer.body
    ))
}

/// Malformed and hostile request values: never a `5xx`, always the `x-clerk-auth-status`
/// header.
async fn hostile_inputs(client: &reqwest::Client, bases: &[&str]) -> Vec<String> {
    use reqwest::header::HeaderValue;
    let huge_cookie = format!(
        "__client_uat=1; __session={}; {}",
        "x".repeat(20_000),
        "a=b; ".repeat(2_000)
    );
    let mut cases: Vec<(&str, HeaderValue)> = vec![
        (
            "cookie",
            HeaderValue::from_static("__session=; __client_uat=-1e999"),
        ),
        (
            "cookie",
            HeaderValue::from_static("__client_uat=NaN; __session=a.b.c"),
        ),
        ("origin", HeaderValue::from_static("http://[::1")),
        ("origin", HeaderValue::from_static("://")),
        ("origin", HeaderValue::from_static("null")),
        (
            "referer",
            HeaderValue::from_static("http://exa mple.com:99999/"),
        ),
        ("origin", HeaderValue::from_static("not a url at all")),
        ("referer", HeaderValue::from_static("::::")),
        ("x-forwarded-host", HeaderValue::from_static("[[[")),
        ("x-forwarded-host", HeaderValue::from_static("a b c")),
        ("x-forwarded-proto", HeaderValue::from_static("gopher://")),
        ("authorization", HeaderValue::from_static("Bearer junk")),
        ("authorization", HeaderValue::from_static("Bearer a.b.c")),
        ("authorization", HeaderValue::from_static("Bearer ..")),
        ("authorization", HeaderValue::from_static("Bearer ")),
        (
            "authorization",
            HeaderValue::from_static("Basic dXNlcjpwYXNz"),
        ),
        (
            "authorization",
            HeaderValue::from_static("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
        ),
    ];
    for (name, value) in [
        ("cookie", HeaderValue::from_str(&huge_cookie)),
        ("cookie", HeaderValue::from_bytes(b"__session=\xff\xfe")),
        (
            "authorization",
            HeaderValue::from_str(&format!("Bearer {}", "A".repeat(60_000))),
        ),
        ("authorization", HeaderValue::from_bytes(b"Bearer \xff\xfe")),
    ] {
        if let Ok(value) = value {
            cases.push((name, value));
        }
    }
    let mut failures = Vec::new();
    for base in bases {
        for (name, value) in &cases {
            for path in [
                "/me",
                "/optional",
                "/admin",
                "/public",
                "/public?__clerk_satellite_url=%ZZ",
            ] {
                for accept in ["text/html", "application/json"] {
                    let response = client
                        .get(format!("{base}{path}"))
                        .header("user-agent", BROWSER)
                        .header("accept", accept)
                        .header(*name, value.clone())
                        .send()
                        .await;
                    let shown: String = format!("{value:?}").chars().take(60).collect();
                    match response {
                        Ok(response) => {
                            let status = response.status();
                            if !(status.is_success() || status.is_client_error())
                                || !response.headers().contains_key("x-clerk-auth-status")
                            {
                                failures.push(format!(
                                    "hostile {name}: {shown} on {path} ({accept}) gave {status}"
                                ));
                            }
                        }
                        Err(e) => failures.push(format!("hostile {name}: {shown} on {path}: {e}")),
                    }
                }
            }
        }
    }
    failures
}

/// Checks the `500` of the routes on an application at `base` that serves them **without** the
/// integration: the body names the fix, which contains `fix`. `optional_is_none` says whether the
/// framework turns the `Option<ClerkUser>` rejection into `None` (actix-web's `Option`
/// extractor does) rather than the `500`.
///
/// # Errors
///
/// One line per route that did not answer as expected.
pub async fn missing_setup(base: &str, fix: &str, optional_is_none: bool) -> Result<(), String> {
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for path in ["/me", "/admin", "/many", "/optional", "/custom"] {
        let answer = match client.get(format!("{base}{path}")).send().await {
            Ok(response) => Answer {
                status: response.status().as_u16(),
                headers: response.headers().clone(),
                body: response.text().await.unwrap_or_default(),
            },
            Err(e) => {
                failures.push(format!("{path}: {e}"));
                continue;
            }
        };
        let body: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
        let ok = match path {
            "/optional" if optional_is_none => {
                answer.status == 200 && body == json!({ "user_id": null })
            }
            "/custom" => answer.status == 500 && body["code"] == "not_signed_in",
            _ => {
                answer.status == 500
                    && answer.header("content-type") == Some("application/json")
                    && body["error"] == "clerk_not_configured"
                    && body["message"].as_str().is_some_and(|m| m.contains(fix))
            }
        };
        if !ok {
            failures.push(format!("{path}: {} {}", answer.status, answer.body));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_expectation_fails_the_check() {
        let instance = TestInstance::new();
        let case =
            Case::new("t", Setup::Prod, "/me", 401).unauthenticated("cookie-and-uat-missing");
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("www-authenticate", "Bearer".parse().unwrap());
        headers.insert("content-type", "application/json".parse().unwrap());
        let good = Answer {
            status: 401,
            headers: headers.clone(),
            body: r#"{"error":"unauthenticated","reason":"cookie-and-uat-missing"}"#.to_owned(),
        };
        assert!(check(&case, &good).is_empty());
        let wrong_status = Answer {
            status: 503,
            headers: headers.clone(),
            body: good.body.clone(),
        };
        assert_eq!(check(&case, &wrong_status).len(), 1);
        let wrong_body = Answer {
            status: 401,
            headers,
            body: r#"{"error":"unauthenticated","reason":null}"#.to_owned(),
        };
        assert_eq!(check(&case, &wrong_body).len(), 1);
        assert!(cases(&instance).len() > 30);
    }
}
