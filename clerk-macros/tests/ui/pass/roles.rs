// `roles = [...]`: any of them, with the `org:` prefix normalised (clerk-core's semantics).
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

type Admin = __clerk_protected_policy_admin;

#[clerk_protected(roles = ["org:admin", "billing"], crate = "crate::fake")]
async fn admin(name: String) -> String {
    format!("hello, {name}")
}

fn main() {
    use clerk_core::Policy;
    assert_eq!(Admin::roles(), ["org:admin", "billing"]);
    assert!(Admin::permissions().is_empty());

    let allowed = fake::Protected::<Admin>::check(Some("org:billing"), &[]);
    assert!(fake::Protected::<Admin>::check(Some("admin"), &[]).is_some());
    assert!(fake::Protected::<Admin>::check(Some("org:member"), &[]).is_none());
    assert!(fake::Protected::<Admin>::check(None, &[]).is_none());

    let protected = allowed.expect("org:billing is one of the roles");
    assert_eq!(fake::block_on(admin(protected, "ada".into())), "hello, ada");
}
