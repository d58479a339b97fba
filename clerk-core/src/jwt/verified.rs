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
}
