//! The emulator's HTTP surface over real sockets: JWKS auth, error shapes, the sign-in page,
//! the clerk-js stand-in with its CORS rules, the session-token endpoint, and the whole
//! development-instance flow as `get_auth_state` sees it.

mod common;

use clerk_core::{
    AuthProtocol, AuthReason, AuthStatus, VerifyTokenOptions, get_auth_state, verify_token,
};
use clerk_testing::Emulator;
use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE, COOKIE, LOCATION,
    ORIGIN, SET_COOKIE,
};

use common::{assert_clerk_errors, body_json, http, sign_in_to};

const APP: &str = "http://127.0.0.1:3000";
const BROWSER_UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";

/// Signs `user_id` in through the sign-in form; returns the emulator cookie (`name=value`).
async fn sign_in(emulator: &Emulator, user_id: &str) -> String {
    let (cookie, location) = sign_in_to(emulator, user_id, "http://127.0.0.1:3000/me?a=1").await;
    // A development instance sends its dev browser along, for the handshake protocol's sync.
    let dev_browser = location
        .strip_prefix("http://127.0.0.1:3000/me?a=1&__clerk_db_jwt=dvb_")
        .unwrap_or_else(|| panic!("back to the app with a dev browser: {location}"));
    assert!(!dev_browser.is_empty() && dev_browser.bytes().all(|b| b.is_ascii_alphanumeric()));
    cookie
}

