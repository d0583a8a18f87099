#!/usr/bin/env bash
# RCI benchmark: in-process plaintext vs encrypted (iterations, time, overhead ratio), the
# New England 31-agent case in plaintext, and real processes over sockets for the 2×3 case.
# usage: Benchmarks/rci.sh <release gridclear-bench binary>
set -euo pipefail
bin="$1"
gridclear="$(dirname "$bin")/gridclear"   # the product binary, built beside it
"$bin" rci --key-bits 1024 --encrypted-iterations 100
for mode in "" "--encrypted --key-bits 1024"; do
  start=$(date +%s.%N)
  "$gridclear" rci run Inputs/rci/case_2x3.csv $mode --transport tcp | head -1
  end=$(date +%s.%N)
  echo "processes over tcp ${mode:-(plaintext)}: $(echo "$end - $start" | bc) s wall"
done
