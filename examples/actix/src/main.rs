//! Example actix app using Clerk (built in the framework-adapters work).
fn main() {}
