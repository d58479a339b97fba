#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 60), one after the other, growing the
# corpora in fuzz/corpus/<target>/. Needs cargo-fuzz (`cargo install cargo-fuzz`); this machine has
# only stable Rust, so RUSTC_BOOTSTRAP=1 unlocks the nightly flags cargo-fuzz passes.
#   fuzz/run.sh            # 60 s each
#   fuzz/run.sh 600        # 10 minutes each
#   fuzz/run.sh 30 jwks_ingest pem_jwt_key
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list 2>/dev/null || ls fuzz_targets | sed 's/\.rs$//')
fi
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t ($seconds s)"
    cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=8192 -timeout=10 2>&1 \
        | grep -E "^#[0-9]+ *(DONE|pulse)|Done [0-9]+ runs|ERROR|panicked|SUMMARY" || true
done
