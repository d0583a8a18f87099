#!/usr/bin/env bash
# CMAP round solver benchmark: the five LPs of one 500×500 round on GridClear's RELAX-IV
# (relax4) and GLPK's simplex (and okalg / glpk-relax4 on request), and — when python3 with
# scipy is present — the same five LPs in scipy's HiGHS, measured in the same run.
# Usage: Benchmarks/clearing.sh path/to/release/gridclear-bench [buyers] [sellers] [seed]
set -euo pipefail
bin="$1"; m="${2:-500}"; n="${3:-500}"; seed="${4:-1}"
# Paths to time (comma-separated). okalg takes minutes at 500×500, so it is opt-in:
# CMAP_PATHS=relax4,simplex,okalg Benchmarks/clearing.sh BIN; add glpk-relax4 where GLPK ships it.
paths="${CMAP_PATHS:-relax4,simplex}"
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

echo "== gridclear bench clearing ($m×$n, seed $seed)"
"$bin" clearing --buyers "$m" --sellers "$n" --seed "$seed" --paths "$paths" --dump "$tmp/problem.json" | tee "$tmp/swift.txt"
# The lead's 500×500 sample cycle, cleared end to end (all CMAP rounds) with each path.
for c in "$here"/Inputs/samples/500x500/*/; do
  [ -f "$c/offers.csv" ] && [ "$m" = 500 ] && [ "$n" = 500 ] || continue
  "$bin" clearing --buyers 1 --sellers 1 --paths "$paths" --cycle "${c%/}" | grep '^cycle=' || echo "cycle benchmark failed: $c"
done

if command -v python3 >/dev/null && python3 -c 'import scipy' 2>/dev/null; then
  echo "== scipy HiGHS (linprog method=highs), same problem"
  python3 "$here/scripts/cmap_reference.py" solve "$tmp/problem.json" > "$tmp/highs.json"
  python3 - "$tmp/swift.txt" "$tmp/highs.json" <<'PY'
import json, re, sys
h = json.load(open(sys.argv[2]))
print("highs five_lps_seconds=%.4f end_to_end_seconds=%.4f objective=%.12f z1Max=%.9f z1Min=%.9f z2Max=%.9f z2Min=%.9f"
      % (h["highsSeconds"], h["totalSeconds"], h["objective"], h["z1Max"], h["z1Min"], h["z2Max"], h["z2Min"]))
for line in open(sys.argv[1]):
    m = re.match(r"path=(\S+) seconds=(\S+) objective=(\S+) z1Max=(\S+) z1Min=(\S+) z2Max=(\S+) z2Min=(\S+)", line)
    if not m:
        continue
    path, secs = m.group(1), float(m.group(2))
    vals = dict(zip(["objective", "z1Max", "z1Min", "z2Max", "z2Min"], map(float, m.groups()[2:])))
    worst = max(abs(vals[k] - h[k]) / max(1.0, abs(h[k])) for k in vals)
    print("ratio highs/%s = %.1f (HiGHS five LPs %.3f s vs %s end to end %.3f s); max relative difference %.1e"
          % (path, h["highsSeconds"] / max(secs, 1e-9), h["highsSeconds"], path, secs, worst))
PY
else
  echo "== python3 with scipy not found: HiGHS comparison skipped"
fi
