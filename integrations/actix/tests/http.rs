//! HTTP behaviour of clerk-actix over real sockets on 127.0.0.1: the middleware outcomes, the
//! extractors, the auth headers, the JWKS path and the shared cache.

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, ResponseError, web};
use clerk_actix::clerk_core::jwt::JwksCacheSettings;
use clerk_actix::{
    ClerkConfig, ClerkMiddleware, ClerkRejection, ClerkUser, Policy, Protected, SignedIn,
};
use clerk_testing::TestInstance;
use serde_json::{Value, json};

const BROWSER_UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";

// ---------------------------------------------------------------- app under test

struct Admin;

impl Policy for Admin {
    fn roles() -> &'static [&'static str] {
        &["org:admin"]
    }
}

struct InvoicesRead;

impl Policy for InvoicesRead {
    fn permissions() -> &'static [&'static str] {
        &["org:invoices:read"]
    }
}

async fn me(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user_id": user.user_id(),
        "session_id": user.session_id(),
        "org_id": user.org_id(),
        "org_role": user.org_role(),
        "org_slug": user.org_slug(),
        "org_permissions": user.org_permissions(),
    }))
}

async fn optional(user: Option<ClerkUser>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user_id": user.as_ref().map(|u| u.user_id()) }))
}

async fn admin(user: Protected<Admin>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user_id": user.user_id(), "org_role": user.org_role() }))
}

async fn invoices(user: Protected<InvoicesRead>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user_id": user.user_id(),
        "org_permissions": user.org_permissions(),
    }))
}

/// Several extractors in one handler: the session must still be verified once.
async fn many(a: Protected<SignedIn>, b: ClerkUser, c: Option<ClerkUser>) -> HttpResponse {
    let same = a.user_id() == b.user_id() && c.is_some_and(|c| c.user_id() == b.user_id());
    HttpResponse::Ok().body(if same { "same" } else { "different" })
}

/// An application's own error type, mapped from the rejection.
#[derive(Debug)]
struct AppError {
    status: StatusCode,
    code: &'static str,
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(json!({ "ok": false, "code": self.code }))
    }
}

impl From<ClerkRejection> for AppError {
    fn from(rejection: ClerkRejection) -> Self {
        let status = StatusCode::from_u16(rejection.status_code())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match rejection {
            ClerkRejection::Unauthenticated { .. } => "LOGIN_REQUIRED",
            ClerkRejection::Forbidden => "NOT_ALLOWED",
            _ => "SERVER",
        };
        AppError { status, code }
    }
}

async fn custom(user: Result<ClerkUser, ClerkRejection>) -> Result<HttpResponse, AppError> {
    let user = user?;
    Ok(HttpResponse::Ok().json(json!({ "ok": true, "user_id": user.user_id() })))
}

async fn failing() -> Result<HttpResponse, actix_web::Error> {
    Err(actix_web::error::ErrorBadRequest("bad input"))
}

async fn thread() -> HttpResponse {
    HttpResponse::Ok().body(format!("{:?}", std::thread::current().id()))
}

async fn public() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me))
        .route("/optional", web::get().to(optional))
        .route("/admin", web::get().to(admin))
        .route("/invoices", web::get().to(invoices))
        .route("/many", web::get().to(many))
        .route("/custom", web::get().to(custom))
        .route("/failing", web::get().to(failing))
        .route("/thread", web::get().to(thread))
        .route("/public", web::get().to(public));
}

// ---------------------------------------------------------------- harness

struct Server {
    addr: SocketAddr,
    handle: ServerHandle,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn stop(self) {
        self.handle.stop(false).await;
    }
}

fn spawn(server: actix_web::dev::Server, addr: SocketAddr) -> Server {
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Server { addr, handle }
}

/// The app with `.wrap(ClerkMiddleware::new(config))`, built once and cloned into every worker.
fn start(config: ClerkConfig, workers: usize) -> Server {
    let clerk = ClerkMiddleware::new(config);
    let server = HttpServer::new(move || App::new().wrap(clerk.clone()).configure(routes))
        .workers(workers)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind");
    let addr = server.addrs()[0];
    spawn(server.run(), addr)
}

/// The app without the middleware.
fn start_without_middleware() -> Server {
    let server = HttpServer::new(|| App::new().configure(routes))
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind");
    let addr = server.addrs()[0];
    spawn(server.run(), addr)
}

