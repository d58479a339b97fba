//! HTTP behaviour of `ClerkFairing` and the guards, over real sockets on 127.0.0.1: the shared
//! scenarios of `clerk_testing::scenarios` (served by the routes below), and what is particular
//! to Rocket: the outcome route, HEAD and POST rewrites, sentinels, catchers, catch-all routes
//! that must not shadow a refusal, and one fairing per application.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use clerk_core::jwt::JwksCacheSettings;
use clerk_rocket::{ClerkConfig, ClerkFairing, ClerkRejection, ClerkUser, Protected, SignedIn};
use clerk_testing::TestInstance;
use clerk_testing::scenarios::{self, Admins, InvoicesRead, JwksReply, JwksStandIn};
use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome};
use rocket::serde::json::{Value, json};
use rocket::{Build, Request, Rocket, State, get, post, routes};
use serde_json::Value as JsonValue;

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0";

/// Counts handler runs, to prove a handler did not run.
#[derive(Default)]
struct Hits(AtomicUsize);

impl Hits {
    fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[get("/public")]
fn public(hits: &State<Arc<Hits>>) -> &'static str {
    hits.hit();
    "the handler ran"
}

#[post("/public")]
fn public_post(hits: &State<Arc<Hits>>) -> &'static str {
    hits.hit();
    "posted"
}

#[get("/me")]
fn me(user: ClerkUser, hits: &State<Arc<Hits>>) -> Value {
    hits.hit();
    scenarios::me_body(&user)
}

#[get("/optional")]
fn optional(user: Option<ClerkUser>, hits: &State<Arc<Hits>>) -> Value {
    hits.hit();
    scenarios::optional_body(user.as_deref())
}

#[get("/admin")]
fn admin(user: Protected<Admins>) -> Value {
    scenarios::admin_body(&user)
}

/// `Protected<P>` first, the body last.
#[post("/invoices", data = "<body>")]
fn invoices(user: Protected<InvoicesRead>, body: String) -> Value {
    json!({ "user_id": user.user_id(), "body": body })
}

/// Several Clerk guards on one route: the state must still be computed once.
#[get("/many")]
fn many(
    first: Protected<SignedIn>,
    second: ClerkUser,
    third: Option<ClerkUser>,
    fourth: Result<ClerkUser, ClerkRejection>,
) -> String {
    scenarios::many_body([
        Some(&first),
        Some(&second),
        third.as_deref(),
        fourth.as_deref().ok(),
    ])
}

/// The documented customisation: take the `Result` and answer your own shape.
#[get("/custom")]
fn custom(user: Result<ClerkUser, ClerkRejection>) -> (Status, Value) {
    match user {
        Ok(user) => (Status::Ok, scenarios::custom_body(Ok(&user))),
        Err(rejection) => (
            Status::new(rejection.status_code()),
            scenarios::custom_body(Err(rejection.reason())),
        ),
    }
}

/// A guard that uses `ClerkUser` indirectly, so no `Sentinel` sees it.
struct Indirect(Result<ClerkUser, ClerkRejection>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Indirect {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match request.guard::<ClerkUser>().await {
            Outcome::Success(user) => Outcome::Success(Indirect(Ok(user))),
            Outcome::Error((_, rejection)) => Outcome::Success(Indirect(Err(rejection))),
            Outcome::Forward(status) => Outcome::Forward(status),
        }
    }
}

#[get("/indirect")]
fn indirect(guard: Indirect) -> Result<String, ClerkRejection> {
    guard.0.map(|u| u.user_id().to_owned())
}

fn rocket_config() -> rocket::Config {
    let mut config = rocket::Config::debug_default();
    config.address = Ipv4Addr::LOCALHOST.into();
    config.port = 0;
    config.log_level = LogLevel::Off;
    config.workers = 2;
    config.shutdown.ctrlc = false;
    #[cfg(unix)]
    config.shutdown.signals.clear();
    config
}

fn app(config: Option<ClerkConfig>, hits: Arc<Hits>) -> Rocket<Build> {
    let rocket = rocket::custom(rocket_config()).manage(hits);
    match config {
        Some(config) => rocket.attach(ClerkFairing::new(config)).mount(
            "/",
            routes![
                public,
                public_post,
                me,
                optional,
                admin,
                invoices,
                many,
                custom,
                indirect
            ],
        ),
        None => rocket.mount("/", routes![public, indirect]),
    }
}

