//! Routes served to machines over a real socket on 127.0.0.1: `#[clerk_protected(token = [...],
//! scopes = [...])]`, `ClerkCaller` and `ClerkMachine`, with API keys, M2M tokens and OAuth
//! access tokens issued (and, when opaque, verified) by the emulator.

use axum::Router;
use axum::routing::get;
use clerk_axum::{ClerkCaller, ClerkConfig, ClerkLayer, ClerkMachine, clerk_protected};
use clerk_testing::protected_machines::{self, Fixture};
use tokio::net::TcpListener;

#[clerk_protected(token = ["api_key"])]
async fn api_keys() -> &'static str {
    "api-keys"
}

#[clerk_protected(token = ["api_key", "m2m_token"], scopes = ["write"])]
async fn import() -> &'static str {
    "import"
}

#[clerk_protected(token = ["m2m_token"], scopes = ["mch_demo"])]
async fn peers() -> &'static str {
    "peers"
}

#[clerk_protected(token = ["session_token", "oauth_token"])]
async fn users_or_oauth() -> &'static str {
    "users-or-oauth"
}

#[clerk_protected(token = ["session_token", "oauth_token"], scopes = ["reports:read"])]
async fn reports() -> &'static str {
    "reports"
}

async fn caller(caller: ClerkCaller) -> String {
    match caller {
        ClerkCaller::User(user) => format!("user {}", user.user_id()),
        ClerkCaller::Machine(machine) => format!("{} {}", machine.token_type(), machine.subject()),
    }
}

async fn machine(machine: ClerkMachine) -> String {
    format!("{} {}", machine.token_type(), machine.subject())
}

async fn optional_machine(machine: Option<ClerkMachine>) -> String {
    machine.map_or_else(
        || "none".to_owned(),
        |m| format!("{} {}", m.token_type(), m.subject()),
    )
}

async fn serve(config: ClerkConfig) -> String {
    let app = Router::new()
        .route("/machines/api-keys", get(api_keys))
        .route("/machines/import", get(import))
        .route("/machines/peers", get(peers))
        .route("/machines/users-or-oauth", get(users_or_oauth))
        .route("/machines/reports", get(reports))
        .route("/machines/caller", get(caller))
        .route("/machines/machine", get(machine))
        .route("/machines/optional-machine", get(optional_machine))
        .layer(ClerkLayer::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn machine_callers() {
    let fixture = Fixture::start();
    let base = serve(fixture.config()).await;
    if let Err(failures) = protected_machines::replay(&base, &fixture).await {
        panic!("{failures}");
    }
}

#[tokio::test]
async fn a_route_accepting_unverified_token_types_answers_500() {
    let fixture = Fixture::start();
    let base = serve(fixture.session_only_config()).await;
    if let Err(failures) = protected_machines::replay_not_configured(&base, &fixture).await {
        panic!("{failures}");
    }
}
