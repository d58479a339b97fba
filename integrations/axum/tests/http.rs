//! clerk-axum over real sockets on 127.0.0.1: the shared scenarios of
//! `clerk_testing::scenarios` (served by the routes below), and what is particular to axum:
//! nested layers and the JWKS cache shared by every clone of the layer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::Json;
use axum::http::StatusCode;
use axum::routing::{get, post};
use clerk_axum::{ClerkConfig, ClerkLayer, ClerkRejection, ClerkUser, Protected, SignedIn};
use clerk_testing::TestInstance;
use clerk_testing::scenarios::{self, Admins, InvoicesRead};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tokio::net::TcpListener;

async fn me(user: ClerkUser) -> Json<Value> {
    Json(scenarios::me_body(&user))
}

async fn optional(user: Option<ClerkUser>) -> Json<Value> {
    Json(scenarios::optional_body(user.as_deref()))
}

async fn admin(admin: Protected<Admins>) -> Json<Value> {
    Json(scenarios::admin_body(&admin))
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
    scenarios::many_body([
        Some(&first),
        Some(&second),
        third.as_deref(),
        fourth.as_deref().ok(),
    ])
}

/// The documented way to answer rejections in your own shape.
async fn custom(user: Result<ClerkUser, ClerkRejection>) -> (StatusCode, Json<Value>) {
    match user {
        Ok(user) => (StatusCode::OK, Json(scenarios::custom_body(Ok(&user)))),
        Err(rejection) => (
            StatusCode::from_u16(rejection.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(scenarios::custom_body(Err(rejection.reason()))),
        ),
    }
}

/// The routes of `clerk_testing::scenarios`.
fn routes() -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/optional", get(optional))
        .route("/admin", get(admin))
        .route("/invoices", post(invoices))
        .route("/many", get(many))
        .route("/custom", get(custom))
        .route("/public", get(|| async { "the handler ran" }))
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

/// A Backend API stand-in answering `GET /v1/jwks` with `body`, counting the requests.
async fn jwks_server(body: Value) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/v1/jwks",
        get(move || {
            let body = body.clone();
            counter.fetch_add(1, Ordering::SeqCst);
            async move { Json(body) }
        }),
    );
    (serve(app).await, hits)
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
async fn scenarios() {
    let instance = TestInstance::new();
    let result = scenarios::replay(&instance, |config| serve(app(&config))).await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

#[tokio::test]
async fn missing_layer_is_500_naming_the_fix() {
    let base = serve(routes()).await;
    let result = scenarios::missing_setup(&base, ".layer(ClerkLayer::new(config))", false).await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

#[tokio::test]
async fn state_is_computed_once_per_request() {
    let instance = TestInstance::new();
    let (api_url, hits) = jwks_server(instance.jwks()).await;
    // The interstitial protocol, whose `x-clerk-auth-status` is on signed-in answers too.
    let config = ClerkConfig::builder()
        .protocol(clerk_axum::clerk_core::AuthProtocol::Interstitial)
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
    let (api_url, hits) = jwks_server(instance.jwks()).await;
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

/// Nested routers with layers of different configurations (`clerk_testing::scenarios::
/// replay_nested`): the inner layer's state and headers decide for its routes.
#[tokio::test]
async fn nested_layers_decide_with_their_own_configuration() {
    let result = scenarios::replay_nested(|outer, inner| {
        serve(
            routes()
                .nest("/inner", app(&inner))
                .layer(ClerkLayer::new(outer)),
        )
    })
    .await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

/// The handshake protocol over a socket: `__client_uat` > 0 without a session is a `307` to the
/// frontend API's handshake for a browser navigation, and a signed-out request for an API call
/// (`clerk_testing::handshake_replay::client_uat_without_session`).
#[tokio::test]
async fn handshake_client_uat_without_session() {
    let config = clerk_testing::handshake_replay::socket_config();
    let base = serve(app(&config)).await;
    let result = clerk_testing::handshake_replay::client_uat_without_session(&base).await;
    if let Err(failures) = result {
        panic!("{failures}");
    }
}