/// A Backend API stand-in serving `GET /v1/jwks` (the instance's JWKS, or a `500` when
/// `healthy` is false) and counting the requests.
fn start_jwks(instance: &TestInstance, healthy: bool) -> (Server, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let jwks = instance.jwks();
    let counter = Arc::clone(&count);
    let server = HttpServer::new(move || {
        let jwks = jwks.clone();
        let counter = Arc::clone(&counter);
        App::new().route(
            "/v1/jwks",
            web::get().to(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let jwks = jwks.clone();
                async move {
                    if healthy {
                        HttpResponse::Ok().json(jwks)
                    } else {
                        HttpResponse::InternalServerError().body("down")
                    }
                }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let addr = server.addrs()[0];
    (spawn(server.run(), addr), count)
}

/// A production-like configuration (`sk_live_…`): no development browser rules, so a request
/// without credentials is plainly signed out. Tokens verify with the instance's PEM key.
fn prod_config(instance: &TestInstance) -> ClerkConfig {
    instance
        .config_builder()
        .secret_key("sk_live_x")
        .build()
        .expect("config")
}

/// A configuration that loads keys from the JWKS server at `jwks` (no PEM key).
fn jwks_config(
    instance: &TestInstance,
    jwks: &Server,
) -> clerk_actix::clerk_core::ClerkConfigBuilder {
    ClerkConfig::builder()
        .secret_key(instance.secret_key())
        .publishable_key(instance.publishable_key())
        .api_url(jwks.url(""))
}

fn client() -> reqwest::Client {
    // A fresh connection per request, so that requests spread over the server's workers.
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn get(url: String, headers: &[(&str, &str)]) -> Answer {
    let mut request = client().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("body"),
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

// ---------------------------------------------------------------- signed in / signed out

#[actix_web::test]
async fn signed_in_header_token_reaches_me_with_org_fields() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let token = instance
        .token()
        .user_id("user_1")
        .session_id(Some("sess_1"))
        .org_id("org_1")
        .org_role("org:admin")
        .org_slug("acme")
        .org_permissions(["org:invoices:read"])
        .sign();
    let a = get(server.url("/me"), &[("authorization", &bearer(&token))]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(a.header("x-clerk-auth-reason"), None);
    assert_eq!(
        a.json(),
        json!({
            "user_id": "user_1",
            "session_id": "sess_1",
            "org_id": "org_1",
            "org_role": "org:admin",
            "org_slug": "acme",
            "org_permissions": ["org:invoices:read"],
        })
    );
    server.stop().await;
}

#[actix_web::test]
async fn signed_in_session_cookie() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let iat = now() - 5;
    let token = instance.token().user_id("user_c").issued_at(iat).sign();
    let cookie = format!("__session={token}; __client_uat={}", iat - 10);
    let a = get(
        server.url("/me"),
        &[("cookie", &cookie), ("user-agent", BROWSER_UA)],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(a.json()["user_id"], "user_c");
    server.stop().await;
}

#[actix_web::test]
async fn signed_out_clerk_user_is_401_and_option_is_none() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);

    let a = get(server.url("/me"), &[]).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(
        a.header("x-clerk-auth-reason"),
        Some("cookie-and-uat-missing")
    );
    assert_eq!(
        a.json(),
        json!({"error": "unauthenticated", "reason": "cookie-and-uat-missing"})
    );

    let a = get(server.url("/optional"), &[]).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), json!({"user_id": null}));
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));

    let token = instance.token().user_id("user_o").sign();
    let a = get(
        server.url("/optional"),
        &[("authorization", &bearer(&token))],
    )
    .await;
    assert_eq!(a.json(), json!({"user_id": "user_o"}));

    // A public route runs and still carries the headers.
    let a = get(server.url("/public"), &[]).await;
    assert_eq!((a.status, a.body.as_str()), (200, "ok"));
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    server.stop().await;
}

#[actix_web::test]
async fn handler_errors_still_carry_the_auth_headers() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let a = get(server.url("/failing"), &[]).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    let a = get(server.url("/nowhere"), &[]).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    server.stop().await;
}

// ---------------------------------------------------------------- Protected<P>

