//! Clerk authentication for Rust.
#![forbid(unsafe_code)]
