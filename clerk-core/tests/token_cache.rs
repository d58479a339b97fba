//! The verified-token cache: hits, expiry at `exp`, skew, the capacity bound, invalid tokens never
//! cached, per-configuration isolation, and the off switch.

mod common;

use std::sync::Arc;

use clerk_core::__private::VerifierSeams as _;
use clerk_core::{FixedClock, TokenVerificationErrorReason as R, VerifyTokenOptions, verify_token};
use common::*;
use serde_json::json;

fn options(clock: &Arc<FixedClock>, capacity: usize) -> VerifyTokenOptions {
    VerifyTokenOptions::builder()
        .jwt_key(CLERK_PUBLIC_PEM)
        .clock(clock.clone())
        .token_cache_capacity(capacity)
        .build()
        .unwrap()
}

fn token_expiring(exp: i64, sub: &str) -> String {
    let mut c = claims(NOW);
    c["exp"] = json!(exp);
    c["sub"] = json!(sub);
    token_with(&header(), &c)
}

#[tokio::test]
async fn a_verified_token_is_remembered_and_served_until_exp_with_the_skew() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&clock, 64);
    let t = token_expiring(NOW + 10, "user_1");
    assert_eq!(verify_token(&t, &opts).await.unwrap().user_id(), "user_1");
    assert_eq!(opts.token_cache_len(), 1);
    assert_eq!(verify_token(&t, &opts).await.unwrap().user_id(), "user_1");
    assert_eq!(opts.token_cache_len(), 1);
    // exp + 4 s is inside the 5 s skew: still accepted (from cache).
    clock.set_unix_seconds(NOW + 14);
    assert!(verify_token(&t, &opts).await.is_ok());
    // exp + 5 s: expired, answered by the full verification, and the entry is gone.
    clock.set_unix_seconds(NOW + 15);
    let e = verify_token(&t, &opts).await.unwrap_err();
    assert_eq!(e.reason(), R::TokenExpired);
    assert!(e.message().starts_with("JWT is expired."));
    assert_eq!(opts.token_cache_len(), 0, "entries never outlive exp");
}

#[tokio::test]
async fn a_hit_rechecks_nbf_and_iat_against_the_clock() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&clock, 64);
    let t = token(); // nbf = NOW - 11, iat = NOW - 1
    verify_token(&t, &opts).await.unwrap();
    clock.set_unix_seconds(NOW - 20); // the clock went back before nbf - skew
    assert_eq!(
        verify_token(&t, &opts).await.unwrap_err().reason(),
        R::TokenNotActiveYet
    );
}

#[tokio::test]
async fn invalid_tokens_are_never_cached() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&clock, 64);
    let good = token();
    verify_token(&good, &opts).await.unwrap();
    // The same token with one signature character changed is a different string: full path.
    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert!(verify_token(&tampered, &opts).await.is_err());
    let attacker = sign_bytes(
        header().to_string().as_bytes(),
        claims(NOW).to_string().as_bytes(),
        &attacker_signing_key(),
        jsonwebtoken::Algorithm::RS256,
    );
    for _ in 0..3 {
        assert_eq!(
            verify_token(&attacker, &opts).await.unwrap_err().reason(),
            R::TokenInvalidSignature
        );
    }
    assert_eq!(opts.token_cache_len(), 1);
}

#[tokio::test]
async fn a_flood_of_distinct_valid_tokens_stays_within_the_capacity() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&clock, 32);
    for i in 0..500 {
        let t = token_expiring(NOW + 60 + i, &format!("user_{i}"));
        verify_token(&t, &opts).await.unwrap();
        assert!(
            opts.token_cache_len() <= 32,
            "{} entries after {i}",
            opts.token_cache_len()
        );
    }
    // The newest tokens are the ones kept (the one expiring first is evicted).
    let newest = token_expiring(NOW + 60 + 499, "user_499");
    let before = opts.token_cache_len();
    verify_token(&newest, &opts).await.unwrap();
    assert_eq!(opts.token_cache_len(), before);
}

#[tokio::test]
async fn caches_are_per_configuration() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let open = options(&clock, 64);
    let restricted = VerifyTokenOptions::builder()
        .jwt_key(CLERK_PUBLIC_PEM)
        .clock(clock.clone())
        .authorized_parties(["https://app.example.com"])
        .build()
        .unwrap();
    let t = token(); // azp https://example.com
    verify_token(&t, &open).await.unwrap();
    assert_eq!(
        verify_token(&t, &restricted).await.unwrap_err().reason(),
        R::TokenInvalidAuthorizedParties,
        "a token accepted by one configuration is not served from cache to another"
    );
    // Clones share the cache.
    let clone = open.clone();
    verify_token(&t, &clone).await.unwrap();
    assert_eq!(open.token_cache_len(), 1);
}

#[tokio::test]
async fn capacity_zero_turns_it_off() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = options(&clock, 0);
    verify_token(&token(), &opts).await.unwrap();
    verify_token(&token(), &opts).await.unwrap();
    assert_eq!(opts.token_cache_len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_readers_get_consistent_answers() {
    let clock = Arc::new(FixedClock::from_unix_seconds(NOW));
    let opts = Arc::new(options(&clock, 256));
    let tokens: Arc<Vec<String>> = Arc::new(
        (0..64)
            .map(|i| token_expiring(NOW + 60, &format!("user_{i}")))
            .collect(),
    );
    let tasks: Vec<_> = (0..8)
        .map(|w| {
            let (opts, tokens) = (opts.clone(), tokens.clone());
            tokio::spawn(async move {
                for round in 0..200 {
                    let i = (w * 7 + round) % tokens.len();
                    let claims = verify_token(&tokens[i], &opts).await.unwrap();
                    assert_eq!(claims.user_id(), format!("user_{i}"));
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(opts.token_cache_len(), 64);
}
