//! Clerk authentication for [Rocket](https://rocket.rs) 0.5.
//!
//! - [`ClerkFairing`] authenticates every request once (Clerk's `authenticateRequest`, from
//!   [`clerk_core`]), answers the interstitial and `401` outcomes without running your
//!   handler, and adds the `x-clerk-auth-status`, `x-clerk-auth-reason` and
//!   `x-clerk-auth-message` headers to every response.
//! - [`ClerkUser`] is the request guard of a signed-in user (`401` otherwise, `503` during a
//!   Clerk outage); `Option<ClerkUser>` is `None` when signed out.
//! - [`Protected<P>`](Protected) also checks a role/permission [`Policy`] (`403` otherwise).
//! - [`#[clerk_protected]`](clerk_protected) puts a `Protected<P>` in front of a route from a
//!   list of roles and permissions.
//! - [`ClerkRejection`] is the guards' error; take `Result<ClerkUser, ClerkRejection>` to answer
//!   it your own way.
//!
//! Both guards are Rocket [`Sentinel`](rocket::Sentinel)s: a route that uses them makes launch
//! fail when [`ClerkFairing`] is not attached.
//!
//! # Quick start
//!
//! ```no_run
//! use clerk_rocket::{ClerkConfig, ClerkFairing, ClerkUser, Policy, Protected};
//! use rocket::{get, routes};
//!
//! /// Members of the active organization with the `org:admin` role.
//! struct Admin;
//!
//! impl Policy for Admin {
//!     fn roles() -> &'static [&'static str] {
//!         &["org:admin"]
//!     }
//! }
//!
//! #[get("/me")]
//! fn me(user: ClerkUser) -> String {
//!     format!("signed in as {}", user.user_id())
//! }
//!
//! #[get("/admin")]
//! fn admin(user: Protected<Admin>) -> String {
//!     format!("hello admin {}", user.user_id())
//! }
//!
//! #[rocket::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY, CLERK_JWT_KEY, ...
//!     let config = ClerkConfig::from_env()?;
//!     rocket::build()
//!         .attach(ClerkFairing::new(config))
//!         .mount("/", routes![me, admin])
//!         .launch()
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! # `#[clerk_protected]`
//!
//! The attribute writes the policy for you: it injects a `Protected<_>` as the route's first
//! request guard. Put it above the route attribute. Sync and async routes both work.
//!
//! ```no_run
//! use clerk_rocket::{ClerkFairing, clerk_protected};
//! use rocket::serde::json::{Json, Value};
//! use rocket::{get, post, routes};
//!
//! #[clerk_protected] // signed in (401 otherwise)
//! #[get("/me")]
//! fn me() -> &'static str {
//!     "signed in"
//! }
//!
//! #[clerk_protected(roles = ["org:admin", "org:billing"])] // any of these roles (403 otherwise)
//! #[get("/admin")]
//! async fn admin() -> &'static str {
//!     "hello, admin"
//! }
//!
//! // all of these permissions; with `roles` too, both must hold
//! #[clerk_protected(permissions = ["org:invoices:read", "org:invoices:write"])]
//! #[post("/invoices", data = "<invoice>")]
//! fn new_invoice(invoice: Json<Value>) -> Json<Value> {
//!     invoice
//! }
//!
//! # fn app() -> Result<rocket::Rocket<rocket::Build>, clerk_rocket::ConfigError> {
//! let rocket = rocket::build()
//!     .attach(ClerkFairing::from_env()?)
//!     .mount("/", routes![me, admin, new_invoice]);
//! # Ok(rocket) }
//! ```
//!
//! A route that needs the user takes `Protected<P>` (or `ClerkUser`) itself, with a policy type
//! implementing [`Policy`], as in the quick start. With the crate renamed or re-exported, say
//! where it is: `#[clerk_protected(roles = ["org:admin"], crate = "my_app::auth")]`.
//!
//! # Machine callers
//!
//! With machine tokens accepted by the configuration (`accepts_token`), `token = [...]` says
//! which types a route accepts and `scopes = [...]` what a machine token must carry; the route
//! then takes a [`ProtectedCaller`] (a user or a machine). [`ClerkMachine`] and [`ClerkCaller`]
//! are the guards of a machine, and of a user or a machine. A route that accepts a type the
//! fairing's configuration does not verify aborts the launch.
//!
//! ```no_run
//! use clerk_rocket::clerk_core::{AcceptsToken, ClerkConfigBuilder};
//! use clerk_rocket::{ClerkCaller, ClerkFairing, clerk_protected};
//! use rocket::{get, post, routes};
//!
//! // API keys and M2M tokens with the `invoices:write` scope (401 `token-type-mismatch` for
//! // any other token, 403 without the scope)
//! #[clerk_protected(token = ["api_key", "m2m_token"], scopes = ["invoices:write"])]
//! #[post("/invoices/import", data = "<body>")]
//! fn import(body: String) -> String {
//!     format!("imported {} bytes", body.len())
//! }
//!
//! #[get("/whoami")]
//! fn whoami(caller: ClerkCaller) -> String {
//!     match caller {
//!         ClerkCaller::User(user) => format!("user {}", user.user_id()),
//!         ClerkCaller::Machine(machine) => format!("{} {}", machine.token_type(), machine.subject()),
//!     }
//! }
//!
//! # fn app() -> Result<rocket::Rocket<rocket::Build>, clerk_rocket::ConfigError> {
//! let config = ClerkConfigBuilder::from_env()?.accepts_token(AcceptsToken::Any).build()?;
//! let rocket = rocket::build()
//!     .attach(ClerkFairing::new(config))
//!     .mount("/", routes![import, whoami]);
//! # Ok(rocket) }
//! ```
//!
//! # How the outcomes are answered
//!
//! A Rocket fairing cannot answer a request itself. When the auth state calls for the
//! interstitial or a `401`, [`ClerkFairing`] rewrites the request to an internal route
//! it mounts on ignite (`GET /__clerk/outcome`, ranked before every other route), which answers
//! from the state cached on the request, so your handlers do not see those requests. Its
//! response hook then replaces whatever response such a request got (from a `HEAD` route, a
//! catcher, or a route reached after another fairing rewrote the request) with that answer.
//!
//! During a Clerk outage (the signing keys cannot be loaded) nothing is rewritten: the request
//! goes on signed out with the failure's reason in the headers, so public routes and
//! `Option<ClerkUser>` keep serving, and [`ClerkUser`] and [`Protected`] fail with `503` and
//! `retry-after: 5` instead of `401`.
//!
//! `ClerkFairing` is one per application: attaching a second one replaces the first (see
//! [its docs](ClerkFairing#one-per-application)).
#![forbid(unsafe_code)]

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;