struct Server {
    base: String,
    hits: Arc<Hits>,
    client: reqwest::Client,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self) -> usize {
        self.hits.0.load(Ordering::SeqCst)
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request")
    }
}

/// Launches `rocket` on 127.0.0.1, on a port the OS picks.
async fn launch(rocket: Rocket<Build>, hits: Arc<Hits>) -> Server {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = rocket.attach(AdHoc::on_liftoff("port", move |r| {
        Box::pin(async move {
            let _ = tx.send(r.config().port);
        })
    }));
    tokio::spawn(rocket.launch());
    let port = rx.await.expect("rocket launched");
    Server {
        base: format!("http://127.0.0.1:{port}"),
        hits,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    }
}

async fn serve(config: ClerkConfig) -> Server {
    let hits = Arc::new(Hits::default());
    launch(app(Some(config), hits.clone()), hits).await
}

/// A production-like config (`sk_live_…`): no development browser rules.
fn prod(instance: &TestInstance) -> ClerkConfig {
    instance
        .config_builder()
        .secret_key("sk_live_x")
        .build()
        .expect("config")
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn json_body(response: reqwest::Response) -> JsonValue {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// A browser's page navigation.
const NAVIGATION: [(&str, &str); 2] = [
    ("user-agent", BROWSER),
    ("accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
];

/// The fairing's interstitial answer to a first development visit: `401`, the HTML page, not
/// cached, and the auth headers.
#[track_caller]
fn assert_interstitial_page(res: &reqwest::Response) {
    assert_eq!(res.status(), 401);
    assert_eq!(
        header(res, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(header(res, "cache-control"), Some("no-store"));
    assert_eq!(header(res, "x-clerk-auth-status"), Some("interstitial"));
    assert_eq!(header(res, "x-clerk-auth-reason"), Some("uat-missing"));
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test(flavor = "multi_thread")]
async fn scenarios() {
    let instance = TestInstance::new();
    let result =
        scenarios::replay(&instance, |config| async move { serve(config).await.base }).await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn interstitial_for_browser_navigation_without_running_the_handler() {
    let instance = TestInstance::new();
    let server = serve(instance.config_builder().build().expect("config")).await;
    let nav = NAVIGATION;

    let res = server.get("/public", &nav).await;
    assert_interstitial_page(&res);
    let html = res.text().await.expect("body");
    assert!(
        html.contains("<html") || html.contains("<!DOCTYPE"),
        "{html}"
    );
    assert!(
        html.contains(instance.publishable_key()),
        "the page embeds the instance"
    );
    assert_eq!(server.hits(), 0, "the handler must not run");

    // HEAD: same status, no body.
    let res = server
        .client
        .head(server.url("/public"))
        .header("user-agent", BROWSER)
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("interstitial"));
    assert!(res.bytes().await.expect("body").is_empty());

    // An API client gets JSON, never HTML.
    let res = server
        .get(
            "/public",
            &[("user-agent", BROWSER), ("accept", "application/json")],
        )
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "content-type"), Some("application/json"));
    assert_eq!(header(&res, "www-authenticate"), Some("Bearer"));
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "status": "interstitial", "reason": "uat-missing" })
    );

    // A POST is rewritten too: the POST handler does not run.
    let res = server
        .client
        .post(server.url("/public"))
        .header("user-agent", BROWSER)
        .header("accept", "text/html")
        .body("x=1")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "content-type"), Some("application/json"));
    assert_eq!(server.hits(), 0, "no handler ran");

    // The internal route is not reachable for a request that continues.
    let token = instance.token().sign();
    let res = server
        .get("/__clerk/outcome", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-in"));
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_header_token_is_unknown() {
    let instance = TestInstance::new();
    let server = serve(prod(&instance)).await;
    let token = instance.token().issued_at(now() - 3600).sign();
    let res = server
        .get("/optional", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "content-type"), Some("application/json"));
    assert_eq!(header(&res, "www-authenticate"), Some("Bearer"));
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("unknown"));
    assert_eq!(header(&res, "x-clerk-auth-reason"), Some("token-expired"));
    let message = header(&res, "x-clerk-auth-message")
        .expect("message")
        .to_owned();
    assert!(
        message.contains("token-expired") && !message.contains(' '),
        "{message}"
    );
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "status": "unknown", "reason": "token-expired" })
    );
    assert_eq!(server.hits(), 0, "the handler must not run");
}

