//! Each rule of `get_auth_state` (docs/auth-rules.md §3), the quirks we keep and the ones we fix,
//! and the HTTP mapping, with a local key (no network) on a fixed clock.

mod common;

use std::sync::Arc;

use clerk_core::integration::{AuthOutcome, RequestAuth};
use clerk_core::{
    AuthProtocol, AuthReason as R, AuthStatus as S, ClerkConfig, ClerkConfigBuilder, FixedClock,
    TokenVerificationErrorReason as T, get_auth_state,
};
use common::*;
use serde_json::json;

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64)";

/// These are the interstitial protocol's rules (the handshake protocol's are replayed by
/// `conformance_handshake.rs`).
fn builder(secret: &str) -> ClerkConfigBuilder {
    ClerkConfig::builder()
        .protocol(AuthProtocol::Interstitial)
        .secret_key(secret)
        .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
        .jwt_key(CLERK_PUBLIC_PEM)
        .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
}

fn dev() -> ClerkConfig {
    builder("sk_test_x").build().unwrap()
}

fn prod() -> ClerkConfig {
    builder("sk_live_x").build().unwrap()
}

fn req(uri: &str, headers: &[(&str, &str)]) -> http::Request<()> {
    let mut b = http::Request::builder().uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(()).unwrap()
}

async fn state(
    config: &ClerkConfig,
    headers: &[(&str, &str)],
) -> (S, Option<&'static str>, String) {
    let s = get_auth_state(config, &req("https://example.com/page", headers)).await;
    (
        s.status(),
        s.reason().map(|r| r.as_str()),
        s.message().unwrap_or("").to_owned(),
    )
}

fn cookies(token: &str, uat: &str) -> String {
    format!("__session={token}; __client_uat={uat}")
}

#[tokio::test]
async fn header_token_signed_in_and_cookies_ignored() {
    let t = token();
    let bearer = format!("Bearer {t}");
    let s = get_auth_state(
        &dev(),
        &req(
            "https://example.com/",
            &[
                ("authorization", &bearer),
                ("cookie", "__client_uat=0"),
                ("origin", "https://evil.example"),
            ],
        ),
    )
    .await;
    assert_eq!(s.status(), S::SignedIn);
    let auth = s.to_auth().unwrap();
    assert_eq!(auth.user_id(), Some("user_123"));
    assert_eq!(auth.session_id(), Some("sess_123"));
    // get_token() returns the verified token, not a cookie (auth-rules D3).
    assert_eq!(
        auth.get_token(None).await.unwrap().as_deref(),
        Some(t.as_str())
    );
    assert!(
        !format!("{s:?}{auth:?}").contains(&t[t.len() - 20..]),
        "no token in Debug"
    );
}

#[tokio::test]
async fn bearer_prefix_is_case_insensitive_and_a_bare_jwt_works() {
    let t = token();
    for value in [format!("bearer {t}"), format!("BEARER {t}"), t.clone()] {
        let (status, ..) = state(&dev(), &[("authorization", &value)]).await;
        assert_eq!(status, S::SignedIn, "{value:.12}");
    }
    // `Bearer ` with nothing after it is trimmed to `Bearer`: header path, token-invalid.
    let (status, reason, _) = state(&dev(), &[("authorization", "Bearer ")]).await;
    assert_eq!((status, reason), (S::SignedOut, Some("token-invalid")));
    let (status, reason, _) = state(&dev(), &[("authorization", &format!("Bearer  {t}"))]).await;
    assert_eq!(
        status,
        S::SignedOut,
        "the token itself is never trimmed inside"
    );
    assert!(reason.is_some());
}

#[tokio::test]
async fn header_expired_is_unknown_and_cookie_expired_is_interstitial() {
    let mut c = claims(NOW);
    c["exp"] = json!(NOW - 60);
    let expired = token_with(&header(), &c);
    let (status, reason, message) =
        state(&dev(), &[("authorization", &format!("Bearer {expired}"))]).await;
    assert_eq!((status, reason), (S::Unknown, Some("token-expired")));
    assert!(message.ends_with("(reason=token-expired, token-carrier=header)"));
    let ck = cookies(&expired, &(NOW - 100).to_string());
    let (status, reason, message) =
        state(&dev(), &[("cookie", &ck), ("user-agent", BROWSER)]).await;
    assert_eq!((status, reason), (S::Interstitial, Some("token-expired")));
    assert!(message.ends_with("(reason=token-expired, token-carrier=cookie)"));
}

