//! Items for this workspace's own tooling (fuzz harnesses, integrations). Not part of the public
//! API: no stability promise, hidden from the docs.

use crate::VerifyTokenOptionsBuilder;
use crate::api::ClerkClientBuilder;
use crate::jwt::{VerificationKey, VerifyOptionsError, VerifyTokenOptions};

/// Test seams of [`VerifyTokenOptions`]: bring the trait into scope to call them.
pub trait VerifierSeams {
    /// How many tokens the verified-token cache holds now.
    fn token_cache_len(&self) -> usize;
    /// How many JWKS requests the cache behind these options has sent (0 with a local key).
    fn jwks_fetch_count(&self) -> u64;
}

impl VerifierSeams for VerifyTokenOptions {
    fn token_cache_len(&self) -> usize {
        VerifyTokenOptions::token_cache_len(self)
    }

    fn jwks_fetch_count(&self) -> u64 {
        VerifyTokenOptions::jwks_fetch_count(self)
    }
}

/// Test seam of [`VerifyTokenOptionsBuilder`].
pub trait UnsharedBuild {
    /// As `build`, with a JWKS cache of its own instead of the process-wide shared one (for
    /// tests that need a cold cache).
    ///
    /// # Errors
    ///
    /// As `build`.
    fn build_unshared(self) -> Result<VerifyTokenOptions, VerifyOptionsError>;
}

impl UnsharedBuild for VerifyTokenOptionsBuilder {
    fn build_unshared(self) -> Result<VerifyTokenOptions, VerifyOptionsError> {
        VerifyTokenOptionsBuilder::build_unshared(self)
    }
}

/// Test seam of [`ClerkClientBuilder`].
pub trait ObserveResponses: Sized {
    /// Observe every response's operation, status and headers (the conformance tests check
    /// Prism's `sl-violations` header).
    #[must_use]
    fn observe_responses(
        self,
        observer: impl Fn(&str, u16, &http::HeaderMap) + Send + Sync + 'static,
    ) -> Self;
}

impl ObserveResponses for ClerkClientBuilder {
    fn observe_responses(
        self,
        observer: impl Fn(&str, u16, &http::HeaderMap) + Send + Sync + 'static,
    ) -> Self {
        ClerkClientBuilder::observe_responses(self, observer)
    }
}

/// Runs JWKS ingestion on a raw response body: the `(kid, bits)` of every key that would be used,
/// sorted, or the error a verification would report.
///
/// # Errors
///
/// The reason code of the error, when the body yields no usable key.
pub fn ingest_jwks(body: &[u8]) -> Result<Vec<(String, usize)>, &'static str> {
    crate::jwt::ingest_for_tooling(body)
        .map(|keys| {
            let mut out: Vec<(String, usize)> = keys
                .iter()
                .map(|(kid, key): (&String, &std::sync::Arc<VerificationKey>)| {
                    (kid.clone(), key.bits())
                })
                .collect();
            out.sort();
            out
        })
        .map_err(|e| e.reason().as_str())
}
