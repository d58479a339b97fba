// Both lists: any role and all permissions.
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

type Both = __clerk_protected_policy_both;

#[clerk_protected(
    roles = ["org:admin", "org:billing"],
    permissions = ["org:invoices:read"],
    crate = "crate::fake",
)]
async fn both(x: u8, y: u8) -> u8 {
    x + y
}

fn main() {
    use fake::Protected;
    let read = ["org:invoices:read"];
    assert!(Protected::<Both>::check(Some("org:admin"), &read).is_some());
    assert!(Protected::<Both>::check(Some("org:admin"), &[]).is_none());
    assert!(Protected::<Both>::check(Some("org:member"), &read).is_none());
    assert_eq!(fake::block_on(both(Protected::signed_in(), 1, 2)), 3);
}
