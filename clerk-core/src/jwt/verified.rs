//! [`Verified`]: a token that passed verification, as the cache and the requests share it.

use std::sync::Arc;

use super::claims::SessionClaims;
use super::key::VerificationKey;

/// A verified token and its claims, shared by the verified-token cache and the requests that
/// presented it.
pub(crate) struct Verified {
    pub(crate) claims: SessionClaims,
    pub(crate) token: Box<str>,
    /// The JWKS key that verified the token (`None` for a local key, which never changes): a
    /// cache hit is served only while the instance's key set still lists it.
    pub(crate) jwks_key: Option<Arc<VerificationKey>>,
    /// Whether the token is of another kind than a session token (a machine token, a JWT
    /// template), judged on its header and `sub` when it was verified: the handshake protocol
    /// refuses those where a session token is expected, also on a cache hit.
    pub(crate) other_kind: bool,
}

/// The header `cat` of session (and handshake) tokens, and of tokens that carry no class.
const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";
const IGNORED_CATEGORY: &str = "cl_I7d4PD111III";

/// Whether the header `cat` (if any) is another class than session tokens (a JWT template, an
/// M2M token): an absent `cat` and the "ignore" class are not.
pub(crate) fn has_other_category(jwt: &super::Jwt) -> bool {
    jwt.header()
        .get("cat")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|c| c != SESSION_CATEGORY && c != IGNORED_CATEGORY)
}

/// An M2M token in JWT form: its `sub` is a machine (`mch_…`).
pub(crate) fn is_m2m_jwt(jwt: &super::Jwt) -> bool {
    jwt.payload()
        .get("sub")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|s| s.starts_with("mch_"))
}

/// An OAuth access token in JWT form: `typ` `at+jwt` or `application/at+jwt`.
pub(crate) fn is_oauth_jwt(jwt: &super::Jwt) -> bool {
    matches!(
        jwt.header().get("typ").and_then(serde_json::Value::as_str),
        Some("at+jwt" | "application/at+jwt")
    )
}

/// A machine token (an OAuth access token `typ`, an M2M `sub`) or a token of another category
/// (a JWT template) where a session token is expected (docs/auth-rules.md §9.4, R11).
pub(crate) fn is_other_kind(jwt: &super::Jwt) -> bool {
    is_oauth_jwt(jwt) || is_m2m_jwt(jwt) || has_other_category(jwt)
}
