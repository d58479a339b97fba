//! The HTTP-level auth-state vectors of clerk-testing (`vectors/auth-state-cases.json`) replayed
//! through
//! `ClerkLayer` (in process, `tower::ServiceExt::oneshot`, so that each case's request reaches
//! the layer exactly as recorded): the `x-clerk-auth-*` headers must carry the recorded status,
//! reason and message, and the HTTP status must follow the outcome rules.

use axum::Router;
use axum::body::Body;
use axum::extract::Json;
use axum::http::StatusCode;
use axum::routing::get;
use clerk_axum::ClerkLayer;
use clerk_testing::conformance::{
    assert_no_failures, cases, config_for, header_problems, request_for,
};
use serde_json::Value;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `jwks` at `GET /v1/jwks` on 127.0.0.1 and returns the base URL.
async fn jwks_server(jwks: Value) -> String {
    let app = Router::new().route("/v1/jwks", get(move || async move { Json(jwks) }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn auth_state_cases_through_the_layer() {
    let all = cases();
    let cases = all["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 47);
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let jwks = match &case["jwks"] {
            Value::Null => serde_json::json!({ "keys": [] }),
            jwks => jwks.clone(),
        };
        let api_url = jwks_server(jwks).await;
        let config = config_for(case, &api_url);
        let app = Router::new()
            .fallback(|| async { "handler" })
            .layer(ClerkLayer::new(config));
        let response = app
            .oneshot(request_for(case).map(|()| Body::empty()))
            .await
            .unwrap();
        let expected = &case["expected"];

        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let mut problems = header_problems(case, header);
        let status = expected["status"].as_str().unwrap();
        let http_status = response.status();
        let status_ok = match status {
            // Signed out goes on to the handler, a key-loading failure included.
            "signed-in" | "signed-out" => http_status == StatusCode::OK,
            _ => http_status == StatusCode::UNAUTHORIZED,
        };
        if !status_ok {
            problems.push(format!("HTTP {http_status} for {status}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{id}: {}", problems.join("; ")));
        }
    }
    assert_no_failures(&failures, cases.len());
}
