// A `pub` handler in a `pub` module: the policy type is `pub` too, so no `private_interfaces`
// warning (denied here) and the handler can be routed from elsewhere.
#![deny(warnings)]

use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

pub mod handlers {
    use clerk_macros::clerk_protected_axum as clerk_protected;

    #[clerk_protected(roles = ["org:admin"], crate = "crate::fake")]
    pub async fn admin() -> &'static str {
        "admin"
    }

    #[clerk_protected(crate = "crate::fake")]
    pub(crate) async fn me() -> &'static str {
        "me"
    }

    pub(super) mod nested {
        use clerk_macros::clerk_protected_axum as clerk_protected;

        #[clerk_protected(crate = "crate::fake")]
        pub(in crate::handlers) fn restricted() {}

        pub fn call() {
            restricted(crate::fake::Protected::signed_in());
        }
    }
}

#[clerk_protected(crate = "crate::fake")]
pub fn at_the_root() {}

fn main() {
    let p = fake::Protected::signed_in();
    assert_eq!(fake::block_on(handlers::admin(p)), "admin");
    assert_eq!(
        fake::block_on(handlers::me(fake::Protected::signed_in())),
        "me"
    );
    handlers::nested::call();
    at_the_root(fake::Protected::signed_in());
}
