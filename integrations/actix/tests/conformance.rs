//! The auth-state vectors of clerk-testing (`vectors/auth-state-cases.json`, recorded from
//! @clerk/backend 0.31.3) replayed through `ClerkMiddleware` with actix-web's in-process test
//! service: the `x-clerk-auth-*` headers must carry the case's status, reason and message, the
//! answer must follow the outcome, and the handler must see the case's user.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, HttpResponse, HttpServer, web};
use clerk_actix::{ClerkMiddleware, ClerkUser};
use clerk_testing::conformance::{
    assert_no_failures, cases, config_for, header_problems, request_headers,
};
use serde_json::{Value, json};

/// The case's request as an actix-web test request.
fn request(case: &Value) -> TestRequest {
    let r = &case["request"];
    let method = r["method"].as_str().unwrap_or("GET");
    let mut req = TestRequest::default()
        .method(method.parse().expect("method"))
        .uri(r["url"].as_str().expect("url"));
    for (name, value) in request_headers(case) {
        req = req.append_header((name.as_str(), value));
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
        let config = config_for(case, &format!("{}/{id}", jwks.base));
        let app = init_service(
            App::new()
                .wrap(ClerkMiddleware::new(config))
                .default_service(web::to(handler)),
        )
        .await;
        let response = call_service(&app, request(case).to_request()).await;
        let expected = &case["expected"];
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let want_status = expected["status"].as_str().unwrap_or("");
        let mut problems = header_problems(case, header);

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
    assert_no_failures(&failures, cases.len());
}
