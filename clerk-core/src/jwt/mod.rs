//! Low-level session-token types: the decoded token, JWKs, key sizes and the JWKS cache settings.
//!
//! The verification functions and what they return (`verify_token`, `verify_jwt`, `decode_jwt`,
//! `SessionClaims`, `TokenVerificationError`, …) are at the crate root.

pub(crate) mod claims;
pub(crate) mod decode;
pub(crate) mod error;
mod json;
mod jwks;
pub(crate) mod key;
pub(crate) mod token;
mod token_cache;
mod verified;
pub(crate) mod verify;

pub use decode::{Jwt, JwtHeader, MAX_TOKEN_LEN};
pub use jwks::JwksCacheSettings;
pub(crate) use jwks::ingest_for_tooling;
pub use key::{Jwk, JwkSet, KeyError, MAX_RSA_BITS, MIN_RSA_BITS};
pub(crate) use token::{
    Attempt, verify_cached_now, verify_decoded_now, verify_token_now, verify_token_shared,
};
pub use token_cache::DEFAULT_TOKEN_CACHE_CAPACITY;
pub(crate) use verified::{Verified, has_other_category, is_m2m_jwt, is_oauth_jwt, is_other_kind};
pub use verify::DEFAULT_CLOCK_SKEW;

// The crate root re-exports these; the rest of the crate reaches them here.
pub(crate) use claims::{Actor, OrganizationClaims, SessionClaims};
pub(crate) use error::{TokenVerificationError, TokenVerificationErrorReason};
pub(crate) use key::{VerificationKey, rsa_algorithm};
pub(crate) use token::{VerifyOptionsError, VerifyTokenOptions};
pub(crate) use verify::Issuer;
pub(crate) use verify::{M2M_TOKEN_CAT, TokenKind, check_signature, verify_decoded};
