#!/usr/bin/env bash
# Issue 19 check: New England 31 across real processes (platform + 31 agents), encrypted
# (1024-bit Paillier, masked), default algorithm: prices on active trades within 0.1 €/MWh of
# the pool price and net powers within 0.5 MW of the λ-iteration optimum
# (Tests/ConsensusFactorTests/Fixtures/rci_reference_new_england_31.json, cvxpy-checked).
# Here rather than in `swift test` because it is a whole multi-process encrypted run
# (seconds in release, about a minute with the debug binary on a loaded 2-core machine).
set -euo pipefail
bin="${1:-.build/debug/gridclear}"
cd "$(dirname "$0")/../.."
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
"$bin" rci run Inputs/rci/new_england_31.csv --encrypted --mask --key-bits 1024 --seed 3 --out "$out" | head -1
python3 - "$out/result.json" Tests/ConsensusFactorTests/Fixtures/rci_reference_new_england_31.json <<'PY'
import json, sys
r, ref = (json.load(open(p)) for p in sys.argv[1:3])
assert r["converged"] and r["encrypted"], "not a converged encrypted run"
bad = [t for t in r["trades"] if abs(t["price"] - ref["price"]) > 0.1]
assert not bad, f"{len(bad)} active trades priced more than 0.1 €/MWh from {ref['price']}: {bad[:3]}"
worst = max(abs(r["agents"][a] - p) for a, p in ref["net_power"].items())
assert worst <= 0.5, f"net power {worst:.3f} MW from the optimum"
print(f"rci NE31 encrypted ({r['algorithm']}, {r['iterations']} iterations): {len(r['trades'])} trades within 0.1 €/MWh of {ref['price']:.4f}, net powers within {worst:.4f} MW")
PY
