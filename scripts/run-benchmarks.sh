#!/usr/bin/env bash
# Runs every benchmark script in Benchmarks/ with the release gridclear-bench binary (the
# benchmarks live outside the product; the release gridclear is built beside it).
set -uo pipefail
bin="$1"
for s in Benchmarks/*.sh; do
  [ -x "$s" ] || continue
  echo "== benchmark: $s"
  "$s" "$bin" || echo "benchmark failed: $s"
done
