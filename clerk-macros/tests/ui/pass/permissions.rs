// `permissions = [...]`: all of them.
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

type Invoices = __clerk_protected_policy_invoices;

#[clerk_protected(permissions = ["org:invoices:read", "invoices:write"], crate = "crate::fake")]
async fn invoices() -> u32 {
    3
}

fn main() {
    use fake::Protected;
    let both = ["org:invoices:read", "org:invoices:write"];
    assert!(Protected::<Invoices>::check(Some("org:member"), &both).is_some());
    assert!(Protected::<Invoices>::check(Some("org:member"), &both[..1]).is_none());
    // No active organisation fails closed.
    assert!(Protected::<Invoices>::check(None, &both).is_none());

    let protected = Protected::<Invoices>::check(Some("org:member"), &both);
    assert_eq!(protected.map(|p| fake::block_on(invoices(p))), Some(3));
}
