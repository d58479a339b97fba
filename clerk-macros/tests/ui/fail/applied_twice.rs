use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(roles = ["org:admin"])]
#[clerk_protected(permissions = ["org:invoices:read"])]
async fn admin() {}

fn main() {}