mod fairing;
mod guard;
mod rejection;
mod request;
mod state;
mod webhook;

pub use clerk_core;
pub use clerk_core::{Auth, AuthState, ClerkConfig, ConfigError, Policy, SignedIn};
pub use fairing::ClerkFairing;
pub use guard::{ClerkCaller, ClerkMachine, ClerkUser, Protected, ProtectedCaller};
pub use rejection::ClerkRejection;
pub use request::request_auth;
pub use webhook::{ClerkWebhook, DEFAULT_WEBHOOK_LIMIT, WEBHOOK_LIMIT, WebhookRejection};

/// Protects a Rocket route: `#[clerk_protected]` (signed in, `401` otherwise),
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
/// token; `403` otherwise), and `crate = "path"` when `clerk_rocket` is renamed or re-exported.
///
/// It injects a [`Protected`] (or, when `token` lists a machine type, a [`ProtectedCaller`]) over
/// a generated [`Policy`] as the route's first request guard.
/// Place it above the route attribute (`#[get(...)]`); sync routes work too. See the
/// [crate docs](crate).
#[doc(inline)]
pub use clerk_macros::clerk_protected_rocket as clerk_protected;

#[doc(hidden)]
pub mod __private {
    pub use clerk_core::{Policy, Reverification, TokenType};
}
