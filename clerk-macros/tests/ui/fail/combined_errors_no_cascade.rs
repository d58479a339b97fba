// Every mistake is reported in one build, and the handler is still emitted as written: calling
// it with its own arguments adds no further error.
use clerk_macros::clerk_protected_axum as clerk_protected;

#[clerk_protected(role = ["org:admin"], permissions = ["org:invoices"], roles = [], crate = 1)]
fn handler(x: u32) -> u32 {
    x
}

fn main() {
    assert_eq!(handler(1), 1);
}
