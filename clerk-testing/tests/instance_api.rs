//! The emulator's Backend API beyond users, organizations and sessions, over real sockets:
//! invitations, allowlist and blocklist, redirect URLs, JWT templates, sign-in tokens, email
//! addresses and phone numbers, clients, user moderation, the public interstitial, and the
//! `paginated=true` pages Clerk's official SDKs request.

mod common;

use std::time::{Duration, Instant};

use clerk_core::ClerkClient;
use clerk_testing::Emulator;
use common::{assert_clerk_errors, body_json, http, sign_in_to};
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::{Value, json};

async fn setup() -> (Emulator, ClerkClient) {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator
        .config_builder()
        .build()
        .unwrap()
        .backend_api_client()
        .unwrap();
    (emulator, client)
}

/// A raw Backend API call: status and JSON body.
async fn bapi(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http()
        .request(method, format!("{}/v1{path}", emulator.url()))
        .bearer_auth(emulator.secret_key());
    if let Some(body) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, body_json(resp).await)
}

async fn get(emulator: &Emulator, path: &str) -> (u16, Value) {
    bapi(emulator, reqwest::Method::GET, path, None).await
}

/// The exact list requests `@clerk/backend` sends (`paginated=true`) get
/// `{"data", "total_count"}` with `limit`/`offset` applied; without it, the bare array.
#[tokio::test]
async fn official_sdk_list_requests_get_pages() {
    let (emulator, client) = setup().await;
    for url in [
        "https://a.example.com/cb",
        "https://b.example.com/cb",
        "myapp://cb",
    ] {
        client.redirect_urls().create(url).send().await.unwrap();
    }
    for user in ["user_admin", "user_member"] {
        sign_in_to(&emulator, user, "http://127.0.0.1:3000/").await;
    }
    for email in ["one@example.org", "two@example.org"] {
        client.invitations().create(email).send().await.unwrap();
    }
    client
        .allowlist_identifiers()
        .create("*@example.org")
        .send()
        .await
        .unwrap();

    let (status, page) = get(&emulator, "/redirect_urls?paginated=true&limit=2&offset=1").await;
    assert_eq!(status, 200);
    assert_eq!(page["total_count"], 3, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        page["data"][0]["url"], "https://b.example.com/cb",
        "newest first"
    );
    let (_, bare) = get(&emulator, "/redirect_urls").await;
    assert_eq!(bare.as_array().unwrap().len(), 3, "{bare}");
    let (_, bare) = get(&emulator, "/redirect_urls?paginated=false").await;
    assert!(bare.is_array());

    for (path, total) in [
        ("/sessions?user_id=user_admin&paginated=true", 1),
        ("/clients?paginated=true", 2),
        ("/invitations?paginated=true&status=pending", 2),
        ("/allowlist_identifiers?paginated=true", 1),
        ("/jwt_templates?paginated=true", 1),
        (
            "/users/user_admin/oauth_access_tokens/oauth_google?paginated=true",
            0,
        ),
    ] {
        let (status, page) = get(&emulator, path).await;
        assert_eq!(status, 200, "{path}: {page}");
        assert_eq!(page["total_count"], total, "{path}: {page}");
        assert_eq!(page["data"].as_array().unwrap().len(), total, "{path}");
    }
    // Always a page where the spec says so.
    let (_, blocklist) = get(&emulator, "/blocklist_identifiers").await;
    assert_eq!(blocklist, json!({"data": [], "total_count": 0}));

    let (status, body) = get(&emulator, "/sessions?paginated=yes").await;
    assert_eq!(status, 422);
    assert_clerk_errors(&body, "form_param_format_invalid");
    let (status, _) = get(&emulator, "/clients?paginated=true&limit=0").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn allowlist_blocklist_redirect_urls_and_jwt_templates() {
    let (emulator, client) = setup().await;
    let allowed = client
        .allowlist_identifiers()
        .create("+15555550100")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.identifier, "+15555550100");
    let (_, raw) = get(&emulator, "/allowlist_identifiers").await;
    assert_eq!(raw[0]["identifier_type"], "phone_number");
    assert_eq!(raw[0]["object"], "allowlist_identifier");
    let (status, body) = bapi(
        &emulator,
        reqwest::Method::POST,
        "/allowlist_identifiers",
        Some(json!({"identifier": "+15555550100"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_clerk_errors(&body, "duplicate_record");
    let deleted = client
        .allowlist_identifiers()
        .delete(&allowed.id)
        .send()
        .await
        .unwrap();
    assert!(deleted.deleted);
    let e = client
        .allowlist_identifiers()
        .delete(&allowed.id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));

    let blocked = client
        .blocklist_identifiers()
        .create("spam.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .blocklist_identifiers()
            .list()
            .send()
            .await
            .unwrap()
            .total_count,
        Some(1)
    );
    client
        .blocklist_identifiers()
        .delete(&blocked.id)
        .send()
        .await
        .unwrap();
    for bad in [
        json!({}),
        json!({"identifier": "no way"}),
        json!({"identifier": 5}),
    ] {
        let (status, body) = bapi(
            &emulator,
            reqwest::Method::POST,
            "/blocklist_identifiers",
            Some(bad),
        )
        .await;
        assert_eq!(status, 422, "{body}");
    }

    let r = client
        .redirect_urls()
        .create("https://app.example.com/cb")
        .send()
        .await
        .unwrap();
    assert_eq!(
        client.redirect_urls().get(&r.id).send().await.unwrap().url,
        r.url
    );
    let e = client
        .redirect_urls()
        .create("/relative")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(422));
    client.redirect_urls().delete(&r.id).send().await.unwrap();
    let e = client.redirect_urls().get(&r.id).send().await.unwrap_err();
    assert_eq!(e.status(), Some(404));

    let templates = client.jwt_templates().list().send().await.unwrap();
    assert_eq!(templates.data.len(), 1);
    let demo = client
        .jwt_templates()
        .get("jtmp_demo")
        .send()
        .await
        .unwrap();
    assert_eq!((demo.name.as_str(), demo.lifetime), ("demo", 60));

    // A token from the template carries its claims and lifetime; an unknown template is a 404.
    let (_, session) = bapi(
        &emulator,
        reqwest::Method::POST,
        "/sessions",
        Some(json!({"user_id": "user_admin"})),
    )
    .await;
    let sid = session["id"].as_str().unwrap();
    let token = client
        .sessions()
        .create_token_from_template(sid, "demo")
        .send()
        .await
        .unwrap();
    let jwt = clerk_core::decode_jwt(&token.jwt).unwrap();
    let claims = jwt.payload();
    assert_eq!(claims.get("aud"), Some(&json!("emulator")));
    let (exp, iat) = (
        claims["exp"].as_i64().unwrap(),
        claims["iat"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 60);
    let e = client
        .sessions()
        .create_token_from_template(sid, "nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
}

/// Webhook deliveries of an emulator whose endpoint is down (the records are kept).
async fn event_types(emulator: &Emulator, at_least: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let all = emulator.webhook_deliveries();
        if all.len() >= at_least {
            return all.into_iter().map(|d| d.event_type).collect();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{all:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn invitations_moderation_and_identifications_emit_events() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = Emulator::builder()
        .webhook(format!("http://127.0.0.1:{port}/webhooks/clerk"))
        .webhook_retry_delays([Duration::from_millis(10); 3])
        .start()
        .await
        .unwrap();
    let client = emulator
        .config_builder()
        .build()
        .unwrap()
        .backend_api_client()
        .unwrap();

    // Organization invitations.
    let inv = client
        .organization_invitations()
        .create("org_demo", "new@example.com", "org:member")
        .inviter_user_id("user_admin")
        .send()
        .await
        .unwrap();
    assert_eq!(inv.email_address, "new@example.com");
    let e = client
        .organization_invitations()
        .create("org_demo", "max@example.com", "org:member")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400), "max is already a member");
    let page = client
        .organization_invitations()
        .list("org_demo")
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(1));
    client
        .organization_invitations()
        .revoke("org_demo", &inv.id)
        .send()
        .await
        .unwrap();
    let (_, revoked) = get(
        &emulator,
        "/organizations/org_demo/invitations?status=revoked",
    )
    .await;
    assert_eq!(revoked["total_count"], 1, "{revoked}");
    assert_eq!(
        revoked["data"][0]["public_inviter_data"]["user_id"],
        "user_admin"
    );

    // Ban revokes the user's sessions; banned users cannot sign in.
    sign_in_to(&emulator, "user_member", "http://127.0.0.1:3000/").await;
    let banned = client.users().ban("user_member").send().await.unwrap();
    assert!(banned.banned);
    let (_, sessions) = get(&emulator, "/sessions?user_id=user_member").await;
    assert_eq!(sessions[0]["status"], "revoked", "{sessions}");
    let resp = http()
        .post(format!("{}/sign-in", emulator.url()))
        .header(reqwest::header::ORIGIN, emulator.url())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body("user_id=user_member")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(
        !client
            .users()
            .unban("user_member")
            .send()
            .await
            .unwrap()
            .banned
    );

    // An email address added, made primary, and the old primary then deleted.
    let email = client
        .email_addresses()
        .create("user_solo", "sam@work.example.com")
        .send()
        .await
        .unwrap();
    let id = email.id.clone().unwrap();
    assert!(!email.is_verified(), "unverified unless told otherwise");
    let e = client
        .email_addresses()
        .delete("idn_sam")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.status(),
        Some(400),
        "the primary cannot go while another exists"
    );
    client
        .email_addresses()
        .update(&id)
        .verified(true)
        .primary(true)
        .send()
        .await
        .unwrap();
    client
        .email_addresses()
        .delete("idn_sam")
        .send()
        .await
        .unwrap();
    let sam = client.users().get("user_solo").send().await.unwrap();
    assert_eq!(
        sam.primary_email_address().unwrap().email_address,
        "sam@work.example.com"
    );

    let types = event_types(&emulator, 9).await;
    let expected = [
        "organizationInvitation.created",
        "organizationInvitation.revoked",
        "session.created",
        "session.revoked",
        "user.updated", // ban
        "user.updated", // unban
        "user.updated", // email created
        "user.updated", // email updated
        "user.updated", // email deleted
    ];
    let mut rest = types.iter();
    for t in expected {
        assert!(
            rest.any(|x| x == t),
            "{t} missing or out of order in {types:?}"
        );
    }
}

#[tokio::test]
async fn sign_in_tokens_sign_in_once() {
    let (emulator, client) = setup().await;
    let token = client
        .sign_in_tokens()
        .create("user_solo")
        .expires_in_seconds(300)
        .send()
        .await
        .unwrap();
    let url = token.url.clone().unwrap();
    assert!(
        url.starts_with(&format!("{}/sign-in?__clerk_ticket=", emulator.url())),
        "{url}"
    );
    let resp = http().get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()[LOCATION], "/");
    assert!(resp.headers().contains_key(SET_COOKIE));
    let (_, sessions) = get(&emulator, "/sessions?user_id=user_solo&status=active").await;
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    // Used: refused, and no longer revocable.
    assert_eq!(http().get(&url).send().await.unwrap().status(), 400);
    let e = client
        .sign_in_tokens()
        .revoke(&token.id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));

    let revoked = client
        .sign_in_tokens()
        .create("user_solo")
        .send()
        .await
        .unwrap();
    let url = revoked.url.clone().unwrap();
    client
        .sign_in_tokens()
        .revoke(&revoked.id)
        .send()
        .await
        .unwrap();
    assert_eq!(http().get(&url).send().await.unwrap().status(), 400);
    let (status, _) = bapi(
        &emulator,
        reqwest::Method::POST,
        "/sign_in_tokens",
        Some(json!({"user_id": "user_solo", "expires_in_seconds": -1})),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn user_checks_clients_and_the_public_interstitial() {
    let (emulator, client) = setup().await;
    let users = client.users();
    let e = users
        .verify_password("user_admin", "anything")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(422), "demo users have no password");
    users
        .update("user_admin")
        .password("a long enough password")
        .send()
        .await
        .unwrap();
    assert!(
        users
            .verify_password("user_admin", "a long enough password")
            .send()
            .await
            .unwrap()
            .verified
    );
    let e = users
        .verify_password("user_admin", "wrong")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(422));
    let e = users
        .verify_totp("user_admin", "123456")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert!(users.lock("user_admin").send().await.unwrap().locked);
    assert!(!users.unlock("user_admin").send().await.unwrap().locked);
    let (status, body) = bapi(
        &emulator,
        reqwest::Method::DELETE,
        "/users/user_admin/mfa",
        None,
    )
    .await;
    assert_eq!((status, body), (200, json!({"user_id": "user_admin"})));
    let (status, _) = get(&emulator, "/users/user_admin/oauth_access_tokens/github").await;
    assert_eq!(status, 422);
    let (status, _) = get(
        &emulator,
        "/users/user_nobody/oauth_access_tokens/oauth_github",
    )
    .await;
    assert_eq!(status, 404);

    let (cookie, _) = sign_in_to(&emulator, "user_admin", "http://127.0.0.1:3000/").await;
    let client_id = cookie.split_once('=').unwrap().1.to_owned();
    let c = client.clients().get(&client_id).send().await.unwrap();
    assert_eq!(c.session_ids.len(), 1);
    assert_eq!(
        client.clients().verify(&client_id).send().await.unwrap().id,
        client_id
    );
    let e = client
        .clients()
        .verify("client_nothing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));

    // Public: no secret key.
    let resp = http()
        .get(format!(
            "{}/v1/public/interstitial?publishable_key={}",
            emulator.url(),
            emulator.publishable_key()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("clerk.browser.js"));
    let resp = http()
        .get(format!("{}/v1/public/interstitial", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    // Bad bodies are 4xx, never a panic.
    for (method, path, body) in [
        (reqwest::Method::POST, "/invitations", "not json"),
        (
            reqwest::Method::POST,
            "/invitations",
            r#"{"email_address": 7}"#,
        ),
        (
            reqwest::Method::POST,
            "/email_addresses",
            r#"{"user_id": "user_admin"}"#,
        ),
        (
            reqwest::Method::PATCH,
            "/phone_numbers/idn_x",
            r#"{"verified": "yes"}"#,
        ),
        (
            reqwest::Method::POST,
            "/organizations/org_demo/invitations",
            r#"{"email_address": "a@b.co", "role": "admin"}"#,
        ),
        (reqwest::Method::POST, "/redirect_urls", "[]"),
    ] {
        let resp = http()
            .request(method, format!("{}/v1{path}", emulator.url()))
            .bearer_auth(emulator.secret_key())
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        assert!((400..500).contains(&status), "{path} {body}: {status}");
        let body = body_json(resp).await;
        assert!(body["errors"][0]["code"].is_string(), "{body}");
    }
}
