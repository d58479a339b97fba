use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(token = ["api-key", "any", "m2m_token", "m2m_token", "jwt"])]
async fn machines() {}

#[clerk_protected(token = [], tokens = ["api_key"])]
async fn nothing() {}

#[clerk_protected(token = "api_key")]
async fn not_a_list() {}

fn main() {}
