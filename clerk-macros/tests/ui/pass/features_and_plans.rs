// Features and plans: all of each are required, next to roles and permissions.
use clerk_core::Policy;
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(features = ["dashboard", "o:reports", "user:profile"], crate = "crate::fake")]
async fn dashboard() -> &'static str {
    "dashboard"
}

#[clerk_protected(
    roles = ["org:admin"],
    plans = ["pro", "organization:team"],
    crate = "crate::fake",
)]
async fn pro() -> &'static str {
    "pro"
}

fn main() {
    type Dashboard = __clerk_protected_policy_dashboard;
    type Pro = __clerk_protected_policy_pro;
    assert_eq!(Dashboard::features(), ["dashboard", "o:reports", "user:profile"]);
    assert!(Dashboard::plans().is_empty() && Dashboard::roles().is_empty());
    assert_eq!(Pro::plans(), ["pro", "organization:team"]);
    assert_eq!(Pro::roles(), ["org:admin"]);
    assert!(Pro::features().is_empty() && Pro::reverification().is_none());
    // The plain-values check cannot see the claims: it fails closed.
    assert!(!Dashboard::evaluate::<&str>(Some("org:admin"), &[]));
    assert_eq!(fake::block_on(dashboard(fake::Protected::signed_in())), "dashboard");
    assert_eq!(fake::block_on(pro(fake::Protected::signed_in())), "pro");
}
