// Generics, lifetimes, where clauses and `impl Trait` stay as written.
use std::fmt::Display;

use clerk_macros::clerk_protected_axum as clerk_protected;

#[path = "../support.rs"]
mod fake;

#[clerk_protected(roles = ["org:admin"], crate = "crate::fake")]
async fn show<'a, T, const N: usize>(items: &'a [T; N], sep: impl AsRef<str>) -> String
where
    T: Display + 'a,
{
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep.as_ref())
}

fn main() {
    let out = fake::block_on(show(fake::Protected::signed_in(), &[1, 2, 3], ", "));
    assert_eq!(out, "1, 2, 3");
}
