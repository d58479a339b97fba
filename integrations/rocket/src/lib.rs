//! Clerk authentication for rocket (in progress).
#![forbid(unsafe_code)]
