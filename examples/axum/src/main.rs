//! Example axum app using Clerk: `ClerkLayer` in front of every route, `Option<ClerkUser>`,
//! `ClerkUser` and `#[clerk_protected]` in the handlers.
//!
//! ```text
//! cargo run -p example-axum                 # offline, on a local Clerk emulator
//! CLERK_SECRET_KEY=sk_test_... CLERK_PUBLISHABLE_KEY=pk_test_... cargo run -p example-axum
//! ```
//!
//! Without `CLERK_SECRET_KEY` the app starts a local Clerk emulator in-process and prints the
//! URL to open and the sign-in URL (demo users; open the app on `127.0.0.1`, not `localhost`).
//! `CLERK_EMULATOR_TOKEN_LIFETIME` sets the emulator's session-token lifetime in seconds
//! (default 60). With `CLERK_SECRET_KEY` set it talks to real Clerk, configured by
//! `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY` (PEM; when set, no JWKS fetch happens),
//! `CLERK_API_URL`, `CLERK_JS_URL`, `CLERK_AUTHORIZED_PARTIES`. It listens on `HOST` (default
//! `127.0.0.1`) and `PORT` (default `3000`), and shuts down gracefully on SIGINT/SIGTERM.
//! `RUST_LOG` sets the log filter.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /` | public: a small HTML page for browsers (`Accept` contains `text/html`), else `{"status","user_id"}` |
//! | `GET /me` | `ClerkUser`: `{"user_id","session_id","org_id","org_role","org_slug","org_permissions"}`, or `401` |
//! | `GET /admin` | `#[clerk_protected(roles = ["org:admin"])]`: `{"user_id","org_role"}`, `401` or `403` |
//! | `GET /invoices` | `#[clerk_protected(permissions = ["org:invoices:read"])]`: `{"user_id","org_permissions"}`, `401` or `403` |
//! | `GET /machine` | `ClerkMachine`: an API key, M2M token or OAuth access token in `Authorization`: `{"token_type","id","subject","scopes","claims"}`, or `401` with Clerk's reason |
//! | `GET /health` | public: `ok` |
//!
//! `/`, `/me`, `/admin`, `/invoices` and `/machine` answer `POST` as `GET`. With the handshake protocol
//! (`CLERK_AUTH_PROTOCOL=handshake`, the default; `interstitial` for clerk-js 4 frontends) a
//! request whose session must be refreshed through Clerk's Frontend API gets a `307` there on
//! every route, and every response carries the auth state's `Set-Cookie` headers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use clerk_axum::{ClerkConfig, ClerkLayer, ClerkMachine, ClerkUser, clerk_protected};
use example_support::{
    Site, accepts_html, admin_json, app_url, clerk_config, exit_with, home_html, home_json,
    init_tracing, invoices_json, listen_address, machine_json, me_json,
};
use serde_json::Value;
use tokio::net::TcpListener;

/// The program name, in error messages.
const NAME: &str = "example-axum";
/// The title of the home page.
const TITLE: &str = "Clerk + axum";

async fn home(
    State(site): State<Arc<Site>>,
    user: Option<ClerkUser>,
    headers: HeaderMap,
) -> Response {
    let user_id = user.as_ref().map(ClerkUser::user_id);
    let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok());
    if accepts_html(accept) {
        Html(home_html(TITLE, user_id, site.sign_in_url.as_deref())).into_response()
    } else {
        Json(home_json(user_id)).into_response()
    }
}

async fn me(user: ClerkUser) -> Json<Value> {
    Json(me_json(&user))
}

#[clerk_protected(roles = ["org:admin"])]
async fn admin(user: ClerkUser) -> Json<Value> {
    Json(admin_json(&user))
}

#[clerk_protected(permissions = ["org:invoices:read"])]
async fn invoices(user: ClerkUser) -> Json<Value> {
    Json(invoices_json(&user))
}

async fn machine(caller: ClerkMachine) -> Json<Value> {
    Json(machine_json(&caller))
}

async fn health() -> &'static str {
    "ok"
}

/// The app: every route behind one `ClerkLayer` (`Router::layer` wraps the routes added
/// before it).
fn app(config: ClerkConfig, site: Site) -> Router {
    Router::new()
        // A POST is answered like a GET (only Clerk's protocol rules tell them apart).
        .route("/", get(home).post(home))
        .route("/me", get(me).post(me))
        .route("/admin", get(admin).post(admin))
        .route("/invoices", get(invoices).post(invoices))
        .route("/machine", get(machine).post(machine))
        .route("/health", get(health))
        .with_state(Arc::new(site))
        .layer(ClerkLayer::new(config))
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    init_tracing("info,clerk_axum=debug");

    let addr = listen_address().unwrap_or_else(|error| exit_with(NAME, &error));
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let (config, sign_in_url) = clerk_config(NAME, &app_url(local));
    tracing::info!("listening on http://{local}");
    axum::serve(listener, app(config, Site { sign_in_url }))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}
