use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(permissions = ["org:invoices", "org:invoices:read:all"])]
async fn invoices() {}

fn main() {}
