#!/usr/bin/env bash
# Regenerates the K-prototypes reference dissimilarities with the `kmodes` package and
# checks they equal the committed fixture the Swift differential test reads
# (Tests/ClearingTests/Fixtures/kproto/kmodes_reference.json). $1 (gridclear) is unused.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import kmodes, numpy' 2>/dev/null || pip install --quiet kmodes numpy
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 scripts/kproto_reference.py --out "$tmp/ref.json" >/dev/null
python3 - "$tmp/ref.json" Tests/ClearingTests/Fixtures/kproto/kmodes_reference.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("buyers_numeric", "sellers_numeric", "buyers_categorical", "sellers_categorical", "gamma"):
    assert a[k] == b[k], f"inputs differ in {k}: regenerate the fixture"
worst = max(abs(x - y) / max(1.0, abs(y)) for ra, rb in zip(a["dissimilarity"], b["dissimilarity"]) for x, y in zip(ra, rb))
assert worst <= 1e-12, f"kmodes dissimilarities drifted by {worst}"
print(f"kmodes reference matches the committed fixture (max rel. deviation {worst:.1e})")
PY
