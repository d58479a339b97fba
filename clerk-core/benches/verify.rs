//! `verify_jwt` of a Clerk-shaped RS256 session token against raw `jsonwebtoken::decode` of the same
//! token with the recommended `Validation`, measured in the same run; `decode_jwt` alone; and
//! `verify_token` with a cached key, with the verified-token cache off (cold) and on (hit).
//! The floor beside them: aws-lc's RSA check of the token's signing input with the key parsed
//! once (`floor_rsa_verify`), and that plus the base64url and JSON work any verifier must do
//! (`floor_verify_and_parse`: split, decode the three parts, claims into a typed struct).
//!
//! Run: `cargo bench -p clerk-core --bench verify`.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clerk_core::{
    Issuer, VerificationKey, VerifyJwtOptions, VerifyTokenOptions, decode_jwt, verify_jwt,
    verify_token,
};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use pkcs1::der::Decode as _;
use serde::Deserialize;

const PEM: &str = include_str!("../tests/fixtures/rsa_clerk_public.pem");

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawClaims {
    sub: String,
    sid: Option<String>,
    iss: String,
    azp: Option<String>,
    exp: u64,
    nbf: u64,
    iat: u64,
}

fn clerk_token() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let payload = serde_json::json!({
        "azp": "https://example.com", "exp": now + 3600, "fva": [0, -1], "iat": now,
        "iss": "https://clerk.example.com", "nbf": now - 10, "sid": "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9",
        "sub": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr", "v": 2,
        "o": {"id": "org_2GIpXOEpVyJw51rkZn9Kmnc6Sxr", "rol": "admin", "slg": "acme", "per": "read,manage", "fpm": "3"},
        "fea": "o:invoices"
    });
    common::sign(&payload)
}

/// The fixture key's modulus and exponent (big-endian bytes).
fn raw_components() -> (Vec<u8>, Vec<u8>) {
    let body: String = PEM.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body).unwrap();
    let spki = spki::SubjectPublicKeyInfoRef::from_der(&der).unwrap();
    let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).unwrap();
    (
        rsa.modulus.as_bytes().to_vec(),
        rsa.public_exponent.as_bytes().to_vec(),
    )
}

fn raw_key() -> DecodingKey {
    let (n, e) = raw_components();
    DecodingKey::from_rsa_raw_components(&n, &e)
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawHeader<'a> {
    alg: &'a str,
    kid: Option<&'a str>,
}

/// The floor of a full verification: split, base64url-decode header, payload and signature,
/// check the signature with the parsed key, read the claims into a typed struct. No claim rules.
fn floor_verify_and_parse(token: &str, key: &ParsedPublicKey) -> Option<RawClaims> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    let header = URL_SAFE_NO_PAD.decode(header).ok()?;
    let header: RawHeader<'_> = serde_json::from_slice(&header).ok()?;
    if header.alg != "RS256" {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    key.verify_sig(signing_input.as_bytes(), &signature).ok()?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&payload).ok()
}

fn bench(c: &mut Criterion) {
    let _ = jsonwebtoken::crypto::CryptoProvider::install_default(&DEFAULT_PROVIDER);
    let token = clerk_token();
    let options = VerifyJwtOptions::new(VerificationKey::from_pem(PEM).unwrap())
        .issuer(Issuer::clerk_frontend_api())
        .authorized_parties(["https://example.com"]);
    assert!(verify_jwt(&token, &options).is_ok());

    let raw = raw_key();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 5;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
    validation.set_issuer(&["https://clerk.example.com"]);
    assert!(jsonwebtoken::decode::<RawClaims>(&token, &raw, &validation).is_ok());

    let (n, e) = raw_components();
    let parsed = RsaPublicKeyComponents { n: &n, e: &e }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .unwrap();
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    parsed
        .verify_sig(signing_input.as_bytes(), &signature)
        .unwrap();
    assert!(floor_verify_and_parse(&token, &parsed).is_some());

    let mut group = c.benchmark_group("session_token");
    group.bench_function("floor_rsa_verify", |b| {
        b.iter(|| {
            parsed
                .verify_sig(black_box(signing_input.as_bytes()), &signature)
                .unwrap()
        })
    });
    group.bench_function("floor_verify_and_parse", |b| {
        b.iter(|| floor_verify_and_parse(black_box(&token), &parsed).unwrap())
    });
    group.bench_function("jsonwebtoken_decode", |b| {
        b.iter(|| jsonwebtoken::decode::<RawClaims>(black_box(&token), &raw, &validation).unwrap())
    });
    group.bench_function("verify_jwt", |b| {
        b.iter(|| verify_jwt(black_box(&token), &options).unwrap())
    });
    group.bench_function("decode_jwt", |b| {
        b.iter(|| decode_jwt(black_box(&token)).unwrap())
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let token_options = |capacity| {
        VerifyTokenOptions::builder()
            .jwt_key(PEM)
            .issuer(Issuer::clerk_frontend_api())
            .authorized_parties(["https://example.com"])
            .token_cache_capacity(capacity)
            .build()
            .unwrap()
    };
    let cold = token_options(0);
    let cached = token_options(4096);
    runtime.block_on(verify_token(&token, &cached)).unwrap();
    group.bench_function("verify_token_cold", |b| {
        b.iter(|| {
            runtime
                .block_on(verify_token(black_box(&token), &cold))
                .unwrap()
        })
    });
    group.bench_function("verify_token_cache_hit", |b| {
        b.iter(|| {
            runtime
                .block_on(verify_token(black_box(&token), &cached))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
