#!/usr/bin/env bash
# Builds the libFuzzer targets into $1 (default .build-fuzz) and prints their paths:
#   cycle-parser-fuzz   CSV, JSON and whole-cycle parsing (Sources/Clearing/Input)
#   ledger-reader-fuzz  ledger record scanner, block and entry decoders (Sources/LedgerLite/Format)
#   meter-data-fuzz     meter-data lines and interval apportioning (Sources/MeterIngest)
# The pure core (Sources/GridClearCore) is compiled once as a module with the same
# instrumentation; each target compiles its module's sources directly with swiftc.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build-fuzz}"
mods="$out/modules"
mkdir -p "$mods"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)
swiftc "${flags[@]}" -module-name GridClearCore -emit-module -emit-module-path "$mods/GridClearCore.swiftmodule" \
  -emit-library -static -o "$mods/libGridClearCore.a" $(find Sources/GridClearCore -name '*.swift' | sort)
core=(-I "$mods" -L "$mods" -lGridClearCore)

swiftc "${flags[@]}" "${core[@]}" -module-name CycleParserFuzz \
  Sources/Clearing/Input/*.swift Sources/Clearing/Model/Cycle.swift Sources/Clearing/Model/CyclePipeline.swift \
  Sources/Clearing/Model/MarketConfig.swift Sources/Clearing/Model/PricingRule.swift Sources/Clearing/Model/FeeSchedule.swift Sources/Clearing/Reputation/ReputationSnapshot.swift Sources/Clearing/Model/Participants.swift Sources/Clearing/Loss/GridTopology.swift Sources/Clearing/CMAP/ClearingEvent.swift \
  Fuzz/CycleParserFuzz.swift -o "$out/cycle-parser-fuzz"
echo "$out/cycle-parser-fuzz"

swiftc "${flags[@]}" "${core[@]}" -module-name LedgerReaderFuzz \
  Sources/LedgerLite/Format/*.swift Fuzz/LedgerReaderFuzz.swift -o "$out/ledger-reader-fuzz"
echo "$out/ledger-reader-fuzz"

meter=(Sources/MeterIngest/Data/MeterRecord.swift Sources/MeterIngest/Intervals/IntervalApportioner.swift)
[ -f Sources/MeterIngest/Data/CRC32.swift ] && meter+=(Sources/MeterIngest/Data/CRC32.swift)
[ -f Sources/MeterIngest/Intervals/CycleTime.swift ] && meter+=(Sources/MeterIngest/Intervals/CycleTime.swift)
swiftc "${flags[@]}" "${core[@]}" -module-name MeterDataFuzz "${meter[@]}" Fuzz/MeterDataFuzz.swift -o "$out/meter-data-fuzz"
echo "$out/meter-data-fuzz"
