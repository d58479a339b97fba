// A plain `fn` handler (Rocket allows them).
use clerk_macros::clerk_protected_rocket as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(permissions = ["org:reports:read"], crate = "crate::fake")]
fn report(id: u32) -> String {
    format!("report {id}")
}

fn main() {
    let p = fake::Protected::check(Some("org:member"), &["org:reports:read"]);
    assert_eq!(p.map(|p| report(p, 7)).as_deref(), Some("report 7"));
}
