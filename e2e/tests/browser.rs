//! The example apps in a real browser: Debian's chromium, driven through chromedriver
//! (WebDriver, with `fantoccini`), against each example binary running on a Clerk emulator
//! started in this process with a short session-token lifetime, once per protocol.
//!
//! For each of `example-axum`, `example-actix` and `example-rocket`, what a person sees.
//!
//! With the **handshake** protocol (the default):
//!
//! 1. `/me` signed out: a `307` to the emulator's Frontend API handshake (`dev-browser-missing`),
//!    back with a nonce, then `401`;
//! 2. sign in on the emulator's page as Ada Admin: back on `/me` through the handshake
//!    (`dev-browser-sync`), `200` with `user_admin`; `/admin` `200`;
//! 3. sign out on the emulator's page (the handshake clears the cookies: `401`), sign in as Max
//!    Member: `/me` `200` with `user_member`, `/admin` `403`;
//! 4. the session token expires: a reload refreshes it in place with the `__refresh` cookie;
//! 5. it expires again, without the `__refresh` cookie: the reload goes through the handshake
//!    (`session-token-expired-refresh-non-eligible-no-refresh-cookie`) and is signed in again
//!    without the sign-in page.
//!
//! With the **interstitial** protocol:
//!
//! 1. `/me` signed out: the interstitial (`uat-missing`) runs, then `401`;
//! 2. sign in on the emulator's page as Ada Admin: back on `/me` through the interstitial
//!    (`cross-origin-referrer`), `200` with `user_admin`; `/admin` `200`;
//! 3. sign out on the emulator's page (`401` again), sign in as Max Member: `/me` `200` with
//!    `user_member`, `/admin` `403`;
//! 4. the session token expires; reloading `/me` passes through the interstitial
//!    (`token-expired`), which fetches a fresh token without a new sign-in: `200` again.
//!
//! Status codes and Clerk's `x-clerk-auth-*` headers of every document the browser loads are
//! read from chromium's performance log (Network domain), the page text through JavaScript.
//!
//! # Running
//!
//! The tests are `#[ignore]`d: they need `chromium` and `chromedriver` (Debian:
//! `apt-get install chromium chromium-driver`) and the example binaries, which they look for
//! next to this test's executable (`<target dir>/debug/example-*`; override the directory
//! with `CLERK_E2E_BIN_DIR`). They do not build them: cargo holds the build lock while tests
//! run. `.ci/browser-e2e` does everything; by hand:
//!
//! ```text
//! cargo build -p example-axum -p example-actix -p example-rocket
//! cargo test -p clerk-e2e --test browser -- --ignored --nocapture
//! ```
//!
//! Without chromedriver (looked up in `CHROMEDRIVER`, then `PATH`, then
//! `/usr/lib/chromium/chromedriver`) the tests print why and pass, unless
//! `CLERK_E2E_REQUIRED=1` (set by CI), which makes a missing browser a failure. `CHROME_BIN`
//! picks the browser binary; by default chromedriver finds chromium itself.
//!
//! The six flows run one after the other (a lock serializes the tests), each with its own
//! emulator, app process, chromedriver and fresh browser profile; everything binds 127.0.0.1.

use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use clerk_core::AuthProtocol;
use clerk_e2e::{Guard, Scratch, example_binary, free_port, tail};
use clerk_testing::Emulator;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Session-token lifetime of the emulator: short, so that the test can watch it expire.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3);
/// clerk-core's default clock skew, allowed on `exp`: a token is refused this long after it
/// expired.
const CLOCK_SKEW: Duration = Duration::from_secs(5);
/// How long an explicit wait polls for what the person should see.
const WAIT: Duration = Duration::from_secs(20);
/// Interval of the explicit waits.
const POLL: Duration = Duration::from_millis(100);

/// One example at a time: the timings stay meaningful and the machine is not overloaded.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

macro_rules! browser_tests {
    ($($name:ident => $bin:literal, $protocol:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[ignore = "needs chromium, chromedriver and the example binaries: run .ci/browser-e2e, or \
                    `cargo build -p example-axum -p example-actix -p example-rocket && \
                    cargo test -p clerk-e2e --test browser -- --ignored --nocapture`"]
        async fn $name() {
            run_example($bin, $protocol).await;
        }
    )*};
}

