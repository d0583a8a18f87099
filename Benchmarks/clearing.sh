#!/usr/bin/env bash
# CMAP solver benchmark (issue 12). For each size (parties a side) a seed-distribution cycle
# is generated (scripts/gen_cmap_sample.py, not committed), and the five LPs of its first
# CMAP round are solved by GridClear's network simplex (warm-started across the five LPs),
# LEMON's NetworkSimplex (cold, a C++ peer built here against Debian's liblemon-dev) and
# OR-Tools' SimpleMinCostFlow (cold, PyPI ortools) — the same integer LPs (GridClear exports
# them), interleaved in the same run, objectives checked equal. Also times `gridclear clear`
# end to end. Prints min/median seconds, ratios, peak RSS and growth exponents.
#
# Usage: Benchmarks/clearing.sh [path/to/release/gridclear-bench]   (gridclear beside it)
#   SIZES="250 500 1000 2000" REPEAT=3 BIG_REPEAT=1 ORTOOLS_MAX=2000 Benchmarks/clearing.sh
#   SIZES=5000 ORTOOLS_MAX=0 Benchmarks/clearing.sh      # the 25 M-arc case (~10 GB free RAM)
# Not a timed test: numbers depend on the machine and its load.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bench="${1:-$here/.build/release/gridclear-bench}"
bin="$(dirname "$bench")/gridclear"
if [ ! -x "$bench" ] || [ ! -x "$bin" ]; then
  echo "== building release gridclear and gridclear-bench" >&2
  (cd "$here" && swift build -c release --product gridclear >&2 && swift build -c release --product gridclear-bench >&2)
fi

# Benchmark-only dependencies, installed only when missing.
if [ ! -f /usr/include/lemon/network_simplex.h ]; then
  echo "== installing liblemon-dev (benchmark peer only)" >&2
  apt-get update -qq >&2 && apt-get install -y liblemon-dev >&2
fi
if ! python3 -c 'import ortools, numpy' 2>/dev/null; then
  echo "== installing ortools from PyPI (benchmark peer only)" >&2
  pip install ortools >&2
fi

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
g++ -O2 -std=c++17 -o "$tmp/lemon_ns" "$here/Benchmarks/peers/lemon_ns.cpp"
echo "== CMAP round 1, five LPs: GridClear network simplex vs LEMON vs OR-Tools ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$here/Benchmarks/peers/clearing_driver.py" "$bin" "$bench" "$tmp/lemon_ns" "$here" "$tmp"
