//! `cargo run -p example-webhooks`: the users table of a SQLite database kept in sync with
//! Clerk's webhooks. With `CLERK_WEBHOOK_SIGNING_SECRET` unset it runs offline: a local Clerk
//! emulator starts in the process and sends its webhooks here.
//!
//! Environment: `CLERK_WEBHOOK_SIGNING_SECRET` (`whsec_…`, from the webhook endpoint in the
//! Clerk dashboard), `DATABASE_PATH` (default `example-webhooks.sqlite3` in the working
//! directory), `HOST`, `PORT` (default `127.0.0.1:3000`).

#![forbid(unsafe_code)]

use std::path::PathBuf;

use clerk_axum::clerk_core::WebhookVerifier;
use clerk_testing::Emulator;
use example_support::{app_url, exit_with, init_tracing, listen_address};
use example_webhooks::{Store, app};

const NAME: &str = "example-webhooks";

#[tokio::main]
async fn main() {
    init_tracing("example_webhooks=info,clerk=info");
    let addr = listen_address().unwrap_or_else(|e| exit_with(NAME, &e));
    let url = app_url(addr);
    let path = std::env::var_os("DATABASE_PATH")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("example-webhooks.sqlite3"), PathBuf::from);
    let store = Store::open(&path).unwrap_or_else(|e| {
        exit_with(
            NAME,
            &format!("cannot open DATABASE_PATH {}: {e}", path.display()),
        )
    });
    let verifier = if std::env::var_os("CLERK_WEBHOOK_SIGNING_SECRET").is_some() {
        WebhookVerifier::from_env().unwrap_or_else(|e| exit_with(NAME, &e))
    } else {
        emulator_verifier(&url)
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| exit_with(NAME, &format!("cannot listen on {addr}: {e}")));
    println!(
        "{NAME}: listening on {url} (users table in {})",
        path.display()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app(store, verifier))
        .with_graceful_shutdown(shutdown)
        .await
    {
        exit_with(NAME, &e);
    }
}

/// Offline: a local Clerk emulator that sends its webhooks to this app, and the verifier of its
/// signing secret. Prints how to change users and watch the table follow.
fn emulator_verifier(app_url: &str) -> WebhookVerifier {
    let endpoint = format!("{app_url}webhooks/clerk");
    let emulator = Emulator::builder()
        .webhook(endpoint.clone())
        .start_on_thread()
        .unwrap_or_else(|e| exit_with(NAME, &format!("cannot start the Clerk emulator: {e}")));
    let secret = emulator
        .webhook_signing_secret()
        .unwrap_or_else(|| exit_with(NAME, &"the emulator has no webhook signing secret"));
    let verifier = WebhookVerifier::new(secret).unwrap_or_else(|e| exit_with(NAME, &e));
    let api = emulator.api_url();
    // The emulator's throwaway keys, safe to print.
    let key = emulator.secret_key();
    println!(
        "\n\
         No CLERK_WEBHOOK_SIGNING_SECRET: a local Clerk emulator at {emulator_url} sends its webhooks\n\
         to {endpoint} (offline, throwaway keys).\n\
         \n\
         \x20 Change a user through its Backend API (from another shell):\n\
         \x20   export CLERK_API_URL={api} CLERK_SECRET_KEY={key}\n\
         \x20   curl -s -X POST $CLERK_API_URL/v1/users -H \"Authorization: Bearer $CLERK_SECRET_KEY\" \\\n\
         \x20        -H 'content-type: application/json' -d '{{\"email_address\":[\"grace@example.com\"],\"first_name\":\"Grace\"}}'\n\
         \x20   curl -s -X PATCH $CLERK_API_URL/v1/users/<id> -H \"Authorization: Bearer $CLERK_SECRET_KEY\" \\\n\
         \x20        -H 'content-type: application/json' -d '{{\"last_name\":\"Hopper\"}}'\n\
         \x20   curl -s -X DELETE $CLERK_API_URL/v1/users/<id> -H \"Authorization: Bearer $CLERK_SECRET_KEY\"\n\
         \x20 The table:       curl -s {app_url}users\n\
         \x20 The deliveries:  {emulator_url}/emulator/webhooks\n",
        emulator_url = emulator.url(),
    );
    emulator.detach(); // serves for the life of the process
    verifier
}
