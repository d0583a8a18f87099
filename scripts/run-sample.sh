#!/usr/bin/env bash
# `make run`: clear the bundled sample cycle, append it to a local ledger, audit the
# ledger, and print the result. Safe to repeat: a cycle already in the ledger is not
# appended twice.
set -euo pipefail
bin="$1"; cycle="$2"; out="$3"; ledger="$4"
echo "== gridclear clear $cycle --out $out --ledger $ledger"
if ! "$bin" clear "$cycle" --out "$out" --ledger "$ledger"; then
  echo "(ledger step failed; clearing without the ledger)"
  "$bin" clear "$cycle" --out "$out"
fi
echo
echo "== $out/$(basename "$cycle")/trades.csv"
column -s, -t < "$out/$(basename "$cycle")/trades.csv" 2>/dev/null || cat "$out/$(basename "$cycle")/trades.csv"
echo
echo "== gridclear audit $ledger"
"$bin" audit "$ledger" || { echo "audit failed"; exit 1; }