#[tokio::test]
async fn cross_origin_request_is_signed_out_and_malformed_origins_are_errors() {
    let (status, reason, _) = state(
        &prod(),
        &[
            ("origin", "https://evil.example"),
            ("host", "example.com"),
            ("user-agent", BROWSER),
        ],
    )
    .await;
    assert_eq!(
        (status, reason),
        (S::SignedOut, Some("header-missing-cors"))
    );
    // Before the non-browser rule: a dev curl request with a foreign Origin.
    let (_, reason, _) = state(
        &dev(),
        &[
            ("origin", "https://evil.example"),
            ("host", "example.com"),
            ("user-agent", "curl/8"),
        ],
    )
    .await;
    assert_eq!(reason, Some("header-missing-cors"));
    for origin in ["null", "not a url", "http://[::1", "https://exa mple.com"] {
        let (status, reason, message) =
            state(&prod(), &[("origin", origin), ("host", "example.com")]).await;
        assert_eq!(
            (status, reason, message.as_str()),
            (S::SignedOut, Some("unexpected-error"), "Invalid URL"),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn non_browser_in_development_is_signed_out() {
    let (status, reason, _) = state(&dev(), &[("user-agent", "curl/8")]).await;
    assert_eq!(
        (status, reason),
        (S::SignedOut, Some("header-missing-non-browser"))
    );
    let (_, reason, _) = state(&dev(), &[]).await;
    assert_eq!(reason, Some("header-missing-non-browser"), "no user agent");
    let (_, reason, _) = state(&dev(), &[("user-agent", "Amazon CloudFront")]).await;
    assert_ne!(reason, Some("header-missing-non-browser"));
}

#[tokio::test]
async fn satellite_without_uat_needs_syncing() {
    let sat = builder("sk_live_x")
        .is_satellite(true)
        .domain("satellite.dev")
        .build()
        .unwrap();
    let (status, reason, _) = state(&sat, &[("user-agent", "curl/8")]).await;
    assert_eq!(
        (status, reason),
        (S::SignedOut, Some("satellite-needs-syncing"))
    );
    let (status, reason, _) = state(
        &sat,
        &[("user-agent", BROWSER), ("cookie", "__client_uat=0")],
    )
    .await;
    assert_eq!(
        (status, reason),
        (S::Interstitial, Some("satellite-needs-syncing"))
    );
    let s = get_auth_state(
        &sat,
        &req(
            "https://satellite.dev/?__clerk_synced=true",
            &[("user-agent", BROWSER)],
        ),
    )
    .await;
    assert_eq!(
        s.reason(),
        Some(R::CookieAndUatMissing),
        "synced satellites fall through"
    );
}

#[tokio::test]
async fn development_primary_responds_to_satellite_syncing() {
    let s = get_auth_state(
        &dev(),
        &req(
            "https://example.com/?__clerk_satellite_url=https%3A%2F%2Fsat.dev",
            &[("user-agent", BROWSER)],
        ),
    )
    .await;
    assert_eq!(
        (s.status(), s.reason()),
        (S::Interstitial, Some(R::PrimaryRespondsToSyncing))
    );
}

#[tokio::test]
async fn first_requests_without_uat_in_production_and_development() {
    let (status, reason, _) = state(&prod(), &[("user-agent", BROWSER)]).await;
    assert_eq!(
        (status, reason),
        (S::SignedOut, Some("cookie-and-uat-missing"))
    );
    let (status, reason, _) = state(&dev(), &[("user-agent", BROWSER)]).await;
    assert_eq!((status, reason), (S::Interstitial, Some("uat-missing")));
}

#[tokio::test]
async fn cross_origin_referrer_in_development_is_interstitial() {
    let ck = cookies(&token(), &(NOW - 100).to_string());
    let h = [
        ("user-agent", BROWSER),
        ("host", "example.com"),
        ("referer", "https://accounts.example.dev/sign-in"),
        ("cookie", ck.as_str()),
    ];
    let (status, reason, _) = state(&dev(), &h).await;
    assert_eq!(
        (status, reason),
        (S::Interstitial, Some("cross-origin-referrer"))
    );
    let (status, _, _) = state(&prod(), &h).await;
    assert_eq!(
        status,
        S::SignedIn,
        "production keys ignore a cross-origin referrer"
    );
    // A malformed referrer errors whatever the key type (auth-rules K5).
    let bad = [
        ("user-agent", BROWSER),
        ("host", "example.com"),
        ("referer", "::"),
        ("cookie", ck.as_str()),
    ];
    let (status, reason, message) = state(&prod(), &bad).await;
    assert_eq!(
        (status, reason, message.as_str()),
        (S::SignedOut, Some("unexpected-error"), "Invalid URL")
    );
}

#[tokio::test]
async fn positive_uat_without_cookie_is_interstitial_with_js_parse_int() {
    for uat in ["1", "0x10", " 5", "12abc"] {
        let (status, reason, _) = state(
            &prod(),
            &[
                ("user-agent", BROWSER),
                ("cookie", &format!("__client_uat={uat}")),
            ],
        )
        .await;
        assert_eq!(
            (status, reason),
            (S::Interstitial, Some("cookie-missing")),
            "{uat}"
        );
    }
    for uat in ["-1", "abc", "00"] {
        let (status, reason, _) = state(
            &prod(),
            &[
                ("user-agent", BROWSER),
                ("cookie", &format!("__client_uat={uat}")),
            ],
        )
        .await;
        assert_eq!(
            (status, reason),
            (S::SignedOut, Some("token-invalid")),
            "{uat}: C10 with an empty token"
        );
    }
}

#[tokio::test]
async fn uat_zero_is_signed_out_even_with_a_valid_cookie() {
    let ck = cookies(&token(), "0");
    let (status, reason, message) =
        state(&prod(), &[("user-agent", BROWSER), ("cookie", &ck)]).await;
    assert_eq!(
        (status, reason, message.as_str()),
        (S::SignedOut, Some("standard-signed-out"), "")
    );
    let quoted = format!("__session={}; __client_uat=\"0\"", token());
    let (_, reason, _) = state(&prod(), &[("user-agent", BROWSER), ("cookie", &quoted)]).await;
    assert_eq!(reason, Some("standard-signed-out"));
    let signed_out = get_auth_state(
        &prod(),
        &req(
            "https://example.com/",
            &[("user-agent", BROWSER), ("cookie", &ck)],
        ),
    )
    .await;
    let auth = signed_out.to_auth().expect("signed-out auth object");
    assert!(!auth.is_signed_in() && auth.user_id().is_none());
}

#[tokio::test]
async fn cookie_token_is_verified_then_checked_against_the_uat() {
    let t = token();
    let iat = NOW - 1;
    let (status, ..) = state(
        &prod(),
        &[
            ("user-agent", BROWSER),
            ("cookie", &cookies(&t, &iat.to_string())),
        ],
    )
    .await;
    assert_eq!(status, S::SignedIn, "iat equal to uat is fine");
    let (status, reason, _) = state(
        &prod(),
        &[
            ("user-agent", BROWSER),
            ("cookie", &cookies(&t, &(iat + 1).to_string())),
        ],
    )
    .await;
    assert_eq!((status, reason), (S::Interstitial, Some("cookie-outdated")));
    // Production, cookie, no uat: verified, then outdated (auth-rules K7).
    let (status, reason, _) = state(
        &prod(),
        &[
            ("user-agent", BROWSER),
            ("cookie", &format!("__session={t}")),
        ],
    )
    .await;
    assert_eq!((status, reason), (S::Interstitial, Some("cookie-outdated")));
    // A NaN uat never counts as outdated.
    let (status, ..) = state(
        &prod(),
        &[("user-agent", BROWSER), ("cookie", &cookies(&t, "abc"))],
    )
    .await;
    assert_eq!(status, S::SignedIn);
    // Verification comes first: an invalid token with an outdated uat reports the token error.
    let (status, reason, _) = state(
        &prod(),
        &[
            ("user-agent", BROWSER),
            ("cookie", &cookies("a.b.c", "99999999999")),
        ],
    )
    .await;
    assert_eq!((status, reason), (S::SignedOut, Some("unexpected-error")));
}

#[tokio::test]
async fn cookie_values_are_decoded_once_and_never_fail() {
    let (status, reason, _) = state(
        &prod(),
        &[
            ("user-agent", BROWSER),
            ("cookie", "__session=%ZZ; __client_uat=5"),
        ],
    )
    .await;
    assert_eq!(status, S::SignedOut);
    assert_eq!(
        reason,
        Some("token-invalid"),
        "decoded once (auth-rules D10): %ZZ kept raw, then a malformed token"
    );
    // Several Cookie fields are joined with "; " (auth-rules D11); the first occurrence wins.
    let s = get_auth_state(
        &prod(),
        &req(
            "https://example.com/",
            &[
                ("user-agent", BROWSER),
                ("cookie", &format!("__session={}", token())),
                ("cookie", "__client_uat=1; __session=junk"),
            ],
        ),
    )
    .await;
    assert_eq!(s.status(), S::SignedIn);
}

#[tokio::test]
async fn outcomes_and_headers() {
    let config = dev();
    let nav = req(
        "https://example.com/dashboard",
        &[
            ("user-agent", BROWSER),
            ("accept", "text/html,application/xhtml+xml"),
        ],
    );
    let s = get_auth_state(&config, &nav).await;
    assert_eq!(s.reason(), Some(R::UatMissing));
    assert_eq!(s.outcome(&nav), AuthOutcome::Interstitial);
    let answer = s.answer(&nav).expect("interstitial answer");
    assert_eq!(answer.status(), 401);
    assert_eq!(
        answer.headers(),
        &[
            ("content-type", "text/html; charset=utf-8"),
            ("cache-control", "no-store")
        ]
    );
    let json = s
        .answer(&req(
            "https://example.com/api/x",
            &[("accept", "application/json")],
        ))
        .unwrap();
    assert_eq!(
        (json.status(), json.headers()[1]),
        (401, ("www-authenticate", "Bearer"))
    );
    assert_eq!(json.body(), s.json_body());
    let html = s.interstitial_html();
    assert!(html.contains("clerk.browser.js") && html.contains("clerk.example.com"));
    let api = req(
        "https://example.com/api/items",
        &[("user-agent", BROWSER), ("accept", "application/json")],
    );
    assert_eq!(s.outcome(&api), AuthOutcome::Unauthorized);
    assert_eq!(
        s.json_body(),
        r#"{"reason":"uat-missing","status":"interstitial"}"#
    );
    let headers: Vec<_> = s.headers().collect();
    assert_eq!(
        headers,
        vec![
            ("x-clerk-auth-status", "interstitial".into()),
            ("x-clerk-auth-reason", "uat-missing".into())
        ]
    );
    let off = builder("sk_test_x").interstitial(false).build().unwrap();
    let s = get_auth_state(&off, &nav).await;
    assert_eq!(
        s.outcome(&nav),
        AuthOutcome::Unauthorized,
        "interstitial turned off"
    );

    let mut c = claims(NOW);
    c["exp"] = json!(NOW - 60);
    let expired = req(
        "https://example.com/",
        &[(
            "authorization",
            &format!("Bearer {}", token_with(&header(), &c)),
        )],
    );
    let s = get_auth_state(&config, &expired).await;
    assert_eq!(s.outcome(&expired), AuthOutcome::Unauthorized);
    let message = s
        .headers()
        .find(|(n, _)| *n == "x-clerk-auth-message")
        .unwrap()
        .1;
    assert!(message.starts_with("JWT%20is%20expired."), "{message}");
    let ok = req(
        "https://example.com/",
        &[("authorization", &format!("Bearer {}", token()))],
    );
    assert_eq!(
        get_auth_state(&config, &ok).await.outcome(&ok),
        AuthOutcome::Continue
    );
    assert!(get_auth_state(&config, &ok).await.answer(&ok).is_none());
    assert_eq!(
        clerk_core::integration::forbidden_answer().body(),
        r#"{"error":"forbidden"}"#
    );
    let setup = clerk_core::integration::missing_setup_answer("add the layer");
    assert_eq!(
        (setup.status(), setup.body()),
        (
            500,
            r#"{"error":"clerk_not_configured","message":"add the layer"}"#
        )
    );
}

#[tokio::test]
async fn unreachable_jwks_continues_signed_out_and_requires_503() {
    let server = TestServer::start(Reply::Json(502, "<html>bad gateway</html>".to_owned())).await;
    let mut settings = clerk_core::jwt::JwksCacheSettings::default();
    settings.attempts = 1;
    let config = ClerkConfig::builder()
        .protocol(AuthProtocol::Interstitial)
        .secret_key("sk_live_x")
        .api_url(&server.url)
        .jwks_cache_settings(settings)
        .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
        .build()
        .unwrap();
    let r = req(
        "https://example.com/",
        &[("authorization", &format!("Bearer {}", token()))],
    );
    let s = get_auth_state(&config, &r).await;
    assert_eq!(s.reason(), Some(R::Token(T::JwkRemoteFailedToLoad)));
    assert!(s.is_key_fetch_failure());
    // The request goes on signed out (public routes keep serving) ...
    assert_eq!(s.status(), S::SignedOut);
    assert_eq!(s.outcome(&r), AuthOutcome::Continue);
    assert!(s.answer(&r).is_none());
    let stored = RequestAuth::new(&s);
    assert!(stored.user().is_none());
    // ... and a route requiring authentication answers 503 with Retry-After.
    let rejection = stored.signed_in().unwrap_err();
    assert_eq!(rejection.status(), 503);
    assert_eq!(rejection.reason(), Some("jwk-remote-failed-to-load"));
    let answer = rejection.answer();
    assert_eq!(
        (answer.status(), answer.headers()[1]),
        (503, ("retry-after", "5"))
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(answer.body()).unwrap(),
        json!({"status": "signed-out", "reason": "jwk-remote-failed-to-load"})
    );
    // A bad token against a working JWKS is not a key failure.
    server.set(Reply::Json(200, jwks(&[jwk(CLERK_PUBLIC_PEM, CLERK_KID)])));
    let config2 = ClerkConfig::builder()
        .protocol(AuthProtocol::Interstitial)
        .secret_key("sk_live_y")
        .api_url(&server.url)
        .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
        .build()
        .unwrap();
    let bad = req("https://example.com/", &[("authorization", "Bearer a.b.c")]);
    let s = get_auth_state(&config2, &bad).await;
    assert!(!s.is_key_fetch_failure());
    assert_eq!(RequestAuth::new(&s).signed_in().unwrap_err().status(), 401);
}

#[tokio::test]
async fn auth_has_roles_and_permissions() {
    let mut c = claims(NOW);
    c["org_id"] = json!("org_1");
    c["org_role"] = json!("org:admin");
    c["org_slug"] = json!("acme");
    c["org_permissions"] = json!(["org:invoices:read"]);
    let r = req(
        "https://example.com/",
        &[(
            "authorization",
            &format!("Bearer {}", token_with(&header(), &c)),
        )],
    );
    let auth = get_auth_state(&dev(), &r).await.to_auth().unwrap();
    assert!(auth.has("org:admin") && auth.has("admin"));
    assert!(auth.has("org:invoices:read") && auth.has("invoices:read"));
    assert!(!auth.has("org:member") && !auth.has("org:invoices:write") && !auth.has("not a key"));
    assert_eq!(
        (auth.org_id(), auth.org_slug()),
        (Some("org_1"), Some("acme"))
    );
    let debug = serde_json::Value::Object(auth.debug()).to_string();
    assert!(debug.contains("sk_test_") && !debug.contains(&token()[..40]));
    // No active organization fails closed.
    let r = req(
        "https://example.com/",
        &[("authorization", &format!("Bearer {}", token()))],
    );
    let auth = get_auth_state(&dev(), &r).await.to_auth().unwrap();
    assert!(!auth.has("org:admin") && !auth.has("org:invoices:read"));
}

/// A refused token's message can quote its unsigned header: the `x-clerk-auth-message` value
/// stays within `MAX_AUTH_MESSAGE_LEN` bytes, cut between whole characters.
#[tokio::test]
async fn auth_message_header_is_bounded_for_hostile_tokens() {
    let typ = "é".repeat(2000);
    let header = format!(r#"{{"alg":"RS256","kid":"{CLERK_KID}","typ":"{typ}"}}"#);
    let hostile = sign(&header, &claims(NOW).to_string());
    let bearer = format!("Bearer {hostile}");
    let s = get_auth_state(
        &dev(),
        &req("https://example.com/", &[("authorization", &bearer)]),
    )
    .await;
    assert_eq!(s.reason().map(|r| r.as_str()), Some("token-invalid"));
    assert!(
        s.message().unwrap().len() > 4000,
        "the message quotes the typ"
    );
    let (_, message) = s
        .headers()
        .find(|(name, _)| *name == clerk_core::integration::AUTH_MESSAGE_HEADER)
        .unwrap();
    assert!(
        message.len() <= clerk_core::integration::MAX_AUTH_MESSAGE_LEN,
        "{}",
        message.len()
    );
    assert!(message.len() > clerk_core::integration::MAX_AUTH_MESSAGE_LEN - 6);
    assert!(message.starts_with("Invalid%20JWT%20type"));
    // Whole characters only: the value ends with a complete `%C3%A9`.
    assert!(message.ends_with("%C3%A9"), "{message}");
}
