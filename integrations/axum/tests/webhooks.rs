//! `ClerkWebhook` over a real socket on 127.0.0.1: deliveries signed as Clerk signs them
//! (`clerk_testing::webhook_cases`), accepted, refused with `400`/`413`, and `500` without a
//! verifier.

use axum::routing::post;
use axum::{Extension, Router};
use clerk_axum::ClerkWebhook;
use clerk_axum::clerk_core::WebhookVerifier;
use clerk_testing::webhook_cases::{self, Fixture};
use tokio::net::TcpListener;

async fn clerk(webhook: ClerkWebhook) -> String {
    webhook_cases::describe(webhook.message_id(), &webhook)
}

async fn raw(webhook: ClerkWebhook<serde_json::Value>) -> String {
    webhook["data"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn serve(fixture: &Fixture) -> String {
    let verifier = WebhookVerifier::new(fixture.signer().secret()).expect("the signer's secret");
    let app = Router::new()
        .route("/webhooks/clerk", post(clerk))
        .route("/webhooks/raw", post(raw))
        .layer(Extension(verifier))
        .route("/webhooks/unconfigured", post(clerk));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn deliveries() {
    let fixture = Fixture::new();
    let base = serve(&fixture).await;
    let fix = ".layer(Extension(WebhookVerifier::from_env()?))";
    if let Err(failures) = webhook_cases::replay(&base, &fixture, Some(fix)).await {
        panic!("{failures}");
    }
}
