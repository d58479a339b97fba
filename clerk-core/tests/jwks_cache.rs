//! The JWKS cache against a real HTTP server on 127.0.0.1, on an injected clock.

mod common;

use std::sync::Arc;
use std::time::Duration;

use clerk_core::__private::{UnsharedBuild as _, VerifierSeams as _};
use clerk_core::{
    FixedClock, TokenVerificationErrorReason as R, VerifyTokenOptions, VerifyTokenOptionsBuilder,
    jwt::JwksCacheSettings, verify_token,
};
use common::*;
use jsonwebtoken::Algorithm;
use serde_json::json;

fn settings() -> JwksCacheSettings {
    let mut s = JwksCacheSettings::default();
    s.attempts = 2;
    s.backoff = Duration::from_millis(10);
    s.request_timeout = Duration::from_millis(300);
    s.total_timeout = Duration::from_secs(2);
    s.retry_interval = Duration::ZERO;
    s
}

fn builder(
    server: &TestServer,
    clock: &Arc<FixedClock>,
    s: JwksCacheSettings,
) -> VerifyTokenOptionsBuilder {
    VerifyTokenOptions::builder()
        .secret_key("sk_test_secret")
        .api_url(&server.url)
        .clock(clock.clone())
        .jwks_cache_settings(s)
}

fn options(
    server: &TestServer,
    clock: &Arc<FixedClock>,
    s: JwksCacheSettings,
) -> VerifyTokenOptions {
    builder(server, clock, s).build_unshared().unwrap()
}

fn clerk_jwks() -> String {
    jwks(&[jwk(CLERK_PUBLIC_PEM, CLERK_KID)])
}

/// A token signed by the "attacker" key, playing a rotated-in Clerk key with kid `ins_new`.
fn rotated_token(now: i64) -> String {
    let mut h = header();
    h["kid"] = json!("ins_new");
    sign_bytes(
        h.to_string().as_bytes(),
        claims(now).to_string().as_bytes(),
        &attacker_signing_key(),
        Algorithm::RS256,
    )
}

/// A token of the current key valid for the whole test (its clock moves by minutes).
fn long_lived_token() -> String {
    let mut c = claims(NOW);
    c["exp"] = json!(NOW + 3600);
    token_with(&header(), &c)
}

/// Verifies `token(i)` for i = 0, 1, … until one is refused (a background refresh lands), up to
/// 10 s, and returns the reason.
async fn first_refusal(
    opts: &VerifyTokenOptions,
    mut token: impl FnMut(usize) -> String,
) -> Option<R> {
    for i in 0..1000 {
        match verify_token(&token(i), opts).await {
            Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            Err(e) => return Some(e.reason()),
        }
    }
    None
}

/// The current key and the rotated-in `ins_new`.
fn rotated_jwks() -> String {
    jwks(&[
        jwk(CLERK_PUBLIC_PEM, CLERK_KID),
        jwk(ATTACKER_PUBLIC_PEM, "ins_new"),
    ])
}

async fn wait_for_hits(server: &TestServer, n: usize) {
    // Up to 10 s: the refresh runs in the background, and CI machines are busy.
    for _ in 0..1000 {
        if server.hits() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("expected {n} requests, saw {}", server.hits());
}

#[tokio::test]
async fn fetches_with_the_secret_key_and_caches() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&server, &clock, settings());
    for _ in 0..5 {
        verify_token(&token(), &opts).await.unwrap();
    }
    assert_eq!(server.hits(), 1);
    assert_eq!(server.paths.lock().unwrap()[0], "/v1/jwks");
    assert_eq!(
        server.authorizations.lock().unwrap()[0].as_deref(),
        Some("Bearer sk_test_secret")
    );
}

