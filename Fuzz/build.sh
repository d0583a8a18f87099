#!/usr/bin/env bash
# Builds the libFuzzer target for the ledger record/block reader into $1 (default .build-fuzz).
# The reader sources (Codec/, Format/) have no dependencies, so swiftc compiles them directly.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build-fuzz}"
mkdir -p "$out"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
  Sources/LedgerLite/Codec/*.swift Sources/LedgerLite/Format/*.swift Fuzz/LedgerReaderFuzz.swift \
  -o "$out/ledger-reader-fuzz"
echo "$out/ledger-reader-fuzz"