#[actix_web::test]
async fn protected_policies() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let member = instance
        .token()
        .org_id("org_1")
        .org_role("org:member")
        .org_permissions(["org:invoices:read"])
        .sign();
    let admin_token = instance
        .token()
        .org_id("org_1")
        .org_role("org:admin")
        .sign();
    let no_org = instance.token().sign();

    // Signed out: 401.
    for path in ["/admin", "/invoices"] {
        let a = get(server.url(path), &[]).await;
        assert_eq!(a.status, 401, "{path}");
        assert_eq!(a.header("www-authenticate"), Some("Bearer"));
    }
    // Missing role / permission: 403.
    let a = get(server.url("/admin"), &[("authorization", &bearer(&member))]).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.json(), json!({"error": "forbidden"}));
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.header("www-authenticate"), None);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
    let a = get(
        server.url("/invoices"),
        &[("authorization", &bearer(&admin_token))],
    )
    .await;
    assert_eq!(a.status, 403);
    let a = get(server.url("/admin"), &[("authorization", &bearer(&no_org))]).await;
    assert_eq!(a.status, 403);
    // Satisfied: 200.
    let a = get(
        server.url("/admin"),
        &[("authorization", &bearer(&admin_token))],
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({"user_id": "user_test", "org_role": "org:admin"})
    );
    let a = get(
        server.url("/invoices"),
        &[("authorization", &bearer(&member))],
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["org_permissions"], json!(["org:invoices:read"]));
    server.stop().await;
}

// ---------------------------------------------------------------- outcomes

#[actix_web::test]
async fn interstitial_for_browser_navigation_and_json_for_api_clients() {
    let instance = TestInstance::new();
    let server = start(instance.config_builder().build().expect("config"), 1);

    let a = get(
        server.url("/me"),
        &[
            ("user-agent", BROWSER_UA),
            ("accept", "text/html,application/xhtml+xml"),
        ],
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(a.header("cache-control"), Some("no-store"));
    assert_eq!(a.header("x-clerk-auth-status"), Some("interstitial"));
    assert_eq!(a.header("x-clerk-auth-reason"), Some("uat-missing"));
    assert!(
        a.body.contains("<html") || a.body.contains("<!DOCTYPE"),
        "{}",
        a.body
    );
    assert!(a.body.contains(instance.publishable_key()));

    // The handler does not run, even on a public route.
    let a = get(
        server.url("/public"),
        &[("user-agent", BROWSER_UA), ("accept", "application/json")],
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        a.json(),
        json!({"status": "interstitial", "reason": "uat-missing"})
    );
    server.stop().await;
}

#[actix_web::test]
async fn interstitial_disabled_answers_json() {
    let instance = TestInstance::new();
    let config = instance
        .config_builder()
        .interstitial(false)
        .build()
        .expect("config");
    let server = start(config, 1);
    let a = get(
        server.url("/public"),
        &[("user-agent", BROWSER_UA), ("accept", "text/html")],
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(
        a.json(),
        json!({"status": "interstitial", "reason": "uat-missing"})
    );
    server.stop().await;
}

#[actix_web::test]
async fn expired_header_token_is_unknown() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let token = instance.token().issued_at(now() - 3600).sign();
    let a = get(server.url("/public"), &[("authorization", &bearer(&token))]).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
    assert_eq!(a.header("x-clerk-auth-status"), Some("unknown"));
    assert_eq!(a.header("x-clerk-auth-reason"), Some("token-expired"));
    let message = a.header("x-clerk-auth-message").unwrap_or_default();
    assert!(message.contains("token-carrier%3Dheader"), "{message}");
    assert_eq!(
        a.json(),
        json!({"status": "unknown", "reason": "token-expired"})
    );
    server.stop().await;
}

#[actix_web::test]
async fn unreachable_jwks_is_503() {
    let instance = TestInstance::new();
    let (jwks, fetches) = start_jwks(&instance, false);
    let mut settings = JwksCacheSettings::default();
    settings.attempts = 1;
    let config = jwks_config(&instance, &jwks)
        .jwks_cache_settings(settings)
        .build()
        .expect("config");
    let server = start(config, 1);
    let token = instance.token().sign();
    let a = get(server.url("/public"), &[("authorization", &bearer(&token))]).await;
    assert_eq!(a.status, 503, "{}", a.body);
    assert_eq!(a.header("retry-after"), Some("5"));
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert!(a.header("x-clerk-auth-status").is_some());
    let body = a.json();
    assert_eq!(body["status"], "signed-out");
    assert!(fetches.load(Ordering::SeqCst) >= 1);
    server.stop().await;
    jwks.stop().await;
}

#[actix_web::test]
async fn missing_middleware_is_500_naming_the_fix() {
    let server = start_without_middleware();
    for path in ["/me", "/admin", "/custom"] {
        let a = get(server.url(path), &[]).await;
        assert_eq!(a.status, 500, "{path}");
        if path == "/custom" {
            assert_eq!(a.json(), json!({"ok": false, "code": "SERVER"}));
            continue;
        }
        let body = a.json();
        assert_eq!(body["error"], "clerk_not_configured");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(".wrap(ClerkMiddleware::new(config))"),
            "{message}"
        );
    }
    // Option<ClerkUser> has no way to fail: it is None (and an error event is logged).
    let a = get(server.url("/optional"), &[]).await;
    assert_eq!((a.status, a.json()), (200, json!({"user_id": null})));
    server.stop().await;
}

