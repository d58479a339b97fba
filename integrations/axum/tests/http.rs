//! clerk-axum over real sockets on 127.0.0.1: an axum app behind `ClerkLayer`, a reqwest
//! client, tokens minted by `clerk-testing`, and an in-test JWKS server where the case needs one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::Json;
use axum::http::StatusCode;
use axum::routing::{get, post};
use clerk_axum::clerk_core::jwt::JwksCacheSettings;
use clerk_axum::{ClerkConfig, ClerkLayer, ClerkRejection, ClerkUser, Policy, Protected, SignedIn};
use clerk_testing::TestInstance;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

struct Admins;

impl Policy for Admins {
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

async fn me(user: ClerkUser) -> Json<Value> {
    Json(json!({
        "user_id": user.user_id(),
        "session_id": user.session_id(),
        "org_id": user.org_id(),
        "org_role": user.org_role(),
        "org_slug": user.org_slug(),
        "org_permissions": user.org_permissions(),
    }))
}

async fn maybe(user: Option<ClerkUser>) -> Json<Value> {
    Json(json!({ "user_id": user.as_ref().map(ClerkUser::user_id) }))
}

async fn admin(admin: Protected<Admins>) -> Json<Value> {
    Json(json!({ "user_id": admin.user_id(), "org_role": admin.org_role() }))
}

/// `Protected<P>` first, a body extractor last.
async fn invoices(reader: Protected<InvoicesRead>, body: String) -> Json<Value> {
    Json(json!({ "user_id": reader.user_id(), "body": body }))
}

/// Several extractors on one request: the layer verified once, each extractor only reads.
async fn many(
    first: Protected<SignedIn>,
    second: ClerkUser,
    third: Option<ClerkUser>,
    fourth: Result<ClerkUser, ClerkRejection>,
) -> String {
    let ids = [
        first.user_id().to_owned(),
        second.user_id().to_owned(),
        third.map(|u| u.user_id().to_owned()).unwrap_or_default(),
        fourth.map(|u| u.user_id().to_owned()).unwrap_or_default(),
    ];
    ids.join(",")
}

/// The documented way to answer rejections in your own shape.
async fn custom(
    user: Result<ClerkUser, ClerkRejection>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let user = user.map_err(|rejection| {
        let status = StatusCode::from_u16(rejection.status_code())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            Json(json!({ "code": "not_signed_in", "why": rejection.reason() })),
        )
    })?;
    Ok(Json(json!({ "hello": user.user_id() })))
}

fn routes() -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/maybe", get(maybe))
        .route("/admin", get(admin))
        .route("/invoices", post(invoices))
        .route("/many", get(many))
        .route("/custom", get(custom))
        .route("/page", get(|| async { "the handler ran" }))
}

fn app(config: &ClerkConfig) -> Router {
    routes().layer(ClerkLayer::new(config.clone()))
}

async fn serve(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A Backend API stand-in answering `GET /v1/jwks` with `body` (or `500` when `None`), counting
/// the requests.
async fn jwks_server(body: Option<Value>) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/v1/jwks",
        get(move || {
            let body = body.clone();
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match body {
                    Some(body) => (StatusCode::OK, Json(body)),
                    None => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({}))),
                }
            }
        }),
    );
    (serve(app).await, hits)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn dev_config(instance: &TestInstance) -> ClerkConfig {
    instance.config_builder().build().unwrap()
}

