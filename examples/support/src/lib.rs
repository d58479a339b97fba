//! The framework-neutral parts of the example apps (`example-axum`, `example-actix`,
//! `example-rocket`): each example keeps only its framework's routing, handlers and server.
//!
//! - [`clerk_config`]: real Clerk from `CLERK_*` variables, or a local Clerk emulator started in
//!   the process (`CLERK_EMULATOR_TOKEN_LIFETIME`), with the sign-in instructions printed.
//! - [`listen_address`] (`HOST`, `PORT`) and [`app_url`].
//! - The answers: [`home_html`] / [`home_json`] for `GET /` (by [`accepts_html`]), [`me_json`],
//!   [`admin_json`], [`invoices_json`].
//! - With the `testing` feature, `example_support::testing`: the end-to-end test every example
//!   runs against its own binary.

#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clerk_core::{AcceptsToken, Auth, AuthProtocol, ClerkConfig, ClerkConfigBuilder, MachineToken};
use clerk_testing::{Emulator, escape_html};
use serde_json::{Value, json};
use tracing_subscriber::EnvFilter;

#[cfg(feature = "testing")]
pub mod testing;

/// What the home page shows besides the user.
#[derive(Debug)]
pub struct Site {
    /// The emulator's sign-in page, when the app runs on the emulator.
    pub sign_in_url: Option<String>,
}

/// Logs with `tracing` to stderr, filtered by `RUST_LOG` or else by `default_filter`.
pub fn init_tracing(default_filter: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .init();
}

// ---------------------------------------------------------------- Clerk: real or emulated

/// The Clerk configuration of the app `name`, and the sign-in URL when it runs on the emulator.
///
/// With `CLERK_SECRET_KEY` set, real Clerk: [`ClerkConfig::from_env`] (exits 1 with the problem
/// and its fix when the configuration is wrong). Without it, a local Clerk emulator started in
/// this process (offline, throwaway keys, demo users), and the app prints where to click.
/// `app_url` is the app's own URL, where the emulator's sign-in page sends the browser back.
pub fn clerk_config(name: &str, app_url: &str) -> (ClerkConfig, Option<String>) {
    if std::env::var_os("CLERK_SECRET_KEY").is_some() {
        let config = ClerkConfigBuilder::from_env()
            .map(with_machine_tokens)
            .and_then(ClerkConfigBuilder::build);
        return match config {
            Ok(config) => (config, None),
            Err(error) => exit_with(name, &error),
        };
    }
    let lifetime = match token_lifetime() {
        Ok(lifetime) => lifetime,
        Err(error) => exit_with(name, &error),
    };
    let protocol = match protocol() {
        Ok(protocol) => protocol,
        Err(error) => exit_with(name, &error),
    };
    let emulator = match Emulator::builder()
        .session_token_lifetime(lifetime)
        .start_on_thread()
    {
        Ok(emulator) => emulator,
        Err(error) => exit_with(name, &format!("cannot start the Clerk emulator: {error}")),
    };
    let config = match with_machine_tokens(emulator.config_builder_for(protocol)).build() {
        Ok(config) => config,
        Err(error) => exit_with(name, &error),
    };
    let sign_in_url = emulator.sign_in_url(app_url);
    println!(
        "\n\
         No CLERK_SECRET_KEY: using a local Clerk emulator at {emulator_url} (offline, throwaway keys).\n\
         \n\
         \x20 1. Open the app:  {app_url}\n\
         \x20 2. Sign in:       {sign_in_url}\n\
         \x20    Demo users: user_admin (Ada Admin, org:admin of Acme), user_member (Max Member,\n\
         \x20    org:member with org:invoices:read), user_solo (Sam Solo, no organization).\n\
         \n\
         \x20 Open the app on 127.0.0.1, not localhost: the emulator's cookie must reach it from\n\
         \x20 the app's pages. Session tokens last {seconds} s (CLERK_EMULATOR_TOKEN_LIFETIME).\n\
         \x20 Protocol: {protocol} (CLERK_AUTH_PROTOCOL: handshake or interstitial).\n\
         \x20 Set CLERK_SECRET_KEY (and CLERK_PUBLISHABLE_KEY) to use real Clerk instead.\n",
        emulator_url = emulator.url(),
        seconds = lifetime.as_secs(),
    );
    if protocol == AuthProtocol::Handshake
        && let Some(api_key) = emulator.demo_api_key()
    {
        // The emulator's throwaway demo key (for user_admin), safe to print.
        println!(
            "\x20 3. A machine caller: curl -H 'Authorization: Bearer {api_key}' {app_url}machine\n"
        );
    }
    emulator.detach(); // serves for the life of the process
    (config, Some(sign_in_url))
}

/// The examples' tokens: with the handshake protocol any (session tokens as usual, and machine
/// tokens for `/machine`); the interstitial protocol knows session tokens only.
fn with_machine_tokens(builder: ClerkConfigBuilder) -> ClerkConfigBuilder {
    if builder.protocol_choice() == AuthProtocol::Handshake {
        builder.accepts_token(AcceptsToken::Any)
    } else {
        builder
    }
}

/// `CLERK_AUTH_PROTOCOL` for the emulator: `handshake` (the default) or `interstitial`.
fn protocol() -> Result<AuthProtocol, String> {
    match std::env::var("CLERK_AUTH_PROTOCOL") {
        Ok(value) if !value.trim().is_empty() => AuthProtocol::parse(&value).ok_or_else(|| {
            format!("CLERK_AUTH_PROTOCOL must be `handshake` or `interstitial`, got {value:?}")
        }),
        _ => Ok(AuthProtocol::DEFAULT),
    }
}

