//! Clerk authentication for actix (in progress).
#![forbid(unsafe_code)]
