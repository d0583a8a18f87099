#!/usr/bin/env bash
# Privacy benchmark: GridClear Paillier vs python-paillier (phe + gmpy2) in the same run,
# plus range-proof prove/verify times and sizes. Usage: Benchmarks/privacy.sh <release gridclear-bench binary>
set -euo pipefail
BIN="${1:?usage: Benchmarks/privacy.sh path/to/release/gridclear-bench}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
cd "$(dirname "$0")/.."
python3 -c 'import phe, gmpy2' 2>/dev/null || pip install --quiet phe gmpy2 || echo "note: phe/gmpy2 unavailable; peer column will be missing"
for bits in 2048 3072; do
  echo "== Paillier $bits-bit =="
  "$BIN" privacy --bits "$bits" --ops "${PRIVACY_BENCH_OPS:-100}"
done
