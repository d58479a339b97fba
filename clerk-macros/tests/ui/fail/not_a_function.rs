use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(roles = ["org:admin"])]
struct Admin;

fn main() {
    let _ = Admin;
}
