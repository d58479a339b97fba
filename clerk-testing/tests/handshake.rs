//! The emulator's handshake protocol (clerk-js 5, `@clerk/backend` 3.x) over real sockets: the
//! Frontend API handshake in both formats, dev browsers, the Backend API handshake payload and
//! session refresh, and the clerk-js 5 stand-in's route.

mod common;

use std::time::Duration;

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_core::{VerifyTokenOptions, verify_token};
use clerk_testing::Emulator;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN};
use serde_json::{Value, json};

use common::{assert_clerk_errors, body_json, http, sign_in_to};

const APP: &str = "http://127.0.0.1:3000";
const RETURN_TO: &str = "http://127.0.0.1:3000/dashboard?tab=1";

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Signs `user_id` in through the sign-in form; returns the emulator cookie (`name=value`).
async fn sign_in(emulator: &Emulator, user_id: &str) -> String {
    sign_in_to(emulator, user_id, RETURN_TO).await.0
}

/// `GET /v1/client/handshake` with `query` (after `redirect_url`) and the emulator cookie.
async fn handshake(emulator: &Emulator, query: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = http().get(format!(
        "{}/v1/client/handshake?redirect_url={}&__clerk_api_version=2026-05-12{query}",
        emulator.url(),
        enc(RETURN_TO)
    ));
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    req.send().await.unwrap()
}

/// The query parameter `name` of a 307's Location, after checking the rest is `RETURN_TO`.
fn returned_param(resp: &reqwest::Response, name: &str) -> String {
    assert_eq!(resp.status(), 307);
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(location.origin().ascii_serialization(), APP);
    assert_eq!(location.path(), "/dashboard");
    let pairs: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(pairs[0], ("tab".to_owned(), "1".to_owned()), "{location}");
    assert_eq!(pairs.len(), 2, "{location}");
    assert_eq!(pairs[1].0, name, "{location}");
    pairs[1].1.clone()
}

/// The directives stored under a nonce (Backend API, secret key).
async fn payload(emulator: &Emulator, nonce: &str) -> reqwest::Response {
    http()
        .get(format!(
            "{}/v1/clients/handshake_payload?nonce={}",
            emulator.url(),
            enc(nonce)
        ))
        .bearer_auth(emulator.secret_key())
        .send()
        .await
        .unwrap()
}

/// A nonce handshake, resolved: its directives.
async fn directives(emulator: &Emulator, query: &str, cookie: Option<&str>) -> Vec<String> {
    let resp = handshake(emulator, &format!("&format=nonce{query}"), cookie).await;
    let nonce = returned_param(&resp, "__clerk_handshake_nonce");
    let resp = payload(emulator, &nonce).await;
    assert_eq!(resp.status(), 200);
    let body = body_json(resp).await;
    body["directives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_owned())
        .collect()
}

/// `(name, value, attributes)` of each directive.
fn parsed(directives: &[String]) -> Vec<(String, String, String)> {
    directives
        .iter()
        .map(|d| {
            let (pair, attrs) = d.split_once("; ").unwrap_or((d, ""));
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), value.to_owned(), attrs.to_owned())
        })
        .collect()
}

fn value<'a>(cookies: &'a [(String, String, String)], name: &str) -> &'a str {
    &cookies
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in {cookies:?}"))
        .1
}

fn names(cookies: &[(String, String, String)]) -> Vec<&str> {
    cookies.iter().map(|(n, _, _)| n.as_str()).collect()
}

fn options(emulator: &Emulator) -> VerifyTokenOptions {
    VerifyTokenOptions::builder()
        .secret_key(emulator.secret_key())
        .api_url(emulator.api_url())
        .authorized_parties([APP])
        .build()
        .unwrap()
}

