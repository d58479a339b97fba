//! [`WebhookVerifier`]: checks the Svix signature of a delivery over its raw body.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::{constant_time, hmac};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::DeserializeOwned;

use super::SIGNING_SECRET_ENV;
use super::error::{WebhookError, WebhookErrorKind, WebhookSecretError, WebhookSecretErrorKind};
use super::event::WebhookEvent;
use super::headers::WebhookHeaders;
use crate::clock::{Clock, SystemClock};

/// How far the attempt timestamp may be from the clock, either way, by default: 5 minutes.
pub const DEFAULT_WEBHOOK_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The prefix of Clerk (Svix) signing secrets.
const SECRET_PREFIX: &str = "whsec_";

/// Signing secrets are read leniently (with or without `=` padding, non-zero trailing bits
/// allowed), as the most lenient reference library reads them: a key needs no canonical form,
/// and a hand-copied secret that lost its padding is still unambiguous.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Verifies Clerk webhook deliveries (Svix / Standard Webhooks `v1` signatures).
///
/// Build it once at startup and share it: it is cheap to clone. For each delivery it checks,
/// in this order, that the three headers are present, that the attempt timestamp is whole Unix
/// seconds within the tolerance of the clock, and that one `v1` signature in the signature
/// header is the HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret, compared in constant
/// time. Give it the body bytes exactly as received: parsed and re-serialized JSON does not
/// verify.
///
/// `Debug` does not show the key.
///
/// ```
/// use std::sync::Arc;
/// use clerk_core::{FixedClock, WebhookHeaders, WebhookVerifier};
///
/// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
///     .clock(Arc::new(FixedClock::from_unix_seconds(1_614_265_330)));
/// let headers = WebhookHeaders {
///     id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
///     timestamp: "1614265330",
///     signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
/// };
/// let meta = verifier.verify(headers, br#"{"test": 2432232314}"#)?;
/// assert_eq!(meta.message_id, "msg_p5jXN8AQM9LWM0D4loKWxJek");
/// assert_eq!(meta.attempt_unix_secs, 1_614_265_330);
///
/// // One byte changed: refused.
/// assert!(verifier.verify(headers, br#"{"test": 2432232315}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    key: Arc<hmac::Key>,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("key", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .field("clock", &self.clock)
            .finish()
    }
}

/// The Svix metadata of a verified delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryMeta {
    /// The `svix-id` header: the same on every retry of a message, so it is the key to
    /// deduplicate deliveries with (keep the ids seen for at least the tolerance window).
    pub message_id: String,
    /// The `svix-timestamp` header: when this attempt was sent, in Unix seconds. The event's
    /// own time is [`WebhookEvent::timestamp`].
    pub attempt_unix_secs: i64,
}

/// A verified delivery: its Svix metadata and its parsed body.
///
/// ```
/// # use std::sync::Arc;
/// # use clerk_core::{FixedClock, WebhookHeaders, WebhookVerifier};
/// # let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
/// #     .clock(Arc::new(FixedClock::from_unix_seconds(1_614_265_330)));
/// # let headers = WebhookHeaders {
/// #     id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
/// #     timestamp: "1614265330",
/// #     signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
/// # };
/// let delivery = verifier.verify_json::<serde_json::Value>(headers, br#"{"test": 2432232314}"#)?;
/// assert_eq!(delivery.event["test"], 2432232314_u64);
/// assert_eq!(delivery.meta.message_id, "msg_p5jXN8AQM9LWM0D4loKWxJek");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery<T> {
    /// The message id and attempt time.
    pub meta: DeliveryMeta,
    /// The parsed body.
    pub event: T,
}

impl WebhookVerifier {
    /// A verifier for the signing secret of one webhook endpoint: `whsec_` followed by base64,
    /// or the bare base64. Surrounding whitespace is ignored.
    ///
    /// # Errors
    ///
    /// A [`WebhookSecretError`] when the secret is empty or not base64.
    ///
    /// ```
    /// use clerk_core::WebhookVerifier;
    ///
    /// assert!(WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert!(WebhookVerifier::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert!(WebhookVerifier::new("whsec_not base64!").is_err());
    /// ```
    pub fn new(signing_secret: &str) -> Result<Self, WebhookSecretError> {
        let key = parse_secret(signing_secret)?;
        Ok(Self {
            key: Arc::new(hmac::Key::new(hmac::HMAC_SHA256, &key)),
            tolerance: DEFAULT_WEBHOOK_TOLERANCE,
            clock: Arc::new(SystemClock),
        })
    }

