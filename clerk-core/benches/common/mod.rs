//! Token minting shared by the benches: the fixture instance's RS256 key signs a payload.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

/// A session token with `payload`, signed by the fixture instance's private key (RS256, the
/// fixture's `kid`).
pub(crate) fn sign(payload: &serde_json::Value) -> String {
    let header = r#"{"alg":"RS256","kid":"ins_2GIoQhbUpy0hX7B2cVkuTMinXoD","typ":"JWT"}"#;
    let si = format!(
        "{}.{}",
        b64(header.as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let key =
        EncodingKey::from_rsa_der(include_bytes!("../../tests/fixtures/rsa_clerk_private.der"));
    let signer = (DEFAULT_PROVIDER.signer_factory)(&Algorithm::RS256, &key).unwrap();
    format!("{si}.{}", b64(&signer.try_sign(si.as_bytes()).unwrap()))
}
