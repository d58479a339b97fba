//! Routes served to machines over a real socket on 127.0.0.1: `#[clerk_protected(token = [...],
//! scopes = [...])]`, `ClerkCaller` and `ClerkMachine`, with API keys, M2M tokens and OAuth
//! access tokens issued (and, when opaque, verified) by the emulator.

use clerk_rocket::{ClerkCaller, ClerkConfig, ClerkFairing, ClerkMachine, clerk_protected};
use clerk_testing::protected_machines::{self, Fixture};
use rocket::fairing::AdHoc;
use rocket::{Build, Rocket, get, routes};

clerk_testing::machine_routes!();

fn app(config: ClerkConfig) -> Rocket<Build> {
    let figment = rocket::Config::figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("log_level", "off"));
    rocket::custom(figment)
        .attach(ClerkFairing::new(config))
        .mount(
            "/",
            routes![
                api_keys,
                import,
                peers,
                users_or_oauth,
                reports,
                caller,
                machine,
                optional_machine
            ],
        )
}

async fn serve(config: ClerkConfig) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = app(config).attach(AdHoc::on_liftoff("port", move |r| {
        Box::pin(async move {
            let _ = tx.send(r.config().port);
        })
    }));
    tokio::spawn(rocket.launch());
    let port = rx.await.expect("rocket launched");
    format!("http://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread")]
async fn machine_callers() {
    let fixture = Fixture::start();
    let base = serve(fixture.config()).await;
    if let Err(failures) = protected_machines::replay(&base, &fixture).await {
        panic!("{failures}");
    }
}

/// Rocket checks at launch what the other frameworks can only answer per request (`500`): a
/// route whose policy accepts a token type the fairing's configuration does not verify aborts
/// the launch, naming the guard.
#[tokio::test(flavor = "multi_thread")]
async fn a_route_accepting_unverified_token_types_aborts_launch() {
    let fixture = Fixture::start();
    let error = app(fixture.session_only_config())
        .ignite()
        .await
        .expect_err("launch must fail");
    match error.kind() {
        rocket::error::ErrorKind::SentinelAborts(sentries) => {
            let names: Vec<_> = sentries.iter().map(|s| s.type_name).collect();
            let aborted = names
                .iter()
                .filter(|n| n.contains("ProtectedCaller"))
                .count();
            assert_eq!(
                aborted,
                protected_machines::NOT_CONFIGURED.len(),
                "{names:?}"
            );
        }
        other => panic!("unexpected launch error: {other:?}"),
    }
    // Accepting every type, the same routes launch.
    assert!(app(fixture.config()).ignite().await.is_ok());
}
