#!/usr/bin/env bash
# K-prototypes dissimilarity matrix, 10 000 x 10 000 records (SPEC §3.2): the one-GEMM
# path vs the naive triple loop vs numpy on the same formula, all in this run, with
# ratios and the fraction of the measured memory write bandwidth.
# Usage: Benchmarks/kproto.sh <release gridclear-bench binary>   (run from the package root)
set -euo pipefail
bin="${1:?usage: Benchmarks/kproto.sh <release gridclear-bench binary>}"
cd "$(dirname "$0")/.."
python3 -c 'import numpy' 2>/dev/null || pip install --quiet numpy
"$bin" kproto --records "${KPROTO_RECORDS:-10000}" --runs "${KPROTO_RUNS:-3}" --numpy
