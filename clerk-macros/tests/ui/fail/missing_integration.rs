// What a user sees when the integration crate is not a dependency (or `crate = ...` is wrong):
// rustc's own resolution error, pointing at the attribute.
use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected]
async fn me() {}

fn main() {}
