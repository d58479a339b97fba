//! Example actix-web app using Clerk: `ClerkMiddleware` around the app, `Option<ClerkUser>`,
//! `ClerkUser` and `#[clerk_protected]` in the handlers.
//!
//! ```text
//! cargo run -p example-actix                # offline, on a local Clerk emulator
//! CLERK_SECRET_KEY=sk_test_... CLERK_PUBLISHABLE_KEY=pk_test_... cargo run -p example-actix
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
//! | `GET /health` | public: `ok` |

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use actix_web::http::header::ACCEPT;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, web};
use clerk_actix::{ClerkConfig, ClerkMiddleware, ClerkUser, clerk_protected};
use clerk_testing::Emulator;
use serde_json::{Value, json};

/// The program name, in error messages.
const NAME: &str = "example-actix";
/// The title of the home page.
const TITLE: &str = "Clerk + actix-web";

/// What the home page shows besides the user.
struct Site {
    /// The emulator's sign-in page, when the app runs on the emulator.
    sign_in_url: Option<String>,
}

#[get("/")]
async fn home(
    site: web::Data<Site>,
    user: Option<ClerkUser>,
    request: HttpRequest,
) -> HttpResponse {
    let user_id = user.as_ref().map(ClerkUser::user_id);
    let accept = request.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
    if accepts_html(accept) {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(home_html(user_id, site.sign_in_url.as_deref()))
    } else {
        HttpResponse::Ok().json(home_json(user_id))
    }
}

#[get("/me")]
async fn me(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(me_json(&user))
}

#[clerk_protected(roles = ["org:admin"])]
#[get("/admin")]
async fn admin(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(admin_json(&user))
}

#[clerk_protected(permissions = ["org:invoices:read"])]
#[get("/invoices")]
async fn invoices(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(invoices_json(&user))
}

#[get("/health")]
async fn health() -> &'static str {
    "ok"
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let addr = listen_address().unwrap_or_else(|error| exit_with(&error));
    let listener = std::net::TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let (config, sign_in_url) = clerk_config(&app_url(local));
    // Built once: every worker shares its JWKS cache and HTTP client.
    let clerk = ClerkMiddleware::new(config);
    let site = web::Data::new(Site { sign_in_url });

    // actix-web stops gracefully on SIGINT and SIGTERM.
    let server = HttpServer::new(move || {
        App::new()
            .wrap(clerk.clone())
            .app_data(site.clone())
            .service(home)
            .service(me)
            .service(admin)
            .service(invoices)
            .service(health)
    })
    .listen(listener)?;
    tracing::info!("listening on http://{local}");
    server.run().await
}

// ---------------------------------------------------------------- Clerk: real or emulated

/// The Clerk configuration of the app, and the sign-in URL when it runs on the emulator.
///
/// With `CLERK_SECRET_KEY` set, real Clerk: [`ClerkConfig::from_env`] (exits 1 with the problem
/// and its fix when the configuration is wrong). Without it, a local Clerk emulator started in
/// this process (offline, throwaway keys, demo users), and the app prints where to click.
/// `app_url` is the app's own URL, where the emulator's sign-in page sends the browser back.
fn clerk_config(app_url: &str) -> (ClerkConfig, Option<String>) {
    if std::env::var_os("CLERK_SECRET_KEY").is_some() {
        return match ClerkConfig::from_env() {
            Ok(config) => (config, None),
            Err(error) => exit_with(&error),
        };
    }
    let lifetime = match token_lifetime() {
        Ok(lifetime) => lifetime,
        Err(error) => exit_with(&error),
    };
    let emulator = match Emulator::builder()
        .session_token_lifetime(lifetime)
        .start_on_thread()
    {
        Ok(emulator) => emulator,
        Err(error) => exit_with(&format!("cannot start the Clerk emulator: {error}")),
    };
    let config = match emulator.config_builder().build() {
        Ok(config) => config,
        Err(error) => exit_with(&error),
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
         \x20 Set CLERK_SECRET_KEY (and CLERK_PUBLISHABLE_KEY) to use real Clerk instead.\n",
        emulator_url = emulator.url(),
        seconds = lifetime.as_secs(),
    );
    emulator.detach(); // serves for the life of the process
    (config, Some(sign_in_url))
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

/// Prints the error and exits with status 1.
fn exit_with(error: &dyn std::fmt::Display) -> ! {
    eprintln!("{NAME}: {error}");
    std::process::exit(1);
}

/// `HOST` (an IP address, default `127.0.0.1`) and `PORT` (default `3000`).
fn listen_address() -> Result<SocketAddr, String> {
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
fn app_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() || addr.ip().is_loopback() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

// ---------------------------------------------------------------- GET /

/// Whether the client asked for HTML (its `Accept` header contains `text/html`).
fn accepts_html(accept: Option<&str>) -> bool {
    accept.is_some_and(|accept| accept.to_ascii_lowercase().contains("text/html"))
}

/// `GET /` for everyone but browsers: `{"status": <auth status>, "user_id": <id or null>}`.
/// Only signed-in and signed-out requests reach the handlers (the Clerk middleware answers the
/// others itself), so the user decides the status.
fn home_json(user_id: Option<&str>) -> Value {
    json!({
        "status": if user_id.is_some() { "signed-in" } else { "signed-out" },
        "user_id": user_id,
    })
}

/// `GET /` for browsers: who is signed in, a sign-in link on the emulator, the routes.
fn home_html(user_id: Option<&str>, sign_in_url: Option<&str>) -> String {
    let who = match user_id {
        Some(id) => format!("Signed in as <code>{}</code>.", escape(id)),
        None => "Signed out.".to_owned(),
    };
    let sign_in = match sign_in_url {
        Some(url) => format!(
            "<p><a href=\"{}\">Sign in</a> with a demo user of the local Clerk emulator.</p>\n",
            escape(url)
        ),
        None => String::new(),
    };
    let title = escape(TITLE);
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

/// HTML escaping for text and attribute values.
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

// ---------------------------------------------------------------- JSON routes

/// `GET /me`.
fn me_json(user: &ClerkUser) -> Value {
    json!({
        "user_id": user.user_id(),
        "session_id": user.session_id(),
        "org_id": user.org_id(),
        "org_role": user.org_role(),
        "org_slug": user.org_slug(),
        "org_permissions": user.org_permissions(),
    })
}

/// `GET /admin`.
fn admin_json(user: &ClerkUser) -> Value {
    json!({ "user_id": user.user_id(), "org_role": user.org_role() })
}

/// `GET /invoices`.
fn invoices_json(user: &ClerkUser) -> Value {
    json!({ "user_id": user.user_id(), "org_permissions": user.org_permissions() })
}
