//! Clerk authentication for Rust.
#![forbid(unsafe_code)]

// --- Backend API client ---
pub mod api;
mod error;

pub use api::{ClerkClient, ClerkClientBuilder, ClerkClientOptions, create_backend_api_client};
pub use error::{ApiError, ClerkErrorDetail, Error, ErrorKind};
// --- end Backend API client ---
