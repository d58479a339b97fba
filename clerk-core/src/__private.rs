//! Items for this workspace's own tooling (fuzz harnesses, integrations). Not part of the public
//! API: no stability promise, hidden from the docs.

use crate::jwt::VerificationKey;

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
