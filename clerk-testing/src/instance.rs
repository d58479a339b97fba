//! [`TestInstance`]: keys and identity of a local Clerk instance.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKey};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clerk_core::{ClerkConfig, ClerkConfigBuilder, keys::build_publishable_key};
use serde_json::{Value, json};

use crate::token::TokenBuilder;

/// A local Clerk instance: signing key, JWKS, keys and identity. Cheap to clone.
///
/// `Debug` shows the key id and frontend API, never the private key or the secret key.
#[derive(Clone)]
pub struct TestInstance {
    inner: Arc<Inner>,
}

struct Inner {
    key_pair: KeyPair,
    kid: String,
    frontend_api: String,
    secret_key: String,
    publishable_key: String,
    public_key_pem: String,
    jwk: Value,
}

impl fmt::Debug for TestInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestInstance")
            .field("kid", &self.inner.kid)
            .field("frontend_api", &self.inner.frontend_api)
            .finish_non_exhaustive()
    }
}

impl Default for TestInstance {
    fn default() -> Self {
        Self::new()
    }
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 12];
    aws_lc_rs::rand::fill(&mut bytes).ok();
    format!(
        "{:x}{n:x}{}",
        nanos & 0xffff_ffff,
        URL_SAFE_NO_PAD.encode(bytes).replace(['-', '_'], "x")
    )
}

impl TestInstance {
    /// A development instance with a fresh RSA-2048 key and the frontend API
    /// `happy-hippo-1.clerk.accounts.dev`.
    ///
    /// # Panics
    ///
    /// When the system cannot generate an RSA key (no entropy source).
    #[must_use]
    pub fn new() -> Self {
        Self::with_frontend_api("happy-hippo-1.clerk.accounts.dev")
    }

    /// An instance whose frontend API (and so issuer `https://<frontend_api>` and publishable key)
    /// is `frontend_api`.
    ///
    /// # Panics
    ///
    /// When the system cannot generate an RSA key (no entropy source).
    #[must_use]
    pub fn with_frontend_api(frontend_api: &str) -> Self {
        let key_pair = KeyPair::generate(KeySize::Rsa2048).expect("generate an RSA-2048 key");
        let suffix = unique_suffix();
        let kid = format!("ins_test_{suffix}");
        let public = key_pair.public_key();
        let public_key_pem = pem(public);
        let jwk = json!({
            "use": "sig",
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        });
        Self {
            inner: Arc::new(Inner {
                key_pair,
                kid,
                frontend_api: frontend_api.to_owned(),
                secret_key: format!("sk_test_{suffix}"),
                publishable_key: build_publishable_key(frontend_api),
                public_key_pem,
                jwk,
            }),
        }
    }

    /// The signing key's id (`kid`).
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// The frontend API host.
    #[must_use]
    pub fn frontend_api(&self) -> &str {
        &self.inner.frontend_api
    }

    /// The issuer of its tokens: `https://<frontend api>`.
    #[must_use]
    pub fn issuer(&self) -> String {
        format!("https://{}", self.inner.frontend_api)
    }

    /// A development secret key (`sk_test_…`) unique to this instance.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.inner.secret_key
    }

    /// The publishable key (`pk_test_…` for development frontend APIs).
    #[must_use]
    pub fn publishable_key(&self) -> &str {
        &self.inner.publishable_key
    }

    /// The PEM public key, as `CLERK_JWT_KEY` holds it.
    #[must_use]
    pub fn jwt_key(&self) -> &str {
        &self.inner.public_key_pem
    }

    /// The public signing key as a JWK.
    #[must_use]
    pub fn jwk(&self) -> &Value {
        &self.inner.jwk
    }

    /// The JWKS: `{"keys": [<jwk>]}`.
    #[must_use]
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.inner.jwk] })
    }

    /// A token builder: a v1 session token for `user_test`, session `sess_test`, issued now and
    /// valid for 60 seconds, like Clerk's.
    pub fn token(&self) -> TokenBuilder {
        TokenBuilder::new(self.clone())
    }

    /// A [`ClerkConfig`] builder with this instance's secret key, publishable key and PEM key
    /// (networkless verification), and the **interstitial** protocol, whose rules the
    /// scenario tables of this crate ([`scenarios`](crate::scenarios),
    /// [`protected`](crate::protected)) assert. Call
    /// `.protocol(clerk_core::AuthProtocol::Handshake)` on it for the handshake protocol. Add a
    /// `clock`, authorized parties, ... then `build()`.
    pub fn config_builder(&self) -> ClerkConfigBuilder {
        ClerkConfig::builder()
            .protocol(clerk_core::AuthProtocol::Interstitial)
            .secret_key(self.secret_key())
            .publishable_key(self.publishable_key())
            .jwt_key(self.jwt_key())
    }

    /// Signs `message` with RS256.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0; self.inner.key_pair.public_modulus_len()];
        self.inner
            .key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                message,
                &mut signature,
            )
            .expect("RSA signing with a generated key");
        signature
    }

    /// Whether `signature` is this instance's RS256 signature of `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            self.inner.key_pair.public_key().as_ref(),
        )
        .verify(message, signature)
        .is_ok()
    }
}

fn pem(public: &PublicKey) -> String {
    let der = public.as_der().expect("encode the public key");
    let body = STANDARD.encode(der.as_ref());
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_usable_by_clerk_core() {
        let instance = TestInstance::new();
        assert!(instance.secret_key().starts_with("sk_test_"));
        assert!(instance.publishable_key().starts_with("pk_test_"));
        let key = clerk_core::VerificationKey::from_pem(instance.jwt_key()).unwrap();
        assert_eq!(key.bits(), 2048);
        let jwk: clerk_core::jwt::Jwk = serde_json::from_value(instance.jwk().clone()).unwrap();
        assert_eq!(
            clerk_core::VerificationKey::from_jwk(&jwk).unwrap().bits(),
            2048
        );
        assert_ne!(TestInstance::new().kid(), instance.kid());
        assert!(!format!("{instance:?}").contains(instance.secret_key()));
    }
}
