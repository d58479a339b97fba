//! Session-token decoding and verification.

mod claims;
mod decode;
mod error;
mod json;
mod jwks;
mod key;
mod token;
mod token_cache;
mod verified;
mod verify;

pub use claims::{Actor, OrganizationClaims, SessionClaims};
pub use decode::{Jwt, JwtHeader, MAX_TOKEN_LEN, decode_jwt};
pub use error::{
    TokenVerificationError, TokenVerificationErrorAction, TokenVerificationErrorReason,
};
pub use jwks::JwksCacheSettings;
pub(crate) use jwks::ingest_for_tooling;
pub use key::{Jwk, JwkSet, KeyError, MAX_RSA_BITS, MIN_RSA_BITS, VerificationKey};
pub(crate) use token::{Attempt, verify_token_now, verify_token_shared};
pub use token::{
    DEFAULT_API_URL, DEFAULT_API_VERSION, VerifyOptionsError, VerifyTokenOptions,
    VerifyTokenOptionsBuilder, verify_token,
};
pub use token_cache::DEFAULT_TOKEN_CACHE_CAPACITY;
pub(crate) use verified::Verified;
pub use verify::{DEFAULT_CLOCK_SKEW, Issuer, VerifyJwtOptions, has_valid_signature, verify_jwt};
