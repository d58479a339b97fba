#!/usr/bin/env bash
# Installs the reference version of @clerk/backend used by run.mjs (npm registry only).
#   3.25.0 -> /tmp/clerk-backend-3.25  (handshake era: handshake, machine tokens, acceptsToken)
# Override the directory with $CLERK_BACKEND3_DIR (run.mjs reads the same variable).
# Needs Node >= 20.9 (the package's engines field).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${CLERK_BACKEND3_DIR:-/tmp/clerk-backend-3.25}"
mkdir -p "$dir"
cd "$dir"
if [ ! -f package.json ]; then npm init -y >/dev/null; fi
# @clerk/shared is a caret dependency (^4.40.0); pin the version the recorded results came from.
npm install "@clerk/backend@3.25.0" "@clerk/shared@4.41.0" --no-audit --no-fund --silent
installed="$(node -p "require('./node_modules/@clerk/backend/package.json').version")"
if [ "$installed" != "3.25.0" ]; then
  echo "expected @clerk/backend 3.25.0, got $installed" >&2
  exit 1
fi
echo "ok: node $here/run.mjs < $here/../cases.json > $here/../results.json"
