#!/usr/bin/env bash
# Builds the libFuzzer targets into $1 (default .build-fuzz) and prints their paths:
#   cycle-parser-fuzz   CSV, JSON and whole-cycle parsing (Sources/Clearing/Input)
#   ledger-reader-fuzz  ledger record scanner, block and entry decoders (Sources/LedgerLite)
#   meter-data-fuzz     meter-data lines and interval apportioning (Sources/MeterIngest)
#   proof-reader-fuzz   trade proof files: parse and verify (Sources/LedgerLite)
#   rci-frame-fuzz      RCI wire frames and messages (Sources/ConsensusFactor/Wire)
# The pure core (Sources/GridClearCore) is compiled once as a module with the same
# instrumentation; each target compiles its module's sources directly with swiftc.
# ledger-reader-fuzz and proof-reader-fuzz link swift-crypto as SwiftPM built it (not
# instrumented: BoringSSL is not what is fuzzed) from $2, default .build/debug (run `swift build` first).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build-fuzz}"
spm="${2:-.build/debug}"
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


meter=(Sources/MeterIngest/Data/MeterRecord.swift Sources/MeterIngest/Intervals/IntervalApportioner.swift)
[ -f Sources/MeterIngest/Data/CRC32.swift ] && meter+=(Sources/MeterIngest/Data/CRC32.swift)
[ -f Sources/MeterIngest/Intervals/CycleTime.swift ] && meter+=(Sources/MeterIngest/Intervals/CycleTime.swift)
swiftc "${flags[@]}" "${core[@]}" -module-name MeterDataFuzz "${meter[@]}" Fuzz/MeterDataFuzz.swift -o "$out/meter-data-fuzz"
echo "$out/meter-data-fuzz"

# The ledger and proof readers are compiled with all of LedgerLite (its format files refer to
# certificates, committees, hashing and keys), on an instrumented GridClearSystem module and
# swift-crypto's module and objects from SwiftPM (Ed25519), and the system libcrypto (SHA-256).
swiftc "${flags[@]}" "${core[@]}" -module-name GridClearSystem -emit-module -emit-module-path "$mods/GridClearSystem.swiftmodule" \
  -emit-library -static -o "$mods/libGridClearSystem.a" $(find Sources/GridClearSystem -name '*.swift' | sort)
[ -f "$spm/Modules/Crypto.swiftmodule" ] || { echo "build.sh: no $spm/Modules/Crypto.swiftmodule (run swift build first)" >&2; exit 1; }
crypto_src="$(dirname "$(realpath "$spm")")/../checkouts/swift-crypto/Sources"
[ -d "$crypto_src" ] || crypto_src=.build/checkouts/swift-crypto/Sources
crypto=(-lGridClearSystem -I "$spm/Modules"
  -Xcc -fmodule-map-file="$crypto_src/CCryptoBoringSSLShims/include/module.modulemap" -Xcc -I -Xcc "$crypto_src/CCryptoBoringSSLShims/include"
  -Xcc -fmodule-map-file="$crypto_src/CCryptoBoringSSL/include/module.modulemap" -Xcc -I -Xcc "$crypto_src/CCryptoBoringSSL/include"
  -Xcc -fmodule-map-file=Sources/CLibCrypto/module.modulemap -lcrypto)
mapfile -t crypto_objs < <(find "$spm/Crypto.build" "$spm/CryptoBoringWrapper.build" "$spm/CCryptoBoringSSL.build" \
  "$spm/CCryptoBoringSSLShims.build" -name '*.o' | sort)
mapfile -t ledger_src < <(find Sources/LedgerLite -name '*.swift' | sort)
for t in ledger-reader:LedgerReaderFuzz proof-reader:ProofReaderFuzz; do
  swiftc "${flags[@]}" "${core[@]}" "${crypto[@]}" -module-name "${t#*:}" "${ledger_src[@]}" "Fuzz/${t#*:}.swift" \
    "${crypto_objs[@]}" -o "$out/${t%%:*}-fuzz"
  echo "$out/${t%%:*}-fuzz"
done

# The RCI messages, the value types they carry and the agent identities a case names (Ed25519).
swiftc "${flags[@]}" "${core[@]}" "${crypto[@]}" -module-name RCIFrameFuzz \
  Sources/ConsensusFactor/Wire/*.swift Sources/ConsensusFactor/Core/*.swift Sources/ConsensusFactor/Variant/*.swift \
  Sources/ConsensusFactor/Exchange/RCIEncryptedShare.swift Sources/ConsensusFactor/Model/RCICase.swift \
  Sources/ConsensusFactor/Node/RCIIdentity.swift Fuzz/RCIFrameFuzz.swift "${crypto_objs[@]}" -o "$out/rci-frame-fuzz"
echo "$out/rci-frame-fuzz"
