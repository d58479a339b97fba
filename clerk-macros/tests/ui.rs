//! Compile tests of `#[clerk_protected]`: what must build (and run) and what must not, with
//! the exact diagnostics. Regenerate the `.stderr` files with `TRYBUILD=overwrite` and read
//! them before committing.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
