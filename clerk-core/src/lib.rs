#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
mod jwt;

pub use clock::{Clock, FixedClock, SystemClock};
pub use jwt::{
    Actor, DEFAULT_API_URL, DEFAULT_API_VERSION, DEFAULT_CLOCK_SKEW, Issuer, Jwk, JwkSet,
    JwksCacheSettings, Jwt, JwtHeader, KeyError, MAX_RSA_BITS, MAX_TOKEN_LEN, MIN_RSA_BITS,
    OrganizationClaims, SessionClaims, TokenVerificationError, TokenVerificationErrorAction,
    TokenVerificationErrorReason, VerificationKey, VerifyJwtOptions, VerifyOptionsError,
    VerifyTokenOptions, VerifyTokenOptionsBuilder, decode_jwt, has_valid_signature, verify_jwt,
    verify_token,
};
