#!/usr/bin/env python3
"""Writes the committed example for `gridclear meter intervals` / `gridclear settle`:
scripts/meter_example/meter-data.log (readings every 5 minutes, 09:55–10:20 UTC on
2026-11-20, CRC-32 from zlib — an implementation independent of GridClear's) and
scripts/meter_example/trades.csv (three accepted trades of cycle 20261120T1000Z).
"""
import os
import zlib
from datetime import datetime, timezone

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "meter_example")


def line(t_ms, meter, participant, serial, imp, exp):
    body = f"R {t_ms} {meter} {participant} {serial} {imp} {'-' if exp is None else exp}"
    return f"{body} {zlib.crc32(body.encode()):08x}\n"


def main():
    os.makedirs(HERE, exist_ok=True)
    t0 = int(datetime(2026, 11, 20, 9, 55, tzinfo=timezone.utc).timestamp() * 1000)
    step = 5 * 60 * 1000
    rows = ["GRIDCLEAR-METER-DATA 1\n"]
    # Per-5-minute energy (Wh): S1 exports 4.9 kWh per 5 min in the cycle (14.7 kWh),
    # B1 imports 10.1 kWh, B2 4.0 kWh in the cycle; B3 has no meter.
    s1, b1, b2 = 100_000, 500_000, 20_000
    for k in range(6):
        t = t0 + k * step + 150  # answers arrive 150 ms after the round starts
        rows.append(line(t, "pv-s1", "S1", "modbus-1", 1_000 + k * 10, s1))
        rows.append(line(t + 40, "house-b1", "B1", "modbus-2", b1, 0))
        rows.append(line(t + 80, "shop-b2", "B2", "dlt645-000000000003", b2, None))
        s1 += 4_900
        b1 += [3_000, 3_400, 3_300, 3_400, 3_000][k] if k < 5 else 0
        b2 += [1_000, 1_300, 1_300, 1_400, 1_000][k] if k < 5 else 0
    with open(os.path.join(HERE, "meter-data.log"), "w") as f:
        f.writelines(rows)
    with open(os.path.join(HERE, "trades.csv"), "w") as f:
        f.write("bid_id,offer_id,buyer_id,seller_id,energy_kwh,price,amount_cny,loss_pct,distance_km,"
                "buyer_satisfaction,seller_satisfaction,status\n")
        f.write("b1,o1,B1,S1,10.000,0.5000,5.0000000,0.50,0.5,0.9,0.8,accepted\n")
        f.write("b2,o1,B2,S1,5.000,0.6000,3.0000000,0.70,0.7,0.8,0.8,accepted\n")
        f.write("b3,o1,B3,S1,1.000,0.5500,0.5500000,0.20,0.2,0.7,0.9,accepted\n")
        f.write("b4,grid,B4,grid,2.000,1.4167,2.8334000,0,0,,,grid\n")


if __name__ == "__main__":
    main()
