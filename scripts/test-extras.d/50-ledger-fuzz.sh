#!/usr/bin/env bash
# libFuzzer passes over GridClear's readers of untrusted bytes (Fuzz/build.sh builds them):
#   cycle-parser-fuzz   CSV / JSON / whole-cycle input parsing
#   ledger-reader-fuzz  ledger record scanner, block and entry decoders
#   meter-data-fuzz     meter-data lines and interval apportioning
#   proof-reader-fuzz   trade proof files: parse and verify (what verify-proof reads)
#   rci-frame-fuzz      RCI wire frames and messages (what every RCI process reads from peers)
# Short pass (make test): FUZZ_SECONDS per target (default 8). Long pass, the documented one:
#   FUZZ_RUNS=1000000 scripts/test-extras.d/50-ledger-fuzz.sh [.build/debug/gridclear]
# ($1, optional: the gridclear binary; the test-only gridclear-ledger-writer beside it makes
# fresh ledger seeds, and the proof reader links the swift-crypto objects SwiftPM built there.)
# runs each target for exactly that many executions and prints the counts. FUZZ_TARGETS
# limits the targets (space-separated names). Seeds: Fuzz/corpus/<target>/ (copied, never
# written). Passes when no target finds a crash, trap or broken property.
set -euo pipefail
bin="$(realpath "${1:-.build/debug/gridclear}" 2>/dev/null || true)"
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
Fuzz/build.sh "$work/build" "$(dirname "${bin:-.build/debug/gridclear}")" > "$work/build.log" 2>&1 || { echo "fuzz: build FAILED"; tail -30 "$work/build.log"; exit 1; }
targets="${FUZZ_TARGETS:-cycle-parser ledger-reader meter-data proof-reader rci-frame}"
if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); else limit=(-max_total_time="${FUZZ_SECONDS:-8}"); fi
status=0
for t in $targets; do
  mkdir -p "$work/corpus-$t"
  cp Fuzz/corpus/"$t"/* "$work/corpus-$t/" 2>/dev/null || true
  # Fresh ledger seeds in the current format from the test-only writer beside the binary.
  writer="$(dirname "${bin:-.}")/gridclear-ledger-writer"
  if [ "$t" = ledger-reader ] && [ -x "$writer" ] && "$writer" "$work/L" 2 >/dev/null 2>&1; then
    cp "$work/L/blocks.gcl" "$work/corpus-$t/ledger-fresh"
    head -c 400 "$work/L/blocks.gcl" > "$work/corpus-$t/genesis-prefix-fresh"
  fi
  if "$work/build/$t-fuzz" "${limit[@]}" -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$work/$t-" "$work/corpus-$t" > "$work/$t.log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$' | tail -1)"
    echo "fuzz $t: OK (${runs:-?} executions without a crash)"
  else
    echo "fuzz $t: FAILED"; tail -40 "$work/$t.log"
    for a in "$work/$t-"*; do [ -f "$a" ] && cp "$a" /tmp/ && echo "artifact kept: /tmp/$(basename "$a")"; done
    status=1
  fi
done
exit $status