browser_tests! {
    axum_example_handshake_in_chromium => "example-axum", AuthProtocol::Handshake;
    actix_example_handshake_in_chromium => "example-actix", AuthProtocol::Handshake;
    rocket_example_handshake_in_chromium => "example-rocket", AuthProtocol::Handshake;
    axum_example_interstitial_in_chromium => "example-axum", AuthProtocol::Interstitial;
    actix_example_interstitial_in_chromium => "example-actix", AuthProtocol::Interstitial;
    rocket_example_interstitial_in_chromium => "example-rocket", AuthProtocol::Interstitial;
}

// ---- the flow --------------------------------------------------------------------------------

async fn run_example(bin: &'static str, protocol: AuthProtocol) {
    let _serial = SERIAL.lock().await;
    let Some(chromedriver) = find_chromedriver() else {
        let msg = "no chromedriver found (CHROMEDRIVER, PATH, /usr/lib/chromium/chromedriver); \
                   install Debian's chromium and chromium-driver";
        if std::env::var("CLERK_E2E_REQUIRED").is_ok_and(|v| v == "1") {
            panic!("CLERK_E2E_REQUIRED=1 but {msg}");
        }
        eprintln!("SKIPPED {bin} browser test: {msg} (set CLERK_E2E_REQUIRED=1 to fail instead)");
        return;
    };
    let binary = example_binary(bin);
    let scratch = Scratch::new(bin);
    let emulator = Emulator::builder()
        .session_token_lifetime(TOKEN_LIFETIME)
        .start()
        .await
        .expect("start the Clerk emulator");
    let app = App::start(bin, &binary, &emulator, &scratch, protocol).await;
    let driver = ChromeDriver::start(&chromedriver, &scratch).await;
    let client = driver.session(&scratch).await;

    let started = Instant::now();
    let outcome = match protocol {
        AuthProtocol::Handshake => {
            AssertUnwindSafe(handshake_flow(&client, &app, &emulator))
                .catch_unwind()
                .await
        }
        AuthProtocol::Interstitial => {
            AssertUnwindSafe(flow(&client, &app, &emulator))
                .catch_unwind()
                .await
        }
    };
    let total = started.elapsed();
    // Quit chromium before chromedriver goes (the guard kills both anyway).
    if let Err(e) = client.close().await {
        eprintln!("{bin}: closing the WebDriver session failed: {e}");
    }
    match outcome {
        Ok(timeline) => {
            println!(
                "\n{bin}: browser flow passed in {:.1} s\n{timeline}",
                total.as_secs_f64()
            );
        }
        Err(panic) => {
            eprintln!(
                "\n{bin}: browser flow FAILED after {:.1} s",
                total.as_secs_f64()
            );
            eprintln!("---- {bin} log ----\n{}", tail(&app.log, 60));
            eprintln!("---- chromedriver log ----\n{}", tail(&driver.log, 30));
            drop(driver);
            drop(app);
            emulator.shutdown().await;
            std::panic::resume_unwind(panic);
        }
    }
    drop(driver);
    drop(app);
    emulator.shutdown().await;
}

