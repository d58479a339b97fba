#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 60), one after the other, growing the
# corpora in fuzz/corpus/<target>/. Needs cargo-fuzz (`cargo install cargo-fuzz`); this machine has
# only stable Rust, so RUSTC_BOOTSTRAP=1 unlocks the nightly flags cargo-fuzz passes. `-s none`:
# no sanitizer (the code is `#![forbid(unsafe_code)]`; libFuzzer still guides by coverage).
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
mkdir -p logs
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t ($seconds s), full log in fuzz/logs/$t.log"
    if ! cargo fuzz run -s none "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=8192 \
        -timeout=10 -print_final_stats=1 >"logs/$t.log" 2>&1; then
        status=1
        echo "   FAILED: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
    fi
    grep -E "Done [0-9]+ runs|stat::number_of_executed_units|panicked|ERROR|Test unit written" "logs/$t.log" || true
done
exit $status
