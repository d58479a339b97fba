//! [`WebhookSigner`]: signs webhook deliveries the way Clerk (Svix) does, so an app's tests can
//! post signed events to its webhook endpoint.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Signs webhook deliveries with a signing secret, as Clerk's webhook sender (Svix) does: the
/// `v1` signature is the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
///
/// Give [`secret`](Self::secret) to the app's `WebhookVerifier` (or put it in
/// `CLERK_WEBHOOK_SIGNING_SECRET`), then send bodies with [`headers`](Self::headers).
///
/// `Debug` does not show the secret.
///
/// ```
/// use clerk_core::{WebhookHeaders, WebhookVerifier};
/// use clerk_testing::WebhookSigner;
///
/// let signer = WebhookSigner::generate();
/// let verifier = WebhookVerifier::new(signer.secret())?;
/// let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#;
/// let headers = signer.headers(body);
/// let delivery = verifier.verify_event(
///     WebhookHeaders::from_lookup(|name| {
///         headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
///     })?,
///     body,
/// )?;
/// assert_eq!(delivery.event.data["id"], "user_1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WebhookSigner {
    secret: String,
    key: hmac::Key,
}

impl fmt::Debug for WebhookSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSigner")
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A signing secret that is not `whsec_` followed by base64 of at least one byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidWebhookSecret;

impl fmt::Display for InvalidWebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the webhook signing secret is not whsec_ followed by base64")
    }
}

impl std::error::Error for InvalidWebhookSecret {}

