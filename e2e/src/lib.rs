//! End-to-end tests of the example apps (`example-axum`, `example-actix`, `example-rocket`)
//! in a real browser, against the Clerk emulator of `clerk-testing`. This crate has no API:
//! the tests are in `tests/browser.rs`.
//!
//! Run them with `.ci/browser-e2e`, or by hand:
//!
//! ```text
//! cargo build -p example-axum -p example-actix -p example-rocket
//! cargo test -p clerk-e2e --test browser -- --ignored --nocapture
//! ```
//!
//! They need Debian's `chromium` and `chromedriver` (`apt-get install chromium chromium-driver`).