/// `CLERK_EMULATOR_TOKEN_LIFETIME`: the lifetime of the emulator's session tokens in seconds.
/// Defaults to 60, as Clerk.
fn token_lifetime() -> Result<Duration, String> {
    match std::env::var("CLERK_EMULATOR_TOKEN_LIFETIME") {
        Ok(value) if !value.trim().is_empty() => match value.trim().parse::<u64>() {
            Ok(seconds) if seconds > 0 => Ok(Duration::from_secs(seconds)),
            _ => Err(format!(
                "CLERK_EMULATOR_TOKEN_LIFETIME must be a number of seconds (1 or more), got {value:?}"
            )),
        },
        _ => Ok(Duration::from_secs(60)),
    }
}

/// Prints `name: error` to stderr and exits with status 1.
pub fn exit_with(name: &str, error: &dyn std::fmt::Display) -> ! {
    eprintln!("{name}: {error}");
    std::process::exit(1);
}

/// `HOST` (an IP address, default `127.0.0.1`) and `PORT` (default `3000`).
///
/// # Errors
///
/// What is wrong with `HOST` or `PORT`, when either is set but does not parse.
pub fn listen_address() -> Result<SocketAddr, String> {
    let host = match std::env::var("HOST") {
        Ok(host) if !host.trim().is_empty() => host
            .trim()
            .parse()
            .map_err(|_| format!("HOST must be an IP address, got {host:?}"))?,
        _ => IpAddr::from([127, 0, 0, 1]),
    };
    let port = match std::env::var("PORT") {
        Ok(port) if !port.trim().is_empty() => port
            .trim()
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {port:?}"))?,
        _ => 3000,
    };
    Ok(SocketAddr::new(host, port))
}

/// The URL to open in a browser for an app listening on `addr`: `127.0.0.1` for an unspecified
/// or loopback address (the emulator's cookie is set for `127.0.0.1`).
#[must_use]
pub fn app_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() || addr.ip().is_loopback() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

// ---------------------------------------------------------------- GET /

/// Whether the client asked for HTML (its `Accept` header contains `text/html`).
#[must_use]
pub fn accepts_html(accept: Option<&str>) -> bool {
    accept.is_some_and(|accept| accept.to_ascii_lowercase().contains("text/html"))
}

/// `GET /` for everyone but browsers: `{"status": <auth status>, "user_id": <id or null>}`.
/// Only signed-in and signed-out requests reach the handlers (the Clerk middleware answers the
/// others itself), so the user decides the status.
#[must_use]
pub fn home_json(user_id: Option<&str>) -> Value {
    json!({
        "status": if user_id.is_some() { "signed-in" } else { "signed-out" },
        "user_id": user_id,
    })
}

/// `GET /` for browsers: the page `title`, who is signed in, a sign-in link on the emulator,
/// the routes.
#[must_use]
pub fn home_html(title: &str, user_id: Option<&str>, sign_in_url: Option<&str>) -> String {
    let who = match user_id {
        Some(id) => format!("Signed in as <code>{}</code>.", escape_html(id)),
        None => "Signed out.".to_owned(),
    };
    let sign_in = match sign_in_url {
        Some(url) => format!(
            "<p><a href=\"{}\">Sign in</a> with a demo user of the local Clerk emulator.</p>\n",
            escape_html(url)
        ),
        None => String::new(),
    };
    let title = escape_html(title);
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"en\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}\
         code{{background:#f2f2f2;padding:0 .25em;border-radius:3px}}</style>\n\
         </head>\n\
         <body>\n\
         <h1>{title}</h1>\n\
         <p id=\"status\">{who}</p>\n\
         {sign_in}\
         <ul>\n\
         <li><a href=\"/me\">/me</a>: your user, session and organization (401 when signed out)</li>\n\
         <li><a href=\"/admin\">/admin</a>: role <code>org:admin</code> (403 without it)</li>\n\
         <li><a href=\"/invoices\">/invoices</a>: permission <code>org:invoices:read</code> (403 without it)</li>\n\
         </ul>\n\
         </body>\n\
         </html>\n"
    )
}

// ---------------------------------------------------------------- JSON routes

/// The user id of a signed-in `auth` (as the integrations' `ClerkUser::user_id`).
fn user_id(auth: &Auth) -> &str {
    auth.user_id().unwrap_or_default()
}

/// `GET /me`, for a signed-in user's `auth` (a `ClerkUser` dereferences to it).
#[must_use]
pub fn me_json(auth: &Auth) -> Value {
    json!({
        "user_id": user_id(auth),
        "session_id": auth.session_id(),
        "org_id": auth.org_id(),
        "org_role": auth.org_role(),
        "org_slug": auth.org_slug(),
        "org_permissions": auth.org_permissions(),
    })
}

/// `GET /admin`, for a signed-in user's `auth`.
#[must_use]
pub fn admin_json(auth: &Auth) -> Value {
    json!({ "user_id": user_id(auth), "org_role": auth.org_role() })
}

/// `GET /invoices`, for a signed-in user's `auth`.
#[must_use]
pub fn invoices_json(auth: &Auth) -> Value {
    json!({ "user_id": user_id(auth), "org_permissions": auth.org_permissions() })
}

/// `GET /machine`, for a verified machine token (API key, M2M token, OAuth access token):
/// `{"token_type", "id", "subject", "scopes", "claims"}` (`null` where absent).
#[must_use]
pub fn machine_json(token: &MachineToken) -> Value {
    json!({
        "token_type": token.token_type().as_str(),
        "id": token.id(),
        "subject": token.subject(),
        "scopes": token.scopes(),
        "claims": token.claims(),
    })
}