    /// A verifier for the secret in `CLERK_WEBHOOK_SIGNING_SECRET`.
    ///
    /// # Errors
    ///
    /// A [`WebhookSecretError`] when the variable is unset, empty, not UTF-8 or not a secret.
    ///
    /// ```no_run
    /// let verifier = clerk_core::WebhookVerifier::from_env()?;
    /// # Ok::<(), clerk_core::WebhookSecretError>(())
    /// ```
    pub fn from_env() -> Result<Self, WebhookSecretError> {
        match std::env::var(SIGNING_SECRET_ENV) {
            Ok(v) => Self::new(&v),
            Err(std::env::VarError::NotPresent) => {
                Err(WebhookSecretError::new(WebhookSecretErrorKind::Missing))
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(WebhookSecretError::new(WebhookSecretErrorKind::NotUnicode))
            }
        }
    }

    /// Like [`from_env`](Self::from_env), with `CLERK_WEBHOOK_SIGNING_SECRET` read through
    /// `lookup` instead of the process environment.
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env).
    ///
    /// ```
    /// use clerk_core::WebhookVerifier;
    ///
    /// let verifier = WebhookVerifier::from_env_with(|name| match name {
    ///     "CLERK_WEBHOOK_SIGNING_SECRET" => Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert!(WebhookVerifier::from_env_with(|_| None).is_err());
    /// # let _ = verifier;
    /// # Ok::<(), clerk_core::WebhookSecretError>(())
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Result<Self, WebhookSecretError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        match lookup(SIGNING_SECRET_ENV) {
            Some(v) => Self::new(&v),
            None => Err(WebhookSecretError::new(WebhookSecretErrorKind::Missing)),
        }
    }

    /// How far the attempt timestamp may be from the clock, in either direction, in whole
    /// seconds (the boundary itself is accepted). Defaults to 5 minutes
    /// ([`DEFAULT_WEBHOOK_TOLERANCE`]), what Svix's own libraries use.
    ///
    /// ```
    /// use std::time::Duration;
    /// use clerk_core::WebhookVerifier;
    ///
    /// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .tolerance(Duration::from_secs(60));
    /// # let _ = verifier;
    /// # Ok::<(), clerk_core::WebhookSecretError>(())
    /// ```
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The clock the timestamp is checked against. Defaults to the system clock; tests inject a
    /// [`FixedClock`](crate::FixedClock).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clerk_core::{FixedClock, WebhookVerifier};
    ///
    /// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .clock(Arc::new(FixedClock::from_unix_seconds(1_614_265_330)));
    /// # let _ = verifier;
    /// # Ok::<(), clerk_core::WebhookSecretError>(())
    /// ```
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Checks the headers and the signature of a delivery, without parsing the body.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] of kind [`InvalidTimestamp`](WebhookErrorKind::InvalidTimestamp),
    /// [`TimestampTooOld`](WebhookErrorKind::TimestampTooOld),
    /// [`TimestampTooNew`](WebhookErrorKind::TimestampTooNew) or
    /// [`NoMatchingSignature`](WebhookErrorKind::NoMatchingSignature).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clerk_core::{FixedClock, WebhookErrorKind, WebhookHeaders, WebhookVerifier};
    ///
    /// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .clock(Arc::new(FixedClock::from_unix_seconds(1_614_265_330 + 301)));
    /// let headers = WebhookHeaders {
    ///     id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    ///     timestamp: "1614265330",
    ///     signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// };
    /// let err = verifier.verify(headers, br#"{"test": 2432232314}"#).unwrap_err();
    /// assert_eq!(err.kind(), WebhookErrorKind::TimestampTooOld);
    /// # Ok::<(), clerk_core::WebhookSecretError>(())
    /// ```
    pub fn verify(
        &self,
        headers: WebhookHeaders<'_>,
        body: &[u8],
    ) -> Result<DeliveryMeta, WebhookError> {
        let timestamp = parse_timestamp(headers.timestamp)?;
        self.check_tolerance(timestamp)?;

        // The libraries sign the parsed timestamp written back in decimal, not the raw header.
        let mut mac = hmac::Context::with_key(&self.key);
        mac.update(headers.id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        // Comparing the canonical base64 text (as the JS, Go and Rust references do) refuses
        // signatures that only decode leniently to the right bytes.
        let expected = STANDARD.encode(mac.sign().as_ref());

        let matched = headers
            .signature
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .any(|(_, sig)| {
                constant_time::verify_slices_are_equal(sig.as_bytes(), expected.as_bytes()).is_ok()
            });
        if !matched {
            return Err(WebhookError::new(
                WebhookErrorKind::NoMatchingSignature,
                "no v1 signature matches the body under this signing secret",
            ));
        }
        Ok(DeliveryMeta {
            message_id: headers.id.to_owned(),
            attempt_unix_secs: timestamp,
        })
    }

    /// Verifies a delivery and parses its body as a Clerk event envelope. Match on
    /// [`WebhookEvent::typed`] to handle the event types you care about, and answer `2xx` to the
    /// others.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), and [`InvalidPayload`](WebhookErrorKind::InvalidPayload)
    /// when the signed body is not an event envelope.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clerk_core::{ClerkEvent, FixedClock, WebhookHeaders, WebhookVerifier};
    ///
    /// let body = "{\"data\":{\"id\":\"user_29w83sxmDNGwOuEthce5gg56FcC\",\"first_name\":\"Zoë\",\"object\":\"user\"},\n \
    ///     \"event_attributes\":{\"http_request\":{\"client_ip\":\"192.0.2.1\",\"user_agent\":\"curl/8\"}},\
    ///     \"instance_id\":\"ins_123\",\"object\":\"event\",\"timestamp\":1654012591835,\"type\":\"user.created\"}";
    /// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .clock(Arc::new(FixedClock::from_unix_seconds(1_674_087_231)));
    /// let headers = WebhookHeaders {
    ///     id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
    ///     timestamp: "1674087231",
    ///     signature: "v1,VbbEfY5Qk9DqsFZ/SMzpphoXkFOnn0srt9aFflOGByw=",
    /// };
    /// let delivery = verifier.verify_event(headers, body.as_bytes())?;
    /// match delivery.event.typed()? {
    ///     ClerkEvent::UserCreated(user) => assert_eq!(user.first_name.as_deref(), Some("Zoë")),
    ///     _ => {} // answer 2xx anyway: Svix retries anything else for days
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_event(
        &self,
        headers: WebhookHeaders<'_>,
        body: &[u8],
    ) -> Result<Delivery<WebhookEvent>, WebhookError> {
        self.verify_json(headers, body)
    }

    /// Verifies a delivery and parses its body as any JSON type: your own event type, or
    /// `serde_json::Value`.
    ///
    /// # Errors
    ///
    /// As [`verify_event`](Self::verify_event).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clerk_core::{FixedClock, WebhookHeaders, WebhookVerifier};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Test {
    ///     test: u64,
    /// }
    ///
    /// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .clock(Arc::new(FixedClock::from_unix_seconds(1_614_265_330)));
    /// let headers = WebhookHeaders {
    ///     id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    ///     timestamp: "1614265330",
    ///     signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// };
    /// let delivery = verifier.verify_json::<Test>(headers, br#"{"test": 2432232314}"#)?;
    /// assert_eq!(delivery.event.test, 2_432_232_314);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_json<T: DeserializeOwned>(
        &self,
        headers: WebhookHeaders<'_>,
        body: &[u8],
    ) -> Result<Delivery<T>, WebhookError> {
        let meta = self.verify(headers, body)?;
        let event = serde_json::from_slice(body).map_err(|e| json_error(&e))?;
        Ok(Delivery { meta, event })
    }

    fn check_tolerance(&self, timestamp: i64) -> Result<(), WebhookError> {
        let now = i128::from(self.clock.now_ms().div_euclid(1000));
        let tolerance = i128::from(self.tolerance.as_secs());
        let age = now - i128::from(timestamp);
        if age > tolerance {
            return Err(WebhookError::new(
                WebhookErrorKind::TimestampTooOld,
                format!("the webhook timestamp is {age} s old; at most {tolerance} s is accepted"),
            ));
        }
        if -age > tolerance {
            return Err(WebhookError::new(
                WebhookErrorKind::TimestampTooNew,
                format!(
                    "the webhook timestamp is {} s ahead of the clock; at most {tolerance} s is accepted",
                    -age
                ),
            ));
        }
        Ok(())
    }
}

