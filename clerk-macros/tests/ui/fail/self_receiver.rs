use clerk_macros::clerk_protected_axum as clerk_protected;

struct Handlers;

impl Handlers {
    #[clerk_protected(roles = ["org:admin"])]
    async fn admin(&self) {}
}

fn main() {}
