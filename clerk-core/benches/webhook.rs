//! Webhook verification of a 10 KB delivery (`WebhookVerifier::verify`: headers, timestamp
//! tolerance, HMAC-SHA256, signature comparison) against a raw HMAC-SHA256 (aws-lc) over the same
//! signed bytes (`id.timestamp.body`), in the same run; and `verify_json` (verification plus
//! parsing the body into a `WebhookEvent`).
//!
//! Run: `cargo bench -p clerk-core --bench webhook`.
#![allow(missing_docs)]

use std::hint::black_box;

use aws_lc_rs::hmac;
use clerk_core::{WebhookEvent, WebhookHeaders, WebhookVerifier};
use clerk_testing::WebhookSigner;
use clerk_testing::webhook_cases::user_created;
use criterion::{Criterion, criterion_group, criterion_main};

const SIZE: usize = 10 * 1024;

fn bench(c: &mut Criterion) {
    // A `user.created` delivery padded to 10 KB.
    let base = user_created(0).len();
    let body = user_created(SIZE.saturating_sub(base));
    assert!(body.len().abs_diff(SIZE) < 64, "{} bytes", body.len());

    let signer = WebhookSigner::generate();
    let [(_, id), (_, timestamp), (_, signature)] = signer.headers(&body);
    let headers = WebhookHeaders {
        id: &id,
        timestamp: &timestamp,
        signature: &signature,
    };
    let verifier = WebhookVerifier::new(signer.secret()).unwrap();
    verifier.verify(headers, &body).unwrap();

    // The same key as the signer's (its secret is `whsec_` + base64 of the key).
    use base64::Engine as _;
    let key_bytes = base64::engine::general_purpose::STANDARD
        .decode(signer.secret().trim_start_matches("whsec_"))
        .unwrap();
    let key = hmac::Key::new(hmac::HMAC_SHA256, &key_bytes);

    let mut group = c.benchmark_group("webhook_10kb");
    group.bench_function("raw_hmac_sha256", |b| {
        b.iter(|| {
            let mut mac = hmac::Context::with_key(&key);
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.as_bytes());
            mac.update(b".");
            mac.update(black_box(&body));
            mac.sign()
        })
    });
    group.bench_function("webhook_verifier_verify", |b| {
        b.iter(|| verifier.verify(headers, black_box(&body)).unwrap())
    });
    group.bench_function("webhook_verifier_verify_json", |b| {
        b.iter(|| {
            verifier
                .verify_json::<WebhookEvent>(headers, black_box(&body))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
