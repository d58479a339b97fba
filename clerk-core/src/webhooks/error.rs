//! [`WebhookError`] (a delivery is refused) and [`WebhookSecretError`] (the signing secret is
//! unusable). Neither ever contains the body, the secret or a signature.

use std::fmt;

/// Why a webhook delivery was refused.
///
/// Answer `400 Bad Request` for every kind: Svix then retries the delivery later, which is what
/// a sender with a stale secret or a slow clock needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookErrorKind {
    /// `svix-id`, `svix-timestamp` or `svix-signature` is absent or empty (and so is its
    /// `webhook-*` twin).
    MissingHeader,
    /// The timestamp header is not a whole number of Unix seconds.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows (a replay, or a very late retry).
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew,
    /// No `v1` signature in the header matches the body.
    NoMatchingSignature,
    /// The body is signed, but it is not the JSON that was asked for.
    InvalidPayload,
}

impl WebhookErrorKind {
    /// A stable snake_case code, e.g. `"no_matching_signature"`, for logs and response bodies.
    ///
    /// ```
    /// use clerk_core::WebhookErrorKind;
    ///
    /// assert_eq!(WebhookErrorKind::TimestampTooOld.as_str(), "timestamp_too_old");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingHeader => "missing_header",
            Self::InvalidTimestamp => "invalid_timestamp",
            Self::TimestampTooOld => "timestamp_too_old",
            Self::TimestampTooNew => "timestamp_too_new",
            Self::NoMatchingSignature => "no_matching_signature",
            Self::InvalidPayload => "invalid_payload",
        }
    }
}

impl fmt::Display for WebhookErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused webhook delivery: what failed, in words that never quote the body, the secret or a
/// signature.
///
/// ```
/// use clerk_core::{WebhookErrorKind, WebhookHeaders};
///
/// let err = WebhookHeaders::from_lookup(|_| None).unwrap_err();
/// assert_eq!(err.kind(), WebhookErrorKind::MissingHeader);
/// assert!(err.to_string().contains("svix-id"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    kind: WebhookErrorKind,
    message: String,
}

impl WebhookError {
    pub(crate) fn new(kind: WebhookErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What failed.
    #[must_use]
    pub fn kind(&self) -> WebhookErrorKind {
        self.kind
    }

    /// The explanation, e.g. which header is missing or by how much the timestamp is off.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "webhook refused ({}): {}", self.kind, self.message)
    }
}

impl std::error::Error for WebhookError {}

/// What is wrong with a webhook signing secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookSecretErrorKind {
    /// The secret is unset or empty (a bare `whsec_` counts as empty).
    Missing,
    /// The secret is not base64 after its `whsec_` prefix.
    NotBase64,
    /// The environment variable is not valid UTF-8.
    NotUnicode,
}

/// An unusable webhook signing secret. It names the environment variable the secret comes from,
/// `CLERK_WEBHOOK_SIGNING_SECRET`, and never contains the secret.
///
/// ```
/// use clerk_core::{WebhookSecretErrorKind, WebhookVerifier};
///
/// let err = WebhookVerifier::new("whsec_").unwrap_err();
/// assert_eq!(err.kind(), WebhookSecretErrorKind::Missing);
/// assert_eq!(err.variable(), "CLERK_WEBHOOK_SIGNING_SECRET");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSecretError {
    kind: WebhookSecretErrorKind,
}

impl WebhookSecretError {
    pub(crate) fn new(kind: WebhookSecretErrorKind) -> Self {
        Self { kind }
    }

    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> WebhookSecretErrorKind {
        self.kind
    }

    /// The environment variable that holds the secret: `CLERK_WEBHOOK_SIGNING_SECRET`.
    #[must_use]
    pub fn variable(&self) -> &'static str {
        super::SIGNING_SECRET_ENV
    }
}

impl fmt::Display for WebhookSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let var = self.variable();
        match self.kind {
            WebhookSecretErrorKind::Missing => write!(
                f,
                "the webhook signing secret is missing ({var}: copy the endpoint's signing secret, \
                 whsec_..., from the Webhooks page of the Clerk dashboard)"
            ),
            WebhookSecretErrorKind::NotBase64 => write!(
                f,
                "the webhook signing secret is not whsec_ followed by base64 ({var}: copy it again \
                 from the Webhooks page of the Clerk dashboard)"
            ),
            WebhookSecretErrorKind::NotUnicode => {
                write!(
                    f,
                    "{var} is not valid UTF-8 (set it to the plain whsec_... value)"
                )
            }
        }
    }
}

impl std::error::Error for WebhookSecretError {}
