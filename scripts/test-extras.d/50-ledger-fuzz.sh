#!/usr/bin/env bash
# Brief libFuzzer run of the ledger record/block reader (default 25 s; FUZZ_SECONDS=600 for a
# longer run, see docs/ledger-format.md). $1: the gridclear binary; the test-only
# gridclear-ledger-writer beside it (built with the tests) makes the seed inputs.
# Passes when the fuzzer finds no crash, trap or non-canonical acceptance.
set -euo pipefail
bin="$(realpath "$1")"
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fuzzer="$(Fuzz/build.sh "$work/build" 2>/dev/null | tail -1)"
mkdir -p "$work/corpus"
"$(dirname "$bin")/gridclear-ledger-writer" "$work/L" 2 >/dev/null
cp "$work/L/blocks.gcl" "$work/corpus/ledger"
head -c 400 "$work/L/blocks.gcl" > "$work/corpus/genesis-prefix"
if [ -d Fuzz/corpus ]; then cp Fuzz/corpus/* "$work/corpus/" 2>/dev/null || true; fi
"$fuzzer" -max_total_time="${FUZZ_SECONDS:-25}" -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" > "$work/log" 2>&1 || {
  echo "ledger fuzz: FAILED"; tail -40 "$work/log"; ls "$work"/crash-* 2>/dev/null && cp "$work"/crash-* /tmp/ 2>/dev/null; exit 1; }
echo "ledger fuzz: OK ($(grep -o 'Done [0-9]* runs' "$work/log" | head -1) without a crash)"
