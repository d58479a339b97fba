//! Test support for apps that use Clerk: a local Clerk instance that mints real session tokens.
//!
//! A [`TestInstance`] is a Clerk instance of its own: a fresh RSA-2048 signing key, its JWKS and
//! PEM public key, a development secret key and a publishable key. Point your app's
//! [`ClerkConfig`](clerk_core::ClerkConfig) at it and mint tokens for any user, session,
//! organization or time:
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
#![forbid(unsafe_code)]

mod instance;
mod token;

pub use instance::TestInstance;
pub use token::{ClaimsVersion, TokenBuilder};