// ---------------------------------------------------------------- custom rejection

#[actix_web::test]
async fn custom_rejection_mapping_via_result() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let a = get(server.url("/custom"), &[]).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json(), json!({"ok": false, "code": "LOGIN_REQUIRED"}));
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    let token = instance.token().user_id("user_r").sign();
    let a = get(server.url("/custom"), &[("authorization", &bearer(&token))]).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), json!({"ok": true, "user_id": "user_r"}));
    server.stop().await;
}

// ---------------------------------------------------------------- once per request, one cache

#[actix_web::test]
async fn state_is_computed_once_per_request_with_several_extractors() {
    let instance = TestInstance::new();
    let (jwks, fetches) = start_jwks(&instance, true);
    let config = jwks_config(&instance, &jwks)
        .skip_jwks_cache(true)
        .build()
        .expect("config");
    let server = start(config, 1);
    let token = instance.token().user_id("user_m").sign();
    for i in 1..=3 {
        let a = get(server.url("/many"), &[("authorization", &bearer(&token))]).await;
        assert_eq!((a.status, a.body.as_str()), (200, "same"));
        assert_eq!(
            fetches.load(Ordering::SeqCst),
            i,
            "one JWKS fetch per request"
        );
    }
    server.stop().await;
    jwks.stop().await;
}

#[actix_web::test]
async fn one_jwks_cache_shared_by_two_workers() {
    let instance = TestInstance::new();
    let (jwks, fetches) = start_jwks(&instance, true);
    let config = jwks_config(&instance, &jwks).build().expect("config");
    let server = start(config, 2);
    let token = instance.token().user_id("user_w").sign();

    let mut threads = HashSet::new();
    for _ in 0..8 {
        // The middleware verifies the token (and so needs the keys) on every route.
        let a = get(server.url("/thread"), &[("authorization", &bearer(&token))]).await;
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
        threads.insert(a.body);
    }
    let a = get(server.url("/me"), &[("authorization", &bearer(&token))]).await;
    assert_eq!(a.json()["user_id"], "user_w");
    assert_eq!(threads.len(), 2, "both workers served requests");
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "one JWKS fetch for the process"
    );
    server.stop().await;
    jwks.stop().await;
}

// ---------------------------------------------------------------- hostile input

#[actix_web::test]
async fn hostile_inputs_never_5xx() {
    let instance = TestInstance::new();
    for config in [
        prod_config(&instance),
        instance.config_builder().build().expect("config"),
    ] {
        let server = start(config, 1);
        let huge_cookie = format!("__session={}; __client_uat=1", "a".repeat(16 * 1024));
        let cases: Vec<Vec<(&str, &str)>> = vec![
            vec![("cookie", &huge_cookie), ("user-agent", BROWSER_UA)],
            vec![("origin", "http://[::1"), ("user-agent", BROWSER_UA)],
            vec![("origin", "not a url at all")],
            vec![("referer", "::::"), ("cookie", "__client_uat=abc")],
            vec![("authorization", "Bearer junk")],
            vec![("authorization", "Bearer a.b.c")],
            vec![("authorization", "Bearer ")],
            vec![("authorization", "Basic Zm9vOmJhcg==")],
            vec![
                ("cookie", "__session=%%%; __client_uat=-1e999"),
                ("user-agent", BROWSER_UA),
            ],
            vec![
                ("x-forwarded-host", "a b c"),
                ("origin", "https://evil.example"),
            ],
        ];
        for headers in &cases {
            for path in [
                "/me",
                "/optional",
                "/admin",
                "/public?__clerk_satellite_url=%ZZ",
            ] {
                let a = get(server.url(path), headers).await;
                assert!(
                    a.status < 500,
                    "{path} {headers:?}: {} {}",
                    a.status,
                    a.body
                );
                assert!(
                    a.header("x-clerk-auth-status").is_some(),
                    "{path} {headers:?}"
                );
            }
        }
        server.stop().await;
    }
}

