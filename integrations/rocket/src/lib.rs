//! Clerk authentication for [Rocket](https://rocket.rs) 0.5.
//!
//! - [`ClerkFairing`] authenticates every request once (Clerk's `authenticateRequest`, from
//!   [`clerk_core`]), answers the interstitial, `401` and `503` outcomes without running your
//!   handler, and adds the `x-clerk-auth-status`, `x-clerk-auth-reason` and
//!   `x-clerk-auth-message` headers to every response.
//! - [`ClerkUser`] is the request guard of a signed-in user (`401` otherwise);
//!   `Option<ClerkUser>` is `None` when signed out.
//! - [`Protected<P>`](Protected) also checks a role/permission [`Policy`] (`403` otherwise).
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
//! # How the outcomes are answered
//!
//! A Rocket fairing cannot answer a request itself. When the auth state calls for the
//! interstitial, a `401` or a `503`, [`ClerkFairing`] rewrites the request to an internal route
//! it mounts on ignite (`GET /__clerk/outcome`), which answers from the state cached on the
//! request. Your handlers never see those requests.
#![forbid(unsafe_code)]

mod fairing;
mod guard;
mod rejection;
mod request;

pub use clerk_core;
pub use clerk_core::{Auth, AuthState, ClerkConfig, ConfigError, Policy, SignedIn};
pub use fairing::ClerkFairing;
pub use guard::{ClerkUser, Protected};
pub use rejection::ClerkRejection;

#[doc(hidden)]
pub mod __private {
    pub use clerk_core::Policy;
}
