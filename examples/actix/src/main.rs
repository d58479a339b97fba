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
//! | `GET /machine` | `ClerkMachine`: an API key, M2M token or OAuth access token in `Authorization`: `{"token_type","id","subject","scopes","claims"}`, or `401` with Clerk's reason |
//! | `GET /health` | public: `ok` |
//!
//! `/`, `/me`, `/admin`, `/invoices` and `/machine` answer `POST` as `GET`. With the handshake protocol
//! (`CLERK_AUTH_PROTOCOL=handshake`, the default; `interstitial` for clerk-js 4 frontends) a
//! request whose session must be refreshed through Clerk's Frontend API gets a `307` there on
//! every route, and every response carries the auth state's `Set-Cookie` headers.

use actix_web::http::header::ACCEPT;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, route, web};
use clerk_actix::{ClerkMachine, ClerkMiddleware, ClerkUser, clerk_protected};
use example_support::{
    Site, accepts_html, admin_json, app_url, clerk_config, exit_with, home_html, home_json,
    init_tracing, invoices_json, listen_address, machine_json, me_json,
};

/// The program name, in error messages.
const NAME: &str = "example-actix";
/// The title of the home page.
const TITLE: &str = "Clerk + actix-web";

#[route("/", method = "GET", method = "POST")]
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
            .body(home_html(TITLE, user_id, site.sign_in_url.as_deref()))
    } else {
        HttpResponse::Ok().json(home_json(user_id))
    }
}

#[route("/me", method = "GET", method = "POST")]
async fn me(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(me_json(&user))
}

#[clerk_protected(roles = ["org:admin"])]
#[route("/admin", method = "GET", method = "POST")]
async fn admin(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(admin_json(&user))
}

#[clerk_protected(permissions = ["org:invoices:read"])]
#[route("/invoices", method = "GET", method = "POST")]
async fn invoices(user: ClerkUser) -> HttpResponse {
    HttpResponse::Ok().json(invoices_json(&user))
}

#[route("/machine", method = "GET", method = "POST")]
async fn machine(caller: ClerkMachine) -> HttpResponse {
    HttpResponse::Ok().json(machine_json(&caller))
}

#[get("/health")]
async fn health() -> &'static str {
    "ok"
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    init_tracing("info");

    let addr = listen_address().unwrap_or_else(|error| exit_with(NAME, &error));
    let listener = std::net::TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let (config, sign_in_url) = clerk_config(NAME, &app_url(local));
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
            .service(machine)
            .service(health)
    })
    .listen(listener)?;
    tracing::info!("listening on http://{local}");
    server.run().await
}
