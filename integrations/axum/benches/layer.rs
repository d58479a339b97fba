//! What `ClerkLayer` adds to a request, in process (no network): the same JSON handler with and
//! without the layer, signed out and signed in with a reused token (verified-token cache hit),
//! with each protocol.
//!
//! Run: `cargo bench -p clerk-axum --bench layer`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use axum::body::Body;
use axum::routing::get;
use axum::{Json, Router};
use clerk_axum::clerk_core::AuthProtocol;
use clerk_axum::{ClerkLayer, ClerkUser};
use criterion::{Criterion, criterion_group, criterion_main};
use http::Request;
use serde_json::{Value, json};
use tower::ServiceExt as _;

async fn anonymous() -> Json<Value> {
    Json(json!({ "user_id": "anonymous", "org_id": null }))
}

async fn me(user: ClerkUser) -> Json<Value> {
    Json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
}

fn bench(c: &mut Criterion) {
    // A production instance (pk_live), each protocol.
    let instance = clerk_testing::TestInstance::with_frontend_api("clerk.example.com");
    let token = instance.token().lifetime(Duration::from_secs(3600)).sign();
    let app = |protocol| {
        let config = instance
            .config_builder()
            .protocol(protocol)
            .secret_key("sk_live_bench")
            .build()
            .unwrap();
        Router::new()
            .route("/", get(anonymous))
            .route("/me", get(me))
            .layer(ClerkLayer::new(config))
    };
    let plain = Router::new().route("/", get(anonymous));
    let clerk = app(AuthProtocol::Handshake);
    let interstitial = app(AuthProtocol::Interstitial);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let call = |router: &Router, uri: &str, bearer: Option<&str>| {
        let mut request = Request::builder().uri(uri).header("host", "127.0.0.1");
        if let Some(t) = bearer {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        let request = request.body(Body::empty()).unwrap();
        let response = runtime.block_on(router.clone().oneshot(request)).unwrap();
        assert_eq!(response.status(), 200);
        response
    };
    let mut group = c.benchmark_group("axum_layer");
    group.bench_function("plain", |b| b.iter(|| call(&plain, black_box("/"), None)));
    // The same request as `me_reused` (its token header included) to the app without Clerk.
    group.bench_function("plain_with_token_header", |b| {
        b.iter(|| call(&plain, black_box("/"), Some(&token)))
    });
    for (name, app) in [("handshake", &clerk), ("interstitial", &interstitial)] {
        group.bench_function(format!("signed_out/{name}"), |b| {
            b.iter(|| call(app, black_box("/"), None))
        });
        group.bench_function(format!("me_reused_token/{name}"), |b| {
            b.iter(|| call(app, black_box("/me"), Some(&token)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
