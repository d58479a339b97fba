//! The HTTP-level vectors of clerk-testing (`vectors/auth-state-cases.json`) replayed through
//! `ClerkFairing`
//! over a real socket: one Rocket per case (fresh config, the case's clock, its JWKS served from
//! 127.0.0.1); the `x-clerk-auth-*` headers, the HTTP status and the signed-in user must match.

use std::net::Ipv4Addr;

use clerk_rocket::{ClerkConfig, ClerkFairing, ClerkUser};
use clerk_testing::conformance::{
    assert_no_failures, cases, config_for, header_problems, request_headers,
};
use clerk_testing::scenarios::{JwksReply, JwksStandIn};
use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::{get, routes};

#[get("/<_..>")]
fn any(user: Option<ClerkUser>) -> String {
    user.map(|u| u.user_id().to_owned()).unwrap_or_default()
}

async fn launch(config: ClerkConfig) -> u16 {
    let mut rocket_config = rocket::Config::debug_default();
    rocket_config.address = Ipv4Addr::LOCALHOST.into();
    rocket_config.port = 0;
    rocket_config.log_level = LogLevel::Off;
    rocket_config.shutdown.ctrlc = false;
    #[cfg(unix)]
    rocket_config.shutdown.signals.clear();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = rocket::custom(rocket_config)
        .attach(ClerkFairing::new(config))
        .mount("/", routes![any])
        .attach(AdHoc::on_liftoff("port", move |r| {
            Box::pin(async move {
                let _ = tx.send(r.config().port);
            })
        }));
    tokio::spawn(rocket.launch());
    rx.await.expect("rocket launched")
}

/// `scheme://authority/path?query` → (authority, path and query).
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_state_cases_through_the_fairing() {
    let all = cases();
    let cases = all["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 47);
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let jwks = &case["jwks"];
        let keys = if jwks.is_null() {
            serde_json::json!({ "keys": [] })
        } else {
            jwks.clone()
        };
        let stand_in = JwksStandIn::start(JwksReply::Keys(keys)).await;
        let port = launch(config_for(case, stand_in.url())).await;

        let request = &case["request"];
        let (authority, path) = split_url(request["url"].as_str().expect("url"));
        let mut builder = client.get(format!("http://127.0.0.1:{port}{path}"));
        let headers = request_headers(case);
        if !headers.iter().any(|(name, _)| name == "host") {
            // What a client sends for the case's absolute URL.
            builder = builder.header("host", authority);
        }
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let res = builder.send().await.expect("request");

        let expected = &case["expected"];
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mut problems = header_problems(case, header);
        let status = expected["status"].as_str().unwrap_or_default();
        let code = res.status().as_u16();
        let code_ok = match status {
            // Signed out goes on to the handler, a key-loading failure included.
            "signed-in" | "signed-out" => code == 200,
            _ => code == 401,
        };
        if !code_ok {
            problems.push(format!("HTTP {code} for {status}"));
        }
        let want_hits = usize::from(!jwks.is_null());
        if stand_in.hits() != want_hits {
            problems.push(format!(
                "{} JWKS requests, expected {want_hits}",
                stand_in.hits()
            ));
        }
        let text = res.text().await.unwrap_or_default();
        if status == "signed-in" && Some(text.as_str()) != expected["auth"]["user_id"].as_str() {
            problems.push(format!("handler saw user {text:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{id}: {}", problems.join("; ")));
        }
    }
    assert_no_failures(&failures, cases.len());
}
