use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(token = ["api_key"], scopes = ["invoices:read invoices:write", "", "a", "a", 1])]
async fn import() {}

fn main() {}