#[tokio::test]
async fn ttl_expiry_refetches_in_the_background() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let mut s = settings();
    s.ttl = Duration::from_secs(60);
    let opts = options(&server, &clock, s);
    verify_token(&token(), &opts).await.unwrap();
    clock.advance(Duration::from_secs(59));
    verify_token(&token_with(&header(), &claims(NOW + 59)), &opts)
        .await
        .unwrap();
    assert_eq!(server.hits(), 1, "fresh within the TTL");
    clock.advance(Duration::from_secs(2));
    verify_token(&token_with(&header(), &claims(NOW + 61)), &opts)
        .await
        .unwrap();
    wait_for_hits(&server, 2).await;
    verify_token(&token_with(&header(), &claims(NOW + 61)), &opts)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 2, "fixed TTL from the new fetch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_verifications_make_one_fetch() {
    let server = TestServer::start(Reply::Delayed(
        Duration::from_millis(200),
        200,
        clerk_jwks(),
    ))
    .await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = Arc::new(options(&server, &clock, settings()));
    let t = Arc::new(token());
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (opts, t) = (opts.clone(), t.clone());
            tokio::spawn(async move {
                verify_token(&t, &opts)
                    .await
                    .map(|c| c.user_id().to_owned())
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "user_123");
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_unknown_kids_make_at_most_one_fetch_per_window() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = Arc::new(options(&server, &clock, settings()));
    verify_token(&token(), &opts).await.unwrap();
    clock.advance(Duration::from_secs(31));
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let opts = opts.clone();
            let mut h = header();
            h["kid"] = json!(format!("ins_flood_{i}"));
            let t = token_with(&h, &claims(NOW + 31));
            tokio::spawn(async move { verify_token(&t, &opts).await.unwrap_err().reason() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), R::JwkRemoteMissing);
    }
    assert_eq!(server.hits(), 2, "one initial fetch, one kid-miss refetch");
}

#[tokio::test]
async fn outage_serves_stale_keys_up_to_the_bound_then_fails_closed() {
    for failure in [
        Reply::Json(500, "{}".to_owned()),
        Reply::Json(200, "<html>bad gateway</html>".to_owned()),
        Reply::Hang,
    ] {
        let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
        let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
        let mut s = settings();
        s.ttl = Duration::from_secs(60);
        s.max_stale = Duration::from_secs(600);
        // A refresh against the hanging server would take seconds: the known-kid path must not wait.
        s.request_timeout = Duration::from_secs(10);
        s.total_timeout = Duration::from_secs(3);
        let opts = options(&server, &clock, s);
        verify_token(&token(), &opts).await.unwrap();
        server.set(failure.clone());
        // Stale but within the bound: served, whatever the refresh does.
        for step in [61, 300, 660] {
            clock.set_unix_seconds(NOW + step);
            let t = token_with(&header(), &claims(NOW + step));
            let started = std::time::Instant::now();
            verify_token(&t, &opts)
                .await
                .unwrap_or_else(|e| panic!("{failure:?} at +{step}s: {e:?}"));
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "a known kid never waits on a refresh"
            );
        }
        // Past ttl + max_stale: fail closed.
        clock.set_unix_seconds(NOW + 661);
        let t = token_with(&header(), &claims(NOW + 661));
        let e = verify_token(&t, &opts).await.unwrap_err();
        assert!(
            matches!(e.reason(), R::JwkRemoteFailedToLoad | R::UnexpectedError),
            "{failure:?}: {e:?}"
        );
    }
}

