//! Clerk authentication for [actix-web](https://actix.rs) 4.
//!
//! * [`ClerkMiddleware`] computes each request's auth state once, answers the interstitial,
//!   `401` outcomes itself, and adds the `x-clerk-auth-*` headers to every response.
//! * [`ClerkUser`] extracts the signed-in user (`401` otherwise, `503` during a Clerk outage);
//!   `Option<ClerkUser>` is `None` when signed out.
//! * [`Protected<P>`](Protected) also checks a role/permission [`Policy`] (`403` otherwise).
//! * [`ClerkRejection`] is the error those extractors answer with; take
//!   `Result<ClerkUser, ClerkRejection>` to answer in your own shape.
//!
//! * [`#[clerk_protected]`](clerk_protected) puts a `Protected<P>` in front of a handler from a
//!   list of roles and permissions.
//!
//! All the logic lives in [`clerk_core`]; this crate translates it to actix-web.
//!
//! # Quick start
//!
//! ```no_run
//! use actix_web::{App, HttpServer, Responder, web};
//! use clerk_actix::{ClerkConfig, ClerkMiddleware, ClerkUser, Policy, Protected};
//!
//! struct Admin;
//!
//! impl Policy for Admin {
//!     fn roles() -> &'static [&'static str] {
//!         &["org:admin"]
//!     }
//! }
//!
//! async fn me(user: ClerkUser) -> impl Responder {
//!     format!("signed in as {}", user.user_id())
//! }
//!
//! async fn admin(user: Protected<Admin>) -> impl Responder {
//!     format!("{} is an admin of {}", user.user_id(), user.org_id().unwrap_or_default())
//! }
//!
//! async fn home(user: Option<ClerkUser>) -> impl Responder {
//!     match user {
//!         Some(user) => format!("hello {}", user.user_id()),
//!         None => "hello, please sign in".to_owned(),
//!     }
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     // Build the configuration ONCE: every worker shares its JWKS cache and HTTP client.
//!     let config = ClerkConfig::from_env().map_err(std::io::Error::other)?;
//!     let clerk = ClerkMiddleware::new(config);
//!     HttpServer::new(move || {
//!         App::new()
//!             .wrap(clerk.clone())
//!             .route("/", web::get().to(home))
//!             .route("/me", web::get().to(me))
//!             .route("/admin", web::get().to(admin))
//!     })
//!     .bind(("127.0.0.1", 3000))?
//!     .run()
//!     .await
//! }
//! ```
//!
//! # `#[clerk_protected]`
//!
//! The attribute writes the policy for you: it injects a `Protected<_>` as the handler's first
//! extractor. Put it above the route attribute.
//!
//! ```no_run
//! use actix_web::{App, HttpResponse, get, post, web};
//! use clerk_actix::{ClerkMiddleware, clerk_protected};
//!
//! #[clerk_protected] // signed in (401 otherwise)
//! #[get("/me")]
//! async fn me() -> HttpResponse {
//!     HttpResponse::Ok().body("signed in")
//! }
//!
//! #[clerk_protected(roles = ["org:admin", "org:billing"])] // any of these roles (403 otherwise)
//! #[get("/admin")]
//! async fn admin() -> HttpResponse {
//!     HttpResponse::Ok().body("hello, admin")
//! }
//!
//! // all of these permissions; with `roles` too, both must hold
//! #[clerk_protected(permissions = ["org:invoices:read", "org:invoices:write"])]
//! #[post("/invoices")]
//! async fn new_invoice(invoice: web::Json<serde_json::Value>) -> HttpResponse {
//!     HttpResponse::Created().json(invoice.into_inner())
//! }
//!
//! # fn app() -> Result<(), clerk_actix::ConfigError> {
//! let clerk = ClerkMiddleware::from_env()?;
//! let app = App::new().wrap(clerk).service(me).service(admin).service(new_invoice);
//! # let _ = app;
//! # Ok(()) }
//! ```
//!
//! A handler that needs the user takes `Protected<P>` (or `ClerkUser`) itself, with a policy type
//! implementing [`Policy`], as in the quick start. With the crate renamed or re-exported, say
//! where it is: `#[clerk_protected(roles = ["org:admin"], crate = "my_app::auth")]`.
//!
//! # Machine callers
//!
//! With machine tokens accepted by the configuration (`accepts_token`), `token = [...]` says
//! which types a route accepts and `scopes = [...]` what a machine token must carry; the handler
//! then takes a [`ProtectedCaller`] (a user or a machine). [`ClerkMachine`] and [`ClerkCaller`]
//! are the extractors of a machine, and of a user or a machine. A route that accepts a type the
//! middleware's configuration does not verify answers `500` naming the fix.
//!
//! ```no_run
//! use actix_web::{App, get, post};
//! use clerk_actix::clerk_core::{AcceptsToken, ClerkConfigBuilder};
//! use clerk_actix::{ClerkCaller, ClerkMiddleware, clerk_protected};
//!
//! // API keys and M2M tokens with the `invoices:write` scope (401 `token-type-mismatch` for
//! // any other token, 403 without the scope)
//! #[clerk_protected(token = ["api_key", "m2m_token"], scopes = ["invoices:write"])]
//! #[post("/invoices/import")]
//! async fn import(body: String) -> String {
//!     format!("imported {} bytes", body.len())
//! }
//!
//! #[get("/whoami")]
//! async fn whoami(caller: ClerkCaller) -> String {
//!     match caller {
//!         ClerkCaller::User(user) => format!("user {}", user.user_id()),
//!         ClerkCaller::Machine(token) => format!("{} {}", token.token_type(), token.subject()),
//!     }
//! }
//!
//! # fn app() -> Result<(), clerk_actix::ConfigError> {
//! let config = ClerkConfigBuilder::from_env()?.accepts_token(AcceptsToken::Any).build()?;
//! let clerk = ClerkMiddleware::new(config);
//! let app = App::new().wrap(clerk).service(import).service(whoami);
//! # let _ = app; Ok(()) }
//! ```
//!
//! # Responses
//!
//! | situation | answer |
//! | --- | --- |
//! | signed in, or signed out | the handler runs; the extractors decide |
//! | browser page navigation needing the interstitial | `401` `text/html` interstitial page (handler not run) |
//! | interstitial for an API client, or an expired header token (`unknown`) | `401` JSON `{"status","reason"}` + `WWW-Authenticate: Bearer` (handler not run) |
//! | signing keys cannot be fetched (Clerk outage) | the handler runs signed out, with the reason in the headers; [`ClerkUser`] / [`Protected`] answer `503` JSON + `retry-after: 5` |
//! | [`ClerkUser`] on a signed-out request | `401` `{"error":"unauthenticated","reason":...}` + `WWW-Authenticate: Bearer` |
//! | [`Protected`] with the policy not satisfied | `403` `{"error":"forbidden"}` |
//! | an extractor on a route without the middleware | `500` `{"error":"clerk_not_configured","message":...}` |
//!
//! Every response through the middleware carries `x-clerk-auth-status` and, when set,
//! `x-clerk-auth-reason` and `x-clerk-auth-message`. Turn the interstitial page off for API-only
//! services with `ClerkConfig::builder().interstitial(false)`.
#![forbid(unsafe_code)]

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;

