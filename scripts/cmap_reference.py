#!/usr/bin/env python3
"""Independent reference for one CMAP round (SPEC 3.1) using scipy's HiGHS.

Solves the same five LPs as Sources/Clearing/CMAP (Z1max, Z1min, Z2max,
Z2min, then max w1*mu(Z1) + w2*mu(Z2)) with scipy.optimize.linprog(method="highs"),
formulated directly from the SPEC (no code shared with the Swift solver):
    x_ij >= 0 on allowed pairs, g_i >= 0 (grid), sum_j x_ij + g_i = PE_i,
    sum_i x_ij <= SE_j, sum_i g_i <= G,  G = sum PE - maxflow(allowed pairs).
Objective coefficients are scaled to max |c| = 1 before solving; Z is reported with x in kWh.

Usage:
  scripts/cmap_reference.py fixtures [OUT.json]   regenerate the committed fixtures
      (default Tests/ClearingTests/Fixtures/cmap/reference.json)
  scripts/cmap_reference.py solve PROBLEM.json     solve one dumped problem (benchmark),
      print the five values and the seconds HiGHS took (model building excluded and included)
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

OPTS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def build(problem):
    pe = np.array(problem["demands"], dtype=float)
    se = np.array(problem["supplies"], dtype=float)
    m, n = len(pe), len(se)
    allowed = np.array(problem["allowed"], dtype=bool).reshape(m, n)
    a = np.array(problem["a"], dtype=float).reshape(m, n)
    b = np.array(problem["b"], dtype=float).reshape(m, n)
    ii, jj = np.nonzero(allowed)
    p = len(ii)
    # buyer-row incidence of pair columns and seller-row incidence
    buy = coo_matrix((np.ones(p), (ii, np.arange(p))), shape=(m, p))
    sell = coo_matrix((np.ones(p), (jj, np.arange(p))), shape=(n, p))
    return pe, se, m, n, ii, jj, a[ii, jj], b[ii, jj], buy, sell


def grid_capacity(pe, se, m, p, buy, sell):
    if p == 0:
        return int(pe.sum())
    from scipy.sparse import vstack
    res = linprog(-np.ones(p), A_ub=vstack([buy, sell]).tocsr(), b_ub=np.concatenate([pe, se]),
                  bounds=(0, None), method="highs", options=OPTS)
    assert res.status == 0, res.message
    return int(round(pe.sum() - (-res.fun)))


def solve(problem):
    from scipy.sparse import hstack, vstack, identity
    t0 = time.perf_counter()
    pe, se, m, n, ii, jj, ap, bp, buy, sell = build(problem)
    p = len(ii)
    g = grid_capacity(pe, se, m, p, buy, sell)
    a_eq = hstack([buy, identity(m)]).tocsr()
    a_ub = vstack([hstack([sell, coo_matrix((n, m))]),
                   hstack([coo_matrix((1, p)), coo_matrix(np.ones((1, m)))])]).tocsr()
    b_ub = np.concatenate([se, [g]])
    t1 = time.perf_counter()
    highs_seconds = 0.0

    def run(c, maximise):
        nonlocal highs_seconds
        top = np.abs(c).max() if len(c) else 0.0
        cc = np.zeros(p + m)
        if top > 0:
            cc[:p] = (-c if maximise else c) / top
        s = time.perf_counter()
        res = linprog(cc, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=pe, bounds=(0, None),
                      method="highs", options=OPTS)
        highs_seconds += time.perf_counter() - s
        assert res.status == 0, res.message
        return res.x[:p]

    z = lambda c, x: float(np.dot(c, x)) / 1000.0
    z1max = z(ap, run(ap, True)); z1min = z(ap, run(ap, False))
    z2max = z(bp, run(bp, True)); z2min = z(bp, run(bp, False))
    w1, w2 = problem["weights"]

    def spread(hi, lo):
        d = hi - lo
        return d if d > 1e-12 * max(1.0, abs(hi), abs(lo)) else 0.0

    d1, d2 = spread(z1max, z1min), spread(z2max, z2min)
    comb = (w1 * ap / d1 if d1 > 0 else 0 * ap) + (w2 * bp / d2 if d2 > 0 else 0 * bp)
    x = run(comb, True)
    mu1 = (z(ap, x) - z1min) / d1 if d1 > 0 else 1.0
    mu2 = (z(bp, x) - z2min) / d2 if d2 > 0 else 1.0
    result = {"gridCapacity": g, "z1Max": z1max, "z1Min": z1min, "z2Max": z2max, "z2Min": z2min,
              "objective": w1 * mu1 + w2 * mu2}
    return result, highs_seconds, time.perf_counter() - t0, t1 - t0


def instance(name, seed, m, n, excluded=0.0, short=False, grain=0):
    rng = np.random.default_rng(seed)
    demands = rng.integers(1, 50_001, size=m)
    supplies = rng.integers(1, 50_001, size=n)
    if short:  # supply well below demand: the grid supplies the shortfall
        supplies = supplies // 4
    a = rng.random(m * n); b = rng.random(m * n)
    if grain:
        a = np.round(a * grain) / grain; b = np.round(b * grain) / grain
    allowed = rng.random(m * n) >= excluded
    w1 = int(rng.integers(1, 10)) / 10
    return {"name": name, "demands": demands.tolist(), "supplies": supplies.tolist(),
            "a": a.tolist(), "b": b.tolist(), "allowed": allowed.tolist(), "weights": [w1, 1 - w1]}


def fixtures(out):
    specs = [("round1-4x5", 11, 4, 5, 0.0, False, 0), ("round1-12x9", 12, 12, 9, 0.0, False, 0),
             ("round1-30x25-short", 13, 30, 25, 0.0, True, 0), ("round1-40x40", 14, 40, 40, 0.0, False, 0),
             ("round1-25x30-ties", 15, 25, 30, 0.0, False, 5),
             ("round2-20x20-excluded", 16, 20, 20, 0.3, False, 0),
             ("round3-15x10-sparse", 17, 15, 10, 0.8, False, 0)]
    cases = []
    for name, seed, m, n, exc, short, grain in specs:
        prob = instance(name, seed, m, n, exc, short, grain)
        res, _, _, _ = solve(prob)
        cases.append({"name": name, "problem": prob, "highs": res})
        print(name, res, file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"generator": "scripts/cmap_reference.py fixtures (scipy %s, HiGHS via linprog)"
                   % __import__("scipy").__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "fixtures":
        fixtures(sys.argv[2] if len(sys.argv) > 2 else "Tests/ClearingTests/Fixtures/cmap/reference.json")
    elif len(sys.argv) == 3 and sys.argv[1] == "solve":
        with open(sys.argv[2]) as f:
            prob = json.load(f)
        res, highs_s, total_s, build_s = solve(prob)
        res.update({"highsSeconds": highs_s, "totalSeconds": total_s, "buildSeconds": build_s})
        print(json.dumps(res))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
