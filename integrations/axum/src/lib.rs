//! Clerk authentication for axum (in progress).
#![forbid(unsafe_code)]