#[actix_web::test]
async fn non_utf8_header_values_are_skipped() {
    let instance = TestInstance::new();
    let server = start(prod_config(&instance), 1);
    let response = client()
        .get(server.url("/me"))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(b"__session=\xff\xfe").expect("value"),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 401);
    server.stop().await;
}

// ---------------------------------------------------------------- nesting

/// `outer` wraps the app, `inner` a `/inner` scope with the same routes.
fn start_nested(outer: ClerkConfig, inner: ClerkConfig) -> Server {
    let outer = ClerkMiddleware::new(outer);
    let inner = ClerkMiddleware::new(inner);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(outer.clone())
            .service(web::scope("/inner").wrap(inner.clone()).configure(routes))
            .configure(routes)
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let addr = server.addrs()[0];
    spawn(server.run(), addr)
}

/// Nested scopes with middlewares of different configurations: the inner middleware's state is
/// what the extractors behind it see, and its headers are the response's.
#[actix_web::test]
async fn nested_middlewares_with_another_configuration_decide_for_their_routes() {
    let customers = TestInstance::new();
    let staff = TestInstance::new();
    let server = start_nested(prod_config(&customers), prod_config(&staff));
    let org_admin = |instance: &TestInstance| {
        bearer(
            &instance
                .token()
                .user_id("user_admin")
                .org_id("org_1")
                .org_role("org:admin")
                .sign(),
        )
    };
    let a = get(
        server.url("/admin"),
        &[("authorization", &org_admin(&customers))],
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
    // The customers' token on the staff scope: refused, and the headers say the staff state.
    let a = get(
        server.url("/inner/admin"),
        &[("authorization", &org_admin(&customers))],
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(a.headers.get_all("x-clerk-auth-status").iter().count(), 1);
    let a = get(
        server.url("/inner/admin"),
        &[("authorization", &org_admin(&staff))],
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(a.header("x-clerk-auth-reason"), None);
    let a = get(
        server.url("/admin"),
        &[("authorization", &org_admin(&staff))],
    )
    .await;
    assert_eq!(a.status, 401);
    server.stop().await;
}

/// One instance, the inner middleware stricter (authorized parties): not bypassed.
#[actix_web::test]
async fn nested_middleware_with_authorized_parties_is_not_bypassed() {
    let instance = TestInstance::new();
    let strict = instance
        .config_builder()
        .secret_key("sk_live_x")
        .authorized_parties(["https://app.example"])
        .build()
        .expect("config");
    let server = start_nested(prod_config(&instance), strict);
    let token = |azp: &str| bearer(&instance.token().authorized_party(azp).sign());
    let evil = token("https://evil.example");
    assert_eq!(
        get(server.url("/me"), &[("authorization", &evil)])
            .await
            .status,
        200
    );
    let a = get(server.url("/inner/me"), &[("authorization", &evil)]).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(
        a.header("x-clerk-auth-reason"),
        Some("token-invalid-authorized-parties")
    );
    let good = token("https://app.example");
    assert_eq!(
        get(server.url("/inner/me"), &[("authorization", &good)])
            .await
            .status,
        200
    );
    server.stop().await;
}

/// The same configuration nested twice authenticates once and answers one set of headers.
#[actix_web::test]
async fn nested_middlewares_with_the_same_configuration_reuse_the_state() {
    let instance = TestInstance::new();
    let config = prod_config(&instance);
    let server = start_nested(config.clone(), config);
    let token = bearer(&instance.token().user_id("user_once").sign());
    let a = get(server.url("/inner/many"), &[("authorization", &token)]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(a.headers.get_all("x-clerk-auth-status").iter().count(), 1);
    server.stop().await;
}