/// What the person does and sees with the handshake protocol; returns the timeline.
async fn handshake_flow(c: &Client, app: &App, emulator: &Emulator) -> Timeline {
    let mut t = Timeline::new();
    let me = format!("{}/me", app.origin);
    let admin = format!("{}/admin", app.origin);

    // 0. A client that is not a browser gets a plain 401 (no handshake for it).
    let answer = reqwest::get(&me).await.expect("GET /me");
    assert_eq!(answer.status().as_u16(), 401, "GET /me without credentials");
    assert_eq!(
        answer.headers()["x-clerk-auth-reason"],
        "dev-browser-missing"
    );

    // 1. Signed out: the first page goes through the emulator's handshake (a new development
    //    browser), then /me answers 401.
    c.goto(&me).await.expect("open /me");
    let page = wait_page(c, &me, "/me signed out: 401", |p| p.status == Some(401)).await;
    assert!(
        !page.text.contains("user_"),
        "signed out, yet: {}",
        page.text
    );
    let docs = take_documents(c).await;
    assert_handshake_then(&docs, &me, "dev-browser-missing", 401);
    assert!(
        cookie(c, "__clerk_db_jwt")
            .await
            .is_some_and(|v| v.starts_with("dvb_")),
        "the handshake set the development browser"
    );
    assert_eq!(cookie(c, "__client_uat").await.as_deref(), Some("0"));
    t.step(
        "/me signed out",
        format!("401 {}", one_line(&page.text)),
        &docs,
    );

    // 2. Sign in as the admin: back on /me through the handshake (dev-browser-sync).
    sign_in(
        c,
        app,
        emulator,
        "user_admin",
        AuthProtocol::Handshake,
        &mut t,
    )
    .await;
    c.goto(&admin).await.expect("open /admin");
    let page = wait_page(c, &admin, "/admin as the admin: 200", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_admin")
    })
    .await;
    t.step(
        "/admin as user_admin",
        format!("200 {}", one_line(&page.text)),
        &take_documents(c).await,
    );

    // 3. Sign out on the emulator's page: the handshake clears the app's cookies.
    c.goto(&emulator.sign_in_url(&me))
        .await
        .expect("open sign-in");
    let link = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::LinkText("Sign out"))
        .await
        .expect("the emulator's page offers to sign out");
    link.click().await.expect("click Sign out");
    let page = wait_page(c, &me, "/me after signing out: 401", |p| {
        p.status == Some(401)
    })
    .await;
    assert!(
        !page.text.contains("user_"),
        "signed out, yet: {}",
        page.text
    );
    let docs = take_documents(c).await;
    assert_handshake_then(&docs, &me, "dev-browser-sync", 401);
    assert_eq!(cookie(c, "__client_uat").await.as_deref(), Some("0"));
    assert!(
        cookie(c, "__session").await.is_none_or(|s| s.is_empty()),
        "__session is cleared on sign-out"
    );
    t.step("sign out", format!("401 {}", one_line(&page.text)), &docs);

    let member_token = sign_in(
        c,
        app,
        emulator,
        "user_member",
        AuthProtocol::Handshake,
        &mut t,
    )
    .await;
    c.goto(&admin).await.expect("open /admin");
    let page = wait_page(c, &admin, "/admin as the member: 403", |p| {
        p.status == Some(403)
    })
    .await;
    assert!(!page.text.contains("user_admin"), "{}", page.text);
    t.step(
        "/admin as user_member",
        format!("403 {}", one_line(&page.text)),
        &take_documents(c).await,
    );

    // 4. The session token expires; a reload refreshes it with the __refresh cookie (one
    //    Backend API call, no redirect).
    c.goto(&me).await.expect("open /me");
    wait_page(c, &me, "/me as the member: 200", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_member")
    })
    .await;
    let _ = take_documents(c).await;
    t.step(
        "token expired",
        wait_until_expired(&member_token).await,
        &[],
    );
    c.refresh().await.expect("reload /me");
    let page = wait_page(c, &me, "/me after expiry: 200 again", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_member")
    })
    .await;
    let docs = take_documents(c).await;
    assert!(
        docs.iter()
            .all(|d| d.url.starts_with(&app.origin) && d.status == 200),
        "refreshed in place, no redirect: {docs:#?}"
    );
    let refreshed = cookie(c, "__session")
        .await
        .expect("__session after refresh");
    assert!(claim(&refreshed, "iat") > claim(&member_token, "iat"));
    assert_eq!(
        claim_str(&refreshed, "sid"),
        claim_str(&member_token, "sid")
    );
    t.step(
        "reload /me after expiry (refresh cookie)",
        format!("200 {}", one_line(&page.text)),
        &docs,
    );

    // 5. Expired again, without the refresh cookie: the reload goes through the handshake,
    //    which signs the browser in again without the sign-in page.
    t.step("token expired", wait_until_expired(&refreshed).await, &[]);
    let refresh_cookie = format!("__refresh_{}", emulator.cookie_suffix());
    c.delete_cookie(&refresh_cookie)
        .await
        .expect("delete the refresh cookie");
    c.refresh().await.expect("reload /me");
    let page = wait_page(c, &me, "/me after expiry: 200 through the handshake", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_member")
    })
    .await;
    let docs = take_documents(c).await;
    assert_handshake_then(
        &docs,
        &me,
        "session-token-expired-refresh-non-eligible-no-refresh-cookie",
        200,
    );
    assert!(
        !docs.iter().any(|d| d.url.contains("/sign-in")),
        "no new sign-in: {docs:#?}"
    );
    let after = cookie(c, "__session")
        .await
        .expect("__session after the handshake");
    assert!(claim(&after, "iat") > claim(&refreshed, "iat"));
    assert_eq!(claim_str(&after, "sid"), claim_str(&member_token, "sid"));
    assert_eq!(claim_str(&after, "sub"), "user_member");
    t.step(
        "reload /me after expiry (handshake)",
        format!(
            "200 {}; same session {}",
            one_line(&page.text),
            claim_str(&after, "sid")
        ),
        &docs,
    );
    t
}

