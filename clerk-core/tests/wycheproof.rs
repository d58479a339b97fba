//! Project Wycheproof RSA PKCS#1 v1.5 signature vectors through the primitive our verifier uses
//! (`jsonwebtoken`'s aws-lc provider, called directly).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, DecodingKey};
use wycheproof::TestResult;
use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};

fn strip0(b: &[u8]) -> &[u8] {
    &b[b.iter().position(|&x| x != 0).unwrap_or(b.len())..]
}

fn run(name: TestName) -> (usize, usize) {
    let set = TestSet::load(name).expect("vectors");
    let (mut checked, mut acceptable) = (0, 0);
    for group in &set.test_groups {
        let key = DecodingKey::from_rsa_raw_components(strip0(&group.key.n), strip0(&group.key.e));
        let verifier = (DEFAULT_PROVIDER.verifier_factory)(&Algorithm::RS256, &key).unwrap();
        for t in &group.tests {
            // Round-trip through base64url as a token's signature would.
            let sig = URL_SAFE_NO_PAD
                .decode(URL_SAFE_NO_PAD.encode(&*t.sig))
                .unwrap();
            let ok = verifier.verify(&t.msg, &sig).is_ok();
            match t.result {
                TestResult::Valid => assert!(ok, "tc{} {}", t.tc_id, t.comment),
                TestResult::Invalid => assert!(!ok, "tc{} {}", t.tc_id, t.comment),
                TestResult::Acceptable => acceptable += 1,
            }
            checked += 1;
        }
    }
    (checked, acceptable)
}

#[test]
fn rs256_2048() {
    let (n, _) = run(TestName::Rsa2048Sha256);
    assert!(n >= 250, "{n} vectors");
}

#[test]
fn rs256_3072() {
    let (n, _) = run(TestName::Rsa3072Sha256);
    assert!(n >= 250, "{n} vectors");
}

#[test]
fn rs256_4096() {
    let (n, _) = run(TestName::Rsa4096Sha256);
    assert!(n >= 250, "{n} vectors");
}
