//! The verifiers of the `peers` comparison under criterion, in one run: the floor (aws-lc RSA
//! verify with the key parsed once; that plus base64url and JSON into typed claims),
//! jsonwebtoken's raw `decode`, ours (`verify_jwt`, `verify_token` cold and on a cache hit) and,
//! with the `peers` feature, clerk-rs 0.5's `validate_jwt`. The same code as `clerk-load peers`
//! times (`src/peer.rs`).
//!
//! Run: `cargo bench -p clerk-load --features peers --bench verify_peers`.
#![allow(missing_docs)]

// Shared with the harness, which also reads the descriptions and the instance.
#[allow(dead_code)]
#[path = "../src/peer.rs"]
mod peer;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let contenders = peer::Contenders::new().unwrap();
    let mut group = c.benchmark_group("verify_peers");
    for contender in peer::Contenders::list() {
        group.bench_function(contender.name, |b| {
            b.iter(|| assert!((contender.verify)(black_box(&contenders))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
