//! The handshake-protocol cases of clerk-testing (`vectors/modern-auth/`, recorded from
//! `@clerk/backend` 3.25.0) replayed through `ClerkMiddleware`, as
//! `clerk_testing::handshake_replay` describes: one application per case (the middleware with
//! the case's configuration, a default service answering the stored auth object), the recorded
//! request sent with actix-web's in-process test service (absolute URI, headers, one cookie
//! header, exactly as recorded), and the answer compared with the recording: HTTP status, the
//! Location, the headers (Set-Cookie in order, `x-clerk-auth-*` raw), the auth object, the
//! Backend API calls. `has()` probes and the token are compared by clerk-core's test only.

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, web};
use clerk_actix::clerk_core::integration::RequestAuth;
use clerk_actix::{ClerkConfig, ClerkMiddleware};
use clerk_testing::handshake_replay::{
    self, Answer, Framework, REPLAYED, RequestForm, fixed_deviation,
};

/// actix-web adds the handler JSON's `content-type` (a `307` has none: checked).
const ACTIX: Framework = Framework {
    form: RequestForm::AbsoluteUri,
    own_response_headers: &["content-type", "content-length"],
};

/// Any method, any path: the auth object the middleware stored.
async fn handler(request: HttpRequest) -> HttpResponse {
    let body = handshake_replay::handler_body(request.extensions().get::<RequestAuth>());
    HttpResponse::Ok().json(body)
}

async fn send(config: ClerkConfig, request: handshake_replay::Request) -> Answer {
    let app = init_service(
        App::new()
            .wrap(ClerkMiddleware::new(config))
            .default_service(web::to(handler)),
    )
    .await;
    let mut test = TestRequest::default()
        .method(request.method().as_str().parse().expect("method"))
        .uri(&request.uri().to_string());
    for (name, value) in request.headers() {
        test = test.append_header((name.as_str(), value.to_str().expect("a text header")));
    }
    let response = call_service(&app, test.to_request()).await;
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
    let body = read_body(response).await.to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

#[actix_web::test]
async fn handshake_cases_through_the_middleware() {
    match handshake_replay::replay(&ACTIX, send).await {
        Ok(replayed) => assert_eq!(replayed, REPLAYED),
        Err(failures) => panic!("{failures}"),
    }
}

async fn fixed(prefix: &str) {
    if let Err(problem) = fixed_deviation(prefix, &ACTIX, send).await {
        panic!("{problem}");
    }
}

/// §6.2 (fix): a development handshake JWT with a bad signature → the handler runs signed out.
#[actix_web::test]
async fn n05_dev_handshake_bad_signature_is_signed_out() {
    fixed("N05-").await;
}

/// §4.2 R4 (fix): an unparsable `__clerk_redirect_url` skips the rule.
#[actix_web::test]
async fn d08_unparsable_redirect_url_skips_the_rule() {
    fixed("D08-").await;
}

/// §9.2 (fix): a malformed `fea` in the header means no features.
#[actix_web::test]
async fn h23_malformed_fea_in_the_header_means_no_features() {
    fixed("H23-").await;
}

/// §9.2 (fix): the same in the `__session` cookie.
#[actix_web::test]
async fn c28_malformed_fea_in_the_cookie_means_no_features() {
    fixed("C28-").await;
}
