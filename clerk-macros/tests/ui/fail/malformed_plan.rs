use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(plans = ["team:pro", "u:pro:plus", "o: pro", ""])]
async fn pro() {}

fn main() {}
