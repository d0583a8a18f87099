#!/usr/bin/env python3
"""Reference values for large CMAP rounds (250, 500, 1000 a side) with OR-Tools, for
Tests/ClearingTests/Fixtures/cmap/reference_large.json (issue 12).

The instances are `CMAPRoundProblem.random(buyers:sellers:seed:maxWh:supplyFactor:)`
re-implemented here from its definition (SplitMix64; demands 1 + next % maxWh, then
supplies round(that · supplyFactor), then a' = (next >> 11)·2^-53 for every pair row-major,
then b' the same; weights ½/½), so only the parameters and the five values are committed.

The five LPs (SPEC §3.1) are solved from the SPEC, sharing no code with the Swift solver:
a min-cost flow with sellers and the grid as sources, buyers as sinks and a dump node for
unsold supply, solved by OR-Tools' SimpleMinCostFlow (cost scaling) on costs
round(c / max|c| · 2^34) — optimal for the real costs to within 2^-35 per Wh. The grid
capacity G = ΣPE − ΣSE (every pair allowed) when positive. Z is reported with x in kWh
(math.fsum). With --highs, instances up to 250 a side are also solved by scipy's HiGHS
(scripts/cmap_reference.py) and must agree to 1e-9 relative.

Usage: scripts/cmap_reference_large.py [--highs] [OUT.json]
"""
import json, math, sys
import numpy as np
from ortools.graph.python import min_cost_flow

MASK = (1 << 64) - 1
COST_BITS = 34
SPECS = [  # name, buyers, sellers, seed, maxWh, supplyFactor
    ("random-250x250", 250, 250, 1, 100_000, 1.0),
    ("random-500x400-short", 500, 400, 2, 100_000, 0.8),
    ("random-1000x1000-surplus", 1000, 1000, 3, 100_000, 1.3),
]


def splitmix(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def instance(m, n, seed, max_wh, supply_factor):
    g = splitmix(seed)
    demands = [1 + next(g) % max_wh for _ in range(m)]
    supplies = [int(math.floor(float(1 + next(g) % max_wh) * supply_factor + 0.5)) for _ in range(n)]
    a = np.array([(next(g) >> 11) * 2.0 ** -53 for _ in range(m * n)])
    b = np.array([(next(g) >> 11) * 2.0 ** -53 for _ in range(m * n)])
    return demands, supplies, a, b


def solve(demands, supplies, a, b, weights=(0.5, 0.5)):
    m, n = len(demands), len(supplies)
    pe, se = np.array(demands, dtype=np.int64), np.array(supplies, dtype=np.int64)
    grid = max(0, int(pe.sum() - se.sum()))
    # nodes: buyers 0..m-1, sellers m..m+n-1, grid m+n, dump m+n+1
    ii, jj = np.divmod(np.arange(m * n), n)
    tails = np.concatenate([m + jj, np.full(m, m + n), m + np.arange(n), [m + n]]).astype(np.int32)
    heads = np.concatenate([ii, np.arange(m), np.full(n, m + n + 1), [m + n + 1]]).astype(np.int32)
    caps = np.concatenate([np.full(m * n, int(pe.sum())), np.full(m, grid), se, [grid]]).astype(np.int64)
    supply = np.concatenate([-pe, se, [grid], [-(int(se.sum()) + grid - int(pe.sum()))]]).astype(np.int64)

    def run(c, maximise):
        top = float(np.abs(c).max())
        ic = np.zeros(len(tails), dtype=np.int64)
        if top > 0:
            ic[:m * n] = np.rint((-c if maximise else c) / top * 2.0 ** COST_BITS).astype(np.int64)
        f = min_cost_flow.SimpleMinCostFlow()
        f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, ic)
        f.set_nodes_supplies(np.arange(m + n + 2, dtype=np.int32), supply)
        status = f.solve()
        assert status == f.OPTIMAL, status
        return f.flows(np.arange(m * n))

    z = lambda c, x: math.fsum(float(c[k]) * float(x[k]) for k in np.nonzero(x)[0]) / 1000.0
    z1max, z1min = z(a, run(a, True)), z(a, run(a, False))
    z2max, z2min = z(b, run(b, True)), z(b, run(b, False))

    def spread(hi, lo):
        d = hi - lo
        return d if d > 1e-12 * max(1.0, abs(hi), abs(lo)) else 0.0

    w1, w2 = weights
    d1, d2 = spread(z1max, z1min), spread(z2max, z2min)
    comb = (w1 * a / d1 if d1 > 0 else 0 * a) + (w2 * b / d2 if d2 > 0 else 0 * b)
    x = run(comb, True)
    mu1 = (z(a, x) - z1min) / d1 if d1 > 0 else 1.0
    mu2 = (z(b, x) - z2min) / d2 if d2 > 0 else 1.0
    return {"gridCapacity": grid, "z1Max": z1max, "z1Min": z1min, "z2Max": z2max, "z2Min": z2min,
            "objective": w1 * mu1 + w2 * mu2}


def main():
    args = [x for x in sys.argv[1:] if not x.startswith("--")]
    out = args[0] if args else "Tests/ClearingTests/Fixtures/cmap/reference_large.json"
    cases = []
    for name, m, n, seed, max_wh, factor in SPECS:
        d, s, a, b = instance(m, n, seed, max_wh, factor)
        values = solve(d, s, a, b)
        print(name, values, file=sys.stderr)
        if "--highs" in sys.argv and m <= 250:
            sys.path.insert(0, "scripts")
            import cmap_reference
            highs, _, _, _ = cmap_reference.solve({"demands": d, "supplies": s, "a": a.tolist(), "b": b.tolist(),
                                                   "allowed": [True] * (m * n), "weights": [0.5, 0.5]})
            for k, v in values.items():
                assert abs(v - highs[k]) <= 1e-9 * max(1.0, abs(v)), (name, k, v, highs[k])
            print(name, "agrees with HiGHS to 1e-9", file=sys.stderr)
        cases.append({"name": name, "buyers": m, "sellers": n, "seed": seed, "maxWh": max_wh,
                      "supplyFactor": factor, "reference": values})
    with open(out, "w") as f:
        json.dump({"generator": "scripts/cmap_reference_large.py (OR-Tools %s SimpleMinCostFlow, costs scaled by 2^%d)"
                   % (__import__("ortools").__version__, COST_BITS), "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
