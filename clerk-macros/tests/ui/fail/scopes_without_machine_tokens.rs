use clerk_macros::clerk_protected_axum as clerk_protected;

// Session tokens carry no scopes: without a machine type, `scopes` could never be met.
#[clerk_protected(scopes = ["invoices:read"])]
async fn default_tokens() {}

#[clerk_protected(token = ["session_token"], scopes = ["invoices:read"])]
async fn session_only() {}

fn main() {}
