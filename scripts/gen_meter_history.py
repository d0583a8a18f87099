#!/usr/bin/env python3
"""Writes the meter-data histories the forecast is tested on (issue 16, seed 002).

  synthetic   Tests/MeterIngestTests/Fixtures/forecast-synthetic.log: one participant (F1), 14 days
              from Monday 2026-11-02, a reading exactly at every 15-minute boundary. Net energy per
              cycle = profile(slot) + noise, profile(slot) = pv(slot) - 300 - (200 in slots 72..87),
              pv(slot) = round(2000 * sin(pi * (slot - 24) / 48)) for 24 <= slot < 72 else 0 (Wh),
              noise uniform in [-100, 100] Wh on the import register (LCG below, seed 1).
  pilot       Inputs/meter-history/meter-data.log: four participants for 14 days from Monday
              2026-11-02, readings about every 15 minutes with up to 40 s of jitter: S1 rooftop PV
              with a house (cloudy days scale PV), S2 a small plant exporting around the clock,
              B1 a household, B2 a shop closed at weekends; B1's meter is silent for 2 h on day 9.

Deterministic (fixed seeds); run from the repository root: python3 scripts/gen_meter_history.py
"""
import math, os, zlib

START = 1793577600000  # 2026-11-02T00:00:00Z, a Monday
CYCLE = 900_000

class LCG:
    def __init__(self, seed): self.s = seed
    def next(self):
        self.s = (6364136223846793005 * self.s + 1442695040888963407) % (1 << 64)
        return self.s >> 33
    def uniform(self, lo, hi): return lo + self.next() % (hi - lo + 1)

def line(t, meter, participant, serial, imp, exp):
    body = f"R {t} {meter} {participant} {serial} {imp} {'-' if exp is None else exp}"
    return f"{body} {zlib.crc32(body.encode()) & 0xffffffff:08x}\n"

def pv(slot, peak=2000):
    return round(peak * math.sin(math.pi * (slot - 24) / 48)) if 24 <= slot < 72 else 0

def synthetic():
    rng, imp, exp = LCG(1), 1_000_000, 500_000
    out = ["GRIDCLEAR-METER-DATA 1\n", line(START, "m-f1", "F1", "sim-1", imp, exp)]
    for i in range(14 * 96):
        slot = i % 96
        load = 300 + (200 if 72 <= slot < 88 else 0) + rng.uniform(-100, 100)
        imp += load; exp += pv(slot)
        out.append(line(START + (i + 1) * CYCLE, "m-f1", "F1", "sim-1", imp, exp))
    return out

def pilot():
    rng = LCG(7)
    regs = {"S1": [2_000_000, 800_000], "S2": [50_000, 9_000_000], "B1": [3_000_000, None], "B2": [7_000_000, None]}
    meters = {"S1": ("pv-s1", "modbus-1"), "S2": ("plant-s2", "dlt645-000000000001"), "B1": ("house-b1", "modbus-2"), "B2": ("shop-b2", "dlt645-000000000003")}
    cloud = [1.0, 0.9, 0.3, 1.0, 0.8, 0.5, 1.0, 1.0, 0.4, 0.9, 1.0, 0.7, 1.0, 0.95]
    out = ["GRIDCLEAR-METER-DATA 1\n"]
    for i in range(14 * 96 + 1):
        day, slot = divmod(i, 96)
        weekend = (day % 7) >= 5
        for p in ["B1", "B2", "S1", "S2"]:
            r = regs[p]
            if i > 0:
                s = (i - 1) % 96
                d = min(day, 13) if i < 14 * 96 else 13
                if p == "S1":
                    r[0] += 120 + (150 if 72 <= s < 88 else 0) + rng.uniform(-40, 40)
                    r[1] += round(pv(s, 1500) * cloud[d]) + (rng.uniform(0, 30) if pv(s) else 0)
                elif p == "S2":
                    r[0] += rng.uniform(0, 5)
                    r[1] += 2500 + rng.uniform(-200, 200)
                elif p == "B1":
                    r[0] += 250 + (350 if 72 <= s < 90 else 0) + (200 if 28 <= s < 34 else 0) + rng.uniform(-80, 80)
                else:
                    open_ = (not weekend) and 32 <= s < 76
                    r[0] += (900 if open_ else 150) + rng.uniform(-60, 60)
            if p == "B1" and day == 9 and 40 <= slot < 48:
                continue  # the meter is silent for two hours
            jitter = rng.uniform(0, 40_000)
            meter, serial = meters[p]
            out.append(line(START + i * CYCLE + jitter, meter, p, serial, r[0], r[1]))
    return out

if __name__ == "__main__":
    os.makedirs("Tests/MeterIngestTests/Fixtures", exist_ok=True)
    os.makedirs("Inputs/meter-history", exist_ok=True)
    with open("Tests/MeterIngestTests/Fixtures/forecast-synthetic.log", "w") as f: f.writelines(synthetic())
    with open("Inputs/meter-history/meter-data.log", "w") as f: f.writelines(pilot())
