use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(reverification = "strict-mfa")]
async fn a() {}

#[clerk_protected(reverification = "paranoid")]
async fn b() {}

#[clerk_protected(reverification = "")]
async fn c() {}

fn main() {}
