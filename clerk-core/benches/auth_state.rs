//! `get_auth_state` for a signed-in cookie request (cached key) against `verify_jwt` of the same
//! token, in the same run: with the verified-token cache off, the difference is what the request
//! rules cost; with it on (a hit), it is compared with `decode_jwt` (parsing alone).
//!
//! Run: `cargo bench -p clerk-core --bench auth_state`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_core::{
    ClerkConfig, Issuer, VerificationKey, VerifyJwtOptions, decode_jwt, get_auth_state, verify_jwt,
};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};

const PEM: &str = include_str!("../tests/fixtures/rsa_clerk_public.pem");

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn clerk_token(now: u64) -> String {
    let header = r#"{"alg":"RS256","kid":"ins_2GIoQhbUpy0hX7B2cVkuTMinXoD","typ":"JWT"}"#;
    let payload = serde_json::json!({
        "azp": "https://example.com", "exp": now + 3600, "iat": now, "iss": "https://clerk.example.com",
        "nbf": now - 10, "sid": "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9", "sub": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    });
    let si = format!(
        "{}.{}",
        b64(header.as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let key = EncodingKey::from_rsa_der(include_bytes!("../tests/fixtures/rsa_clerk_private.der"));
    let signer = (DEFAULT_PROVIDER.signer_factory)(&Algorithm::RS256, &key).unwrap();
    format!("{si}.{}", b64(&signer.try_sign(si.as_bytes()).unwrap()))
}

fn bench(c: &mut Criterion) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = clerk_token(now);
    let config = |capacity| {
        ClerkConfig::builder()
            .secret_key("sk_live_bench")
            .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
            .jwt_key(PEM)
            .authorized_parties(["https://example.com"])
            .token_cache_capacity(capacity)
            .build()
            .unwrap()
    };
    let uncached = config(0);
    let cached = config(4096);
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

    let mut group = c.benchmark_group("auth_state");
    group.bench_function("verify_jwt", |b| {
        b.iter(|| verify_jwt(black_box(&token), &options).unwrap())
    });
    group.bench_function("get_auth_state_signed_in_cookie", |b| {
        b.iter(|| runtime.block_on(get_auth_state(&uncached, black_box(&request))))
    });
    group.bench_function("decode_jwt", |b| {
        b.iter(|| decode_jwt(black_box(&token)).unwrap())
    });
    group.bench_function("get_auth_state_signed_in_cookie_cache_hit", |b| {
        b.iter(|| runtime.block_on(get_auth_state(&cached, black_box(&request))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
