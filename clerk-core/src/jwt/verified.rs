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
pub(crate) const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";
const IGNORED_CATEGORY: &str = "cl_I7d4PD111III";

/// A machine token (an OAuth access token `typ`, an M2M `sub`) or a token of another category
/// (a JWT template) where a session token is expected (docs/auth-rules.md §9.4, R11).
pub(crate) fn is_other_kind(jwt: &super::Jwt) -> bool {
    use serde_json::Value;
    let header = jwt.header();
    let typ = header.get("typ").and_then(Value::as_str);
    let oauth = matches!(typ, Some("at+jwt" | "application/at+jwt"));
    let m2m = jwt
        .payload()
        .get("sub")
        .and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("mch_"));
    let category = header
        .get("cat")
        .and_then(Value::as_str)
        .is_some_and(|c| c != SESSION_CATEGORY && c != IGNORED_CATEGORY);
    oauth || m2m || category
}
