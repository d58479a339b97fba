// `#[clerk_protected]` alone: signed in, no role or permission.
use clerk_core::Policy;
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(crate = "crate::fake")]
async fn me() -> &'static str {
    "me"
}

fn main() {
    assert!(__clerk_protected_policy_me::roles().is_empty());
    assert!(__clerk_protected_policy_me::permissions().is_empty());
    assert!(__clerk_protected_policy_me::evaluate::<&str>(None, &[]));
    assert_eq!(fake::block_on(me(fake::Protected::signed_in())), "me");
}