/// Waits until the redirect-loop counter of the last handshake (`__clerk_redirect_count`,
/// `Max-Age=2`) is gone: a person does not sign in and out within two seconds, and three
/// handshakes inside that window are treated as a loop (signed out), as Clerk does.
async fn loop_guard_expired(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while cookie(c, "__clerk_redirect_count").await.is_some() {
        assert!(
            Instant::now() < deadline,
            "__clerk_redirect_count never expired"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Sleeps until the app refuses `token` as expired (its `exp` plus the clock skew).
async fn wait_until_expired(token: &str) -> String {
    let exp = claim(token, "exp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let wait = Duration::from_secs((exp + CLOCK_SKEW.as_secs() + 1).saturating_sub(now));
    tokio::time::sleep(wait).await;
    format!(
        "waited {:.1} s past exp {exp} (+ {} s skew)",
        wait.as_secs_f64(),
        CLOCK_SKEW.as_secs()
    )
}

/// The app's documents at `url` went through a handshake (`307` for `reason`) and ended with
/// `final_status`.
fn assert_handshake_then(docs: &[Document], url: &str, reason: &str, final_status: u16) {
    let at_url: Vec<&Document> = docs
        .iter()
        .filter(|d| d.url.split(['?', '#']).next() == Some(url))
        .collect();
    assert!(
        at_url
            .iter()
            .any(|d| d.status == 307 && d.auth_status == "handshake" && d.auth_reason == reason),
        "expected a handshake ({reason}) at {url}; documents: {docs:#?}"
    );
    assert!(
        docs.iter()
            .any(|d| d.url.contains("/v1/client/handshake?") && d.status == 307),
        "expected the Frontend API's handshake; documents: {docs:#?}"
    );
    let last = at_url.last().expect("documents at the URL");
    assert_eq!(
        last.status, final_status,
        "expected {final_status} after the handshake at {url}; documents: {docs:#?}"
    );
}

/// What the person does and sees with the interstitial protocol; returns the timeline.
async fn flow(c: &Client, app: &App, emulator: &Emulator) -> Timeline {
    let mut t = Timeline::new();
    let me = format!("{}/me", app.origin);
    let admin = format!("{}/admin", app.origin);

    // 0. A client that is not a browser gets a plain 401 (development instance, no interstitial).
    let status = reqwest::get(&me).await.expect("GET /me").status().as_u16();
    assert_eq!(
        status, 401,
        "GET /me without credentials (non-browser client)"
    );

    // 1. Signed out.
    c.goto(&me).await.expect("open /me");
    let page = wait_page(c, &me, "/me signed out: 401", |p| p.status == Some(401)).await;
    assert!(
        !page.text.contains("user_"),
        "signed out, yet: {}",
        page.text
    );
    let docs = take_documents(c).await;
    assert_interstitial_then(&docs, &me, "uat-missing", 401);
    let uat = cookie(c, "__client_uat").await;
    assert_eq!(
        uat.as_deref(),
        Some("0"),
        "the interstitial sets __client_uat=0"
    );
    t.step(
        "/me signed out",
        format!("401 {}", one_line(&page.text)),
        &docs,
    );

    // 2. Sign in as the admin, land back on /me through the interstitial.
    sign_in(
        c,
        app,
        emulator,
        "user_admin",
        AuthProtocol::Interstitial,
        &mut t,
    )
    .await;
    c.goto(&admin).await.expect("open /admin");
    let page = wait_page(c, &admin, "/admin as the admin: 200", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_admin")
    })
    .await;
    t.step(
        "/admin as user_admin",
        format!("200 {}", one_line(&page.text)),
        &take_documents(c).await,
    );

    // 3. Sign out on the emulator's page, then sign in as the member.
    c.goto(&emulator.sign_in_url(&me))
        .await
        .expect("open sign-in");
    let link = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::LinkText("Sign out"))
        .await
        .expect("the emulator's page offers to sign out");
    link.click().await.expect("click Sign out");
    let page = wait_page(c, &me, "/me after signing out: 401", |p| {
        p.status == Some(401)
    })
    .await;
    assert!(
        !page.text.contains("user_"),
        "signed out, yet: {}",
        page.text
    );
    let docs = take_documents(c).await;
    assert_interstitial_then(&docs, &me, "cross-origin-referrer", 401);
    assert_eq!(cookie(c, "__client_uat").await.as_deref(), Some("0"));
    assert!(
        cookie(c, "__session").await.is_none_or(|s| s.is_empty()),
        "__session is cleared on sign-out"
    );
    t.step("sign out", format!("401 {}", one_line(&page.text)), &docs);

    let member_token = sign_in(
        c,
        app,
        emulator,
        "user_member",
        AuthProtocol::Interstitial,
        &mut t,
    )
    .await;
    c.goto(&admin).await.expect("open /admin");
    let page = wait_page(c, &admin, "/admin as the member: 403", |p| {
        p.status == Some(403)
    })
    .await;
    assert!(!page.text.contains("user_admin"), "{}", page.text);
    t.step(
        "/admin as user_member",
        format!("403 {}", one_line(&page.text)),
        &take_documents(c).await,
    );

    // 4. The session token expires; a reload refreshes it through the interstitial.
    c.goto(&me).await.expect("open /me");
    wait_page(c, &me, "/me as the member: 200", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_member")
    })
    .await;
    let _ = take_documents(c).await;
    let before = cookie(c, "__session")
        .await
        .expect("__session before expiry");
    let expired = wait_for_expiry(c, &member_token).await;
    t.step("token expired", expired, &[]);

    c.refresh().await.expect("reload /me");
    let page = wait_page(c, &me, "/me after expiry: 200 again", |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some("user_member")
    })
    .await;
    let docs = take_documents(c).await;
    assert_interstitial_then(&docs, &me, "token-expired", 200);
    assert!(
        docs.iter().all(|d| d.url.starts_with(&app.origin)),
        "no new sign-in: the browser stayed on the app: {docs:#?}"
    );
    let after = cookie(c, "__session")
        .await
        .expect("__session after refresh");
    assert_ne!(before, after, "the interstitial set a fresh session token");
    let (iat_before, iat_after) = (claim(&before, "iat"), claim(&after, "iat"));
    assert!(iat_after > iat_before, "iat {iat_before} -> {iat_after}");
    assert_eq!(claim_str(&after, "sub"), "user_member");
    t.step(
        "reload /me after expiry",
        format!(
            "200 {}; fresh token (iat {iat_before} -> {iat_after}, same session {})",
            one_line(&page.text),
            claim_str(&after, "sid")
        ),
        &docs,
    );
    assert_eq!(claim_str(&before, "sid"), claim_str(&after, "sid"));
    t
}

