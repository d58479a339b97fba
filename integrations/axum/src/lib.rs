#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod extract;
mod layer;
mod rejection;

pub use extract::{ClerkUser, Protected};
pub use layer::ClerkLayer;
#[doc(hidden)]
pub use layer::{ClerkService, ResponseFuture};
pub use rejection::ClerkRejection;

pub use clerk_core;
pub use clerk_core::{Auth, AuthState, ClerkConfig, ConfigError, Policy, SignedIn};

/// Items used by the expansion of `#[clerk_protected]`. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use clerk_core::Policy;
}