mod extract;
mod middleware;
mod rejection;
mod request;
mod webhook;

pub use clerk_core;
pub use clerk_core::{Auth, AuthState, ClerkConfig, ConfigError, Policy, SignedIn};

pub use extract::{ClerkCaller, ClerkMachine, ClerkUser, Protected, ProtectedCaller};
pub use middleware::{ClerkMiddleware, ClerkService};
pub use rejection::ClerkRejection;
pub use webhook::{ClerkWebhook, WebhookRejection};

/// Protects an actix-web handler: `#[clerk_protected]` (signed in, `401` otherwise),
/// `#[clerk_protected(roles = ["org:admin", "org:billing"])]` (any of these roles, `403`
/// otherwise), `#[clerk_protected(permissions = ["org:invoices:read"])]` (all of these
/// permissions), `features = ["dashboard", "o:reports"]` and `plans = ["pro"]` (all of these,
/// from the session's `fea` / `pla` claims; `403` otherwise), `reverification = "strict"` (one
/// of `strict_mfa`, `strict`, `moderate`, `lax`: factors verified recently enough, else `403`
/// with Clerk's reverification hint `{"clerk_error":{"type":"forbidden","reason":
/// "reverification-error",…}}` for clerk-js's `useReverification()`), any of them together
/// (all must hold), `token = ["api_key", "m2m_token"]` (the token types the route
/// accepts: `session_token`, the default, `api_key`, `m2m_token`, `oauth_token`; `401`
/// `token-type-mismatch` otherwise) with `scopes = ["invoices:write"]` (all of them, of a machine
/// token; `403` otherwise), and `crate = "path"` when `clerk_actix` is renamed or re-exported.
///
/// It injects a [`Protected`] (or, when `token` lists a machine type, a [`ProtectedCaller`]) over
/// a generated [`Policy`] as the handler's first extractor.
/// Place it above the route attribute (`#[get(...)]`). See the [crate docs](crate).
#[doc(inline)]
pub use clerk_macros::clerk_protected_actix as clerk_protected;

/// Items used by the `#[clerk_protected]` expansion. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use clerk_core::{Policy, Reverification, TokenType};
}