/// A config that fetches the JWKS from `api_url` (no PEM key).
fn jwks_config(instance: &TestInstance, api_url: &str) -> clerk_core::ClerkConfigBuilder {
    ClerkConfig::builder()
        .secret_key("sk_live_x")
        .publishable_key(instance.publishable_key())
        .api_url(api_url)
}

#[tokio::test(flavor = "multi_thread")]
async fn state_is_computed_once_per_request_with_several_guards() {
    let instance = TestInstance::new();
    let jwks = JwksStandIn::start(JwksReply::Keys(instance.jwks())).await;
    let api_url = jwks.url();
    let config = jwks_config(&instance, api_url)
        .skip_jwks_cache(true)
        .build()
        .expect("config");
    let server = serve(config).await;
    let token = instance.token().user_id("user_many").sign();
    for round in 1..=3 {
        let res = server
            .get("/many", &[("authorization", &bearer(&token))])
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.text().await.expect("body"),
            "user_many,user_many,user_many,user_many"
        );
        assert_eq!(jwks.hits(), round, "one JWKS fetch per request");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_jwks_cache_for_all_workers() {
    let instance = TestInstance::new();
    let jwks = JwksStandIn::start(JwksReply::Keys(instance.jwks())).await;
    let api_url = jwks.url();
    let config = jwks_config(&instance, api_url).build().expect("config");
    let server = Arc::new(serve(config).await);
    let token = instance.token().sign();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let server = server.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            server
                .get("/me", &[("authorization", &bearer(&token))])
                .await
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 200);
    }
    let res = server
        .get("/me", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(jwks.hits(), 1, "one JWKS fetch for the process");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_fairing_aborts_launch() {
    let hits = Arc::new(Hits::default());
    let rocket = rocket::custom(rocket_config())
        .manage(hits)
        .mount("/", routes![me, admin, optional, custom]);
    let error = rocket.ignite().await.expect_err("launch must fail");
    match error.kind() {
        rocket::error::ErrorKind::SentinelAborts(sentries) => {
            let names: Vec<_> = sentries.iter().map(|s| s.type_name).collect();
            assert!(names.iter().any(|n| n.contains("ClerkUser")), "{names:?}");
            assert!(names.iter().any(|n| n.contains("Protected")), "{names:?}");
        }
        other => panic!("unexpected launch error: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_fairing_behind_a_custom_guard_is_500_naming_the_fix() {
    let hits = Arc::new(Hits::default());
    let server = launch(app(None, hits.clone()), hits).await;
    let res = server.get("/indirect", &[]).await;
    assert_eq!(res.status(), 500);
    assert_eq!(header(&res, "content-type"), Some("application/json"));
    let body = json_body(res).await;
    assert_eq!(body["error"], "clerk_not_configured");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(".attach(ClerkFairing::new(config))"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reserved_path_refuses_to_launch() {
    #[get("/__clerk/outcome")]
    fn squatter() -> &'static str {
        "mine"
    }
    let instance = TestInstance::new();
    let rocket = rocket::custom(rocket_config())
        .attach(ClerkFairing::new(prod(&instance)))
        .mount("/", routes![squatter]);
    let error = rocket.ignite().await.expect_err("launch must fail");
    assert!(
        matches!(error.kind(), rocket::error::ErrorKind::FailedFairings(f) if f.iter().any(|i| i.name == "Clerk")),
        "{:?}",
        error.kind()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_headers_are_uri_encoded() {
    let instance = TestInstance::new();
    let server = serve(prod(&instance)).await;
    let res = server
        .get("/public", &[("authorization", "Bearer junk")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-out"));
    let message = header(&res, "x-clerk-auth-message").unwrap_or_default();
    assert!(!message.is_empty() && !message.contains(' '), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_401_catcher_stays_in_charge() {
    #[rocket::catch(401)]
    fn mine() -> &'static str {
        "my 401"
    }
    let instance = TestInstance::new();
    let hits = Arc::new(Hits::default());
    let rocket = app(Some(prod(&instance)), hits.clone()).register("/", rocket::catchers![mine]);
    let server = launch(rocket, hits).await;
    let res = server.get("/me", &[]).await;
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(res.text().await.expect("body"), "my 401");
    // The fairing's 403 catcher is still registered.
    let token = instance
        .token()
        .org_id("org_1")
        .org_role("org:member")
        .sign();
    let res = server
        .get("/admin", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "error": "forbidden" })
    );
}

/// Application routes and a catcher that would answer every request with `200 shadow`, an
/// `x-shadow` header and (the routes) a `shadow` cookie.
mod shadow {
    use std::sync::Arc;

    use rocket::http::{CookieJar, Header};
    use rocket::{Request, Responder, State, catch, get, head, post};

    use super::Hits;

    #[derive(Responder)]
    #[response(status = 200)]
    pub(super) struct Shadow {
        body: &'static str,
        marker: Header<'static>,
    }

    fn shadow(cookies: Option<&CookieJar<'_>>) -> Shadow {
        if let Some(cookies) = cookies {
            cookies.add(("shadow", "1"));
        }
        Shadow {
            body: "shadow",
            marker: Header::new("x-shadow", "1"),
        }
    }

    #[get("/<_..>")]
    pub(super) fn get_all(hits: &State<Arc<Hits>>, cookies: &CookieJar<'_>) -> Shadow {
        hits.hit();
        shadow(Some(cookies))
    }

    #[post("/<_..>")]
    pub(super) fn post_all(hits: &State<Arc<Hits>>, cookies: &CookieJar<'_>) -> Shadow {
        hits.hit();
        shadow(Some(cookies))
    }

    #[head("/<_..>", rank = 100)]
    pub(super) fn head_all(cookies: &CookieJar<'_>) -> Shadow {
        shadow(Some(cookies))
    }

    #[catch(404)]
    pub(super) fn not_found(_: &Request<'_>) -> Shadow {
        shadow(None)
    }
}

/// Asserts that nothing of the application's `shadow` response is on `res`.
fn assert_not_shadow(res: &reqwest::Response) {
    assert_eq!(header(res, "x-shadow"), None);
    assert_eq!(header(res, "set-cookie"), None);
}

/// The fairing plus `GET` and `POST` routes that match every path with rank `-100` (a higher
/// priority than any default rank; the attribute only takes non-negative literals), a `HEAD`
/// catch-all and a `404` catcher answering `200`.
fn shadowed_app(config: ClerkConfig, hits: Arc<Hits>) -> Rocket<Build> {
    let mut first = routes![shadow::get_all, shadow::post_all];
    for route in &mut first {
        route.rank = -100;
    }
    rocket::custom(rocket_config())
        .manage(hits)
        .attach(ClerkFairing::new(config))
        .mount("/", first)
        .mount("/", routes![shadow::head_all])
        .register("/", rocket::catchers![shadow::not_found])
}

async fn serve_shadowed(config: ClerkConfig) -> Server {
    let hits = Arc::new(Hits::default());
    launch(shadowed_app(config, hits.clone()), hits).await
}

#[tokio::test(flavor = "multi_thread")]
async fn catch_all_routes_cannot_shadow_the_401_for_an_expired_token() {
    let instance = TestInstance::new();
    let server = serve_shadowed(prod(&instance)).await;
    let token = instance.token().issued_at(now() - 3600).sign();
    let auth = bearer(&token);

    let res = server
        .get("/anything/deep?x=1", &[("authorization", &auth)])
        .await;
    assert_eq!(res.status(), 401);
    assert_not_shadow(&res);
    assert_eq!(header(&res, "content-type"), Some("application/json"));
    assert_eq!(header(&res, "www-authenticate"), Some("Bearer"));
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("unknown"));
    assert_eq!(header(&res, "x-clerk-auth-reason"), Some("token-expired"));
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "status": "unknown", "reason": "token-expired" })
    );

    let res = server
        .client
        .post(server.url("/"))
        .header("authorization", &auth)
        .body("x=1")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 401);
    assert_not_shadow(&res);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("unknown"));
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "status": "unknown", "reason": "token-expired" })
    );

    let res = server
        .client
        .head(server.url("/anything"))
        .header("authorization", &auth)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 401);
    assert_not_shadow(&res);
    assert_eq!(header(&res, "www-authenticate"), Some("Bearer"));
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("unknown"));
    assert!(res.bytes().await.expect("body").is_empty());

    assert_eq!(server.hits(), 0, "no GET or POST handler ran");

    // A request the fairing lets through still reaches the catch-all, with the headers.
    let res = server
        .get(
            "/anything",
            &[("authorization", &bearer(&instance.token().sign()))],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-shadow"), Some("1"));
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(res.text().await.expect("body"), "shadow");
}

