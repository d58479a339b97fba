//! Example axum app using Clerk (built in the framework-adapters work).
fn main() {}