#[tokio::test]
async fn jwks_requires_the_secret_key_and_frontend_jwks_is_public() {
    let emulator = Emulator::start().await.unwrap();
    let url = format!("{}/v1/jwks", emulator.url());

    let missing = http().get(&url).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_clerk_errors(&body_json(missing).await, "authorization_header_missing");

    let wrong = http()
        .get(&url)
        .bearer_auth("sk_test_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_clerk_errors(&body_json(wrong).await, "clerk_key_invalid");

    let ok = http()
        .get(&url)
        .bearer_auth(emulator.secret_key())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()[CONTENT_TYPE], "application/json");
    assert_eq!(body_json(ok).await, emulator.instance().jwks());

    let public = http()
        .get(format!("{}/.well-known/jwks.json", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);
    assert_eq!(body_json(public).await, emulator.instance().jwks());
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_and_bad_input_answer_clerk_errors() {
    let emulator = Emulator::start().await.unwrap();
    let c = http();
    for (method, path) in [
        (reqwest::Method::GET, "/v1/nope"),
        (reqwest::Method::PUT, "/v1/users/user_admin"),
        (reqwest::Method::GET, "/v1/users/user_admin/nope"),
        (reqwest::Method::GET, "/nothing-here"),
        (reqwest::Method::GET, "/v1/%FF"),
    ] {
        let resp = c
            .request(method.clone(), format!("{}{path}", emulator.url()))
            .bearer_auth(emulator.secret_key())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{method} {path}");
        assert_clerk_errors(&body_json(resp).await, "resource_not_found");
    }
    let bad_json = c
        .post(format!("{}/v1/users", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    assert_clerk_errors(&body_json(bad_json).await, "request_body_invalid");
    let bad_limit = c
        .get(format!("{}/v1/users?limit=0", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .send()
        .await
        .unwrap();
    assert_eq!(bad_limit.status(), 422);
    assert_clerk_errors(&body_json(bad_limit).await, "form_param_format_invalid");
    let huge = c
        .post(format!("{}/v1/users", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .body(vec![b' '; 2 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    emulator.shutdown().await;
}

#[tokio::test]
async fn sign_in_page_lists_demo_users_and_refuses_foreign_redirects() {
    let emulator = Emulator::start().await.unwrap();
    let page = http()
        .get(emulator.sign_in_url("http://127.0.0.1:3000/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    for needle in [
        "Ada Admin",
        "ada@example.com",
        "Max Member",
        "org:admin",
        "value=\"user_admin\"",
        "value=\"http://127.0.0.1:3000/\"",
        "prefers-color-scheme: dark",
    ] {
        assert!(html.contains(needle), "{needle} missing");
    }

    for bad in [
        "https://evil.example/",
        "//evil.example/",
        "http://127.0.0.1@evil.example/",
        "javascript:alert(1)",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(bad.as_bytes()).collect();
        let resp = http()
            .get(format!("{}/sign-in?redirect_url={encoded}", emulator.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let resp = http()
            .post(format!("{}/sign-in", emulator.url()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("user_id=user_admin&redirect_url={encoded}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        assert!(resp.headers().get(LOCATION).is_none());
        assert!(resp.headers().get(SET_COOKIE).is_none());
    }
    // A cross-site form post and an unknown user are refused.
    let foreign = http()
        .post(format!("{}/sign-in", emulator.url()))
        .header(ORIGIN, "https://evil.example")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("user_id=user_admin")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let nobody = http()
        .post(format!("{}/sign-in", emulator.url()))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("user_id=user_nobody")
        .send()
        .await
        .unwrap();
    assert_eq!(nobody.status(), 400);
    emulator.shutdown().await;
}

#[tokio::test]
async fn sign_in_creates_a_session_and_sign_out_ends_it() {
    let emulator = Emulator::start().await.unwrap();
    let cookie = sign_in(&emulator, "user_member").await;
    assert!(cookie.starts_with(&format!("__emulator_client_{}=client_", emulator.port())));

    let client = emulator
        .config_builder()
        .build()
        .unwrap()
        .backend_api_client()
        .unwrap();
    let sessions = client
        .sessions()
        .list()
        .user_id("user_member")
        .send()
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    let session_id = sessions.data[0].id.clone();

    // Signing in again on the same browser ends the first session (single-session mode).
    let resp = http()
        .post(format!("{}/sign-in", emulator.url()))
        .header(COOKIE, &cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("user_id=user_admin")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()[LOCATION], "/");
    let first = client.sessions().get(&session_id).send().await.unwrap();
    assert_eq!(first.status, clerk_core::api::SessionStatus::Ended);

    let out = http()
        .get(format!(
            "{}/sign-out?redirect_url=http%3A%2F%2Flocalhost%3A3000%2F",
            emulator.url()
        ))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let location = out.headers()[LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("http://localhost:3000/?__clerk_db_jwt=dvb_"),
        "{location}"
    );
    assert!(
        out.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let active = client
        .sessions()
        .list()
        .status(clerk_core::api::SessionStatus::Active)
        .send()
        .await
        .unwrap();
    assert!(active.is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn script_is_javascript_with_cors_for_loopback_origins_only() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(
        emulator.clerk_js_url(),
        format!(
            "{}/npm/@clerk/clerk-js@4/dist/clerk.browser.js",
            emulator.url()
        )
    );
    for version in ["4", "4.70.0", "latest"] {
        let resp = http()
            .get(format!(
                "{}/npm/@clerk/clerk-js@{version}/dist/clerk.browser.js",
                emulator.url()
            ))
            .header(ORIGIN, APP)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(
            resp.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/javascript")
        );
        assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        let js = resp.text().await.unwrap();
        for needle in [
            "window.Clerk = Clerk",
            "load: async function",
            "/v1/client/session-token",
            "credentials: 'include'",
            "'__session'",
            "'__client_uat', '0'",
            "Clerk.loaded = true",
            "document.currentScript",
            emulator.url(),
        ] {
            assert!(js.contains(needle), "{needle} missing from the script");
        }
    }
    let foreign = http()
        .get(emulator.clerk_js_url())
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 200);
    assert!(foreign.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    // The browser endpoints: preflight and requests only for loopback origins.
    let token_url = format!("{}/v1/client/session-token", emulator.url());
    let preflight = http()
        .request(reqwest::Method::OPTIONS, &token_url)
        .header(ORIGIN, "http://localhost:8080")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://localhost:8080"
    );
    let evil = http()
        .get(&token_url)
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    assert!(evil.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    emulator.shutdown().await;
}

#[tokio::test]
async fn session_token_endpoint_mints_tokens_verify_token_accepts() {
    let emulator = Emulator::start().await.unwrap();
    let token_url = format!("{}/v1/client/session-token", emulator.url());

    // Signed out: no token.
    let out = http()
        .get(&token_url)
        .header(ORIGIN, APP)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    assert_eq!(out.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let body = body_json(out).await;
    assert_eq!(body["signed_in"], false);
    assert!(body.get("jwt").is_none());

    let cookie = sign_in(&emulator, "user_admin").await;
    let resp = http()
        .get(&token_url)
        .header(ORIGIN, APP)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let body = body_json(resp).await;
    assert_eq!(body["signed_in"], true, "{body}");
    assert_eq!(body["user"]["id"], "user_admin");
    assert_eq!(body["organization"]["slug"], "acme");
    let jwt = body["jwt"].as_str().unwrap();

    // JWKS fetched from the emulator with the secret key, azp = the page origin.
    let options = VerifyTokenOptions::builder()
        .secret_key(emulator.secret_key())
        .api_url(emulator.api_url())
        .authorized_parties([APP])
        .issuer(clerk_core::Issuer::clerk_frontend_api())
        .build()
        .unwrap();
    let claims = verify_token(jwt, &options).await.unwrap();
    assert_eq!(claims.user_id(), "user_admin");
    assert_eq!(claims.authorized_party(), Some(APP));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let iat = claims.issued_at().unwrap();
    assert!((now - iat).abs() <= 2, "iat {iat} vs now {now}");
    assert_eq!(claims.expires_at() - iat, 60);
    assert!(body["client_uat"].as_i64().unwrap() <= iat);
    let org = claims.organization().unwrap();
    assert_eq!(org.permissions, ["org:invoices:read", "org:invoices:write"]);

    // And through a configuration from config_builder_for() (JWKS, no jwt_key).
    let config = emulator
        .config_builder_for(AuthProtocol::Interstitial)
        .build()
        .unwrap();
    assert_eq!(config.jwt_key(), "");
    assert_eq!(config.clerk_js_url(), emulator.clerk_js_url());
    let req = http::Request::builder()
        .header("authorization", format!("Bearer {jwt}"))
        .body(())
        .unwrap();
    assert!(get_auth_state(&config, &req).await.is_signed_in());

    // The script's sign-out endpoint ends the session.
    let resp = http()
        .post(format!("{}/v1/client/sign-out", emulator.url()))
        .header(ORIGIN, APP)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let after = http()
        .get(&token_url)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(body_json(after).await["signed_in"], false);
    emulator.shutdown().await;
}

/// An app request as a browser sends it.
fn app_request(cookies: &[(&str, &str)], referer: Option<&str>) -> http::Request<()> {
    let mut b = http::Request::builder()
        .uri(format!("{APP}/me"))
        .header("host", "127.0.0.1:3000")
        .header("user-agent", BROWSER_UA)
        .header("accept", "text/html");
    if !cookies.is_empty() {
        let joined: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        b = b.header("cookie", joined.join("; "));
    }
    if let Some(r) = referer {
        b = b.header("referer", r);
    }
    b.body(()).unwrap()
}

/// What the script does in `Clerk.load()`: ask the emulator, answer the app cookies.
async fn script_load(emulator: &Emulator, emulator_cookie: Option<&str>) -> Vec<(String, String)> {
    let mut req = http()
        .get(format!("{}/v1/client/session-token", emulator.url()))
        .header(ORIGIN, APP);
    if let Some(c) = emulator_cookie {
        req = req.header(COOKIE, c);
    }
    let body = body_json(req.send().await.unwrap()).await;
    if body["signed_in"] == true {
        vec![
            ("__session".into(), body["jwt"].as_str().unwrap().to_owned()),
            ("__client_uat".into(), body["client_uat"].to_string()),
        ]
    } else {
        vec![("__client_uat".into(), "0".into())]
    }
}

fn as_pairs(cookies: &[(String, String)]) -> Vec<(&str, &str)> {
    cookies
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[tokio::test]
async fn development_flow_ends_signed_in_with_the_right_user_and_org() {
    let emulator = Emulator::start().await.unwrap();
    let config = emulator
        .config_builder_for(AuthProtocol::Interstitial)
        .build()
        .unwrap();

    // 1. First visit: no __client_uat → interstitial (uat-missing).
    let state = get_auth_state(&config, &app_request(&[], None)).await;
    assert_eq!(state.status(), AuthStatus::Interstitial);
    assert_eq!(state.reason(), Some(AuthReason::UatMissing));
    let page = state.interstitial_html();
    assert!(
        page.contains(&emulator.clerk_js_url()),
        "the page loads the emulator's script"
    );

    // 2. The script runs signed out: __client_uat=0 → reload → signed out.
    let cookies = script_load(&emulator, None).await;
    let state = get_auth_state(&config, &app_request(&as_pairs(&cookies), None)).await;
    assert_eq!(state.status(), AuthStatus::SignedOut);
    assert_eq!(state.reason(), Some(AuthReason::StandardSignedOut));

    // 3. Sign in on the emulator; the browser comes back with a cross-origin referrer.
    let emulator_cookie = sign_in(&emulator, "user_admin").await;
    let referer = format!("{}/", emulator.url());
    let state = get_auth_state(&config, &app_request(&as_pairs(&cookies), Some(&referer))).await;
    assert_eq!(state.status(), AuthStatus::Interstitial);
    assert_eq!(state.reason(), Some(AuthReason::CrossOriginReferrer));

    // 4. The script sets __session and __client_uat → reload (same-origin referrer) → signed in.
    let cookies = script_load(&emulator, Some(&emulator_cookie)).await;
    let state = get_auth_state(
        &config,
        &app_request(&as_pairs(&cookies), Some(&format!("{APP}/me"))),
    )
    .await;
    assert_eq!(
        state.status(),
        AuthStatus::SignedIn,
        "{:?}",
        state.message()
    );
    let auth = state.to_auth().unwrap();
    assert_eq!(auth.user_id(), Some("user_admin"));
    assert_eq!(auth.org_id(), Some("org_demo"));
    assert_eq!(auth.org_role(), Some("org:admin"));
    assert!(auth.has("org:invoices:write"));

    // The member gets org:member with read only.
    let member_cookie = sign_in(&emulator, "user_member").await;
    let cookies = script_load(&emulator, Some(&member_cookie)).await;
    let auth = get_auth_state(&config, &app_request(&as_pairs(&cookies), None))
        .await
        .to_auth()
        .unwrap();
    assert_eq!(auth.user_id(), Some("user_member"));
    assert!(auth.has("org:invoices:read"));
    assert!(!auth.has("org:invoices:write"));
    assert!(!auth.has("org:admin"));

    // 5. Sign out on the emulator, come back: interstitial, then signed out again.
    http()
        .get(format!("{}/sign-out", emulator.url()))
        .header(COOKIE, &member_cookie)
        .send()
        .await
        .unwrap();
    let state = get_auth_state(&config, &app_request(&as_pairs(&cookies), Some(&referer))).await;
    assert_eq!(state.reason(), Some(AuthReason::CrossOriginReferrer));
    let cookies = script_load(&emulator, Some(&member_cookie)).await;
    assert_eq!(cookies, [("__client_uat".to_owned(), "0".to_owned())]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn expired_tokens_send_the_browser_back_through_the_interstitial() {
    // The app's clock is driven by the test (a 1 s token minted at x.999 s would otherwise be
    // valid for 1 ms): it reads each token's `iat`/`exp` and steps over them.
    let emulator = Emulator::builder()
        .session_token_lifetime(std::time::Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let clock = std::sync::Arc::new(clerk_core::FixedClock::from_unix_seconds(0));
    let config = emulator
        .config_builder_for(AuthProtocol::Interstitial)
        .clock_skew(std::time::Duration::ZERO)
        .clock(clock.clone())
        .build()
        .unwrap();
    let times = |cookies: &[(String, String)]| {
        let token = &cookies.iter().find(|(k, _)| k == "__session").unwrap().1;
        let jwt = clerk_core::decode_jwt(token).unwrap();
        let claim = |name: &str| jwt.payload()[name].as_i64().unwrap();
        (claim("iat"), claim("exp"))
    };
    let emulator_cookie = sign_in(&emulator, "user_admin").await;
    let cookies = script_load(&emulator, Some(&emulator_cookie)).await;
    let (iat, exp) = times(&cookies);
    assert_eq!(exp - iat, 1, "the configured lifetime");
    clock.set_unix_seconds(iat);
    assert!(
        get_auth_state(&config, &app_request(&as_pairs(&cookies), None))
            .await
            .is_signed_in()
    );
    clock.set_unix_seconds(exp);
    let state = get_auth_state(&config, &app_request(&as_pairs(&cookies), None)).await;
    assert_eq!(state.status(), AuthStatus::Interstitial);
    assert_eq!(state.reason().map(|r| r.as_str()), Some("token-expired"));
    // The script refreshes the token without a new sign-in.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let cookies = script_load(&emulator, Some(&emulator_cookie)).await;
    let (fresh_iat, _) = times(&cookies);
    assert!(fresh_iat > iat, "a new token");
    clock.set_unix_seconds(fresh_iat);
    assert!(
        get_auth_state(&config, &app_request(&as_pairs(&cookies), None))
            .await
            .is_signed_in()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn handles_stop_on_drop_and_threads_work() {
    let emulator = Emulator::builder().start_on_thread().unwrap();
    let url = emulator.url().to_owned();
    let resp = http()
        .get(format!("{url}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    emulator.shutdown().await;
    assert!(http().get(format!("{url}/")).send().await.is_err());

    let emulator = Emulator::start().await.unwrap();
    let url = emulator.url().to_owned();
    drop(emulator);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(http().get(format!("{url}/")).send().await.is_err());

    // Home page and a taken port.
    let emulator = Emulator::start().await.unwrap();
    let home = http().get(emulator.url()).send().await.unwrap();
    assert!(home.text().await.unwrap().contains("Clerk emulator"));
    let taken = Emulator::builder().port(emulator.port()).start().await;
    assert!(taken.unwrap_err().to_string().contains("cannot bind"));
    emulator.shutdown().await;
}
