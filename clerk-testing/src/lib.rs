#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![recursion_limit = "256"]

pub mod conformance;
mod emulator;
pub mod handshake_replay;
mod html;
mod instance;
pub mod modern_cases;
pub mod protected;
pub mod protected_machines;
pub mod scenarios;
mod token;
mod webhook;
pub mod webhook_cases;

pub use emulator::{
    Emulator, EmulatorBuilder, EmulatorError, WebhookAttempt, WebhookAttemptOutcome,
    WebhookDelivery, WebhookDeliveryStatus,
};
pub use html::escape_html;
pub use instance::TestInstance;
pub use token::{ClaimsVersion, TokenBuilder};
pub use webhook::{InvalidWebhookSecret, WebhookSigner};
