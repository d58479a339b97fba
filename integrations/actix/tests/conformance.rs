//! The auth-state vectors of ../shared/spec/auth-state-cases.json (recorded from
//! @clerk/backend 0.31.3) replayed through `ClerkMiddleware` with actix-web's in-process test
//! service: the `x-clerk-auth-*` headers must carry the case's status, reason and message, the
//! answer must follow the outcome, and the handler must see the case's user.
//!
//! The file is read from `CLERK_AUTH_STATE_CASES` or else from `shared/spec/auth-state-cases.json`
//! beside the repository; a missing file fails the test.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, HttpResponse, HttpServer, web};
use clerk_actix::clerk_core::{FixedClock, encode_uri_component};
use clerk_actix::{ClerkConfig, ClerkMiddleware, ClerkUser};
use serde_json::{Value, json};

fn cases() -> Value {
    let path = std::env::var_os("CLERK_AUTH_STATE_CASES").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/spec/auth-state-cases.json")
        },
        PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "conformance vectors not found at {} ({e}); set CLERK_AUTH_STATE_CASES to the path of auth-state-cases.json",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("auth-state-cases.json is JSON")
}

/// The case options as a configuration (spec §0.1), with a fixed clock.
fn config(options: &Value, api_url: &str, now: i64) -> ClerkConfig {
    let s = |k: &str| options[k].as_str().map(str::to_owned);
    let mut b = ClerkConfig::builder()
        .api_url(api_url)
        .clock(Arc::new(FixedClock::from_unix_seconds(now)));
    if let Some(v) = s("secret_key") {
        b = b.secret_key(v);
    }
    if let Some(v) = s("frontend_api") {
        b = b.frontend_api(v);
    }
    if let Some(v) = s("publishable_key") {
        b = b.publishable_key(v);
    }
    if let Some(v) = s("domain") {
        b = b.domain(v);
    }
    if let Some(v) = s("proxy_url") {
        b = b.proxy_url(v);
    }
    if let Some(v) = s("sign_in_url") {
        b = b.sign_in_url(v);
    }
    if let Some(v) = s("jwt_key") {
        b = b.jwt_key(v);
    }
    if let Some(v) = options["is_satellite"].as_bool() {
        b = b.is_satellite(v);
    }
    if let Some(list) = options["authorized_parties"].as_array() {
        b = b.authorized_parties(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(list) = options["audience"].as_array() {
        b = b.audience(list.iter().filter_map(Value::as_str).map(str::to_owned));
    } else if let Some(a) = s("audience") {
        b = b.audience([a]);
    }
    if let Some(ms) = options["clock_skew_ms"].as_u64() {
        b = b.clock_skew(Duration::from_millis(ms));
    }
    b.build().expect("case options are a valid configuration")
}

fn request(r: &Value) -> TestRequest {
    let method = r["method"].as_str().unwrap_or("GET");
    let mut req = TestRequest::default()
        .method(method.parse().expect("method"))
        .uri(r["url"].as_str().expect("url"));
    if let Some(headers) = r["headers"].as_object() {
        for (name, value) in headers {
            req = req.append_header((name.as_str(), value.as_str().expect("header value")));
        }
    }
    if let Some(cookies) = r["cookies"].as_object().filter(|c| !c.is_empty()) {
        let line = cookies
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().expect("cookie value")))
            .collect::<Vec<_>>()
            .join("; ");
        req = req.append_header(("cookie", line));
    }
    req
}

/// Any path: the user the handler sees.
async fn handler(user: Option<ClerkUser>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user_id": user.as_ref().map(|u| u.user_id()) }))
}

/// One JWKS server for every case: `GET /{case}/v1/jwks` answers that case's JWKS and counts.
struct Jwks {
    base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    handle: actix_web::dev::ServerHandle,
}