#[tokio::test]
async fn failed_fetch_is_retried_then_reported_and_rate_limited() {
    let server = TestServer::start(Reply::Json(503, "{}".to_owned())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let mut s = settings();
    s.attempts = 3;
    s.retry_interval = Duration::from_secs(10);
    let opts = options(&server, &clock, s);
    let e = verify_token(&token(), &opts).await.unwrap_err();
    assert_eq!(e.reason(), R::JwkRemoteFailedToLoad);
    assert!(e.message().starts_with(&format!(
        "Error loading Clerk JWKS from {}/v1/jwks with code=503",
        server.url
    )));
    assert_eq!(server.hits(), 3, "Clerk's retries");
    // Within the retry interval: the same error, no new request.
    for _ in 0..20 {
        assert_eq!(
            verify_token(&token(), &opts).await.unwrap_err().reason(),
            R::JwkRemoteFailedToLoad
        );
    }
    assert_eq!(server.hits(), 3);
    clock.advance(Duration::from_secs(11));
    server.set(Reply::Json(200, clerk_jwks()));
    verify_token(&token_with(&header(), &claims(NOW + 11)), &opts)
        .await
        .unwrap();
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn invalid_secret_key_and_empty_sets() {
    let body =
        json!({"errors": [{"code": "clerk_key_invalid", "message": "Secret key is invalid"}]})
            .to_string();
    let server = TestServer::start(Reply::Json(401, body)).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let e = verify_token(&token(), &options(&server, &clock, settings()))
        .await
        .unwrap_err();
    assert_eq!(
        (e.reason(), e.message()),
        (R::SecretKeyInvalid, "Secret key is invalid")
    );

    let server = TestServer::start(Reply::Json(200, "{}".to_owned())).await;
    let e = verify_token(&token(), &options(&server, &clock, settings()))
        .await
        .unwrap_err();
    assert_eq!(e.reason(), R::JwkRemoteFailedToLoad);
    assert_eq!(server.hits(), 1, "an empty key set is not retried");
}

#[tokio::test]
async fn hanging_server_is_bounded_by_the_total_timeout() {
    let server = TestServer::start(Reply::Hang).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let mut s = settings();
    s.request_timeout = Duration::from_secs(30);
    s.total_timeout = Duration::from_millis(500);
    let opts = options(&server, &clock, s);
    let result = tokio::time::timeout(Duration::from_secs(5), verify_token(&token(), &opts)).await;
    let e = result.expect("bounded by total_timeout").unwrap_err();
    assert_eq!(e.reason(), R::UnexpectedError);
    assert!(e.message().contains("Timed out"), "{}", e.message());
}

#[tokio::test]
async fn key_rotation_is_picked_up_and_removed_keys_stop_verifying() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let mut s = settings();
    s.ttl = Duration::from_secs(300);
    let opts = options(&server, &clock, s);
    verify_token(&token(), &opts).await.unwrap();
    // Rotation: the new key appears in the JWKS.
    server.set(Reply::Json(200, rotated_jwks()));
    clock.advance(Duration::from_secs(31));
    verify_token(&rotated_token(NOW + 31), &opts).await.unwrap();
    assert_eq!(server.hits(), 2);
    // Removal: the old key leaves the JWKS; after the TTL it stops verifying.
    server.set(Reply::Json(
        200,
        jwks(&[jwk(ATTACKER_PUBLIC_PEM, "ins_new")]),
    ));
    clock.set_unix_seconds(NOW + 31 + 301);
    let old = token_with(&header(), &claims(NOW + 332));
    let _ = verify_token(&old, &opts).await; // stale set: served while the refresh runs
    wait_for_hits(&server, 3).await;
    // A token signed by the removed key is refused once the background refresh has stored the
    // new set (poll with a new token each time, so each one goes through the key lookup).
    let refused = first_refusal(&opts, |i| {
        let mut c = claims(NOW + 331);
        c["sid"] = json!(format!("sess_poll_{i}"));
        token_with(&header(), &c)
    })
    .await;
    assert_eq!(refused, Some(R::JwkRemoteMissing));
    verify_token(&rotated_token(NOW + 332), &opts)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_removed_key_stops_vouching_for_cached_tokens_at_the_refresh() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&server, &clock, settings());
    let t = long_lived_token();
    verify_token(&t, &opts).await.unwrap();
    assert_eq!(opts.token_cache_len(), 1);
    // The JWKS drops the kid; a token of the new key triggers the refresh (unknown-kid refetch).
    server.set(Reply::Json(
        200,
        jwks(&[jwk(ATTACKER_PUBLIC_PEM, "ins_new")]),
    ));
    clock.advance(Duration::from_secs(31));
    verify_token(&rotated_token(NOW + 31), &opts).await.unwrap();
    assert_eq!(server.hits(), 2);
    // The cached token is within its lifetime, but its key is gone: refused at once, with what a
    // verification without the token cache says.
    let cached = verify_token(&t, &opts).await.unwrap_err();
    let fresh_options = builder(&server, &clock, settings())
        .token_cache_capacity(0)
        .build_unshared()
        .unwrap();
    let fresh = verify_token(&t, &fresh_options).await.unwrap_err();
    assert_eq!(cached.reason(), R::JwkRemoteMissing);
    assert_eq!(
        (cached.reason(), cached.message()),
        (fresh.reason(), fresh.message())
    );
    // The key comes back (same material, parsed anew): the token is accepted again.
    server.set(Reply::Json(200, rotated_jwks()));
    clock.advance(Duration::from_secs(31));
    verify_token(&t, &opts).await.unwrap();
}