/// A production-like configuration: no development browser rules for non-browser clients.
fn prod_config(instance: &TestInstance) -> ClerkConfig {
    instance
        .config_builder()
        .secret_key("sk_live_x")
        .build()
        .unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn assert_auth_headers(headers: &HeaderMap, status: &str, reason: Option<&str>) {
    assert_eq!(header(headers, "x-clerk-auth-status"), Some(status));
    assert_eq!(header(headers, "x-clerk-auth-reason"), reason);
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn signed_in_with_a_bearer_token() {
    let instance = TestInstance::new();
    let base = serve(app(&dev_config(&instance))).await;
    let token = instance
        .token()
        .user_id("user_1")
        .session_id(Some("sess_1"))
        .org_id("org_1")
        .org_role("org:admin")
        .org_slug("acme")
        .org_permissions(["org:invoices:read"])
        .sign();

    let response = reqwest::Client::new()
        .get(format!("{base}/me"))
        .header("authorization", bearer(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_auth_headers(response.headers(), "signed-in", None);
    assert_eq!(header(response.headers(), "x-clerk-auth-message"), None);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "user_id": "user_1",
            "session_id": "sess_1",
            "org_id": "org_1",
            "org_role": "org:admin",
            "org_slug": "acme",
            "org_permissions": ["org:invoices:read"],
        })
    );
}

#[tokio::test]
async fn signed_in_with_the_session_cookie() {
    let instance = TestInstance::new();
    let base = serve(app(&dev_config(&instance))).await;
    let iat = now();
    let token = instance.token().user_id("user_c").issued_at(iat).sign();

    let response = reqwest::Client::new()
        .get(format!("{base}/me"))
        .header("user-agent", BROWSER)
        .header("cookie", format!("__client_uat={iat}; __session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_auth_headers(response.headers(), "signed-in", None);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user_id"], "user_c");
}

#[tokio::test]
async fn signed_out_is_401_for_clerk_user_and_none_for_option() {
    let instance = TestInstance::new();
    let base = serve(app(&prod_config(&instance))).await;
    let client = reqwest::Client::new();

    let response = client.get(format!("{base}/me")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "www-authenticate"),
        Some("Bearer")
    );
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("application/json")
    );
    assert_auth_headers(
        response.headers(),
        "signed-out",
        Some("cookie-and-uat-missing"),
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "error": "unauthenticated", "reason": "cookie-and-uat-missing" })
    );

    let response = client.get(format!("{base}/maybe")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_auth_headers(
        response.headers(),
        "signed-out",
        Some("cookie-and-uat-missing"),
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "user_id": null }));

    // The explicit signed-out cookie of a browser.
    let response = client
        .get(format!("{base}/maybe"))
        .header("user-agent", BROWSER)
        .header("cookie", "__client_uat=0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_auth_headers(
        response.headers(),
        "signed-out",
        Some("standard-signed-out"),
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "user_id": null }));

    // A signed-in request to the same Option route.
    let token = instance.token().user_id("user_o").sign();
    let response = client
        .get(format!("{base}/maybe"))
        .header("authorization", bearer(&token))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "user_id": "user_o" }));
}

#[tokio::test]
async fn protected_checks_roles_and_permissions() {
    let instance = TestInstance::new();
    let base = serve(app(&prod_config(&instance))).await;
    let client = reqwest::Client::new();
    let admin_token = instance
        .token()
        .user_id("user_a")
        .org_id("org_1")
        .org_role("org:admin")
        .sign();
    let reader_token = instance
        .token()
        .user_id("user_r")
        .org_id("org_1")
        .org_role("org:member")
        .org_permissions(["org:invoices:read"])
        .sign();

    // 401 when signed out.
    let response = client.get(format!("{base}/admin")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "www-authenticate"),
        Some("Bearer")
    );
    assert_auth_headers(
        response.headers(),
        "signed-out",
        Some("cookie-and-uat-missing"),
    );

    // 200 when the role is there.
    let response = client
        .get(format!("{base}/admin"))
        .header("authorization", bearer(&admin_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "user_id": "user_a", "org_role": "org:admin" })
    );

    // 403 when it is not.
    let response = client
        .get(format!("{base}/admin"))
        .header("authorization", bearer(&reader_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_auth_headers(response.headers(), "signed-in", None);
    assert_eq!(header(response.headers(), "www-authenticate"), None);
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "error": "forbidden" }));

    // Permissions: the reader passes, the admin without the permission does not.
    let response = client
        .post(format!("{base}/invoices"))
        .header("authorization", bearer(&reader_token))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "user_id": "user_r", "body": "hello" }));

    let response = client
        .post(format!("{base}/invoices"))
        .header("authorization", bearer(&admin_token))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    let response = client
        .post(format!("{base}/invoices"))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn interstitial_for_browsers_json_for_api_clients() {
    let instance = TestInstance::new();
    let base = serve(app(&dev_config(&instance))).await;
    let client = reqwest::Client::new();

    // A browser page navigation without cookies: the interstitial page, the handler never runs.
    let response = client
        .get(format!("{base}/page"))
        .header("user-agent", BROWSER)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        header(response.headers(), "cache-control"),
        Some("no-store")
    );
    assert_auth_headers(response.headers(), "interstitial", Some("uat-missing"));
    let body = response.text().await.unwrap();
    assert!(body.contains("<html>"), "{body}");
    assert!(body.contains(instance.publishable_key()), "{body}");
    assert!(!body.contains("the handler ran"));

    // The same request from an API client: JSON, never HTML.
    let response = client
        .get(format!("{base}/page"))
        .header("user-agent", BROWSER)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("application/json")
    );
    assert_eq!(
        header(response.headers(), "www-authenticate"),
        Some("Bearer")
    );
    assert_auth_headers(response.headers(), "interstitial", Some("uat-missing"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "status": "interstitial", "reason": "uat-missing" })
    );
}

