//! `ClerkWebhook` over a real socket on 127.0.0.1: deliveries signed as Clerk signs them
//! (`clerk_testing::webhook_cases`), accepted, refused with `400`/`413`; without a managed
//! verifier the launch aborts.

use clerk_rocket::clerk_core::WebhookVerifier;
use clerk_rocket::{ClerkWebhook, WebhookRejection};
use clerk_testing::webhook_cases::{self, Fixture};
use rocket::fairing::AdHoc;
use rocket::{Build, Rocket, post, routes};

// The JSON rejection through `Result`, as the docs recommend.
#[post("/webhooks/clerk", data = "<webhook>")]
fn clerk(webhook: Result<ClerkWebhook, WebhookRejection>) -> Result<String, WebhookRejection> {
    let webhook = webhook?;
    Ok(webhook_cases::describe(webhook.message_id(), &webhook))
}

#[post("/webhooks/raw", data = "<webhook>")]
fn raw(
    webhook: Result<ClerkWebhook<serde_json::Value>, WebhookRejection>,
) -> Result<String, WebhookRejection> {
    Ok(webhook?["data"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

fn app(verifier: Option<WebhookVerifier>) -> Rocket<Build> {
    let figment = rocket::Config::figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("log_level", "off"));
    let rocket = rocket::custom(figment).mount("/", routes![clerk, raw]);
    match verifier {
        Some(verifier) => rocket.manage(verifier),
        None => rocket,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deliveries() {
    let fixture = Fixture::new();
    let verifier = WebhookVerifier::new(fixture.signer().secret()).expect("the signer's secret");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = app(Some(verifier)).attach(AdHoc::on_liftoff("port", move |r| {
        Box::pin(async move {
            let _ = tx.send(r.config().port);
        })
    }));
    tokio::spawn(rocket.launch());
    let base = format!("http://127.0.0.1:{}", rx.await.expect("rocket launched"));
    if let Err(failures) = webhook_cases::replay(&base, &fixture, None).await {
        panic!("{failures}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_managed_verifier_aborts_launch() {
    let error = app(None).ignite().await.expect_err("launch must fail");
    match error.kind() {
        rocket::error::ErrorKind::SentinelAborts(sentries) => {
            let names: Vec<_> = sentries.iter().map(|s| s.type_name).collect();
            assert_eq!(names.len(), 2, "{names:?}");
            assert!(
                names.iter().all(|n| n.contains("ClerkWebhook")),
                "{names:?}"
            );
        }
        other => panic!("unexpected launch error: {other:?}"),
    }
}
