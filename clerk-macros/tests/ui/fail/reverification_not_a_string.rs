use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(reverification = strict)]
async fn a() {}

#[clerk_protected(reverification = 10)]
async fn b() {}

#[clerk_protected(reverification = ["strict"], reverification = "lax", reverification = "strict")]
async fn c() {}

#[clerk_protected(reverification)]
async fn d() {}

fn main() {}
