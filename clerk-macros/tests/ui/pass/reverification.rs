// One reverification level per route, alone or with other requirements.
use clerk_core::{Policy, Reverification};
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(reverification = "strict_mfa", crate = "crate::fake")]
fn strict_mfa() {}

#[clerk_protected(reverification = "strict", crate = "crate::fake")]
fn strict() {}

#[clerk_protected(reverification = "moderate", crate = "crate::fake")]
fn moderate() {}

#[clerk_protected(
    permissions = ["org:invoices:write"],
    features = ["invoicing"],
    reverification = "lax",
    crate = "crate::fake",
)]
async fn lax() {}

fn main() {
    assert_eq!(
        __clerk_protected_policy_strict_mfa::reverification(),
        Some(Reverification::StrictMfa)
    );
    assert_eq!(
        __clerk_protected_policy_strict::reverification(),
        Some(Reverification::Strict)
    );
    assert_eq!(
        __clerk_protected_policy_moderate::reverification(),
        Some(Reverification::Moderate)
    );
    assert_eq!(__clerk_protected_policy_lax::reverification(), Some(Reverification::Lax));
    assert_eq!(__clerk_protected_policy_lax::features(), ["invoicing"]);
    strict(fake::Protected::signed_in());
    fake::block_on(lax(fake::Protected::signed_in()));
}