#[tokio::test]
async fn interstitial_turned_off_is_json() {
    let instance = TestInstance::new();
    let config = instance
        .config_builder()
        .interstitial(false)
        .build()
        .unwrap();
    let base = serve(app(&config)).await;

    let response = reqwest::Client::new()
        .get(format!("{base}/page"))
        .header("user-agent", BROWSER)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("application/json")
    );
    assert_auth_headers(response.headers(), "interstitial", Some("uat-missing"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "status": "interstitial", "reason": "uat-missing" })
    );
}

#[tokio::test]
async fn expired_header_token_is_unknown() {
    let instance = TestInstance::new();
    let base = serve(app(&dev_config(&instance))).await;
    let token = instance
        .token()
        .issued_at(now() - 600)
        .expires_at(now() - 300)
        .sign();

    let response = reqwest::Client::new()
        .get(format!("{base}/me"))
        .header("authorization", bearer(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("application/json")
    );
    assert_eq!(
        header(response.headers(), "www-authenticate"),
        Some("Bearer")
    );
    assert_auth_headers(response.headers(), "unknown", Some("token-expired"));
    let message = header(response.headers(), "x-clerk-auth-message").unwrap();
    assert!(message.starts_with("JWT%20is%20expired"), "{message}");
    assert!(!message.contains(&token));
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "status": "unknown", "reason": "token-expired" })
    );
}

#[tokio::test]
async fn unreachable_jwks_is_503() {
    let instance = TestInstance::new();
    let (api_url, hits) = jwks_server(None).await;
    let mut settings = JwksCacheSettings::default();
    settings.attempts = 1;
    let config = ClerkConfig::builder()
        .secret_key(instance.secret_key())
        .publishable_key(instance.publishable_key())
        .api_url(api_url)
        .jwks_cache_settings(settings)
        .build()
        .unwrap();
    let base = serve(app(&config)).await;

    let response = reqwest::Client::new()
        .get(format!("{base}/page"))
        .header("authorization", bearer(&instance.token().sign()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(header(response.headers(), "retry-after"), Some("5"));
    assert_eq!(
        header(response.headers(), "content-type"),
        Some("application/json")
    );
    assert!(header(response.headers(), "x-clerk-auth-status").is_some());
    assert!(header(response.headers(), "x-clerk-auth-reason").is_some());
    let body: Value = response.json().await.unwrap();
    assert!(
        body["status"].is_string() && body["reason"].is_string(),
        "{body}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn missing_layer_is_500_naming_the_fix() {
    let base = serve(routes()).await;
    let client = reqwest::Client::new();
    for path in ["/me", "/maybe", "/admin", "/many"] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 500, "{path}");
        assert_eq!(
            header(response.headers(), "content-type"),
            Some("application/json")
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "clerk_not_configured");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(".layer(ClerkLayer::new(config))"),
            "{message}"
        );
    }
    // The Result form sees the rejection and keeps the status.
    let response = client.get(format!("{base}/custom")).send().await.unwrap();
    assert_eq!(response.status(), 500);
}

