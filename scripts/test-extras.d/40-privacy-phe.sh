#!/usr/bin/env bash
# Re-derives the committed python-paillier interop vectors with phe itself and checks they
# are identical to Tests/PrivacyTests/Fixtures/phe_vectors.json (which PrivacyTests consume).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import phe' 2>/dev/null || pip install --quiet phe gmpy2
tmp="$(mktemp)"; trap 'rm -f "$tmp"' EXIT
python3 scripts/privacy_phe_vectors.py --out "$tmp" >/dev/null
python3 - "$tmp" Tests/PrivacyTests/Fixtures/phe_vectors.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("key", "encryptions", "operations"):
    assert a[k] == b[k], "phe_vectors.json differs from what phe produces: " + k
print("privacy phe vectors: reproduced by python-paillier")
PY
