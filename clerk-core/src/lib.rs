//! Clerk authentication for Rust.
#![forbid(unsafe_code)]

// --- request side ---
mod auth;
mod authz;
mod config;
mod interstitial;
mod keys;

pub use auth::cookies::{cookie_pairs, get_cookie, get_cookie_from_fields};
pub use auth::origin::{InvalidUrl, is_browser_user_agent, is_cross_origin, js_parse_int};
pub use auth::request::{RequestValues, RequestView, header_value, request_cookie};
pub use auth::response::{
    AUTH_MESSAGE_HEADER, AUTH_REASON_HEADER, AUTH_STATUS_HEADER, auth_header_pairs,
    encode_uri_component, is_api_request, is_browser_navigation,
};
pub use authz::{
    InvalidRequirement, Policy, Requirement, SignedIn, evaluate_policy, has_permission, has_role,
};
pub use config::{ClerkConfig, ClerkConfigBuilder, ConfigError, ConfigErrorKind};
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
