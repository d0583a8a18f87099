#!/usr/bin/env bash
# RCI / ADMM benchmark (issue 19): time to converge across real processes, plaintext and
# encrypted, with the per-iteration cost split each run prints (CPU ms per iteration summed
# over the agents: encryption, homomorphic update + packing, algorithm, transport; the
# platform's decryption, transport and waiting), plus the in-process comparison.
#
# usage: Benchmarks/rci.sh [gridclear binary, default .build/release/gridclear] [key bits, default 2048]
# Build first: swift build -c release --product gridclear
# Not part of the test suite (minutes of CPU); numbers depend on the machine's load.
set -euo pipefail
bin="${1:-.build/release/gridclear}"
# `make bench` passes gridclear-bench: the RCI runs need the product binary beside it.
case "$bin" in *gridclear-bench) bin="$(dirname "$bin")/gridclear" ;; esac
bits="${2:-2048}"
cd "$(dirname "$0")/.."
run() {
  echo "== $*"
  local start end
  start=$(date +%s.%N)
  "$bin" "$@" | grep -E '^(ADMM|RCI) |^stop rule|^per iteration|^per-iteration proofs checked' 
  end=$(date +%s.%N)
  echo "   wall $(echo "$end - $start" | bc) s (including key generation)"
}
for case in case_2x3 case_5x5; do
  run rci run Inputs/rci/$case.csv --algorithm admm --seed 1
  run rci run Inputs/rci/$case.csv --algorithm admm --encrypted --mask --key-bits "$bits" --seed 1
  run rci run Inputs/rci/$case.csv --algorithm rci --seed 1
done
# New England 31: ADMM (ρ = 1 default and ρ = 2) across processes, plaintext and encrypted
for rho in 1 2; do
  run rci run Inputs/rci/new_england_31.csv --algorithm admm --rho "$rho" --seed 1
  run rci run Inputs/rci/new_england_31.csv --algorithm admm --rho "$rho" --encrypted --mask --key-bits "$bits" --seed 1
done
run rci run Inputs/rci/new_england_31.csv --algorithm admm --rho 2 --encrypted --mask --key-bits 1024 --seed 1
# Per-iteration proofs (issue 19 item 4): NE31 encrypted with proofs every 10th iteration and in
# audit mode (every iteration proven, 10 checked), then the in-process split with and without proofs
run rci run Inputs/rci/new_england_31.csv --algorithm admm --encrypted --mask --key-bits 1024 --seed 1 --prove-every 10
run rci run Inputs/rci/new_england_31.csv --algorithm admm --encrypted --mask --key-bits 1024 --seed 1 --audit-sample 10 --audit-seed 1
if [ -x "$(dirname "$bin")/gridclear-bench" ]; then
  "$(dirname "$bin")/gridclear-bench" rci-proofs --key-bits 1024 --case case_5x5 --iterations 20 --repeats 3
fi
# RCI itself on New England 31: plaintext across processes (tens of thousands of iterations)
run rci solve Inputs/rci/new_england_31.csv --algorithm rci --seed 1
if [ "${RCI_BENCH_LONG:-0}" = 1 ]; then
  run rci run Inputs/rci/new_england_31.csv --algorithm rci --seed 1
fi
