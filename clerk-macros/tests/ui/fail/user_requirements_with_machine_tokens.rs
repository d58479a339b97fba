use clerk_macros::clerk_protected_axum as clerk_protected;

// Machine tokens carry no roles, permissions, features, plans or factor ages.
#[clerk_protected(token = ["session_token", "api_key"], roles = ["org:admin"], reverification = "strict")]
async fn admin() {}

#[clerk_protected(token = ["m2m_token"], scopes = ["x"], permissions = ["org:invoices:read"], features = ["f"], plans = ["p"])]
async fn invoices() {}

fn main() {}
