use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(roles = [])]
async fn admin() {}

fn main() {}
