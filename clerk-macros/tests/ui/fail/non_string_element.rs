use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(permissions = ["org:invoices:read", invoices_write, 42])]
async fn invoices() {}

fn main() {}
