//! Example axum app using Clerk: `ClerkLayer` in front of every route, `ClerkUser`,
//! `Option<ClerkUser>` and `Protected<P>` in the handlers.
//!
//! ```text
//! CLERK_SECRET_KEY=sk_test_... CLERK_PUBLISHABLE_KEY=pk_test_... cargo run -p example-axum
//! curl -H "Authorization: Bearer $SESSION_TOKEN" http://127.0.0.1:3000/me
//! ```
//!
//! Configuration: `CLERK_SECRET_KEY` (required), `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY` (PEM;
//! when set, no JWKS fetch happens), `CLERK_API_URL`, `CLERK_AUTHORIZED_PARTIES`; `HOST`
//! (default `127.0.0.1`) and `PORT` (default `3000`). `RUST_LOG` sets the log filter.
//!
//! Routes: `GET /` (public page), `GET /me` (signed in), `GET /admin` (role `org:admin`),
//! `GET /invoices` (permission `org:invoices:read`), `GET /health` (public).

use std::net::SocketAddr;

use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use clerk_axum::{ClerkConfig, ClerkLayer, ClerkUser, Policy, Protected};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The Clerk configuration of the app, read from the environment; exits with the problem and
/// its fix when it is missing or malformed.
fn clerk_config() -> ClerkConfig {
    match ClerkConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("example-axum: {error}");
            std::process::exit(1);
        }
    }
}

/// Members of the active organization with the `org:admin` role.
struct AdminPolicy;

impl Policy for AdminPolicy {
    fn roles() -> &'static [&'static str] {
        &["org:admin"]
    }
}

/// Members of the active organization allowed to read invoices.
struct InvoicesRead;

impl Policy for InvoicesRead {
    fn permissions() -> &'static [&'static str] {
        &["org:invoices:read"]
    }
}

const ROUTES: &str = r#"<ul>
<li><a href="/me"><code>GET /me</code></a>: your user, session and organization (signed in)</li>
<li><a href="/admin"><code>GET /admin</code></a>: role <code>org:admin</code></li>
<li><a href="/invoices"><code>GET /invoices</code></a>: permission <code>org:invoices:read</code></li>
<li><a href="/health"><code>GET /health</code></a>: public</li>
</ul>"#;

async fn home(user: Option<ClerkUser>) -> Html<String> {
    let status = match &user {
        Some(user) => format!("Signed in as <code>{}</code>.", escape(user.user_id())),
        None => "Signed out.".to_owned(),
    };
    Html(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>clerk-axum example</title></head>\n\
         <body><h1>clerk-axum example</h1>\n<p>{status}</p>\n{ROUTES}\n</body></html>\n"
    ))
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

async fn admin(admin: Protected<AdminPolicy>) -> Json<Value> {
    Json(json!({ "user_id": admin.user_id(), "org_role": admin.org_role() }))
}

async fn invoices(reader: Protected<InvoicesRead>) -> Json<Value> {
    Json(json!({
        "user_id": reader.user_id(),
        "org_permissions": reader.org_permissions(),
    }))
}

async fn health() -> &'static str {
    "ok"
}

/// The app: every route behind one `ClerkLayer` (`Router::layer` wraps the routes added
/// before it).
fn app(config: ClerkConfig) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/invoices", get(invoices))
        .route("/health", get(health))
        .layer(ClerkLayer::new(config))
}

/// Minimal HTML escaping for text content.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,clerk_axum=debug")),
        )
        .init();

    let config = clerk_config();
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|e| format!("PORT must be a port number, got {port:?}: {e}"))?,
        Err(_) => 3000,
    };
    let ip = host
        .parse()
        .map_err(|e| format!("HOST must be an IP address, got {host:?}: {e}"))?;
    let listener = TcpListener::bind(SocketAddr::new(ip, port)).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}
