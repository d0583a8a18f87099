#!/usr/bin/env python3
"""Generate the K-prototypes experiment inputs of seed 003 §3.5.1.

The seed's setting, as stated there:
  - a regional energy internet of 5 microgrids, ~200 buying users per microgrid per cycle
    (1000 purchase records), ~1000 sale records per cycle;
  - largest distance between users 10 km; actual loss 1 %/km; acceptable loss within 10 %;
  - seller supply 10-50 kWh per cycle, buyer demand 10-20 kWh per cycle;
  - clean-energy ask 0.5-0.6 CNY/kWh, non-clean 0.4-0.5, buyers' expected price 0.4-0.6;
  - 5 energy types (wind, hydro, fossil = thermal, solar, biomass); factor weights in 0-1;
  - 10 test runs.
Choices where the seed is silent (documented in docs/experiments.md):
  - microgrid centres on a 3 km ring around Tiananmen (116.403963, 39.915119), users uniform
    in a 2 km disc around their centre, so no two users are more than 10 km apart;
  - energy type uniform over the 5 types; buyer's wanted type uniform; green index U(0, 1);
    acceptable loss U(1, 10) %; reputation uniform integer 60-100 (as §4.4.1);
  - submitted_at uniform over the 10 minutes before the cycle start;
  - K-prototypes attribute weights U(0, 1) per run, written to the cycle's market.json;
  - one run = one cycle folder, cycles 15 minutes apart, seeds 1..runs.

Usage: python3 scripts/gen_experiment_kproto.py [--out Inputs/experiments/kproto-seed003] [--runs 10]
"""
import argparse, json, math, os, random
from datetime import datetime, timedelta, timezone

ap = argparse.ArgumentParser()
ap.add_argument("--out", default="Inputs/experiments/kproto-seed003")
ap.add_argument("--runs", type=int, default=10)
ap.add_argument("--buyers", type=int, default=1000)
ap.add_argument("--sellers", type=int, default=1000)
ap.add_argument("--omit-max-loss", action="store_true",
                help="sensitivity run: leave max_loss_pct out (hard filter = market L_max = 10 %%, expected loss 0)")
a = ap.parse_args()

CENTRE = (39.915119, 116.403963)
TYPES = ["wind", "hydro", "thermal", "solar", "biomass"]
KM_PER_DEG_LAT = 111.195  # mean Earth radius 6371.0 km

def offset(lat, lon, dx_km, dy_km):
    return (lat + dy_km / KM_PER_DEG_LAT, lon + dx_km / (KM_PER_DEG_LAT * math.cos(math.radians(lat))))

def point(rng, grid):
    ang = 2 * math.pi * grid / 5
    clat, clon = offset(*CENTRE, 3 * math.cos(ang), 3 * math.sin(ang))
    r, t = 2 * math.sqrt(rng.random()), 2 * math.pi * rng.random()
    return offset(clat, clon, r * math.cos(t), r * math.sin(t))

def dec(rng, lo, hi, d):
    return f"{rng.uniform(lo, hi):.{d}f}"

os.makedirs(a.out, exist_ok=True)
with open(os.path.join(a.out, "market.json"), "w") as f:
    json.dump({"loss_pct_per_km": "1.0", "max_line_km": "10", "mechanism": "kproto"}, f, indent=2)
    f.write("\n")
start = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
for run in range(1, a.runs + 1):
    rng = random.Random(run)
    cyc = start + timedelta(minutes=15 * (run - 1))
    d = os.path.join(a.out, cyc.strftime("%Y%m%dT%H%MZ"))
    os.makedirs(d, exist_ok=True)
    def ts():
        return (cyc - timedelta(seconds=rng.uniform(0.001, 600))).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    offers = []
    for i in range(a.sellers):
        t = rng.choice(TYPES)
        price = dec(rng, 0.4, 0.5, 4) if t == "thermal" else dec(rng, 0.5, 0.6, 4)
        lat, lon = point(rng, i % 5)
        offers.append((ts(), [f"O{i+1:04d}", f"S{i+1:04d}", price, dec(rng, 10, 50, 3), t, f"{lat:.6f}", f"{lon:.6f}",
                              str(rng.randint(60, 100)), "price:0.5;demand:0.3;loss:0.2"]))
    bids = []
    for i in range(a.buyers):
        lat, lon = point(rng, i % 5)
        bids.append((ts(), [f"B{i+1:04d}", f"P{i+1:04d}", dec(rng, 0.4, 0.6, 4), dec(rng, 10, 20, 3), f"{lat:.6f}", f"{lon:.6f}",
                            str(rng.randint(60, 100)), "price:0.5;loss:0.3;green:0.2", rng.choice(TYPES),
                            dec(rng, 0, 1, 2), dec(rng, 1, 10, 2)]))
    # Files list records in submission order (arrival order = file order = time order).
    offers.sort(); bids.sort()
    with open(os.path.join(d, "offers.csv"), "w") as f:
        f.write("offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences,submitted_at\n")
        for t, r in offers: f.write(",".join(r + [t]) + "\n")
    with open(os.path.join(d, "bids.csv"), "w") as f:
        f.write("bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences,energy_type,green_index,"
                + ("" if a.omit_max_loss else "max_loss_pct,") + "submitted_at\n")
        for t, r in bids: f.write(",".join((r[:-1] if a.omit_max_loss else r) + [t]) + "\n")
    w = {k: f"{rng.random():.3f}" for k in ["price", "quantity", "green", "reputation", "loss"]}
    with open(os.path.join(d, "market.json"), "w") as f:
        json.dump({"kproto": {"numeric_weights": w, "categorical_weights": {"energy_type": f"{rng.random():.3f}"}}}, f, indent=2)
        f.write("\n")
    print(f"wrote {d}: {len(offers)} offers, {len(bids)} bids")