fn start_jwks(bodies: HashMap<String, String>) -> Jwks {
    let hits = Arc::new(Mutex::new(HashMap::new()));
    let bodies = Arc::new(bodies);
    let counter = Arc::clone(&hits);
    let total = Arc::new(AtomicUsize::new(0));
    let server = HttpServer::new(move || {
        let bodies = Arc::clone(&bodies);
        let counter = Arc::clone(&counter);
        let total = Arc::clone(&total);
        App::new().route(
            "/{case}/v1/jwks",
            web::get().to(move |case: web::Path<String>| {
                let case = case.into_inner();
                total.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut hits) = counter.lock() {
                    *hits.entry(case.clone()).or_insert(0) += 1;
                }
                let body = bodies
                    .get(&case)
                    .cloned()
                    .unwrap_or_else(|| r#"{"keys":[]}"#.to_owned());
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let base = format!("http://{}", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Jwks { base, hits, handle }
}

#[actix_web::test]
async fn auth_state_cases_through_the_middleware() {
    let all = cases();
    let cases = all["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 47);
    let bodies = cases
        .iter()
        .filter(|c| !c["jwks"].is_null())
        .map(|c| {
            (
                c["id"].as_str().unwrap_or("").to_owned(),
                c["jwks"].to_string(),
            )
        })
        .collect();
    let jwks = start_jwks(bodies);

    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let now = case["now"].as_i64().expect("now");
        let config = config(&case["options"], &format!("{}/{id}", jwks.base), now);
        let app = init_service(
            App::new()
                .wrap(ClerkMiddleware::new(config))
                .default_service(web::to(handler)),
        )
        .await;
        let response = call_service(&app, request(&case["request"]).to_request()).await;
        let expected = &case["expected"];
        let mut problems = Vec::new();

        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let want_status = expected["status"].as_str().unwrap_or("");
        let encoded = |v: &Value| {
            v.as_str()
                .filter(|s| !s.is_empty())
                .map(|s| encode_uri_component(s).into_owned())
        };
        let checks = [
            ("x-clerk-auth-status", Some(want_status.to_owned())),
            ("x-clerk-auth-reason", encoded(&expected["reason"])),
            ("x-clerk-auth-message", encoded(&expected["message"])),
        ];
        for (name, want) in checks {
            let got = header(name);
            if got != want {
                problems.push(format!("{name} {got:?} != {want:?}"));
            }
        }

        let code = response.status().as_u16();
        let content_type = header("content-type").unwrap_or_default();
        let body = read_body(response).await;
        match want_status {
            "signed-in" | "signed-out" if code == 200 => {
                let seen: Value = serde_json::from_slice(&body).unwrap_or_default();
                if seen["user_id"] != expected["auth"]["user_id"] {
                    problems.push(format!(
                        "handler saw user {} != {}",
                        seen["user_id"], expected["auth"]["user_id"]
                    ));
                }
            }
            // Keys that could not be loaded: the handler does not run.
            "signed-out" if code == 503 => {
                if !expected["reason"].as_str().unwrap_or("").starts_with("jwk") {
                    problems.push(format!("503 for reason {}", expected["reason"]));
                }
            }
            "interstitial" | "unknown" if code == 401 => {
                let html = content_type.starts_with("text/html");
                if want_status == "unknown" && html {
                    problems.push("HTML for an unknown state".to_owned());
                }
                if !html {
                    let got: Value = serde_json::from_slice(&body).unwrap_or_default();
                    let want = json!({"status": want_status, "reason": expected["reason"]});
                    if got != want {
                        problems.push(format!("401 body {got} != {want}"));
                    }
                }
            }
            _ => problems.push(format!("HTTP {code} for {want_status}")),
        }

        let hits = jwks
            .hits
            .lock()
            .map(|h| h.get(id).copied().unwrap_or(0))
            .unwrap_or(0);
        let want_hits = usize::from(!case["jwks"].is_null());
        if hits != want_hits {
            problems.push(format!("{hits} JWKS requests, expected {want_hits}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{id}: {}", problems.join("; ")));
        }
    }
    jwks.handle.stop(false).await;
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
