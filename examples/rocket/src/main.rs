//! Example Rocket app using Clerk.
//!
//! ```text
//! CLERK_SECRET_KEY=sk_test_... CLERK_PUBLISHABLE_KEY=pk_test_... cargo run -p example-rocket
//! ```
//!
//! Listens on `$HOST:$PORT` (default `127.0.0.1:3000`). Routes:
//!
//! | route | guard | answer |
//! | --- | --- | --- |
//! | `GET /` | `Option<ClerkUser>` | small HTML page: signed in (user id) or not, and the routes |
//! | `GET /me` | `ClerkUser` | `{"user_id","session_id","org_id","org_role","org_permissions"}` |
//! | `GET /admin` | `Protected<AdminPolicy>` (role `org:admin`) | `{"user_id","org_role"}` |
//! | `GET /invoices` | `Protected<InvoicesRead>` (permission `org:invoices:read`) | `{"user_id","org_permissions"}` |
//! | `GET /health` | none | `ok` |
//!
//! Rocket shuts down gracefully on SIGINT and SIGTERM.

use std::net::IpAddr;
use std::process::ExitCode;

use clerk_rocket::{ClerkConfig, ClerkFairing, ClerkUser, Policy, Protected};
use rocket::fairing::AdHoc;
use rocket::response::content::RawHtml;
use rocket::serde::json::{Value, json};
use rocket::{Build, Rocket, get, routes};

/// Members of the active organization with the `org:admin` role.
struct AdminPolicy;

impl Policy for AdminPolicy {
    fn roles() -> &'static [&'static str] {
        &["org:admin"]
    }
}

/// Sessions whose active organization grants `org:invoices:read`.
struct InvoicesRead;

impl Policy for InvoicesRead {
    fn permissions() -> &'static [&'static str] {
        &["org:invoices:read"]
    }
}

#[get("/")]
fn index(user: Option<ClerkUser>) -> RawHtml<String> {
    let status = match &user {
        Some(user) => format!("Signed in as <code>{}</code>.", escape(user.user_id())),
        None => "Signed out.".to_owned(),
    };
    RawHtml(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Clerk + Rocket</title></head>\n\
         <body>\n<h1>Clerk + Rocket</h1>\n<p>{status}</p>\n<ul>\n\
         <li><a href=\"/me\">/me</a>: the signed-in user (401 when signed out)</li>\n\
         <li><a href=\"/admin\">/admin</a>: role <code>org:admin</code> (403 without it)</li>\n\
         <li><a href=\"/invoices\">/invoices</a>: permission <code>org:invoices:read</code></li>\n\
         <li><a href=\"/health\">/health</a>: public</li>\n</ul>\n</body></html>\n"
    ))
}

#[get("/me")]
fn me(user: ClerkUser) -> Value {
    json!({
        "user_id": user.user_id(),
        "session_id": user.session_id(),
        "org_id": user.org_id(),
        "org_role": user.org_role(),
        "org_permissions": user.org_permissions(),
    })
}

#[get("/admin")]
fn admin(user: Protected<AdminPolicy>) -> Value {
    json!({ "user_id": user.user_id(), "org_role": user.org_role() })
}

#[get("/invoices")]
fn invoices(user: Protected<InvoicesRead>) -> Value {
    json!({ "user_id": user.user_id(), "org_permissions": user.org_permissions() })
}

#[get("/health")]
fn health() -> &'static str {
    "ok"
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The Clerk configuration of the app: Clerk's environment variables (`CLERK_SECRET_KEY`,
/// `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY`, `CLERK_API_URL`, `CLERK_AUTHORIZED_PARTIES`, ...).
/// On error, prints it and exits with status 1.
fn clerk_config() -> ClerkConfig {
    match ClerkConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}

/// `$HOST` (default `127.0.0.1`) and `$PORT` (default `3000`).
fn listen_address() -> Result<(IpAddr, u16), String> {
    let host = match std::env::var("HOST") {
        Ok(host) if !host.trim().is_empty() => host
            .trim()
            .parse()
            .map_err(|_| format!("HOST={host} is not an IP address"))?,
        _ => IpAddr::from([127, 0, 0, 1]),
    };
    let port = match std::env::var("PORT") {
        Ok(port) if !port.trim().is_empty() => port
            .trim()
            .parse()
            .map_err(|_| format!("PORT={port} is not a port number"))?,
        _ => 3000,
    };
    Ok((host, port))
}

fn app(config: ClerkConfig, host: IpAddr, port: u16) -> Rocket<Build> {
    let mut figment = rocket::Config::figment()
        .merge(("address", host))
        .merge(("port", port));
    // Rocket's own log is quiet unless ROCKET_LOG_LEVEL says otherwise; the app logs with tracing.
    if std::env::var_os("ROCKET_LOG_LEVEL").is_none() {
        figment = figment.merge(("log_level", "critical"));
    }
    rocket::custom(figment)
        .attach(ClerkFairing::new(config))
        .attach(AdHoc::on_liftoff("log address", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                tracing::info!("listening on http://{}:{}", config.address, config.port);
            })
        }))
        .mount("/", routes![index, me, admin, invoices, health])
}

#[rocket::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let config = clerk_config();
    let (host, port) = match listen_address() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match app(config, host, port).launch().await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Logs the details through Rocket's logger and marks the error handled.
            let summary = error.pretty_print();
            tracing::error!("rocket failed to launch: {summary}");
            ExitCode::FAILURE
        }
    }
}
