#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
pub mod __private;
pub mod api;
mod auth;
mod authz;
mod check;
mod clock;
mod config;
mod error;
mod handshake;
pub mod integration;
pub mod interstitial;
pub mod jwt;
pub mod keys;
mod machine;
mod secure_url;
pub mod webhooks;

// What an application uses sits at the root; the modules hold the rest: `api` (the Backend API
// client and its models), `jwt` (low-level token types), `keys`, `interstitial`, and
// `integration` (what framework adapters need).
pub use api::{ClerkClient, ClerkClientBuilder, create_backend_api_client};
pub use auth::reason::{AuthReason, AuthStatus};
pub use auth::session::Auth;
pub use auth::state::{AuthState, get_auth_state, try_get_auth_state};
pub use authz::{InvalidRequirement, Policy, PolicyDenial, Requirement, SignedIn};
pub use check::{Check, FactorLevel, Reverification};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    ClerkConfig, ClerkConfigBuilder, ConfigError, ConfigErrorKind, DEFAULT_API_URL,
    DEFAULT_API_VERSION,
};
pub use error::{ApiError, Error, ErrorKind};
pub use handshake::{AuthProtocol, OrganizationSync};
pub use interstitial::{
    InterstitialError, InterstitialOptions, load_interstitial_from_bapi,
    load_interstitial_from_local,
};
pub use jwt::claims::{Actor, OrganizationClaims, SessionClaims};
pub use jwt::decode::decode_jwt;
pub use jwt::error::{
    TokenVerificationError, TokenVerificationErrorAction, TokenVerificationErrorReason,
};
pub use jwt::key::VerificationKey;
pub use jwt::token::{
    VerifyOptionsError, VerifyTokenOptions, VerifyTokenOptionsBuilder, verify_token,
};
pub use jwt::verify::{Issuer, VerifyJwtOptions, has_valid_signature, verify_jwt};
pub use keys::{InstanceType, PublishableKey};
pub use machine::{AcceptsToken, MACHINE_TOKEN_TYPES, MachineToken, TokenType};
// --- end Backend API client ---
pub use webhooks::{
    ClerkEvent, Delivery, DeliveryMeta, EventType, WebhookError, WebhookErrorKind, WebhookEvent,
    WebhookHeaders, WebhookSecretError, WebhookSecretErrorKind, WebhookVerifier,
};
