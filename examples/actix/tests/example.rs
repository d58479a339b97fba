//! Starts the example binary on a free port of 127.0.0.1 and checks its routes over a real
//! socket: with a fixture instance's keys (`CLERK_JWT_KEY`: no network), and with no Clerk keys
//! at all (the embedded emulator). The checks are `example_support::testing`, shared by the
//! three examples.

use example_support::testing;

const BIN: &str = env!("CARGO_BIN_EXE_example-actix");

#[tokio::test(flavor = "multi_thread")]
async fn serves_the_routes_with_fixture_keys() {
    testing::serves_the_routes_with_fixture_keys(BIN).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn runs_offline_on_the_emulator_without_clerk_keys() {
    testing::runs_offline_on_the_emulator_without_clerk_keys(BIN).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn exits_on_a_bad_token_lifetime() {
    testing::exits_on_a_bad_token_lifetime(BIN).await;
}
