// Routes for machine callers: the token types a route accepts and the scopes a machine token
// must carry. A route that lists a machine type takes `ProtectedCaller`; one that accepts
// session tokens only keeps `Protected`.
use clerk_core::{Policy, TokenType};
use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(token = ["api_key", "m2m_token"], scopes = ["invoices:read", "invoices:write"], crate = "crate::fake")]
async fn import() -> &'static str {
    "imported"
}

#[clerk_protected(token = ["session_token", "oauth_token"], crate = "crate::fake")]
async fn profile() -> &'static str {
    "profile"
}

#[clerk_protected(token = ["session_token"], roles = ["org:admin"], crate = "crate::fake")]
fn admin() {}

fn main() {
    type Import = __clerk_protected_policy_import;
    type Profile = __clerk_protected_policy_profile;
    type Admin = __clerk_protected_policy_admin;
    assert_eq!(Import::tokens(), [TokenType::ApiKey, TokenType::M2mToken]);
    assert_eq!(Import::scopes(), ["invoices:read", "invoices:write"]);
    assert!(Import::roles().is_empty() && Import::reverification().is_none());
    assert_eq!(Profile::tokens(), [TokenType::SessionToken, TokenType::OauthToken]);
    assert!(Profile::scopes().is_empty());
    assert_eq!(Admin::tokens(), [TokenType::SessionToken]);
    // The plain-values check serves users only: a machine-only policy never passes it.
    assert!(!Import::evaluate::<&str>(Some("org:admin"), &[]));
    assert!(Admin::evaluate(Some("org:admin"), &["org:x:y"]));
    assert_eq!(fake::block_on(import(fake::ProtectedCaller::admitted())), "imported");
    assert_eq!(fake::block_on(profile(fake::ProtectedCaller::admitted())), "profile");
    admin(fake::Protected::signed_in());
}
