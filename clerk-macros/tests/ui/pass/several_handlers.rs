// Several protected handlers in one module do not collide, and the same handler name in two
// modules is fine.
use clerk_core::Policy;
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(roles = ["org:admin"], crate = "crate::fake")]
async fn admin() {}

#[clerk_protected(permissions = ["org:invoices:read"], crate = "crate::fake")]
async fn invoices() {}

#[clerk_protected(crate = "crate::fake")]
async fn me() {}

mod v2 {
    use clerk_macros::clerk_protected_axum as clerk_protected;

    #[clerk_protected(roles = ["org:owner"], crate = "crate::fake")]
    pub(crate) async fn admin() {}
}

fn main() {
    assert_eq!(__clerk_protected_policy_admin::roles(), ["org:admin"]);
    assert_eq!(
        __clerk_protected_policy_invoices::permissions(),
        ["org:invoices:read"]
    );
    assert!(__clerk_protected_policy_me::roles().is_empty());
    assert_eq!(v2::__clerk_protected_policy_admin::roles(), ["org:owner"]);
    fake::block_on(admin(fake::Protected::signed_in()));
    fake::block_on(invoices(fake::Protected::signed_in()));
    fake::block_on(me(fake::Protected::signed_in()));
    fake::block_on(v2::admin(fake::Protected::signed_in()));
}