/// Opens the emulator's sign-in page for `/me`, clicks `user_id`'s button, and waits until
/// `/me` shows that user, back through the interstitial (`cross-origin-referrer`) or the
/// handshake (`dev-browser-sync`); returns the session token that set.
async fn sign_in(
    c: &Client,
    app: &App,
    emulator: &Emulator,
    user_id: &str,
    protocol: AuthProtocol,
    t: &mut Timeline,
) -> String {
    let me = format!("{}/me", app.origin);
    c.goto(&emulator.sign_in_url(&me))
        .await
        .expect("open the emulator's sign-in page");
    let button = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//form[input[@name='user_id'][@value='{user_id}']]//button"
        )))
        .await
        .unwrap_or_else(|e| panic!("no sign-in button for {user_id}: {e}"));
    let _ = take_documents(c).await;
    t.step(&format!("sign-in page ({user_id})"), String::new(), &[]);
    loop_guard_expired(c).await;
    button.click().await.expect("click the user");
    let page = wait_page(c, &me, &format!("/me as {user_id}: 200"), |p| {
        p.status == Some(200) && p.user_id().as_deref() == Some(user_id)
    })
    .await;
    let docs = take_documents(c).await;
    match protocol {
        AuthProtocol::Interstitial => {
            assert_interstitial_then(&docs, &me, "cross-origin-referrer", 200);
        }
        AuthProtocol::Handshake => assert_handshake_then(&docs, &me, "dev-browser-sync", 200),
    }
    let uat = cookie(c, "__client_uat").await.expect("__client_uat");
    assert!(
        uat.parse::<u64>().is_ok_and(|n| n > 0),
        "__client_uat={uat}"
    );
    let token = cookie(c, "__session").await.expect("__session");
    assert_eq!(claim_str(&token, "sub"), user_id);
    t.step(
        &format!("signed in, /me as {user_id}"),
        format!("200 {}", one_line(&page.text)),
        &docs,
    );
    token
}

