use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(crate = "my app::auth")]
async fn admin() {}

fn main() {}
