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
# Headline (issue 19 goal: under 10 s wall): New England 31 across 32 processes, encrypted
# (1024-bit, --mask), default algorithm, against the plaintext run as the peer, interleaved,
# ${RCI_BENCH_REPS:-3} repetitions: wall and CPU (user + sys summed over the processes) min and
# median, and the per-iteration cost split
# (CPU ms per iteration summed over the agents; the platform's decryption) of the last run.
ne31_reps="${RCI_BENCH_REPS:-3}"
enc_walls=(); plain_walls=()
enc_cpus=(); plain_cpus=()
wall_of() {  # prints "wall cpu" seconds of one run (cpu: user + sys of every process); its summary goes to $split_file
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$time_file" "$bin" "$@" > "$split_file"
  end=$(date +%s%N)
  echo "$(echo "scale=3; ($end - $start) / 1000000000" | bc) $(awk '{ print $1 + $2 }' "$time_file")"
}
split_file="$(mktemp)"; time_file="$(mktemp)"; trap 'rm -f "$split_file" "$time_file"' EXIT
for _ in $(seq "$ne31_reps"); do
  read -r w c < <(wall_of rci run Inputs/rci/new_england_31.csv --encrypted --mask --key-bits 1024 --seed 1)
  enc_walls+=("$w"); enc_cpus+=("$c")
  enc_split="$(sed -n '1p;5p' "$split_file")"
  read -r w c < <(wall_of rci run Inputs/rci/new_england_31.csv --seed 1)
  plain_walls+=("$w"); plain_cpus+=("$c")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "min %.2f s, median %.2f s (%d runs)", v[1], v[int((NR + 1) / 2)], NR }'; }
echo "== NE31 across processes, encrypted 1024-bit --mask (default algorithm): wall $(stats "${enc_walls[@]}"); CPU $(stats "${enc_cpus[@]}")"
echo "$enc_split" | sed 's/^/   /'
echo "== NE31 across processes, plaintext (peer): wall $(stats "${plain_walls[@]}"); CPU $(stats "${plain_cpus[@]}")"

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
