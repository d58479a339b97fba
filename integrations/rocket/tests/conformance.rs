//! The HTTP-level vectors of clerk-testing (`vectors/auth-state-cases.json`) replayed through
//! `ClerkFairing`
//! over a real socket: one Rocket per case (fresh config, the case's clock, its JWKS served from
//! 127.0.0.1); the `x-clerk-auth-*` headers, the HTTP status and the signed-in user must match.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clerk_core::integration::encode_uri_component;
use clerk_rocket::{ClerkConfig, ClerkFairing, ClerkUser};
use clerk_testing::conformance::{cases, config_for, request_headers};
use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::{get, routes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `body` with 200 to every request and counts them.
async fn jwks_server(body: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = counter.clone();
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, count)
}

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
        let body = if jwks.is_null() {
            r#"{"keys":[]}"#.to_owned()
        } else {
            jwks.to_string()
        };
        let (api_url, jwks_hits) = jwks_server(body).await;
        let port = launch(config_for(case, &api_url)).await;

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
        let mut problems = Vec::new();
        let status = expected["status"].as_str().unwrap_or_default();
        if header("x-clerk-auth-status").as_deref() != Some(status) {
            problems.push(format!(
                "status header {:?} != {status}",
                header("x-clerk-auth-status")
            ));
        }
        let reason = expected["reason"].as_str().filter(|r| !r.is_empty());
        if header("x-clerk-auth-reason").as_deref() != reason {
            problems.push(format!(
                "reason header {:?} != {reason:?}",
                header("x-clerk-auth-reason")
            ));
        }
        let message = expected["message"]
            .as_str()
            .filter(|m| !m.is_empty())
            .map(|m| encode_uri_component(m).into_owned());
        if expected["message_starts_with"].is_null() && header("x-clerk-auth-message") != message {
            problems.push(format!(
                "message header {:?} != {message:?}",
                header("x-clerk-auth-message")
            ));
        }
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
        if jwks_hits.load(Ordering::SeqCst) != want_hits {
            problems.push(format!(
                "{} JWKS requests, expected {want_hits}",
                jwks_hits.load(Ordering::SeqCst)
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
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
