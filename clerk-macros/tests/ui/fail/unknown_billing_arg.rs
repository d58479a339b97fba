use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(feature = ["dashboard"], plan = ["pro"], reverifications = "strict")]
async fn billing() {}

fn main() {}