/// Waits (a fetch from the page every 250 ms) until the app refuses the session token because
/// it expired; `token` is the token the interstitial set, for its `exp`.
async fn wait_for_expiry(c: &Client, token: &str) -> String {
    let exp = claim(token, "exp");
    let deadline = Instant::now() + TOKEN_LIFETIME + CLOCK_SKEW + Duration::from_secs(10);
    let started = Instant::now();
    loop {
        let probe = c
            .execute(
                "return fetch('/me', {credentials: 'same-origin', cache: 'no-store'}).then(r => \
                 ({status: r.status, reason: r.headers.get('x-clerk-auth-reason')}));",
                vec![],
            )
            .await;
        if let Ok(v) = &probe
            && v["status"] == 401
        {
            let reason = v["reason"].as_str().unwrap_or("").to_owned();
            assert_eq!(reason, "token-expired", "why /me refused the token: {v}");
            return format!(
                "fetch /me: 401 {reason} after {:.1} s (exp {exp}, lifetime {} s + skew {} s)",
                started.elapsed().as_secs_f64(),
                TOKEN_LIFETIME.as_secs(),
                CLOCK_SKEW.as_secs()
            );
        }
        assert!(
            Instant::now() < deadline,
            "the session token never expired for the app: {probe:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

// ---- what the page shows ---------------------------------------------------------------------

/// The current document as the person sees it.
#[derive(Debug, Default)]
struct PageView {
    url: String,
    ready: bool,
    /// The HTTP status of the document (Navigation Timing `responseStatus`).
    status: Option<u16>,
    /// The interstitial page (it defines `window.startClerk`) is on screen.
    interstitial: bool,
    /// The text shown: the `<pre>` of a JSON document, else the body's text.
    text: String,
}

impl PageView {
    /// The `user_id` of the JSON shown, if any.
    fn user_id(&self) -> Option<String> {
        let json: Value = serde_json::from_str(self.text.trim()).ok()?;
        json["user_id"].as_str().map(str::to_owned)
    }
}

const PAGE_VIEW_JS: &str = r"
const nav = performance.getEntriesByType('navigation')[0];
const pre = document.querySelector('body > pre');
return {
  url: location.href,
  ready: document.readyState === 'complete',
  status: nav && typeof nav.responseStatus === 'number' && nav.responseStatus > 0 ? nav.responseStatus : null,
  interstitial: typeof window.startClerk === 'function',
  text: pre ? pre.innerText : (document.body ? document.body.innerText : ''),
};";

async fn page_view(c: &Client) -> Result<PageView, String> {
    let v = c
        .execute(PAGE_VIEW_JS, vec![])
        .await
        .map_err(|e| e.to_string())?;
    Ok(PageView {
        url: v["url"].as_str().unwrap_or_default().to_owned(),
        ready: v["ready"].as_bool().unwrap_or(false),
        status: v["status"].as_u64().and_then(|s| u16::try_from(s).ok()),
        interstitial: v["interstitial"].as_bool().unwrap_or(false),
        text: v["text"].as_str().unwrap_or_default().to_owned(),
    })
}

/// Polls until the browser shows a loaded, non-interstitial document at `url` (query and
/// fragment aside) for which `ok` holds.
async fn wait_page(c: &Client, url: &str, what: &str, ok: impl Fn(&PageView) -> bool) -> PageView {
    let deadline = Instant::now() + WAIT;
    loop {
        let view = page_view(c).await;
        if let Ok(p) = &view {
            let here = p.url.split(['?', '#']).next() == Some(url);
            if here && p.ready && !p.interstitial && ok(p) {
                return view.unwrap_or_default();
            }
        }
        assert!(
            Instant::now() < deadline,
            "waited {} s for {what}; the browser shows {view:#?}",
            WAIT.as_secs()
        );
        tokio::time::sleep(POLL).await;
    }
}

async fn cookie(c: &Client, name: &str) -> Option<String> {
    c.get_named_cookie(name)
        .await
        .ok()
        .map(|k| k.value().to_owned())
}

// ---- chromium's performance log: the documents it loaded -------------------------------------

/// A document response the browser received.
#[derive(Debug)]
struct Document {
    url: String,
    status: u16,
    auth_status: String,
    auth_reason: String,
}

impl Document {
    fn is_interstitial(&self) -> bool {
        self.auth_status == "interstitial"
    }
}

/// `POST /session/{id}/se/log {"type": "performance"}`: chromedriver's log endpoint (not in
/// the W3C protocol, so not in fantoccini's commands).
#[derive(Debug)]
struct PerformanceLog;

impl WebDriverCompatibleCommand for PerformanceLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"performance"}"#.to_owned()),
        )
    }
}