#[tokio::test]
async fn state_is_computed_once_per_request() {
    let instance = TestInstance::new();
    let (api_url, hits) = jwks_server(Some(instance.jwks())).await;
    let config = ClerkConfig::builder()
        .secret_key(instance.secret_key())
        .publishable_key(instance.publishable_key())
        .api_url(api_url)
        .skip_jwks_cache(true)
        .build()
        .unwrap();
    // A nested router with its own layer: the inner layer reuses the outer layer's result.
    let app = Router::new()
        .nest("/nested", app(&config))
        .merge(routes())
        .layer(ClerkLayer::new(config));
    let base = serve(app).await;
    let client = reqwest::Client::new();
    for (n, path) in ["/many", "/many", "/nested/many"].into_iter().enumerate() {
        // A fresh token per request, so that no verified-token cache can answer.
        let session = format!("sess_{n}");
        let token = instance
            .token()
            .user_id("user_once")
            .session_id(Some(&session))
            .sign();
        let response = client
            .get(format!("{base}{path}"))
            .header("authorization", bearer(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_auth_headers(response.headers(), "signed-in", None);
        assert_eq!(
            response.text().await.unwrap(),
            "user_once,user_once,user_once,user_once"
        );
        assert_eq!(hits.load(Ordering::SeqCst), n + 1, "{path}");
    }
}

#[tokio::test]
async fn one_jwks_cache_for_every_clone_of_the_layer() {
    let instance = TestInstance::new();
    let (api_url, hits) = jwks_server(Some(instance.jwks())).await;
    let config = ClerkConfig::builder()
        .secret_key(instance.secret_key())
        .publishable_key(instance.publishable_key())
        .api_url(api_url)
        .build()
        .unwrap();
    let layer = ClerkLayer::new(config);
    // Two servers from clones of one layer, each cloning it again per route and connection.
    let first = serve(routes().layer(layer.clone())).await;
    let second = serve(routes().layer(layer)).await;
    let token = instance.token().sign();

    let mut requests = Vec::new();
    for n in 0..8 {
        let base = if n % 2 == 0 { &first } else { &second };
        // A client per request: a connection per request.
        let request = reqwest::Client::new()
            .get(format!("{base}/me"))
            .header("authorization", bearer(&token))
            .send();
        requests.push(tokio::spawn(request));
    }
    for request in requests {
        let response = request.await.unwrap().unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn rejections_map_to_a_custom_shape() {
    let instance = TestInstance::new();
    let base = serve(app(&prod_config(&instance))).await;
    let client = reqwest::Client::new();

    let response = client.get(format!("{base}/custom")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_auth_headers(
        response.headers(),
        "signed-out",
        Some("cookie-and-uat-missing"),
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "code": "not_signed_in", "why": "cookie-and-uat-missing" })
    );

    let response = client
        .get(format!("{base}/custom"))
        .header(
            "authorization",
            bearer(&instance.token().user_id("user_x").sign()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "hello": "user_x" }));
}

#[tokio::test]
async fn hostile_inputs_never_5xx() {
    let instance = TestInstance::new();
    let dev = serve(app(&dev_config(&instance))).await;
    let prod = serve(app(&prod_config(&instance))).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let huge_cookie = format!(
        "__client_uat=1; __session={}; {}",
        "x".repeat(20_000),
        "a=b; ".repeat(2_000)
    );
    let cases: Vec<(&str, HeaderValue)> = vec![
        ("cookie", HeaderValue::from_str(&huge_cookie).unwrap()),
        (
            "cookie",
            HeaderValue::from_static("__session=; __client_uat=-1e999"),
        ),
        (
            "cookie",
            HeaderValue::from_static("__client_uat=NaN; __session=a.b.c"),
        ),
        (
            "cookie",
            HeaderValue::from_bytes(b"__session=\xff\xfe").unwrap(),
        ),
        ("origin", HeaderValue::from_static("http://[::1")),
        ("origin", HeaderValue::from_static("://")),
        ("origin", HeaderValue::from_static("null")),
        (
            "referer",
            HeaderValue::from_static("http://exa mple.com:99999/"),
        ),
        ("x-forwarded-host", HeaderValue::from_static("[[[")),
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
            HeaderValue::from_str(&format!("Bearer {}", "A".repeat(60_000))).unwrap(),
        ),
        (
            "authorization",
            HeaderValue::from_static("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
        ),
        (
            "authorization",
            HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
        ),
    ];
    for base in [&dev, &prod] {
        for (name, value) in &cases {
            for path in ["/me", "/maybe", "/admin", "/page"] {
                for accept in ["text/html", "application/json"] {
                    let response = client
                        .get(format!("{base}{path}"))
                        .header("user-agent", BROWSER)
                        .header("accept", accept)
                        .header(*name, value.clone())
                        .send()
                        .await
                        .unwrap();
                    let status = response.status();
                    assert!(
                        status.is_success() || status.is_client_error(),
                        "{name}: {value:?} on {path} gave {status}"
                    );
                    assert!(
                        header(response.headers(), "x-clerk-auth-status").is_some(),
                        "{name}: {value:?} on {path}"
                    );
                }
            }
        }
    }
}

/// Nested routers with layers of different configurations: the inner layer computes the state
/// again, its extractors see its state, and its headers are the response's. A result computed with
/// another configuration never vouches for a route.
#[tokio::test]
async fn nested_layers_with_another_configuration_decide_for_their_routes() {
    let customers = TestInstance::new();
    let staff = TestInstance::new();
    let staff_routes = Router::new()
        .route("/admin", get(admin))
        .layer(ClerkLayer::new(prod_config(&staff)));
    let app = Router::new()
        .route("/admin", get(admin))
        .nest("/staff", staff_routes)
        .layer(ClerkLayer::new(prod_config(&customers)));
    let base = serve(app).await;
    let client = reqwest::Client::new();
    let org_admin = |instance: &TestInstance| {
        instance
            .token()
            .user_id("user_admin")
            .org_id("org_1")
            .org_role("org:admin")
            .sign()
    };
    let get = |path: &str, token: String| {
        client
            .get(format!("{base}{path}"))
            .header("authorization", bearer(&token))
            .send()
    };
    // A customer's own admin route.
    let response = get("/admin", org_admin(&customers)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_auth_headers(response.headers(), "signed-in", None);
    // The customers' token on the staff route: the staff layer refuses it, and says so.
    let response = get("/staff/admin", org_admin(&customers)).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(response.headers(), "x-clerk-auth-status"),
        Some("signed-out")
    );
    assert_eq!(
        response
            .headers()
            .get_all("x-clerk-auth-status")
            .iter()
            .count(),
        1
    );
    // A staff token passes the outer layer signed out and the staff layer signed in.
    let response = get("/staff/admin", org_admin(&staff)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_auth_headers(response.headers(), "signed-in", None);
    let response = get("/admin", org_admin(&staff)).await.unwrap();
    assert_eq!(response.status(), 401);
}

/// One instance, the inner layer stricter (authorized parties): the outer layer's looser result
/// is not reused.
#[tokio::test]
async fn nested_layer_with_authorized_parties_is_not_bypassed() {
    let instance = TestInstance::new();
    let strict = instance
        .config_builder()
        .secret_key("sk_live_x")
        .authorized_parties(["https://app.example"])
        .build()
        .unwrap();
    let app = Router::new()
        .route("/me", get(me))
        .nest(
            "/strict",
            Router::new()
                .route("/me", get(me))
                .layer(ClerkLayer::new(strict)),
        )
        .layer(ClerkLayer::new(prod_config(&instance)));
    let base = serve(app).await;
    let client = reqwest::Client::new();
    let token = |azp: &str| instance.token().authorized_party(azp).sign();
    let call = |path: &str, azp: &str| {
        client
            .get(format!("{base}{path}"))
            .header("authorization", bearer(&token(azp)))
            .send()
    };
    assert_eq!(
        call("/me", "https://evil.example").await.unwrap().status(),
        200
    );
    let response = call("/strict/me", "https://evil.example").await.unwrap();
    assert_eq!(response.status(), 401);
    assert_auth_headers(
        response.headers(),
        "signed-out",
        Some("token-invalid-authorized-parties"),
    );
    assert_eq!(
        call("/strict/me", "https://app.example")
            .await
            .unwrap()
            .status(),
        200
    );
}
