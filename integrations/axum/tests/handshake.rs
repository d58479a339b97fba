//! The handshake-protocol cases of clerk-testing (`vectors/modern-auth/`, recorded from
//! `@clerk/backend` 3.25.0) replayed through `ClerkLayer`, as
//! `clerk_testing::handshake_replay` describes: one application per case (the layer with the
//! case's configuration, a catch-all handler answering the stored auth object), the recorded
//! request sent in process with `tower::ServiceExt::oneshot` (absolute URI, headers, one cookie
//! header, exactly as recorded), and the answer compared with the recording: HTTP status, the
//! Location, the headers (Set-Cookie in order, `x-clerk-auth-*` raw), the auth object, the
//! Backend API calls. `has()` probes and the token are compared by clerk-core's test only.

use axum::Router;
use axum::body::Body;
use axum::extract::{Json, Request};
use clerk_axum::clerk_core::integration::RequestAuth;
use clerk_axum::{ClerkConfig, ClerkLayer};
use clerk_testing::handshake_replay::{
    self, Answer, Framework, REPLAYED, RequestForm, fixed_deviation,
};
use serde_json::Value;
use tower::ServiceExt;

/// axum adds the handler JSON's `content-type` (a `307` has none: checked).
const AXUM: Framework = Framework {
    form: RequestForm::AbsoluteUri,
    own_response_headers: &["content-type", "content-length"],
};

/// Any method, any path: the auth object the layer stored.
async fn handler(request: Request) -> Json<Value> {
    Json(handshake_replay::handler_body(
        request.extensions().get::<RequestAuth>(),
    ))
}

async fn send(config: ClerkConfig, request: handshake_replay::Request) -> Answer {
    let app = Router::new()
        .fallback(handler)
        .layer(ClerkLayer::new(config));
    let response = app
        .oneshot(request.map(|()| Body::empty()))
        .await
        .expect("infallible");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().expect("a text header").to_owned(),
            )
        })
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn handshake_cases_through_the_layer() {
    match handshake_replay::replay(&AXUM, send).await {
        Ok(replayed) => assert_eq!(replayed, REPLAYED),
        Err(failures) => panic!("{failures}"),
    }
}

async fn fixed(prefix: &str) {
    if let Err(problem) = fixed_deviation(prefix, &AXUM, send).await {
        panic!("{problem}");
    }
}

/// §6.2 (fix): a development handshake JWT with a bad signature → the handler runs signed out.
#[tokio::test]
async fn n05_dev_handshake_bad_signature_is_signed_out() {
    fixed("N05-").await;
}

/// §4.2 R4 (fix): an unparsable `__clerk_redirect_url` skips the rule.
#[tokio::test]
async fn d08_unparsable_redirect_url_skips_the_rule() {
    fixed("D08-").await;
}

/// §9.2 (fix): a malformed `fea` in the header means no features.
#[tokio::test]
async fn h23_malformed_fea_in_the_header_means_no_features() {
    fixed("H23-").await;
}

/// §9.2 (fix): the same in the `__session` cookie.
#[tokio::test]
async fn c28_malformed_fea_in_the_cookie_means_no_features() {
    fixed("C28-").await;
}