/// Verifies an RS256 JWT with the key of the emulator's JWKS of the same `kid`; returns the
/// header and payload.
async fn verify_with_jwks(emulator: &Emulator, jwt: &str) -> (Value, Value) {
    let jwks = body_json(
        http()
            .get(format!("{}/v1/jwks", emulator.url()))
            .bearer_auth(emulator.secret_key())
            .send()
            .await
            .unwrap(),
    )
    .await;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |p: &str| URL_SAFE_NO_PAD.decode(p).unwrap();
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    let payload: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the kid of the JWKS");
    let n = decode(key["n"].as_str().unwrap());
    let e = decode(key["e"].as_str().unwrap());
    RsaPublicKeyComponents { n: &n, e: &e }
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &decode(parts[2]),
        )
        .expect("a signature of the instance key");
    (header, payload)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn nonce_handshake_signs_the_browser_in_and_the_nonce_works_once() {
    let emulator = Emulator::start().await.unwrap();
    let sfx = emulator.cookie_suffix();
    assert_eq!(
        sfx,
        clerk_core::keys::cookie_suffix(emulator.publishable_key())
    );
    let cookie = sign_in(&emulator, "user_admin").await;

    let resp = handshake(
        &emulator,
        "&suffixed_cookies=false&__clerk_hs_reason=dev-browser-missing&format=nonce",
        Some(&cookie),
    )
    .await;
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let nonce = returned_param(&resp, "__clerk_handshake_nonce");

    // No secret key, no payload.
    let anonymous = http()
        .get(format!(
            "{}/v1/clients/handshake_payload?nonce={nonce}",
            emulator.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let resp = payload(&emulator, &nonce).await;
    assert_eq!(resp.status(), 200);
    let body = body_json(resp).await;
    let directives: Vec<String> = serde_json::from_value(body["directives"].clone()).unwrap();
    let cookies = parsed(&directives);
    let db = format!("__clerk_db_jwt_{sfx}");
    let uat = format!("__client_uat_{sfx}");
    let session = format!("__session_{sfx}");
    let refresh = format!("__refresh_{sfx}");
    assert_eq!(
        names(&cookies),
        [
            "__clerk_db_jwt",
            db.as_str(),
            "__client_uat",
            uat.as_str(),
            "__session",
            session.as_str(),
            refresh.as_str()
        ]
    );
    for (name, _, attrs) in &cookies {
        assert!(attrs.starts_with("Path=/; SameSite=Lax"), "{name}: {attrs}");
        assert!(
            !attrs.contains("Domain") && !attrs.contains("Secure"),
            "{attrs}"
        );
    }
    assert!(cookies[6].2.contains("HttpOnly"));
    assert!(value(&cookies, "__clerk_db_jwt").starts_with("dvb_"));
    assert_eq!(value(&cookies, "__clerk_db_jwt"), value(&cookies, &db));
    assert!(value(&cookies, &refresh).starts_with("rt_"));

    // The token verifies with the JWKS fetched from the emulator; azp = the app's origin.
    let jwt = value(&cookies, "__session");
    assert_eq!(value(&cookies, &session), jwt);
    let claims = verify_token(jwt, &options(&emulator)).await.unwrap();
    assert_eq!(claims.user_id(), "user_admin");
    assert_eq!(claims.authorized_party(), Some(APP));
    assert_eq!(claims.organization().unwrap().slug.as_deref(), Some("acme"));
    let iat = claims.issued_at().unwrap();
    assert!((now() - iat).abs() <= 2);
    let client_uat: i64 = value(&cookies, "__client_uat").parse().unwrap();
    assert_eq!(value(&cookies, &uat), client_uat.to_string());
    assert!(client_uat > 0 && client_uat <= iat, "{client_uat} vs {iat}");

    // Single use.
    let again = payload(&emulator, &nonce).await;
    assert_eq!(again.status(), 404);
    assert_clerk_errors(&body_json(again).await, "resource_not_found");
    let unknown = payload(&emulator, "nonce_unknown").await;
    assert_eq!(unknown.status(), 404);
    assert_clerk_errors(&body_json(unknown).await, "resource_not_found");
    emulator.shutdown().await;
}

#[tokio::test]
async fn signed_out_handshake_clears_the_session_cookies() {
    let emulator = Emulator::start().await.unwrap();
    let sfx = emulator.cookie_suffix();
    let cookies = parsed(&directives(&emulator, "", None).await);
    for name in ["__client_uat".to_owned(), format!("__client_uat_{sfx}")] {
        assert_eq!(value(&cookies, &name), "0");
    }
    for name in [
        "__session".to_owned(),
        format!("__session_{sfx}"),
        format!("__refresh_{sfx}"),
    ] {
        assert_eq!(value(&cookies, &name), "");
        let attrs = &cookies.iter().find(|(n, _, _)| *n == name).unwrap().2;
        assert!(attrs.ends_with("Max-Age=0"), "{name}: {attrs}");
    }
    // A development instance: a dev browser was created for this browser.
    assert!(value(&cookies, "__clerk_db_jwt").starts_with("dvb_"));

    // Signed in, then signed out: the same.
    let cookie = sign_in(&emulator, "user_member").await;
    let signed_in = parsed(&directives(&emulator, "", Some(&cookie)).await);
    assert!(value(&signed_in, "__session").contains('.'));
    http()
        .get(format!("{}/sign-out", emulator.url()))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let out = parsed(&directives(&emulator, "", Some(&cookie)).await);
    assert_eq!(value(&out, "__client_uat"), "0");
    assert_eq!(value(&out, "__session"), "");
    emulator.shutdown().await;
}

#[tokio::test]
async fn token_format_is_a_jwt_signed_with_the_instance_key() {
    let emulator = Emulator::start().await.unwrap();
    let cookie = sign_in(&emulator, "user_solo").await;
    // `format=token`, and no format at all (the Frontend API spec's default).
    for query in ["&format=token", ""] {
        let resp = handshake(&emulator, query, Some(&cookie)).await;
        let jwt = returned_param(&resp, "__clerk_handshake");
        let (header, payload) = verify_with_jwks(&emulator, &jwt).await;
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["typ"], "JWT");
        assert_eq!(header["cat"], "cl_B7d4PD111AAA");
        assert_eq!(header["kid"], emulator.instance().kid());
        let directives: Vec<String> = serde_json::from_value(payload["handshake"].clone()).unwrap();
        let cookies = parsed(&directives);
        let claims = verify_token(value(&cookies, "__session"), &options(&emulator))
            .await
            .unwrap();
        assert_eq!(claims.user_id(), "user_solo");
        assert!(claims.organization().is_none());
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn dev_browser_identifies_the_client_in_development() {
    let emulator = Emulator::start().await.unwrap();
    let url = format!("{}/v1/dev_browser", emulator.url());

    // Created without the emulator cookie (as clerk-js 5 does): bound to no client yet.
    let resp = http().post(&url).header(ORIGIN, APP).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["access-control-allow-origin"], APP);
    let body = body_json(resp).await;
    assert_eq!(body["object"], "dev_browser");
    let unbound = body["token"].as_str().unwrap().to_owned();
    assert!(unbound.starts_with("dvb_"), "{body}");
    let query = format!("&__clerk_db_jwt={unbound}");
    let out = parsed(&directives(&emulator, &query, None).await);
    assert_eq!(value(&out, "__client_uat"), "0");
    assert_eq!(value(&out, "__clerk_db_jwt"), unbound);

    // The handshake with the emulator cookie binds it; then the token alone identifies the
    // client.
    let cookie = sign_in(&emulator, "user_admin").await;
    let bound = parsed(&directives(&emulator, &query, Some(&cookie)).await);
    assert_eq!(value(&bound, "__clerk_db_jwt"), unbound);
    assert!(value(&bound, "__session").contains('.'));
    let alone = parsed(&directives(&emulator, &query, None).await);
    let claims = verify_token(value(&alone, "__session"), &options(&emulator))
        .await
        .unwrap();
    assert_eq!(claims.user_id(), "user_admin");

    // Created with the emulator cookie: bound at once.
    let resp = http()
        .post(&url)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let token = body_json(resp).await["token"].as_str().unwrap().to_owned();
    let signed_in = parsed(&directives(&emulator, &format!("&__clerk_db_jwt={token}"), None).await);
    assert!(value(&signed_in, "__session").contains('.'));

    // An unknown token (an earlier emulator run) is replaced by a fresh one.
    let fresh = parsed(&directives(&emulator, "&__clerk_db_jwt=dvb_stale", None).await);
    assert_ne!(value(&fresh, "__clerk_db_jwt"), "dvb_stale");
    emulator.shutdown().await;
}

#[tokio::test]
async fn handshake_switches_the_active_organization() {
    let emulator = Emulator::start().await.unwrap();
    let cookie = sign_in(&emulator, "user_admin").await;
    let personal = parsed(&directives(&emulator, "&organization_id=", Some(&cookie)).await);
    let claims = verify_token(value(&personal, "__session"), &options(&emulator))
        .await
        .unwrap();
    assert!(claims.organization().is_none());
    // Not a member: unchanged.
    let foreign = parsed(&directives(&emulator, "&organization_id=org_nope", Some(&cookie)).await);
    let claims = verify_token(value(&foreign, "__session"), &options(&emulator))
        .await
        .unwrap();
    assert!(claims.organization().is_none());
    let acme = parsed(&directives(&emulator, "&organization_id=acme", Some(&cookie)).await);
    let claims = verify_token(value(&acme, "__session"), &options(&emulator))
        .await
        .unwrap();
    assert_eq!(claims.organization().unwrap().id, "org_demo");
    emulator.shutdown().await;
}

#[tokio::test]
async fn handshake_refuses_bad_redirect_urls_and_formats() {
    let emulator = Emulator::start().await.unwrap();
    for (query, status, code) in [
        (
            "redirect_url=https%3A%2F%2Fevil.example%2F&format=nonce",
            400,
            "form_param_value_invalid",
        ),
        (
            "redirect_url=http%3A%2F%2F127.0.0.1%40evil.example%2F",
            400,
            "form_param_value_invalid",
        ),
        ("redirect_url=%2Frelative", 400, "form_param_value_invalid"),
        ("format=nonce", 422, "form_param_missing"),
        ("redirect_url=", 422, "form_param_missing"),
        (
            "redirect_url=http%3A%2F%2F127.0.0.1%3A3000%2F&format=cookie",
            422,
            "form_param_format_invalid",
        ),
    ] {
        let resp = http()
            .get(format!("{}/v1/client/handshake?{query}", emulator.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{query}");
        assert!(resp.headers().get(LOCATION).is_none());
        assert_clerk_errors(&body_json(resp).await, code);
    }
    // Other loopback hosts are fine.
    let resp = http()
        .get(format!(
            "{}/v1/client/handshake?redirect_url=http%3A%2F%2Flocalhost%3A8080%2F&format=nonce",
            emulator.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 307);
    assert!(
        resp.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("http://localhost:8080/?__clerk_handshake_nonce=nonce_")
    );
    emulator.shutdown().await;
}

/// `POST /v1/sessions/{sid}/refresh[?query]` with `body`.
async fn refresh(emulator: &Emulator, sid: &str, query: &str, body: &Value) -> reqwest::Response {
    http()
        .post(format!(
            "{}/v1/sessions/{sid}/refresh{query}",
            emulator.url()
        ))
        .bearer_auth(emulator.secret_key())
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn refresh_renews_a_token_with_the_refresh_token_and_refuses_others() {
    let emulator = Emulator::builder()
        .session_token_lifetime(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let sfx = emulator.cookie_suffix();
    let cookie = sign_in(&emulator, "user_member").await;
    let cookies = parsed(&directives(&emulator, "", Some(&cookie)).await);
    let expired = value(&cookies, "__session").to_owned();
    let refresh_token = value(&cookies, &format!("__refresh_{sfx}")).to_owned();
    let sid = verify_token(&expired, &options(&emulator))
        .await
        .unwrap()
        .session_id()
        .unwrap()
        .to_owned();
    // Let it expire (1 s lifetime; verification allows 5 s of skew, so check exp only).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let request = json!({
        "format": "cookie",
        "expired_token": expired,
        "refresh_token": refresh_token,
        "request_origin": APP,
        "request_headers": {"accept": ["text/html"], "user-agent": ["test"]},
    });

    // Suffixed: __client_uat, its suffixed twin, __session, its suffixed twin.
    let resp = refresh(&emulator, &sid, "?suffixed_cookies=true", &request).await;
    assert_eq!(resp.status(), 200);
    let body = body_json(resp).await;
    assert_eq!(body["object"], "cookies");
    let set: Vec<String> = serde_json::from_value(body["cookies"].clone()).unwrap();
    let set = parsed(&set);
    let uat = format!("__client_uat_{sfx}");
    let session = format!("__session_{sfx}");
    assert_eq!(
        names(&set),
        ["__client_uat", uat.as_str(), "__session", session.as_str()]
    );
    let fresh = value(&set, &session);
    assert_ne!(fresh, expired);
    let claims = verify_token(fresh, &options(&emulator)).await.unwrap();
    assert_eq!(claims.session_id(), Some(sid.as_str()));
    assert_eq!(claims.user_id(), "user_member");
    assert_eq!(claims.authorized_party(), Some(APP));
    assert_eq!(claims.expires_at() - claims.issued_at().unwrap(), 1);

    // Unsuffixed only without suffixed_cookies=true.
    let resp = refresh(&emulator, &sid, "", &request).await;
    let set: Vec<String> =
        serde_json::from_value(body_json(resp).await["cookies"].clone()).unwrap();
    assert_eq!(names(&parsed(&set)), ["__client_uat", "__session"]);

    // format=token (the spec's default): {"object": "token", "jwt"}.
    let mut as_token = request.clone();
    as_token["format"] = json!("token");
    let body = body_json(refresh(&emulator, &sid, "", &as_token).await).await;
    assert_eq!(body["object"], "token");
    assert!(body["jwt"].as_str().unwrap().contains('.'));
    as_token.as_object_mut().unwrap().remove("format");
    let body = body_json(refresh(&emulator, &sid, "", &as_token).await).await;
    assert_eq!(body["object"], "token");

    // A wrong refresh token.
    let mut bad = request.clone();
    bad["refresh_token"] = json!("rt_wrong");
    let resp = refresh(&emulator, &sid, "", &bad).await;
    assert_eq!(resp.status(), 401);
    assert_clerk_errors(&body_json(resp).await, "refresh_token_invalid");

    // An expired token of another session, a forged or garbage one.
    let other = emulator
        .instance()
        .token()
        .user_id("user_member")
        .session_id(Some("sess_other"))
        .sign();
    let forged = clerk_testing::TestInstance::new()
        .token()
        .user_id("user_member")
        .session_id(Some(&sid))
        .sign();
    for token in [other.as_str(), forged.as_str(), "garbage", "a.b.c"] {
        let mut bad = request.clone();
        bad["expired_token"] = json!(token);
        let resp = refresh(&emulator, &sid, "", &bad).await;
        assert_eq!(resp.status(), 401, "{token}");
        assert_clerk_errors(&body_json(resp).await, "expired_token_invalid");
    }

    // Missing fields, a bad format, a bad body.
    for field in ["expired_token", "refresh_token", "request_origin"] {
        let mut bad = request.clone();
        bad.as_object_mut().unwrap().remove(field);
        let resp = refresh(&emulator, &sid, "", &bad).await;
        assert_eq!(resp.status(), 400, "{field}");
        assert_clerk_errors(&body_json(resp).await, "form_param_missing");
    }
    let mut bad = request.clone();
    bad["format"] = json!("jwt");
    assert_eq!(refresh(&emulator, &sid, "", &bad).await.status(), 400);
    let resp = http()
        .post(format!("{}/v1/sessions/{sid}/refresh", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_clerk_errors(&body_json(resp).await, "request_body_invalid");

    // No secret key.
    let resp = http()
        .post(format!("{}/v1/sessions/{sid}/refresh", emulator.url()))
        .header(CONTENT_TYPE, "application/json")
        .body(request.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // Signed out: the session's refresh token no longer refreshes.
    http()
        .get(format!("{}/sign-out", emulator.url()))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let resp = refresh(&emulator, &sid, "", &request).await;
    assert_eq!(resp.status(), 401);
    assert_clerk_errors(&body_json(resp).await, "refresh_token_invalid");
    emulator.shutdown().await;
}

#[tokio::test]
async fn short_lived_tokens_expire_and_the_handshake_renews_them() {
    let emulator = Emulator::builder()
        .session_token_lifetime(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let cookie = sign_in(&emulator, "user_admin").await;
    let first = parsed(&directives(&emulator, "", Some(&cookie)).await);
    let jwt = value(&first, "__session").to_owned();
    let claims = verify_token(&jwt, &options(&emulator)).await.unwrap();
    assert_eq!(claims.expires_at() - claims.issued_at().unwrap(), 2);
    // Past exp and the default 5 s skew of verify_token.
    tokio::time::sleep(Duration::from_millis(7200)).await;
    let e = verify_token(&jwt, &options(&emulator)).await.unwrap_err();
    assert_eq!(e.reason().as_str(), "token-expired", "{e}");
    // The handshake (no sign-in page) hands out a fresh token for the same session.
    let again = parsed(&directives(&emulator, "", Some(&cookie)).await);
    let fresh = verify_token(value(&again, "__session"), &options(&emulator))
        .await
        .unwrap();
    assert_eq!(fresh.session_id(), claims.session_id());
    assert_eq!(value(&again, "__client_uat"), value(&first, "__client_uat"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn script_version_picks_the_stand_in() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(
        emulator.clerk_js_v5_url(),
        format!(
            "{}/npm/@clerk/clerk-js@5/dist/clerk.browser.js",
            emulator.url()
        )
    );
    assert_eq!(emulator.frontend_api_url(), emulator.url());
    let get = |version: &'static str| {
        let url = format!(
            "{}/npm/@clerk/clerk-js@{version}/dist/clerk.browser.js",
            emulator.url()
        );
        async move {
            let resp = http().get(url).header(ORIGIN, APP).send().await.unwrap();
            assert_eq!(resp.status(), 200);
            assert_eq!(resp.headers()["access-control-allow-origin"], APP);
            resp.text().await.unwrap()
        }
    };
    for version in ["5", "5.56.0", "6"] {
        let js = get(version).await;
        assert!(js.contains("stand-in for clerk-js 5"), "{version}");
        assert!(
            js.contains(&format!("var suffix = \"{}\";", emulator.cookie_suffix())),
            "{version}"
        );
        assert!(js.contains("var development = true;"));
        assert!(js.contains(&format!("var emulator = \"{}\";", emulator.url())));
        assert!(!js.contains("__EMULATOR_URL__") && !js.contains("__COOKIE_SUFFIX__"));
        assert!(!js.contains("location.reload"), "no interstitial dance");
    }
    for version in ["4", "4.73.2", "latest"] {
        let js = get(version).await;
        assert!(!js.contains("clerk-js 5"), "{version}");
        assert!(js.contains("interstitial"), "{version}");
    }
    emulator.shutdown().await;
}
