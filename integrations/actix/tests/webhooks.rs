//! `ClerkWebhook` over a real socket on 127.0.0.1: deliveries signed as Clerk signs them
//! (`clerk_testing::webhook_cases`), accepted, refused with `400`/`413`, and `500` without a
//! verifier.

use actix_web::{App, HttpServer, post, web};
use clerk_actix::ClerkWebhook;
use clerk_actix::clerk_core::WebhookVerifier;
use clerk_testing::webhook_cases::{self, Fixture};

#[post("/webhooks/clerk")]
async fn clerk(webhook: ClerkWebhook) -> String {
    webhook_cases::describe(webhook.message_id(), &webhook)
}

#[post("/webhooks/raw")]
async fn raw(webhook: ClerkWebhook<serde_json::Value>) -> String {
    webhook["data"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn unconfigured(webhook: ClerkWebhook) -> String {
    webhook.message_id().to_owned()
}

async fn serve(fixture: &Fixture) -> String {
    let verifier = web::Data::new(
        WebhookVerifier::new(fixture.signer().secret()).expect("the signer's secret"),
    );
    let server = HttpServer::new(move || {
        // The route without a verifier first: the scope matches every path.
        App::new()
            .route("/webhooks/unconfigured", web::post().to(unconfigured))
            .service(
                web::scope("")
                    .app_data(verifier.clone())
                    .service(clerk)
                    .service(raw),
            )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    format!("http://{addr}")
}

#[actix_web::test]
async fn deliveries() {
    let fixture = Fixture::new();
    let base = serve(&fixture).await;
    let fix = ".app_data(web::Data::new(WebhookVerifier::from_env()?))";
    if let Err(failures) = webhook_cases::replay(&base, &fixture, Some(fix)).await {
        panic!("{failures}");
    }
}
