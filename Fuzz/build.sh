#!/usr/bin/env bash
# Builds the libFuzzer target for the ledger record/block reader into $1 (default .build-fuzz).
# The reader (Sources/LedgerLite/Format) depends only on GridClearCore (byte codec, CRC-32C),
# so swiftc builds the core as a static module first and the reader with the fuzz entry on it.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build-fuzz}"
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)
swiftc "${flags[@]}" -module-name GridClearCore -emit-module -emit-module-path "$out/GridClearCore.swiftmodule" \
  -emit-library -static $(find Sources/GridClearCore -name '*.swift') -o "$out/libGridClearCore.a"
swiftc "${flags[@]}" -I "$out" -L "$out" -lGridClearCore \
  Sources/LedgerLite/Format/*.swift Fuzz/LedgerReaderFuzz.swift -o "$out/ledger-reader-fuzz"
echo "$out/ledger-reader-fuzz"
