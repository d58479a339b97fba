use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(roles = ["org:admin"], roles = ["org:billing"])]
async fn admin() {}

fn main() {}
