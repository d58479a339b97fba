//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/*`) and the seed tokens through the
//! same harnesses the cargo-fuzz targets run, so stable CI catches regressions without a fuzzer.

#[path = "../../fuzz/harness/mod.rs"]
mod harness;

use std::path::PathBuf;

#[test]
fn seed_tokens_verify_and_parse() {
    for token in harness::seed_tokens() {
        harness::verify_fixed_key(token.as_bytes());
        harness::token_unverified_parse(token.as_bytes());
        let mut request = b"https://example.com/\0authorization:Bearer ".to_vec();
        request.extend_from_slice(token.as_bytes());
        harness::auth_state(&request);
    }
}

#[test]
fn committed_corpora_replay_clean() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut total = 0;
    for (name, harness) in harness::TARGETS {
        let dir = root.join(name);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus {} missing: {e}", dir.display()));
        let mut count = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| harness(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} violates its oracle",
                path.display()
            );
            count += 1;
        }
        assert!(count > 0, "corpus {name} is empty");
        total += count;
    }
    assert!(total >= harness::TARGETS.len());
}
