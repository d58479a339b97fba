use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(features = ["x:dashboard", "o:reports:read", "dash board", "", "o:"])]
async fn dashboard() {}

fn main() {}