impl WebhookSigner {
    /// A signer with a fresh random 24-byte secret, the size Svix issues.
    ///
    /// ```
    /// let signer = clerk_testing::WebhookSigner::generate();
    /// assert!(signer.secret().starts_with("whsec_"));
    /// ```
    #[must_use]
    pub fn generate() -> Self {
        let mut key = [0u8; 24];
        // A failing system RNG leaves zeros: still a working (if guessable) test secret.
        aws_lc_rs::rand::fill(&mut key).ok();
        let secret = format!("whsec_{}", STANDARD.encode(key));
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &key),
            secret,
        }
    }

    /// A signer for a given secret: `whsec_` followed by base64 (padded), or the bare base64.
    ///
    /// # Errors
    ///
    /// [`InvalidWebhookSecret`] when the secret is empty or not standard base64.
    ///
    /// ```
    /// use clerk_testing::WebhookSigner;
    ///
    /// let signer = WebhookSigner::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// assert_eq!(
    ///     signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#),
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// );
    /// # Ok::<(), clerk_testing::InvalidWebhookSecret>(())
    /// ```
    pub fn new(secret: &str) -> Result<Self, InvalidWebhookSecret> {
        let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = STANDARD.decode(b64).map_err(|_| InvalidWebhookSecret)?;
        if key.is_empty() {
            return Err(InvalidWebhookSecret);
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &key),
            secret: format!("whsec_{b64}"),
        })
    }

    /// The signing secret, `whsec_...`: what the app under test verifies with.
    #[must_use]
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The `v1,<base64>` signature of a delivery: the value of `svix-signature` (several
    /// signatures go in one header separated by spaces, as during a key rotation).
    ///
    /// ```
    /// let signer = clerk_testing::WebhookSigner::generate();
    /// let sig = signer.sign("msg_1", 1_700_000_000, b"{}");
    /// assert!(sig.starts_with("v1,") && sig.len() == 3 + 44);
    /// ```
    #[must_use]
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = hmac::Context::with_key(&self.key);
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.sign().as_ref()))
    }

    /// The three `svix-*` headers for `body`, with a fresh random message id and the current
    /// time.
    ///
    /// ```
    /// let signer = clerk_testing::WebhookSigner::generate();
    /// let [id, timestamp, signature] = signer.headers(b"{}");
    /// assert_eq!(id.0, "svix-id");
    /// assert_eq!(timestamp.0, "svix-timestamp");
    /// assert_eq!(signature.1, signer.sign(&id.1, timestamp.1.parse()?, b"{}"));
    /// # Ok::<(), std::num::ParseIntError>(())
    /// ```
    #[must_use]
    pub fn headers(&self, body: &[u8]) -> [(&'static str, String); 3] {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.headers_at(&random_message_id(), now, body)
    }

    /// The three `svix-*` headers for `body` with a given message id and timestamp (Unix
    /// seconds): to replay a delivery, or to test the timestamp tolerance.
    ///
    /// ```
    /// let signer = clerk_testing::WebhookSigner::generate();
    /// let headers = signer.headers_at("msg_1", 1_700_000_000, b"{}");
    /// assert_eq!(headers[0], ("svix-id", "msg_1".to_owned()));
    /// assert_eq!(headers[1], ("svix-timestamp", "1700000000".to_owned()));
    /// ```
    #[must_use]
    pub fn headers_at(&self, id: &str, timestamp: i64, body: &[u8]) -> [(&'static str, String); 3] {
        [
            ("svix-id", id.to_owned()),
            ("svix-timestamp", timestamp.to_string()),
            ("svix-signature", self.sign(id, timestamp, body)),
        ]
    }
}

/// `msg_` and 27 base62 characters, the shape of Svix's message ids.
fn random_message_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 27];
    aws_lc_rs::rand::fill(&mut bytes).ok();
    let tail: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("msg_{tail}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use clerk_core::{FixedClock, WebhookErrorKind, WebhookHeaders, WebhookVerifier};

    use super::*;

    fn lookup<'a>(
        headers: &'a [(&'static str, String)],
    ) -> impl FnMut(&str) -> Option<&'a str> + 'a {
        move |name| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    #[test]
    fn headers_verify_now_and_carry_a_fresh_id() {
        let signer = WebhookSigner::generate();
        let verifier = WebhookVerifier::new(signer.secret()).unwrap();
        let body = br#"{"type":"session.pending","data":{"id":"sess_1"}}"#;
        let a = signer.headers(body);
        let b = signer.headers(body);
        assert_ne!(a[0].1, b[0].1);
        assert!(a[0].1.starts_with("msg_") && a[0].1.len() == 31);
        let meta = verifier
            .verify(WebhookHeaders::from_lookup(lookup(&a)).unwrap(), body)
            .unwrap();
        assert_eq!(meta.message_id, a[0].1);
    }

    #[test]
    fn another_secret_or_body_does_not_verify() {
        let signer = WebhookSigner::generate();
        let other = WebhookSigner::generate();
        assert_ne!(signer.secret(), other.secret());
        let verifier = WebhookVerifier::new(other.secret()).unwrap();
        let headers = signer.headers(b"{}");
        let err = verifier
            .verify(
                WebhookHeaders::from_lookup(lookup(&headers)).unwrap(),
                b"{}",
            )
            .unwrap_err();
        assert_eq!(err.kind(), WebhookErrorKind::NoMatchingSignature);

        let verifier = WebhookVerifier::new(signer.secret()).unwrap();
        let err = verifier
            .verify(
                WebhookHeaders::from_lookup(lookup(&headers)).unwrap(),
                b"{ }",
            )
            .unwrap_err();
        assert_eq!(err.kind(), WebhookErrorKind::NoMatchingSignature);
    }

    #[test]
    fn headers_at_is_checked_against_the_verifier_clock() {
        let signer = WebhookSigner::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(signer.secret(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let verifier = WebhookVerifier::new(signer.secret())
            .unwrap()
            .clock(Arc::new(FixedClock::from_unix_seconds(2_000_000_000)));
        let stale = signer.headers_at("msg_1", 2_000_000_000 - 301, b"{}");
        let err = verifier
            .verify(WebhookHeaders::from_lookup(lookup(&stale)).unwrap(), b"{}")
            .unwrap_err();
        assert_eq!(err.kind(), WebhookErrorKind::TimestampTooOld);
        let fresh = signer.headers_at("msg_1", 2_000_000_000 - 300, b"{}");
        assert!(
            verifier
                .verify(WebhookHeaders::from_lookup(lookup(&fresh)).unwrap(), b"{}")
                .is_ok()
        );
    }

    #[test]
    fn bad_secrets_and_debug() {
        assert_eq!(
            WebhookSigner::new("whsec_").unwrap_err(),
            InvalidWebhookSecret
        );
        assert!(WebhookSigner::new("whsec_%%%").is_err());
        let signer = WebhookSigner::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert!(!format!("{signer:?}").contains("MfKQ"));
    }
}
