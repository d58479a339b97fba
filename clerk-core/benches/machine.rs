//! Machine-token verification: JWT-format tokens checked locally (M2M and OAuth, the recorded
//! cases M08 and M12, their keys fetched once from a Backend API stand-in on 127.0.0.1 and then
//! cached), and an opaque API key (case M01) with the optional machine-token cache: a hit
//! (`try_get_auth_state`, no I/O) against a miss (the cache off: one Backend API call to the
//! stand-in per request).
//!
//! Run: `cargo bench -p clerk-core --bench machine`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use clerk_core::{
    AcceptsToken, AuthProtocol, ClerkConfig, FixedClock, TokenType, get_auth_state,
    try_get_auth_state,
};
use clerk_testing::handshake_replay::{case, config_for};
use clerk_testing::modern_cases::{self, BapiStandIn};
use criterion::{Criterion, criterion_group, criterion_main};

/// The API-key configuration of the machine-token cache test, with or without the cache.
fn api_key_config(api_url: &str, now: i64, ttl: Option<Duration>) -> ClerkConfig {
    let mut b = ClerkConfig::builder()
        .protocol(AuthProtocol::Handshake)
        .secret_key("sk_live_oracle_prod_secret")
        .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
        .accepts_token(AcceptsToken::Only(TokenType::ApiKey))
        .api_url(api_url)
        .clock(Arc::new(FixedClock::from_unix_seconds(now)));
    if let Some(ttl) = ttl {
        b = b.machine_token_cache_ttl(ttl);
    }
    b.build().unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("machine_token");

    // JWT-format machine tokens: after the first request the key is cached and every request is
    // verified locally (the stand-in sees no more calls). `try_get_auth_state` leaves machine
    // tokens to `get_auth_state` unless the machine-token cache holds them, so that is timed.
    for (prefix, name) in [("M08-", "m2m_jwt"), ("M12-", "oauth_jwt")] {
        let (m, _) = case(prefix);
        let stand_in = runtime.block_on(BapiStandIn::start(&m));
        let config = config_for(&m, stand_in.url()).unwrap();
        let request = modern_cases::request_for(&m);
        let state = runtime.block_on(get_auth_state(&config, &request));
        assert!(state.machine().is_some(), "{name}: {state:?}");
        let calls = stand_in.calls().len();
        runtime.block_on(get_auth_state(&config, &request));
        assert_eq!(stand_in.calls().len(), calls, "{name}: verified locally");
        group.bench_function(format!("{name}_cached_key"), |b| {
            b.iter(|| runtime.block_on(get_auth_state(&config, black_box(&request))))
        });
        assert_eq!(stand_in.calls().len(), calls, "{name}: verified locally");
    }

    let (m01, _) = case("M01-");
    let stand_in = runtime.block_on(BapiStandIn::start(&m01));
    let request = modern_cases::request_for(&m01);
    let cached = api_key_config(stand_in.url(), m01.now, Some(Duration::from_secs(3600)));
    let uncached = api_key_config(stand_in.url(), m01.now, None);
    let state = runtime.block_on(get_auth_state(&cached, &request));
    assert_eq!(state.machine().map(|m| m.subject()), Some("user_1"));
    assert!(try_get_auth_state(&cached, &request).is_some());
    assert!(
        runtime
            .block_on(get_auth_state(&uncached, &request))
            .machine()
            .is_some()
    );
    group.bench_function("api_key_cache_hit", |b| {
        b.iter(|| try_get_auth_state(&cached, black_box(&request)).unwrap())
    });
    group.bench_function("api_key_cache_miss_bapi_on_localhost", |b| {
        b.iter(|| runtime.block_on(get_auth_state(&uncached, black_box(&request))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
