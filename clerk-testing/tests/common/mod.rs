//! What the emulator's socket tests share: a client that does not follow redirects, JSON bodies,
//! Clerk's error shape, and a sign-in through the emulator's form.

#![allow(dead_code)] // each test file uses its part

use clerk_testing::Emulator;
use reqwest::header::{CONTENT_TYPE, LOCATION, ORIGIN, SET_COOKIE};
use serde_json::Value;

/// A client that does not follow redirects.
pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) async fn body_json(resp: reqwest::Response) -> Value {
    serde_json::from_str(&resp.text().await.unwrap()).unwrap()
}

/// `body` is Clerk's error shape with `code` first.
pub(crate) fn assert_clerk_errors(body: &Value, code: &str) {
    let e = &body["errors"][0];
    assert_eq!(e["code"], code, "{body}");
    assert!(
        e["message"].is_string() && e["long_message"].is_string(),
        "{body}"
    );
    assert!(e["meta"].is_object(), "{body}");
    assert!(body["clerk_trace_id"].is_string(), "{body}");
}

/// Signs `user_id` in through the sign-in form, back to `return_to`; returns the emulator
/// cookie (`name=value`) and the `Location` of the `303`.
pub(crate) async fn sign_in_to(
    emulator: &Emulator,
    user_id: &str,
    return_to: &str,
) -> (String, String) {
    let encoded: String = url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
    let resp = http()
        .post(format!("{}/sign-in", emulator.url()))
        .header(ORIGIN, emulator.url())
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("user_id={user_id}&redirect_url={encoded}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let location = resp.headers()[LOCATION].to_str().unwrap().to_owned();
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    (cookie.split(';').next().unwrap().to_owned(), location)
}