#[tokio::test(flavor = "multi_thread")]
async fn catch_all_routes_cannot_shadow_the_interstitial() {
    let instance = TestInstance::new();
    let server = serve_shadowed(instance.config_builder().build().expect("config")).await;
    let nav = NAVIGATION;

    let res = server.get("/", &nav).await;
    assert_interstitial_page(&res);
    assert_not_shadow(&res);
    let html = res.text().await.expect("body");
    assert!(html.contains(instance.publishable_key()), "{html}");

    let mut head = server.client.head(server.url("/page"));
    for (name, value) in nav {
        head = head.header(name, value);
    }
    let res = head.send().await.expect("request");
    assert_eq!(res.status(), 401);
    assert_not_shadow(&res);
    assert_eq!(
        header(&res, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("interstitial"));
    assert!(res.bytes().await.expect("body").is_empty());

    assert_eq!(server.hits(), 0, "no GET or POST handler ran");
}

/// During a Clerk outage the fairing refuses nothing: the application's catch-all route serves
/// the request signed out, with the key-loading failure's reason in the headers.
#[tokio::test(flavor = "multi_thread")]
async fn catch_all_routes_serve_signed_out_through_an_outage() {
    let instance = TestInstance::new();
    let jwks = JwksStandIn::start(JwksReply::ServerError).await;
    let api_url = jwks.url();
    let mut settings = JwksCacheSettings::default();
    settings.attempts = 1;
    let config = jwks_config(&instance, api_url)
        .jwks_cache_settings(settings)
        .build()
        .expect("config");
    let server = serve_shadowed(config).await;
    let token = instance.token().sign();
    let res = server
        .get("/anything", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-shadow"), Some("1"));
    assert_eq!(header(&res, "retry-after"), None);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(
        header(&res, "x-clerk-auth-reason"),
        Some("jwk-remote-failed-to-load")
    );
    assert_eq!(res.text().await.expect("body"), "shadow");
    assert_eq!(server.hits(), 1, "the handler ran");
    assert!(jwks.hits() >= 1);
}

/// Moves every request under `/moved`, as a base-path fairing would.
fn mover() -> AdHoc {
    AdHoc::on_request("move", |request, _| {
        Box::pin(async move {
            let moved = format!("/moved{}", request.uri().path());
            if let Ok(uri) = rocket::http::uri::Origin::parse_owned(moved) {
                request.set_uri(uri);
            }
        })
    })
}

/// A fairing attached after `ClerkFairing` moves every request under `/moved` (as a base-path
/// fairing would), so the rewritten request reaches the application's catch-all route or its
/// `404` catcher instead of the fairing's outcome route: the answer must still be the fairing's.
#[tokio::test(flavor = "multi_thread")]
async fn a_later_rewrite_cannot_shadow_the_answer() {
    let instance = TestInstance::new();
    let hits = Arc::new(Hits::default());
    // Only a catcher: the moved request matches no route.
    let rocket = rocket::custom(rocket_config())
        .manage(hits.clone())
        .attach(ClerkFairing::new(prod(&instance)))
        .attach(mover())
        .register("/", rocket::catchers![shadow::not_found]);
    let server = launch(rocket, hits).await;
    let token = instance.token().issued_at(now() - 3600).sign();
    let res = server
        .get("/anything", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 401);
    assert_not_shadow(&res);
    assert_eq!(header(&res, "www-authenticate"), Some("Bearer"));
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("unknown"));
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "status": "unknown", "reason": "token-expired" })
    );
    // Without an answer the catcher's response stands.
    let res = server
        .get(
            "/anything",
            &[("authorization", &bearer(&instance.token().sign()))],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-shadow"), Some("1"));
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(res.text().await.expect("body"), "shadow");

    // With the catch-all routes too, the moved request reaches one of them.
    let hits = Arc::new(Hits::default());
    let server = launch(
        shadowed_app(prod(&instance), hits.clone()).attach(mover()),
        hits,
    )
    .await;
    let res = server
        .get("/anything", &[("authorization", &bearer(&token))])
        .await;
    assert_eq!(res.status(), 401);
    assert_not_shadow(&res);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("unknown"));
    assert_eq!(
        json_body(res).await,
        serde_json::json!({ "status": "unknown", "reason": "token-expired" })
    );
}

