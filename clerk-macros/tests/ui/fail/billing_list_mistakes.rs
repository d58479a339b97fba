use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(features = [], plans = [pro, 1], plans = ["pro"], features = "dashboard")]
async fn billing() {}

fn main() {}
