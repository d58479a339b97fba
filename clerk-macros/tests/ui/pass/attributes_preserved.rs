// Doc comments and other attributes, above and below `#[clerk_protected]`, are kept in order
// and still apply: `#[deny(unused_variables)]` below it proves the injected parameter does not
// warn, and `#[must_use]` still applies (denied as an error here).
#![deny(unused_must_use, unused_variables)]

use clerk_macros::clerk_protected_actix as clerk_protected;

#[path = "../support.rs"]
mod fake;

/// Docs above the attribute.
#[clerk_protected(roles = ["org:admin"], crate = "crate::fake")]
/// Docs below the attribute.
#[must_use = "the answer matters"]
#[deny(unused_variables)]
#[cfg_attr(all(), inline)]
#[cfg(not(any()))]
fn answer(x: u32) -> u32 {
    x + 41
}

fn main() {
    let answer = answer(fake::Protected::signed_in(), 1);
    assert_eq!(answer, 42);
}
