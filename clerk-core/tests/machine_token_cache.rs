//! The optional cache of verified opaque machine tokens, against a Backend API stand-in on
//! 127.0.0.1 that answers the API-key verification of the recorded case M01 and counts calls.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use clerk_core::{
    AcceptsToken, AuthProtocol, ClerkConfig, FixedClock, TokenType, get_auth_state,
    try_get_auth_state,
};
use clerk_testing::handshake_replay::case;
use clerk_testing::modern_cases::{self, BapiStandIn};

fn config(api_url: &str, clock: Arc<FixedClock>, ttl: Option<Duration>) -> ClerkConfig {
    let mut b = ClerkConfig::builder()
        .protocol(AuthProtocol::Handshake)
        .secret_key("sk_live_oracle_prod_secret")
        .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
        .accepts_token(AcceptsToken::Only(TokenType::ApiKey))
        .api_url(api_url)
        .clock(clock);
    if let Some(ttl) = ttl {
        b = b.machine_token_cache_ttl(ttl);
    }
    b.build().unwrap()
}

#[tokio::test]
async fn a_cached_api_key_skips_the_backend_api_until_its_ttl() {
    let (m01, _) = case("M01-");
    let stand_in = BapiStandIn::start(&m01).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(m01.now));
    let cached = config(stand_in.url(), clock.clone(), Some(Duration::from_secs(60)));
    let request = modern_cases::request_for(&m01);

    // Not cached yet: the synchronous path needs the network.
    assert!(try_get_auth_state(&cached, &request).is_none());
    let state = get_auth_state(&cached, &request).await;
    assert_eq!(state.machine().map(|m| m.subject()), Some("user_1"));
    assert_eq!(stand_in.calls().len(), 1);

    // A hit: no call, and the synchronous path answers.
    let state = try_get_auth_state(&cached, &request).expect("a cache hit without I/O");
    assert_eq!(state.token_type(), Some("api_key"));
    assert_eq!(state.machine().map(|m| m.id()), Some("ak_id_1"));
    let _ = get_auth_state(&cached, &request).await;
    assert_eq!(stand_in.calls().len(), 1);

    // After the TTL the Backend API is asked again (a revoked key stops working then).
    clock.advance(Duration::from_secs(61));
    let _ = get_auth_state(&cached, &request).await;
    assert_eq!(stand_in.calls().len(), 2);

    // Off (the default): every request asks.
    let uncached = config(stand_in.url(), clock, None);
    let _ = get_auth_state(&uncached, &request).await;
    let _ = get_auth_state(&uncached, &request).await;
    assert_eq!(stand_in.calls().len(), 4);
    assert!(try_get_auth_state(&uncached, &request).is_none());
}

/// `RequestAuth::caller` (what each integration's `ClerkCaller` asks): a machine token, a
/// signed-in user, or the state's rejection.
#[tokio::test]
async fn the_caller_is_a_machine_or_a_user() {
    use clerk_core::integration::{Caller, RequestAuth};
    let (m01, _) = case("M01-");
    let stand_in = BapiStandIn::start(&m01).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(m01.now));
    let any = ClerkConfig::builder()
        .protocol(AuthProtocol::Handshake)
        .secret_key("sk_live_oracle_prod_secret")
        .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
        .accepts_token(AcceptsToken::Any)
        .api_url(stand_in.url())
        .clock(clock)
        .build()
        .unwrap();
    let state = get_auth_state(&any, &modern_cases::request_for(&m01)).await;
    match RequestAuth::new(&state).caller() {
        Ok(Caller::Machine(token)) => assert_eq!(token.subject(), "user_1"),
        other => panic!("a machine caller, got {other:?}"),
    }
    let anonymous = http::Request::get("https://example.com/").body(()).unwrap();
    let state = get_auth_state(&any, &anonymous).await;
    let rejection = RequestAuth::new(&state).caller().unwrap_err();
    assert_eq!(rejection.status(), 401);
    assert_eq!(rejection.reason(), Some("session-token-and-uat-missing"));
    // A refused machine token: its own reason.
    let (m02, _) = case("M02-");
    let stand_in = BapiStandIn::start(&m02).await;
    let config = config(
        stand_in.url(),
        Arc::new(FixedClock::from_unix_seconds(m02.now)),
        None,
    );
    let state = get_auth_state(&config, &modern_cases::request_for(&m02)).await;
    let rejection = RequestAuth::new(&state).caller().unwrap_err();
    assert_eq!(rejection.reason(), Some("token-invalid"));
}

#[tokio::test]
async fn refused_tokens_are_not_cached() {
    let (m02, _) = case("M02-");
    let stand_in = BapiStandIn::start(&m02).await;
    let clock = Arc::new(FixedClock::from_unix_seconds(m02.now));
    let cached = config(stand_in.url(), clock, Some(Duration::from_secs(60)));
    let request = modern_cases::request_for(&m02);
    for _ in 0..2 {
        let state = get_auth_state(&cached, &request).await;
        assert_eq!(state.reason().map(|r| r.as_str()), Some("token-invalid"));
    }
    assert_eq!(stand_in.calls().len(), 2);
}