/// A key replaced under the same kid by other material no longer vouches for cached tokens.
#[tokio::test]
async fn a_replaced_key_under_the_same_kid_stops_vouching_for_cached_tokens() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&server, &clock, settings());
    let t = long_lived_token();
    verify_token(&t, &opts).await.unwrap();
    server.set(Reply::Json(
        200,
        jwks(&[jwk(ATTACKER_PUBLIC_PEM, CLERK_KID)]),
    ));
    // Past the TTL: this lookup serves the stale set and refreshes in the background.
    clock.advance(Duration::from_secs(301));
    let mut c = claims(NOW + 301);
    c["sid"] = json!("sess_trigger");
    let _ = verify_token(&token_with(&header(), &c), &opts).await;
    wait_for_hits(&server, 2).await;
    let refused = first_refusal(&opts, |_| t.clone()).await;
    assert_eq!(refused, Some(R::TokenInvalidSignature));
}

#[tokio::test]
async fn one_cache_per_instance_shared_by_every_options_value() {
    let server = TestServer::start(Reply::Json(200, clerk_jwks())).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let build = || {
        VerifyTokenOptions::builder()
            .secret_key("sk_test_shared")
            .api_url(&server.url)
            .clock(clock.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (build(), build());
    verify_token(&token(), &a).await.unwrap();
    verify_token(&token(), &b).await.unwrap();
    assert_eq!(server.hits(), 1);
    let other_secret = VerifyTokenOptions::builder()
        .secret_key("sk_test_other")
        .api_url(&server.url)
        .clock(clock.clone())
        .build()
        .unwrap();
    verify_token(&token(), &other_secret).await.unwrap();
    assert_eq!(server.hits(), 2, "another instance has its own cache");
}

#[tokio::test]
async fn local_key_needs_no_network_and_unresolved_keys_say_so() {
    let opts = VerifyTokenOptions::builder()
        .jwt_key(CLERK_PUBLIC_PEM)
        .secret_key("sk_test_x")
        .api_url("http://127.0.0.1:1")
        .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
        .build()
        .unwrap();
    assert_eq!(
        verify_token(&token(), &opts).await.unwrap().user_id(),
        "user_123"
    );
    let none = VerifyTokenOptions::builder().build().unwrap();
    let e = verify_token(&token(), &none).await.unwrap_err();
    assert_eq!(e.reason(), R::JwkFailedToResolve);
    assert_eq!(
        e.full_message("header"),
        "Failed to resolve JWK during verification. Set the CLERK_JWT_KEY environment variable. (reason=jwk-failed-to-resolve, token-carrier=header)"
    );
    assert!(
        VerifyTokenOptions::builder()
            .jwt_key("nope")
            .build()
            .is_err()
    );
    assert!(
        VerifyTokenOptions::builder()
            .secret_key("sk")
            .api_url("api.clerk.com")
            .build()
            .is_err()
    );
}

#[test]
fn debug_output_never_shows_the_secret_key() {
    let builder = VerifyTokenOptions::builder()
        .secret_key("sk_test_supersecret")
        .jwt_key(CLERK_PUBLIC_PEM);
    let text = format!("{builder:?}");
    assert!(!text.contains("supersecret"), "{text}");
    let opts = VerifyTokenOptions::builder()
        .secret_key("sk_test_supersecret")
        .build()
        .unwrap();
    assert!(!format!("{opts:?}").contains("supersecret"));
}