/// An instance with its own frontend API, so its own publishable key.
fn instance_at(frontend_api: &str) -> TestInstance {
    TestInstance::with_frontend_api(frontend_api)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_attached_fairing_serves_every_request() {
    let a = instance_at("instance-a.clerk.accounts.dev");
    let b = instance_at("instance-b.clerk.accounts.dev");
    let hits = Arc::new(Hits::default());
    let rocket = rocket::custom(rocket_config())
        .manage(hits.clone())
        .attach(ClerkFairing::new(prod(&a)))
        .attach(ClerkFairing::new(prod(&b)))
        .mount("/", routes![me, public]);
    let server = launch(rocket, hits).await;

    let res = server
        .get(
            "/me",
            &[(
                "authorization",
                &bearer(&b.token().user_id("user_b").sign()),
            )],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(json_body(res).await["user_id"], "user_b");

    // Instance A's token is not signed in: the fairing lets it through as signed out and the
    // guard answers 401.
    let res = server
        .get(
            "/me",
            &[(
                "authorization",
                &bearer(&a.token().user_id("user_a").sign()),
            )],
        )
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(header(&res, "www-authenticate"), Some("Bearer"));
    assert_eq!(json_body(res).await["error"], "unauthenticated");
    assert_eq!(
        server.hits(),
        1,
        "only instance B's user reached the handler"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_attached_fairing_answers_the_interstitial() {
    let a = instance_at("instance-a.clerk.accounts.dev");
    let b = instance_at("instance-b.clerk.accounts.dev");
    let hits = Arc::new(Hits::default());
    let development = |i: &TestInstance| i.config_builder().build().expect("config");
    let rocket = rocket::custom(rocket_config())
        .manage(hits.clone())
        .attach(ClerkFairing::new(development(&a)))
        .attach(ClerkFairing::new(development(&b)))
        .mount("/", routes![public]);
    let server = launch(rocket, hits).await;
    let res = server
        .get(
            "/public",
            &[("user-agent", BROWSER), ("accept", "text/html")],
        )
        .await;
    assert_eq!(res.status(), 401);
    let html = res.text().await.expect("body");
    assert!(html.contains(b.publishable_key()), "{html}");
    assert!(!html.contains(a.publishable_key()), "{html}");
    assert_eq!(server.hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fairing_attached_after_the_first_ignited_fails_launch() {
    let a = instance_at("instance-a.clerk.accounts.dev");
    let b = instance_at("instance-b.clerk.accounts.dev");
    let late = ClerkFairing::new(prod(&b));
    let rocket = rocket::custom(rocket_config())
        .attach(ClerkFairing::new(prod(&a)))
        .attach(AdHoc::on_ignite("late clerk", move |rocket| async move {
            rocket.attach(late)
        }))
        .mount("/", routes![public]);
    let error = rocket.ignite().await.expect_err("launch must fail");
    assert!(
        matches!(error.kind(), rocket::error::ErrorKind::FailedFairings(f) if f.iter().any(|i| i.name == "Clerk")),
        "{:?}",
        error.kind()
    );
}

/// The handshake protocol over a socket: `__client_uat` > 0 without a session is a `307` to the
/// frontend API's handshake for a browser navigation, and a signed-out request for an API call
/// (`clerk_testing::handshake_replay::client_uat_without_session`).
#[tokio::test(flavor = "multi_thread")]
async fn handshake_client_uat_without_session() {
    let server = serve(clerk_testing::handshake_replay::socket_config()).await;
    let result = clerk_testing::handshake_replay::client_uat_without_session(&server.base).await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}
