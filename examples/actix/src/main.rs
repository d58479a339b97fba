//! Example actix-web app using Clerk.
//!
//! ```text
//! CLERK_SECRET_KEY=sk_test_... CLERK_PUBLISHABLE_KEY=pk_test_... cargo run -p example-actix
//! ```
//!
//! Configuration comes from Clerk's environment variables (`CLERK_SECRET_KEY`,
//! `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY`, `CLERK_API_URL`, `CLERK_AUTHORIZED_PARTIES`, ...);
//! the server listens on `$HOST:$PORT` (default `127.0.0.1:3000`) and shuts down gracefully on
//! SIGINT/SIGTERM.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /` | public HTML page: signed in or not, and the routes |
//! | `GET /me` | the signed-in user as JSON, or `401` |
//! | `GET /admin` | role `org:admin` required (`403` otherwise) |
//! | `GET /invoices` | permission `org:invoices:read` required (`403` otherwise) |
//! | `GET /health` | `ok` |

use actix_web::{App, HttpResponse, HttpServer, web};
use clerk_actix::{ClerkConfig, ClerkMiddleware, ClerkUser, Policy, Protected};
use serde_json::json;

/// Members with the `org:admin` role in their active organization.
struct AdminPolicy;

impl Policy for AdminPolicy {
    fn roles() -> &'static [&'static str] {
        &["org:admin"]
    }
}

/// Members allowed to read invoices in their active organization.
struct InvoicesRead;

impl Policy for InvoicesRead {
    fn permissions() -> &'static [&'static str] {
        &["org:invoices:read"]
    }
}

/// `GET /`: public, says whether the request is signed in.
async fn index(user: Option<ClerkUser>) -> HttpResponse {
    let who = match &user {
        Some(user) => format!("Signed in as <code>{}</code>.", escape(user.user_id())),
        None => "Not signed in.".to_owned(),
    };
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Clerk + actix-web</title></head>\n\
         <body><h1>Clerk + actix-web</h1><p>{who}</p>\n<ul>\n\
         <li><a href=\"/me\">/me</a>: the signed-in user (401 when signed out)</li>\n\
         <li><a href=\"/admin\">/admin</a>: role org:admin</li>\n\
         <li><a href=\"/invoices\">/invoices</a>: permission org:invoices:read</li>\n\
         <li><a href=\"/health\">/health</a>: public</li>\n\
         </ul></body></html>\n"
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}

/// `GET /me`: the signed-in user.
async fn me(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user_id": user.user_id(),
        "session_id": user.session_id(),
        "org_id": user.org_id(),
        "org_role": user.org_role(),
        "org_permissions": user.org_permissions(),
    }))
}

/// `GET /admin`: role `org:admin`.
async fn admin(user: Protected<AdminPolicy>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user_id": user.user_id(),
        "org_role": user.org_role(),
    }))
}

/// `GET /invoices`: permission `org:invoices:read`.
async fn invoices(user: Protected<InvoicesRead>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user_id": user.user_id(),
        "org_permissions": user.org_permissions(),
    }))
}

/// `GET /health`: public.
async fn health() -> &'static str {
    "ok"
}

/// Minimal HTML escaping for values echoed into the page.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The Clerk configuration of this app, from the environment. Exits with the error when it is
/// missing or invalid.
fn clerk_config() -> ClerkConfig {
    match ClerkConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    // Built once: every worker shares its JWKS cache and HTTP client.
    let clerk = ClerkMiddleware::new(clerk_config());

    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse::<u16>().map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("PORT: {e}"))
        })?,
        Err(_) => 3000,
    };

    let server = HttpServer::new(move || {
        App::new()
            .wrap(clerk.clone())
            .route("/", web::get().to(index))
            .route("/me", web::get().to(me))
            .route("/admin", web::get().to(admin))
            .route("/invoices", web::get().to(invoices))
            .route("/health", web::get().to(health))
    })
    .bind((host.as_str(), port))?;

    for addr in server.addrs() {
        tracing::info!("listening on http://{addr}");
    }
    server.run().await
}
