//! What a framework's webhook extractor decides, written once: read the three headers, verify
//! the raw body, parse it, or refuse with a [`WebhookRejection`] whose answer is the same in
//! every framework. Re-exported for integration authors from
//! [`clerk_core::integration`](crate::integration).

use std::fmt;

use serde::de::DeserializeOwned;

use super::error::WebhookError;
use super::headers::WebhookHeaders;
use super::verify::{Delivery, WebhookVerifier};
use crate::auth::response::HttpAnswer;

/// Why a webhook extractor refused a request, and the answer it becomes.
///
/// | variant | status | body (`application/json`) |
/// |---|---|---|
/// | [`Invalid`](Self::Invalid) | `400` | `{"error":"invalid_webhook","reason":<kind>,"message":<what failed>}` |
/// | [`TooLarge`](Self::TooLarge) | `413` | `{"error":"payload_too_large","limit":<bytes or null>}` |
/// | [`Unreadable`](Self::Unreadable) | `400` | `{"error":"invalid_webhook","reason":"unreadable_body","message":…}` |
/// | [`MissingSetup`](Self::MissingSetup) | `500` | `{"error":"clerk_webhooks_not_configured","message":<the fix>}` |
///
/// A `400` makes Svix retry the delivery later (what a sender with a rotated secret or a slow
/// clock needs); the message says what failed and never quotes the body, the secret or a
/// signature.
///
/// ```
/// use clerk_core::integration::WebhookRejection;
///
/// let rejection = WebhookRejection::TooLarge { limit: Some(1024) };
/// assert_eq!(rejection.status(), 413);
/// assert_eq!(rejection.answer().body(), r#"{"error":"payload_too_large","limit":1024}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// Not a valid signed delivery: a header missing, the timestamp out of tolerance, no
    /// matching signature, or a body that is not the expected JSON.
    Invalid(WebhookError),
    /// The body is larger than the framework's limit for it.
    TooLarge {
        /// The limit in bytes, when the framework says.
        limit: Option<u64>,
    },
    /// The body could not be read (the client went away, a broken transfer encoding).
    Unreadable,
    /// No [`WebhookVerifier`] is set up for the route.
    MissingSetup {
        /// What to add, in the framework's words (sent in the body).
        fix: &'static str,
    },
}

impl WebhookRejection {
    /// The HTTP status code: `400`, `413` or `500`.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) | Self::Unreadable => 400,
            Self::TooLarge { .. } => 413,
            Self::MissingSetup { .. } => 500,
        }
    }

    /// The stable reason code of a `400`: the [`WebhookErrorKind`](super::WebhookErrorKind)'s
    /// (`no_matching_signature`, …) or `unreadable_body`; `None` otherwise.
    #[must_use]
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            Self::Invalid(e) => Some(e.kind().as_str()),
            Self::Unreadable => Some("unreadable_body"),
            Self::TooLarge { .. } | Self::MissingSetup { .. } => None,
        }
    }

    /// The complete answer (status, headers, body).
    #[must_use]
    pub fn answer(&self) -> HttpAnswer {
        let body = match self {
            Self::Invalid(e) => serde_json::json!({
                "error": "invalid_webhook",
                "reason": e.kind().as_str(),
                "message": e.message(),
            }),
            Self::Unreadable => serde_json::json!({
                "error": "invalid_webhook",
                "reason": "unreadable_body",
                "message": "the request body could not be read",
            }),
            Self::TooLarge { limit } => {
                serde_json::json!({ "error": "payload_too_large", "limit": limit })
            }
            Self::MissingSetup { fix } => {
                serde_json::json!({ "error": "clerk_webhooks_not_configured", "message": fix })
            }
        };
        HttpAnswer::new(
            self.status(),
            vec![("content-type", "application/json")],
            body.to_string(),
        )
    }

    /// Emits this rejection's `tracing` event, the same in every framework: `warn` for a refused
    /// delivery (a wrong secret shows up here), `error` for a missing setup. Never the body.
    pub fn log(&self) {
        let status = self.status();
        match self {
            Self::Invalid(e) => tracing::warn!(
                status,
                reason = e.kind().as_str(),
                "clerk: webhook refused: {}",
                e.message()
            ),
            Self::Unreadable => tracing::warn!(status, "clerk: webhook body unreadable"),
            Self::TooLarge { limit } => {
                tracing::warn!(status, limit, "clerk: webhook body over the limit");
            }
            Self::MissingSetup { fix } => tracing::error!(status, "clerk: webhook refused: {fix}"),
        }
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => fmt::Display::fmt(e, f),
            Self::Unreadable => f.write_str("webhook body unreadable"),
            Self::TooLarge { limit: Some(limit) } => {
                write!(f, "webhook body larger than {limit} bytes")
            }
            Self::TooLarge { limit: None } => f.write_str("webhook body over the limit"),
            Self::MissingSetup { fix } => f.write_str(fix),
        }
    }
}

impl std::error::Error for WebhookRejection {}

/// The decision of every framework's webhook extractor: the headers through `header` (called
/// with lower-case names), the raw `body`, verified by `verifier` and parsed as `T`.
///
/// # Errors
///
/// [`WebhookRejection::Invalid`] when the delivery is refused.
///
/// ```
/// use clerk_core::integration::receive_webhook;
/// use clerk_core::{WebhookEvent, WebhookVerifier};
///
/// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let refused = receive_webhook::<WebhookEvent>(&verifier, |_| None, b"{}").unwrap_err();
/// assert_eq!(refused.reason(), Some("missing_header"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn receive_webhook<'h, T: DeserializeOwned>(
    verifier: &WebhookVerifier,
    header: impl FnMut(&str) -> Option<&'h str>,
    body: &[u8],
) -> Result<Delivery<T>, WebhookRejection> {
    let headers = WebhookHeaders::from_lookup(header).map_err(WebhookRejection::Invalid)?;
    verifier
        .verify_json(headers, body)
        .map_err(WebhookRejection::Invalid)
}
