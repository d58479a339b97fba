//! The handshake-protocol cases of clerk-testing (`vectors/modern-auth/`, recorded from
//! `@clerk/backend` 3.25.0) replayed through `ClerkFairing`, as
//! `clerk_testing::handshake_replay` describes: one Rocket per case (the fairing with the case's
//! configuration, `GET` and `POST` catch-all routes answering the stored auth object), the
//! recorded request sent with Rocket's in-process asynchronous local client, and the answer
//! compared with the recording: HTTP status, the Location, the headers (Set-Cookie in order,
//! `x-clerk-auth-*` raw), the auth object, the Backend API calls. `has()` probes and the token
//! are compared by clerk-core's test only.
//!
//! Rocket keeps only the path and query of a request target, so the request is sent in origin
//! form (`RequestForm::OriginForm`): the recorded URL's authority as `host` and its `https` as
//! `x-forwarded-proto`, the headers a proxy in front of Rocket would send; the refresh call's
//! forwarded `request_headers` are compared without those two.

use clerk_rocket::clerk_core::integration::RequestAuth;
use clerk_rocket::{ClerkConfig, ClerkFairing};
use clerk_testing::handshake_replay::{
    self, Answer, Framework, REPLAYED, RequestForm, fixed_deviation,
};
use rocket::config::LogLevel;
use rocket::http::{Header, Method};
use rocket::local::asynchronous::Client;
use rocket::request::{FromRequest, Outcome};
use rocket::serde::json::Value;
use rocket::{Request, get, post, routes};

/// Rocket adds the handler JSON's `content-type`, `server` to every response, and its Shield's
/// headers when the build enables Shield (a `307` has no `content-type`: checked).
const ROCKET: Framework = Framework {
    form: RequestForm::OriginForm,
    own_response_headers: &[
        "content-type",
        "content-length",
        "server",
        "permissions-policy",
        "x-content-type-options",
        "x-frame-options",
    ],
};

/// The handler's answer: the auth object the fairing stored.
struct Stored(Value);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Stored {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        let stored: Option<&RequestAuth> = clerk_rocket::request_auth(request).await;
        Outcome::Success(Stored(handshake_replay::handler_body(stored)))
    }
}

#[get("/<_..>")]
fn any_get(stored: Stored) -> Value {
    stored.0
}

#[post("/<_..>")]
fn any_post(stored: Stored) -> Value {
    stored.0
}

async fn send(config: ClerkConfig, request: handshake_replay::Request) -> Answer {
    let mut rocket_config = rocket::Config::debug_default();
    rocket_config.log_level = LogLevel::Off;
    let rocket = rocket::custom(rocket_config)
        .attach(ClerkFairing::new(config))
        .mount("/", routes![any_get, any_post]);
    let client = Client::untracked(rocket).await.expect("a valid Rocket");
    let method: Method = request.method().as_str().parse().expect("method");
    let mut local = client.req(method, request.uri().to_string());
    for (name, value) in request.headers() {
        local = local.header(Header::new(
            name.as_str().to_owned(),
            value.to_str().expect("a text header").to_owned(),
        ));
    }
    let response = local.dispatch().await;
    let status = response.status().code;
    let headers = response
        .headers()
        .iter()
        .map(|h| (h.name().as_str().to_owned(), h.value().to_owned()))
        .collect();
    let body = response.into_bytes().await.unwrap_or_default();
    Answer {
        status,
        headers,
        body,
    }
}

#[rocket::async_test]
async fn handshake_cases_through_the_fairing() {
    match handshake_replay::replay(&ROCKET, send).await {
        Ok(replayed) => assert_eq!(replayed, REPLAYED),
        Err(failures) => panic!("{failures}"),
    }
}

async fn fixed(prefix: &str) {
    if let Err(problem) = fixed_deviation(prefix, &ROCKET, send).await {
        panic!("{problem}");
    }
}

/// §6.2 (fix): a development handshake JWT with a bad signature → the handler runs signed out.
#[rocket::async_test]
async fn n05_dev_handshake_bad_signature_is_signed_out() {
    fixed("N05-").await;
}

/// §4.2 R4 (fix): an unparsable `__clerk_redirect_url` skips the rule.
#[rocket::async_test]
async fn d08_unparsable_redirect_url_skips_the_rule() {
    fixed("D08-").await;
}

/// §9.2 (fix): a malformed `fea` in the header means no features.
#[rocket::async_test]
async fn h23_malformed_fea_in_the_header_means_no_features() {
    fixed("H23-").await;
}

/// §9.2 (fix): the same in the `__session` cookie.
#[rocket::async_test]
async fn c28_malformed_fea_in_the_cookie_means_no_features() {
    fixed("C28-").await;
}
