//! Test support for apps that use Clerk: a local Clerk instance that mints real session tokens,
//! and a local Clerk emulator.
//!
//! # `TestInstance`: tokens for your own tests
//!
//! A [`TestInstance`] is a Clerk instance of its own: a fresh RSA-2048 signing key, its JWKS and
//! PEM public key, a development secret key and a publishable key. Point your app's
//! [`ClerkConfig`](clerk_core::ClerkConfig) at it and mint tokens for any user, session,
//! organization or time, with no network at all:
//!
//! ```
//! use clerk_testing::TestInstance;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let instance = TestInstance::new();
//! let config = instance.config_builder().build()?; // CLERK_JWT_KEY-style, no network
//! let token = instance
//!     .token()
//!     .user_id("user_1")
//!     .org_id("org_1")
//!     .org_role("org:admin")
//!     .org_permissions(["org:invoices:read"])
//!     .sign();
//! let request = http::Request::builder()
//!     .header("authorization", format!("Bearer {token}"))
//!     .body(())?;
//! let auth = clerk_core::get_auth_state(&config, &request).await.to_auth().unwrap();
//! assert_eq!(auth.user_id(), Some("user_1"));
//! assert!(auth.has("org:admin"));
//! # Ok(()) }
//! ```
//!
//! # `Emulator`: a local Clerk
//!
//! An [`Emulator`] is a real HTTP server on 127.0.0.1 that plays Clerk for an app: the Backend
//! API subset the SDK calls (users, sessions, organizations, memberships, JWKS) on an in-memory
//! store with demo data, a sign-in page where you pick a demo user, and a stand-in for the
//! clerk-js script that the interstitial page loads. An app configured with
//! [`Emulator::config_builder`] goes through the same flow as with Clerk's development
//! instances (interstitial, `__session` and `__client_uat` cookies, JWKS fetched with the secret
//! key), offline.
//!
//! ```
//! use clerk_testing::Emulator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! let config = emulator.config_builder().build()?;
//! // Mint a token for a demo user and authenticate a request with it, keys from the JWKS.
//! let token = emulator.instance().token().user_id("user_admin").sign();
//! let request = http::Request::builder()
//!     .header("authorization", format!("Bearer {token}"))
//!     .body(())?;
//! let state = clerk_core::get_auth_state(&config, &request).await;
//! assert!(state.is_signed_in());
//! # Ok(()) }
//! ```
//!
//! Run it on its own with `cargo run -p clerk-testing --bin clerk-emulator -- --port 4001`; it
//! prints the environment variables that point an app at it.
#![forbid(unsafe_code)]
#![recursion_limit = "256"]

mod emulator;
mod instance;
mod token;

pub use emulator::{Emulator, EmulatorBuilder, EmulatorError};
pub use instance::TestInstance;
pub use token::{ClaimsVersion, TokenBuilder};
