// Without `crate = ...` the three entry points name `::clerk_axum`, `::clerk_actix` and
// `::clerk_rocket`; here this crate poses as all three.
extern crate self as clerk_actix;
extern crate self as clerk_axum;
extern crate self as clerk_rocket;

#[path = "../support.rs"]
pub mod fake;

pub use fake::{__private, Protected};

#[clerk_macros::clerk_protected_axum(roles = ["org:admin"])]
async fn with_axum() {}

#[clerk_macros::clerk_protected_actix(roles = ["org:admin"])]
async fn with_actix() {}

#[clerk_macros::clerk_protected_rocket(roles = ["org:admin"])]
fn with_rocket() {}

mod renamed {
    // `crate = "..."` through a re-export, as with a renamed dependency.
    pub use crate::fake as auth;
}

#[clerk_macros::clerk_protected_axum(crate = "renamed::auth")]
async fn through_a_reexport() {}

fn main() {
    fake::block_on(with_axum(Protected::signed_in()));
    fake::block_on(with_actix(Protected::signed_in()));
    with_rocket(Protected::signed_in());
    fake::block_on(through_a_reexport(Protected::signed_in()));
}
