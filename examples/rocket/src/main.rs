//! Example Rocket app using Clerk: `ClerkFairing` attached, `Option<ClerkUser>`, `ClerkUser`
//! and `#[clerk_protected]` in the routes.
//!
//! ```text
//! cargo run -p example-rocket               # offline, on a local Clerk emulator
//! CLERK_SECRET_KEY=sk_test_... CLERK_PUBLISHABLE_KEY=pk_test_... cargo run -p example-rocket
//! ```
//!
//! Without `CLERK_SECRET_KEY` the app starts a local Clerk emulator in-process and prints the
//! URL to open and the sign-in URL (demo users; open the app on `127.0.0.1`, not `localhost`).
//! `CLERK_EMULATOR_TOKEN_LIFETIME` sets the emulator's session-token lifetime in seconds
//! (default 60). With `CLERK_SECRET_KEY` set it talks to real Clerk, configured by
//! `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY` (PEM; when set, no JWKS fetch happens),
//! `CLERK_API_URL`, `CLERK_JS_URL`, `CLERK_AUTHORIZED_PARTIES`. It listens on `HOST` (default
//! `127.0.0.1`) and `PORT` (default `3000`), and shuts down gracefully on SIGINT/SIGTERM.
//! `RUST_LOG` sets the log filter (`ROCKET_LOG_LEVEL` Rocket's own).
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

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;

use clerk_rocket::{ClerkConfig, ClerkFairing, ClerkMachine, ClerkUser, clerk_protected};
use example_support::{
    Site, accepts_html, admin_json, app_url, clerk_config, exit_with, home_html, home_json,
    init_tracing, invoices_json, listen_address, machine_json, me_json,
};
use rocket::fairing::AdHoc;
use rocket::request::{self, FromRequest, Request};
use rocket::response::content::RawHtml;
use rocket::serde::json::Value;
use rocket::{Build, Responder, Rocket, State, get, routes};

/// The program name, in error messages.
const NAME: &str = "example-rocket";
/// The title of the home page.
const TITLE: &str = "Clerk + Rocket";

/// Whether the request's `Accept` header contains `text/html`.
struct WantsHtml(bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WantsHtml {
    type Error = Infallible;

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        request::Outcome::Success(WantsHtml(accepts_html(request.headers().get_one("accept"))))
    }
}

/// `GET /`: HTML or JSON.
#[derive(Responder)]
enum Home {
    Html(RawHtml<String>),
    Json(Value),
}

#[get("/")]
fn home(site: &State<Site>, user: Option<ClerkUser>, html: WantsHtml) -> Home {
    let user_id = user.as_ref().map(ClerkUser::user_id);
    if html.0 {
        Home::Html(RawHtml(home_html(
            TITLE,
            user_id,
            site.sign_in_url.as_deref(),
        )))
    } else {
        Home::Json(home_json(user_id))
    }
}

#[get("/me")]
fn me(user: ClerkUser) -> Value {
    me_json(&user)
}

#[clerk_protected(roles = ["org:admin"])]
#[get("/admin")]
fn admin(user: ClerkUser) -> Value {
    admin_json(&user)
}

#[clerk_protected(permissions = ["org:invoices:read"])]
#[get("/invoices")]
fn invoices(user: ClerkUser) -> Value {
    invoices_json(&user)
}

// The same routes for POST (only Clerk's protocol rules tell them apart): Rocket routes have
// one method each.

#[rocket::post("/")]
fn home_post(site: &State<Site>, user: Option<ClerkUser>, html: WantsHtml) -> Home {
    home(site, user, html)
}

#[rocket::post("/me")]
fn me_post(user: ClerkUser) -> Value {
    me(user)
}

#[clerk_protected(roles = ["org:admin"])]
#[rocket::post("/admin")]
fn admin_post(user: ClerkUser) -> Value {
    admin_json(&user)
}

#[clerk_protected(permissions = ["org:invoices:read"])]
#[rocket::post("/invoices")]
fn invoices_post(user: ClerkUser) -> Value {
    invoices_json(&user)
}

#[get("/machine")]
fn machine(caller: ClerkMachine) -> Value {
    machine_json(&caller)
}

#[rocket::post("/machine")]
fn machine_post(caller: ClerkMachine) -> Value {
    machine(caller)
}

#[get("/health")]
fn health() -> &'static str {
    "ok"
}

fn app(config: ClerkConfig, site: Site, addr: SocketAddr) -> Rocket<Build> {
    let mut figment = rocket::Config::figment()
        .merge(("address", addr.ip()))
        .merge(("port", addr.port()));
    // Rocket's own log is quiet unless ROCKET_LOG_LEVEL says otherwise; the app logs with tracing.
    if std::env::var_os("ROCKET_LOG_LEVEL").is_none() {
        figment = figment.merge(("log_level", "critical"));
    }
    rocket::custom(figment)
        .attach(ClerkFairing::new(config))
        .attach(AdHoc::on_liftoff("log address", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                tracing::info!(
                    "listening on http://{}",
                    SocketAddr::new(config.address, config.port)
                );
            })
        }))
        .manage(site)
        .mount(
            "/",
            routes![
                home,
                me,
                admin,
                invoices,
                home_post,
                me_post,
                admin_post,
                invoices_post,
                machine,
                machine_post,
                health
            ],
        )
}

/// `PORT=0` asks for a free port. Rocket binds only at launch, after the emulator must know
/// where to send the browser back, so pick one now.
fn resolve_free_port(addr: SocketAddr) -> std::io::Result<SocketAddr> {
    if addr.port() != 0 {
        return Ok(addr);
    }
    std::net::TcpListener::bind(addr)?.local_addr()
}

#[rocket::main]
async fn main() -> ExitCode {
    init_tracing("info");
    let addr = listen_address().unwrap_or_else(|error| exit_with(NAME, &error));
    let addr = resolve_free_port(addr)
        .unwrap_or_else(|error| exit_with(NAME, &format!("cannot bind {addr}: {error}")));
    let (config, sign_in_url) = clerk_config(NAME, &app_url(addr));
    // Rocket stops gracefully on SIGINT and SIGTERM.
    match app(config, Site { sign_in_url }, addr).launch().await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Logs the details through Rocket's logger and marks the error handled.
            let summary = error.pretty_print();
            tracing::error!("rocket failed to launch: {summary}");
            ExitCode::FAILURE
        }
    }
}
