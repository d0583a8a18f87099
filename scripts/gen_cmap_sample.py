#!/usr/bin/env python3
"""Generates the 500 x 500 CMAP sample cycle with the distributions of seed 003 §4.4.1
(tables 4.4 and 4.5):

- prices uniform in [Price_min, Price_max] = [0.3023, 1.4167] CNY/kWh (4 decimals);
- supply and demand uniform in [48.96, 453.62] kWh (3 decimals);
- locations uniform in the square 116.403963 ± 0.3001056 E, 39.915119 ± 0.229952 N
  (a 25.55 km "radius" around Tiananmen Square; distances can exceed 25.55 km);
- seller energy type uniform over thermal/wind/hydro/solar/biomass;
- reputation uniform in [60, 100] (2 decimals);
- default preference criteria (SPEC §3.1: three criteria weighted 0.5/0.3/0.2).

Usage: scripts/gen_cmap_sample.py [--seed 20261120] [--n 500] [--out Inputs/samples/500x500/20261120T1100Z]
The committed sample was generated with the defaults.
"""
import argparse, os, random

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--out", default="Inputs/samples/500x500/20261120T1100Z")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    types = ["thermal", "wind", "hydro", "solar", "biomass"]

    def price(): return "%.4f" % (rng.randint(3023, 14167) / 10000)
    def qty(): return "%.3f" % (rng.randint(48960, 453620) / 1000)
    def lon(): return "%.6f" % (116.403963 + rng.uniform(-0.3001056, 0.3001056))
    def lat(): return "%.6f" % (39.915119 + rng.uniform(-0.229952, 0.229952))
    def rep(): return "%.2f" % (rng.randint(6000, 10000) / 100)

    with open(os.path.join(a.out, "offers.csv"), "w", newline="") as f:
        f.write("offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences\n")
        for j in range(a.n):
            f.write(f"O{j+1:04d},S{j+1:04d},{price()},{qty()},{rng.choice(types)},{lat()},{lon()},{rep()},price:0.5;demand:0.3;loss:0.2\n")
    with open(os.path.join(a.out, "bids.csv"), "w", newline="") as f:
        f.write("bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences\n")
        for i in range(a.n):
            f.write(f"B{i+1:04d},P{i+1:04d},{price()},{qty()},{lat()},{lon()},{rep()},price:0.5;loss:0.3;green:0.2\n")

if __name__ == "__main__":
    main()
