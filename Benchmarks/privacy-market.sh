#!/usr/bin/env bash
# Private market benchmark (issue 14): an N×N private cycle end to end (registration with
# cut-and-choose, plan proofs, encryption, encrypted K-prototypes matching, decryption,
# confirmations) against plaintext K-prototypes on the same inputs in the same run, with the
# time split per step (from <out>/<cycle>/private/timings.json); then the per-operation
# Paillier costs against python-paillier (`gridclear bench privacy`) and the seed's figures.
#
# Usage: Benchmarks/privacy-market.sh <release gridclear> [<release gridclear-bench>]
#   PRIVATE_BENCH_N (100) quotes per side, PRIVATE_BENCH_BITS (2048) Paillier bits,
#   PRIVATE_BENCH_K (8) cut-and-choose candidates, PRIVACY_BENCH_OPS (100) per-op repetitions,
#   PRIVATE_BENCH_PROCESSES (1) also run the cycle with every role in its own process.
# Step times are CPU seconds of the in-process run (--clock cpu: immune to other load on a
# shared machine); the process run reports wall time.
set -euo pipefail
BIN="${1:?usage: Benchmarks/privacy-market.sh path/to/release/gridclear [path/to/release/gridclear-bench]}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
BENCH="${2:-$(dirname "$BIN")/gridclear-bench}"
N="${PRIVATE_BENCH_N:-100}"; BITS="${PRIVATE_BENCH_BITS:-2048}"; K="${PRIVATE_BENCH_K:-8}"
cd "$(dirname "$0")/.."
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CYCLE=20261120T1000Z
mkdir -p "$WORK/in/$CYCLE"
cp Inputs/market.json "$WORK/in/market.json"
python3 - "$WORK/in/$CYCLE" "$N" <<'PY'
import random, sys
d, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(14)
types = ["thermal", "wind", "hydro", "solar", "biomass"]
def loc(): return f"{rng.uniform(39.80, 40.03):.4f}", f"{rng.uniform(116.25, 116.55):.4f}"
with open(f"{d}/offers.csv", "w") as f:
    f.write("offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences\n")
    for i in range(n):
        lat, lon = loc()
        f.write(f"O{i},S{i},{rng.randint(3023, 14167) / 10000:.4f},{rng.randint(1, 60000) / 1000:.3f},{rng.choice(types)},{lat},{lon},{rng.randint(60, 100)},price:0.5;demand:0.3;loss:0.2\n")
with open(f"{d}/bids.csv", "w") as f:
    f.write("bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences,energy_type,green_index,max_loss_pct\n")
    for i in range(n):
        lat, lon = loc()
        t = rng.choice(types) if rng.random() < 0.5 else ""
        g = f"{rng.random():.3f}" if rng.random() < 0.5 else ""
        m = f"{rng.uniform(2, 40):.2f}" if rng.random() < 0.5 else ""
        f.write(f"B{i},P{i},{rng.randint(3023, 14167) / 10000:.4f},{rng.randint(1, 60000) / 1000:.3f},{lat},{lon},{rng.randint(60, 100)},price:0.5;loss:0.3;green:0.2,{t},{g},{m}\n")
PY

echo "== plaintext K-prototypes, ${N}×${N} =="
/usr/bin/time -f "   wall %e s, max RSS %M KB" "$BIN" clear "$WORK/in/$CYCLE" --mechanism kproto --out "$WORK/plain" --quiet

echo "== private market, ${N}×${N}, Paillier ${BITS}-bit, cut-and-choose k=${K}, in process (CPU seconds) =="
set +e
/usr/bin/time -f "   wall %e s, user %U s, max RSS %M KB" "$BIN" private run "$WORK/in/$CYCLE" --out "$WORK/private" --paillier-bits "$BITS" --candidates "$K" --in-process --clock cpu
rc=$?
set -e
echo "   exit $rc"
cat "$WORK/private/$CYCLE/private/timings.json"
python3 - "$WORK/private/$CYCLE/private/timings.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("   top handlers (CPU s):")
for k, v in sorted(d["handler_seconds"].items(), key=lambda x: -x[1])[:12]:
    print(f"   {v:9.3f}  {k}")
PY
if [ "${PRIVATE_BENCH_PROCESSES:-1}" = 1 ]; then
  echo "== the same cycle with every role in its own process (wall seconds) =="
  /usr/bin/time -f "   wall %e s, max RSS %M KB (operator)" "$BIN" private run "$WORK/in/$CYCLE" --out "$WORK/private-proc" --paillier-bits "$BITS" --candidates "$K" || true
  cmp -s "$WORK/plain/$CYCLE/trades.csv" "$WORK/private-proc/$CYCLE/trades.csv" && echo "   trades.csv (processes): identical to plaintext kproto" || echo "   trades.csv (processes): DIFFERS"
fi
if cmp -s "$WORK/plain/$CYCLE/trades.csv" "$WORK/private/$CYCLE/trades.csv"; then
  echo "   trades.csv: identical to plaintext kproto"
else
  echo "   trades.csv: DIFFERS from plaintext kproto"; diff "$WORK/plain/$CYCLE/trades.csv" "$WORK/private/$CYCLE/trades.csv" | head -20
fi
du -sh "$WORK/private/$CYCLE/private" | awk '{print "   transcripts: " $1}'

echo "== per-operation Paillier costs vs python-paillier (same key) =="
python3 -c 'import phe, gmpy2' 2>/dev/null || pip install --quiet phe gmpy2 || echo "note: phe/gmpy2 unavailable; peer column will be missing"
if [ -x "$BENCH" ]; then "$BENCH" privacy --bits "$BITS" --ops "${PRIVACY_BENCH_OPS:-100}"; else echo "   ($BENCH not built: swift build -c release --product gridclear-bench)"; fi

cat <<'SEED'
== seed figures for comparison ==
seed 001 (Table 3, mean of 1000 runs, ms): RSA encryption 2870 / decryption 15487 of 64 KB–1 MB
  trade files; user data signature 4.3; transfer/shared-key generation 12.0; threshold
  conversion 2.0; signature verification 41.3. Seed 003 reports no timings for its
  homomorphic matching (§3.4). Our per-operation numbers above (encrypt / add / scalar
  multiply / decrypt per ciphertext, proof prove/verify) and the per-step split of the
  private cycle are the comparable figures.
SEED
