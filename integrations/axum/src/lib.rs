#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod extract;
mod layer;
mod rejection;
mod webhook;

pub use extract::{ClerkCaller, ClerkMachine, ClerkUser, Protected, ProtectedCaller};
pub use layer::ClerkLayer;
#[doc(hidden)]
pub use layer::{ClerkService, ResponseFuture};
pub use rejection::ClerkRejection;
pub use webhook::{ClerkWebhook, WebhookRejection};

/// Protects an axum handler: `#[clerk_protected]` (signed in, `401` otherwise),
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
/// token; `403` otherwise), and `crate = "path"` when `clerk_axum` is renamed or re-exported.
///
/// It injects a [`Protected`] (or, when `token` lists a machine type, a [`ProtectedCaller`]) over
/// a generated [`Policy`] as the handler's first extractor.
/// Place it above `#[axum::debug_handler]`. See the [crate docs](crate).
#[doc(inline)]
pub use clerk_macros::clerk_protected_axum as clerk_protected;

pub use clerk_core;
pub use clerk_core::{Auth, AuthState, ClerkConfig, ConfigError, Policy, SignedIn};

/// Items used by the expansion of `#[clerk_protected]`. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use clerk_core::{Policy, Reverification, TokenType};
}