fn parse_secret(secret: &str) -> Result<Vec<u8>, WebhookSecretError> {
    let secret = secret.trim();
    let b64 = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    if b64.is_empty() {
        return Err(WebhookSecretError::new(WebhookSecretErrorKind::Missing));
    }
    match SECRET_BASE64.decode(b64) {
        Ok(key) if key.is_empty() => Err(WebhookSecretError::new(WebhookSecretErrorKind::Missing)),
        Ok(key) => Ok(key),
        Err(_) => Err(WebhookSecretError::new(WebhookSecretErrorKind::NotBase64)),
    }
}

/// Strict: ASCII digits only (Svix sends integer seconds; JavaScript's `parseInt` would also take
/// `1700000000.5` or `1700000000abc`, which this refuses on purpose).
fn parse_timestamp(raw: &str) -> Result<i64, WebhookError> {
    let invalid = || {
        WebhookError::new(
            WebhookErrorKind::InvalidTimestamp,
            "the webhook timestamp header is not a whole number of Unix seconds",
        )
    };
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    raw.parse::<i64>().map_err(|_| invalid())
}

/// Describes a JSON error by category and position only: serde's messages can quote the input.
fn json_error(e: &serde_json::Error) -> WebhookError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON (or not UTF-8)",
        Category::Data => "does not have the expected shape",
        Category::Eof => "ends before its JSON does",
    };
    WebhookError::new(
        WebhookErrorKind::InvalidPayload,
        format!(
            "the webhook body {what} (line {}, column {})",
            e.line(),
            e.column()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_forms() {
        assert_eq!(
            parse_secret(" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n").unwrap(),
            parse_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap()
        );
        for empty in ["", "whsec_", "  ", "="] {
            let kind = parse_secret(empty).map(|_| ()).unwrap_err().kind();
            assert!(
                matches!(
                    kind,
                    WebhookSecretErrorKind::Missing | WebhookSecretErrorKind::NotBase64
                ),
                "{empty:?}"
            );
        }
        assert_eq!(
            parse_secret("whsec_").unwrap_err().kind(),
            WebhookSecretErrorKind::Missing
        );
        assert_eq!(
            parse_secret("whsec_abc$").unwrap_err().kind(),
            WebhookSecretErrorKind::NotBase64
        );
    }

    #[test]
    fn timestamps_are_strict_integers() {
        assert_eq!(parse_timestamp("1614265330").unwrap(), 1_614_265_330);
        assert_eq!(parse_timestamp("0").unwrap(), 0);
        for bad in [
            "",
            "+1614265330",
            "-1",
            "1614265330.5",
            "1614265330abc",
            " 1",
            "99999999999999999999",
        ] {
            assert_eq!(
                parse_timestamp(bad).unwrap_err().kind(),
                WebhookErrorKind::InvalidTimestamp,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn debug_redacts_the_key_and_errors_do_not_quote_secrets() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let v = WebhookVerifier::new(secret).unwrap();
        let shown = format!("{v:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains("MfKQ9r8G"), "{shown}");
        let e = WebhookVerifier::new("whsec_HUNTER2$VALUE").unwrap_err();
        assert!(!e.to_string().contains("HUNTER2"), "{e}");
        assert!(
            e.to_string().contains("CLERK_WEBHOOK_SIGNING_SECRET"),
            "{e}"
        );
    }

    #[test]
    fn json_errors_do_not_quote_the_body() {
        let e = serde_json::from_slice::<WebhookEvent>(
            br#"{"type":"user.created","timestamp":"SECRETBODY"}"#,
        )
        .unwrap_err();
        let w = json_error(&e);
        assert_eq!(w.kind(), WebhookErrorKind::InvalidPayload);
        assert!(!w.to_string().contains("SECRETBODY"), "{w}");
    }
}