/// The document responses since the last call (reading the log empties it).
async fn take_documents(c: &Client) -> Vec<Document> {
    let entries = c
        .issue_cmd(PerformanceLog)
        .await
        .expect("read chromium's performance log");
    let mut docs = Vec::new();
    for entry in entries.as_array().into_iter().flatten() {
        let Some(message) = entry["message"].as_str() else {
            continue;
        };
        let Ok(message) = serde_json::from_str::<Value>(message) else {
            continue;
        };
        let event = &message["message"];
        // A document's response, or a redirect (3xx) a document request followed.
        let response = match event["method"].as_str() {
            Some("Network.responseReceived") => &event["params"]["response"],
            Some("Network.requestWillBeSent") => &event["params"]["redirectResponse"],
            _ => continue,
        };
        let url = response["url"].as_str().unwrap_or_default();
        if event["params"]["type"] != "Document" || !url.starts_with("http") {
            continue;
        }
        let header = |name: &str| {
            response["headers"]
                .as_object()
                .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                .and_then(|(_, v)| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        docs.push(Document {
            url: response["url"].as_str().unwrap_or_default().to_owned(),
            status: response["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or_default(),
            auth_status: header("x-clerk-auth-status"),
            auth_reason: header("x-clerk-auth-reason"),
        });
    }
    docs
}

/// The app's documents at `url` were an interstitial page (`401`, for `reason`) and then the
/// page with `final_status`.
fn assert_interstitial_then(docs: &[Document], url: &str, reason: &str, final_status: u16) {
    let at_url: Vec<&Document> = docs
        .iter()
        .filter(|d| d.url.split(['?', '#']).next() == Some(url))
        .collect();
    let first = at_url.iter().position(|d| d.is_interstitial());
    assert!(
        first.is_some_and(|i| at_url[i].status == 401 && at_url[i].auth_reason == reason),
        "expected the interstitial ({reason}) at {url}; documents: {docs:#?}"
    );
    let last = at_url.last().expect("documents at the URL");
    assert!(
        !last.is_interstitial() && last.status == final_status,
        "expected {final_status} after the interstitial at {url}; documents: {docs:#?}"
    );
}

// ---- session tokens --------------------------------------------------------------------------

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

fn claim(token: &str, name: &str) -> u64 {
    claims(token)[name].as_u64().unwrap_or_default()
}

fn claim_str(token: &str, name: &str) -> String {
    claims(token)[name].as_str().unwrap_or_default().to_owned()
}

// ---- timeline --------------------------------------------------------------------------------

struct Timeline {
    last: Instant,
    out: String,
}

impl Timeline {
    fn new() -> Self {
        Self {
            last: Instant::now(),
            out: String::new(),
        }
    }

    fn step(&mut self, what: &str, seen: String, docs: &[Document]) {
        let elapsed = self.last.elapsed();
        self.last = Instant::now();
        let _ = writeln!(
            self.out,
            "  {:>6.2} s  {what}{}{seen}",
            elapsed.as_secs_f64(),
            if seen.is_empty() { "" } else { ": " }
        );
        for d in docs {
            let _ = writeln!(
                self.out,
                "             {} {}{}",
                d.status,
                one_line(&d.url),
                if d.auth_status.is_empty() {
                    String::new()
                } else {
                    format!("  [{} {}]", d.auth_status, d.auth_reason)
                }
            );
        }
    }
}

impl std::fmt::Display for Timeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.out)
    }
}

fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 160 {
        format!("{}…", line.chars().take(160).collect::<String>())
    } else {
        line
    }
}

// ---- processes -------------------------------------------------------------------------------

fn find_chromedriver() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMEDRIVER") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("chromedriver"))
        .chain([PathBuf::from("/usr/lib/chromium/chromedriver")])
        .find(|p| p.is_file())
}

/// An example binary running against the emulator on a free port.
struct App {
    origin: String,
    log: PathBuf,
    _process: Guard,
}

impl App {
    async fn start(
        bin: &str,
        binary: &Path,
        emulator: &Emulator,
        scratch: &Scratch,
        protocol: AuthProtocol,
    ) -> Self {
        let port = free_port();
        let log = scratch.0.join(format!("{bin}.log"));
        let mut command = Command::new(binary);
        // Only the emulator's Clerk settings: none of the caller's CLERK_* variables.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("CLERK_") {
                command.env_remove(name);
            }
        }
        command
            .envs(emulator.env_vars_for(protocol))
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("ROCKET_CLI_COLORS", "false")
            .current_dir(&scratch.0);
        let mut process = Guard::spawn(bin, command, &log);
        let origin = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("{origin}/me")).await.is_err() {
            process.assert_running(&log);
            assert!(
                Instant::now() < deadline,
                "{bin} did not answer on {origin} within 30 s; its log:\n{}",
                tail(&log, 60)
            );
            tokio::time::sleep(POLL).await;
        }
        Self {
            origin,
            log,
            _process: process,
        }
    }
}

/// chromedriver on a free port.
struct ChromeDriver {
    url: String,
    log: PathBuf,
    _process: Guard,
}

impl ChromeDriver {
    async fn start(path: &Path, scratch: &Scratch) -> Self {
        let port = free_port();
        let log = scratch.0.join("chromedriver.log");
        let mut command = Command::new(path);
        command.arg(format!("--port={port}"));
        let mut process = Guard::spawn("chromedriver", command, &log);
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = match reqwest::get(format!("{url}/status")).await {
                Ok(r) => r
                    .text()
                    .await
                    .ok()
                    .and_then(|t| serde_json::from_str::<Value>(&t).ok()),
                Err(_) => None,
            };
            if ready.is_some_and(|v| v["value"]["ready"] == true) {
                break;
            }
            process.assert_running(&log);
            assert!(
                Instant::now() < deadline,
                "chromedriver was not ready within 20 s; its log:\n{}",
                tail(&log, 30)
            );
            tokio::time::sleep(POLL).await;
        }
        Self {
            url,
            log,
            _process: process,
        }
    }

    /// A headless chromium with a fresh profile and the performance (network) log on.
    async fn session(&self, scratch: &Scratch) -> Client {
        let profile = scratch.0.join("profile");
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
            "perfLoggingPrefs": {"enableNetwork": true, "enablePage": false},
        });
        if let Some(bin) = std::env::var_os("CHROME_BIN") {
            options["binary"] = json!(bin.to_string_lossy());
        }
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        caps.insert("goog:loggingPrefs".into(), json!({"performance": "ALL"}));
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start chromium through chromedriver: {e}\nchromedriver log:\n{}",
                    tail(&self.log, 30)
                )
            })
    }
}
