//! HTTP behaviour of clerk-actix over real sockets on 127.0.0.1: the shared scenarios of
//! `clerk_testing::scenarios` (served by the routes below), and what is particular to actix-web:
//! handler errors, workers sharing one JWKS cache, nested middlewares.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, web};
use clerk_actix::{ClerkConfig, ClerkMiddleware, ClerkRejection, ClerkUser, Protected, SignedIn};
use clerk_testing::TestInstance;
use clerk_testing::scenarios::{self, Admins, InvoicesRead};
use serde_json::{Value, json};

// ---------------------------------------------------------------- app under test

async fn me(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(scenarios::me_body(&user))
}

async fn optional(user: Option<ClerkUser>) -> HttpResponse {
    HttpResponse::Ok().json(scenarios::optional_body(user.as_deref()))
}

async fn admin(user: Protected<Admins>) -> HttpResponse {
    HttpResponse::Ok().json(scenarios::admin_body(&user))
}

/// `Protected<P>` first, the body last.
async fn invoices(user: Protected<InvoicesRead>, body: String) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user_id": user.user_id(), "body": body }))
}

/// Several extractors in one handler: the session must still be verified once.
async fn many(
    a: Protected<SignedIn>,
    b: ClerkUser,
    c: Option<ClerkUser>,
    d: Result<ClerkUser, ClerkRejection>,
) -> HttpResponse {
    HttpResponse::Ok().body(scenarios::many_body([
        Some(&a),
        Some(&b),
        c.as_deref(),
        d.as_deref().ok(),
    ]))
}

/// The documented way to answer rejections in your own shape.
async fn custom(user: Result<ClerkUser, ClerkRejection>) -> HttpResponse {
    match user {
        Ok(user) => HttpResponse::Ok().json(scenarios::custom_body(Ok(&user))),
        Err(rejection) => HttpResponse::build(
            StatusCode::from_u16(rejection.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(scenarios::custom_body(Err(rejection.reason()))),
    }
}

async fn failing() -> Result<HttpResponse, actix_web::Error> {
    Err(actix_web::error::ErrorBadRequest("bad input"))
}

async fn thread() -> HttpResponse {
    HttpResponse::Ok().body(format!("{:?}", std::thread::current().id()))
}

async fn public() -> HttpResponse {
    HttpResponse::Ok().body("the handler ran")
}

/// The routes of `clerk_testing::scenarios`, and `/failing`, `/thread`.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me))
        .route("/optional", web::get().to(optional))
        .route("/admin", web::get().to(admin))
        .route("/invoices", web::post().to(invoices))
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
    // The interstitial protocol, whose `x-clerk-auth-status` is on signed-in answers too.
    ClerkConfig::builder()
        .protocol(clerk_actix::clerk_core::AuthProtocol::Interstitial)
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

// ---------------------------------------------------------------- the shared scenarios

#[actix_web::test]
async fn scenarios() {
    let instance = TestInstance::new();
    let mut servers = Vec::new();
    let result = scenarios::replay(&instance, |config| {
        let server = start(config, 1);
        let url = server.url("");
        servers.push(server);
        async move { url }
    })
    .await;
    for server in servers {
        server.stop().await;
    }
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

#[actix_web::test]
async fn missing_middleware_is_500_naming_the_fix() {
    let server = start_without_middleware();
    // Option<ClerkUser> has no way to fail in actix-web: it is None (and an error event is
    // logged).
    let result =
        scenarios::missing_setup(&server.url(""), ".wrap(ClerkMiddleware::new(config))", true)
            .await;
    server.stop().await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
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
        assert_eq!(
            (a.status, a.body.as_str()),
            (200, "user_m,user_m,user_m,user_m")
        );
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

/// Nested scopes with middlewares of different configurations (`clerk_testing::scenarios::
/// replay_nested`): the inner middleware's state and headers decide for its routes.
#[actix_web::test]
async fn nested_middlewares_decide_with_their_own_configuration() {
    let mut servers = Vec::new();
    let result = scenarios::replay_nested(|outer, inner| {
        let server = start_nested(outer, inner);
        let url = server.url("");
        servers.push(server);
        async move { url }
    })
    .await;
    for server in servers {
        server.stop().await;
    }
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

/// The handshake protocol over a socket: `__client_uat` > 0 without a session is a `307` to the
/// frontend API's handshake for a browser navigation, and a signed-out request for an API call
/// (`clerk_testing::handshake_replay::client_uat_without_session`).
#[actix_web::test]
async fn handshake_client_uat_without_session() {
    let server = start(clerk_testing::handshake_replay::socket_config(), 1);
    let result = clerk_testing::handshake_replay::client_uat_without_session(&server.url("")).await;
    server.stop().await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}
