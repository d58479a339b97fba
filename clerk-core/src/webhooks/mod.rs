//! Verification of Clerk webhook deliveries, and the events they carry.
//!
//! Clerk sends webhooks through Svix. Each delivery is a `POST` whose raw body is signed with
//! the endpoint's signing secret (`CLERK_WEBHOOK_SIGNING_SECRET`, `whsec_...`) and described by
//! three headers: `svix-id`, `svix-timestamp` and `svix-signature` (or their Standard Webhooks
//! names `webhook-*`). [`WebhookVerifier`] checks them over the body bytes exactly as received,
//! then [`WebhookEvent`] reads the envelope and [`WebhookEvent::typed`] the event itself.
//!
//! ```
//! use std::sync::Arc;
//! use clerk_core::{ClerkEvent, FixedClock, WebhookHeaders, WebhookVerifier};
//!
//! // At startup (in production: `WebhookVerifier::from_env()?`).
//! let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
//!     .clock(Arc::new(FixedClock::from_unix_seconds(1_674_087_231)));
//!
//! // Per request: the raw body and a header lookup from your framework.
//! let body = "{\"data\":{\"id\":\"user_29w83sxmDNGwOuEthce5gg56FcC\",\"first_name\":\"Zoë\",\"object\":\"user\"},\n \
//!     \"event_attributes\":{\"http_request\":{\"client_ip\":\"192.0.2.1\",\"user_agent\":\"curl/8\"}},\
//!     \"instance_id\":\"ins_123\",\"object\":\"event\",\"timestamp\":1654012591835,\"type\":\"user.created\"}";
//! let request_headers = [
//!     ("svix-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
//!     ("svix-timestamp", "1674087231"),
//!     ("svix-signature", "v1,VbbEfY5Qk9DqsFZ/SMzpphoXkFOnn0srt9aFflOGByw="),
//! ];
//! let headers = WebhookHeaders::from_lookup(|name| {
//!     request_headers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
//! })?;
//!
//! let delivery = verifier.verify_event(headers, body.as_bytes())?; // on error: answer 400
//! // delivery.meta.message_id is the same on every retry: skip ids already processed.
//! match delivery.event.typed()? {
//!     ClerkEvent::UserCreated(user) => println!("welcome {}", user.id),
//!     _ => {} // not handled here: still answer 2xx, or Svix retries it for days
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod event;
mod headers;
mod models;
pub(crate) mod reception;
mod verify;

pub use error::{WebhookError, WebhookErrorKind, WebhookSecretError, WebhookSecretErrorKind};
pub use event::{ClerkEvent, EventAttributes, EventType, HttpRequestAttributes, WebhookEvent};
pub use headers::WebhookHeaders;
pub use models::*;
pub use verify::{DEFAULT_WEBHOOK_TOLERANCE, Delivery, DeliveryMeta, WebhookVerifier};

/// The environment variable that holds the signing secret.
pub const SIGNING_SECRET_ENV: &str = "CLERK_WEBHOOK_SIGNING_SECRET";
