//! `get_auth_state` for a signed-in cookie request (cached key) against `verify_jwt` of the same
//! token, in the same run, with each protocol (`/handshake`, `/interstitial`): with the
//! verified-token cache off, the difference is what the request rules cost; with it on (a hit),
//! it is compared with `verify_token` on a hit (the verification alone) and `decode_jwt`
//! (parsing alone).
//!
//! Run: `cargo bench -p clerk-core --bench auth_state`.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use clerk_core::{
    AuthProtocol, ClerkConfig, Issuer, VerificationKey, VerifyJwtOptions, VerifyTokenOptions,
    decode_jwt, get_auth_state, try_get_auth_state, verify_jwt, verify_token,
};
use criterion::{Criterion, criterion_group, criterion_main};

const PEM: &str = include_str!("../tests/fixtures/rsa_clerk_public.pem");

fn clerk_token(now: u64) -> String {
    let payload = serde_json::json!({
        "azp": "https://example.com", "exp": now + 3600, "iat": now, "iss": "https://clerk.example.com",
        "nbf": now - 10, "sid": "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9", "sub": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    });
    common::sign(&payload)
}

fn bench(c: &mut Criterion) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = clerk_token(now);
    let config = |capacity, protocol| {
        ClerkConfig::builder()
            .protocol(protocol)
            .secret_key("sk_live_bench")
            .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
            .jwt_key(PEM)
            .authorized_parties(["https://example.com"])
            .token_cache_capacity(capacity)
            .build()
            .unwrap()
    };
    let uncached = config(0, AuthProtocol::Interstitial);
    let cached = config(4096, AuthProtocol::Interstitial);
    let uncached_handshake = config(0, AuthProtocol::Handshake);
    let cached_handshake = config(4096, AuthProtocol::Handshake);
    let token_options = VerifyTokenOptions::builder()
        .jwt_key(PEM)
        .authorized_parties(["https://example.com"])
        .build()
        .unwrap();
    let request = http::Request::builder()
        .uri("https://example.com/dashboard")
        .header("host", "example.com")
        .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36")
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", "https://example.com/")
        .header("cookie", format!("_ga=GA1.1.123; __client_uat={now}; __session={token}; theme=dark"))
        .body(())
        .unwrap();
    let options = VerifyJwtOptions::new(VerificationKey::from_pem(PEM).unwrap())
        .issuer(Issuer::clerk_frontend_api())
        .authorized_parties(["https://example.com"]);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert!(
        runtime
            .block_on(get_auth_state(&uncached, &request))
            .is_signed_in()
    );
    assert!(
        runtime
            .block_on(get_auth_state(&cached, &request))
            .is_signed_in()
    );
    assert!(verify_jwt(&token, &options).is_ok());
    for config in [&uncached_handshake, &cached_handshake] {
        assert!(
            runtime
                .block_on(get_auth_state(config, &request))
                .is_signed_in()
        );
    }
    assert!(
        runtime
            .block_on(verify_token(&token, &token_options))
            .is_ok()
    );

    let mut group = c.benchmark_group("auth_state");
    group.bench_function("verify_jwt", |b| {
        b.iter(|| verify_jwt(black_box(&token), &options).unwrap())
    });
    group.bench_function("verify_token_cache_hit", |b| {
        b.iter(|| runtime.block_on(verify_token(black_box(&token), &token_options)))
    });
    group.bench_function("get_auth_state_signed_in_cookie/interstitial", |b| {
        b.iter(|| runtime.block_on(get_auth_state(&uncached, black_box(&request))))
    });
    group.bench_function("get_auth_state_signed_in_cookie/handshake", |b| {
        b.iter(|| runtime.block_on(get_auth_state(&uncached_handshake, black_box(&request))))
    });
    group.bench_function("decode_jwt", |b| {
        b.iter(|| decode_jwt(black_box(&token)).unwrap())
    });
    group.bench_function("get_auth_state_signed_in_cookie_cache_hit", |b| {
        b.iter(|| runtime.block_on(get_auth_state(&cached, black_box(&request))))
    });
    group.bench_function(
        "try_get_auth_state_signed_in_cookie_cache_hit/interstitial",
        |b| b.iter(|| try_get_auth_state(&cached, black_box(&request)).unwrap()),
    );
    group.bench_function(
        "try_get_auth_state_signed_in_cookie_cache_hit/handshake",
        |b| b.iter(|| try_get_auth_state(&cached_handshake, black_box(&request)).unwrap()),
    );
    let header_request = http::Request::builder()
        .uri("https://example.com/me")
        .header("host", "example.com")
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .unwrap();
    group.bench_function("try_get_auth_state_header_cache_hit/interstitial", |b| {
        b.iter(|| try_get_auth_state(&cached, black_box(&header_request)).unwrap())
    });
    group.bench_function("try_get_auth_state_header_cache_hit/handshake", |b| {
        b.iter(|| try_get_auth_state(&cached_handshake, black_box(&header_request)).unwrap())
    });
    let anonymous = http::Request::builder()
        .uri("https://example.com/")
        .header("host", "example.com")
        .header("user-agent", "curl/8.0")
        .header("accept", "*/*")
        .body(())
        .unwrap();
    group.bench_function("try_get_auth_state_signed_out/interstitial", |b| {
        b.iter(|| try_get_auth_state(&cached, black_box(&anonymous)).unwrap())
    });
    group.bench_function("try_get_auth_state_signed_out/handshake", |b| {
        b.iter(|| try_get_auth_state(&cached_handshake, black_box(&anonymous)).unwrap())
    });
    let signed_out = try_get_auth_state(&cached_handshake, &anonymous).unwrap();
    group.bench_function("response_headers_signed_out/handshake", |b| {
        b.iter(|| clerk_core::integration::response_headers(black_box(&signed_out)).count())
    });
    let state = runtime.block_on(get_auth_state(&cached, &header_request));
    group.bench_function("auth_state_headers_and_auth", |b| {
        b.iter(|| {
            let headers: Vec<_> = state.headers().collect();
            (headers, state.to_auth(), state.answer(&header_request))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
