//! The `#[clerk_protected]` attribute (in progress).
#![forbid(unsafe_code)]
