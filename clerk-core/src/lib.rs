#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The repository README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;

#[doc(hidden)]
pub mod __private;
mod clock;
mod jwt;

pub use clock::{Clock, FixedClock, SystemClock};
pub use jwt::{
    Actor, DEFAULT_API_URL, DEFAULT_API_VERSION, DEFAULT_CLOCK_SKEW, DEFAULT_TOKEN_CACHE_CAPACITY,
    Issuer, Jwk, JwkSet, JwksCacheSettings, Jwt, JwtHeader, KeyError, MAX_RSA_BITS, MAX_TOKEN_LEN,
    MIN_RSA_BITS, OrganizationClaims, SessionClaims, TokenVerificationError,
    TokenVerificationErrorAction, TokenVerificationErrorReason, VerificationKey, VerifyJwtOptions,
    VerifyOptionsError, VerifyTokenOptions, VerifyTokenOptionsBuilder, decode_jwt,
    has_valid_signature, verify_jwt, verify_token,
};

// --- request side ---
mod auth;
mod authz;
mod config;
pub mod integration;
mod interstitial;
mod keys;
mod secure_url;

pub use auth::cookies::{cookie_pairs, get_cookie, get_cookie_from_fields};
pub use auth::origin::{InvalidUrl, is_browser_user_agent, is_cross_origin, js_parse_int};
pub use auth::reason::{AuthReason, AuthStatus};
pub use auth::session::Auth;
pub use auth::state::{AuthState, get_auth_state, try_get_auth_state};
pub use authz::{
    InvalidRequirement, Policy, Requirement, SignedIn, evaluate_policy, has_permission, has_role,
};
pub use config::{ClerkConfig, ClerkConfigBuilder, ConfigError, ConfigErrorKind, ConfigId};
pub use interstitial::{
    DEFAULT_CLERK_JS_TAG, DEFAULT_USER_AGENT, INTERSTITIAL_REMOTE_FAILED_TO_LOAD,
    InterstitialError, InterstitialOptions, build_public_interstitial_url,
    load_interstitial_from_bapi, load_interstitial_from_local,
};
pub use keys::{
    InstanceType, InvalidPublishableKey, PublishableKey, add_clerk_prefix, build_publishable_key,
    instance_type_of_secret_key, is_dev_or_staging_host, is_publishable_key, is_staging_host,
    parse_publishable_key,
};
// --- end request side ---

// --- Backend API client ---
pub mod api;
mod error;

pub use api::{ClerkClient, ClerkClientBuilder, ClerkClientOptions, create_backend_api_client};
pub use error::{ApiError, ClerkErrorDetail, Error, ErrorKind};
// --- end Backend API client ---
