#!/usr/bin/env python3
"""Centralised reference solution for the RCI cases (SPEC §5), two independent ways.

  min  sum_n 1/2 a_n P_n^2 + b_n P_n   s.t.  sum_n P_n = 0,  P_min,n <= P_n <= P_max,n

(every generator-consumer pair may trade and gamma = 0, so the peer-to-peer problem has the
same net powers as this pool problem). Solved by (1) lambda-iteration: bisection on the pool
price lambda with P_n(lambda) = clip((lambda - b_n)/a_n, P_min, P_max), and (2) cvxpy (QP);
the script fails if they disagree. Output: one JSON per case in Tests/ConsensusFactorTests/Fixtures.

usage: scripts/rci_reference.py   (from the package root; writes the fixtures)
"""
import csv, json, os, sys

import cvxpy as cp
import numpy as np

CASES = ["case_2x3", "case_5x5", "new_england_31"]


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return [dict(id=r["agent"], role=r["role"], a=float(r["a"]), b=float(r["b"]),
                 pmin=float(r["p_min_mw"]), pmax=float(r["p_max_mw"])) for r in rows]


def lambda_iteration(agents):
    def net(lam):
        return sum(min(max((lam - g["b"]) / g["a"], g["pmin"]), g["pmax"]) for g in agents)
    lo, hi = -1e4, 1e4
    for _ in range(200):
        mid = (lo + hi) / 2
        if net(mid) > 0:
            hi = mid
        else:
            lo = mid
    lam = (lo + hi) / 2
    return lam, [min(max((lam - g["b"]) / g["a"], g["pmin"]), g["pmax"]) for g in agents]


def qp(agents):
    a = np.array([g["a"] for g in agents]); b = np.array([g["b"] for g in agents])
    p = cp.Variable(len(agents))
    balance = cp.sum(p) == 0
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum(cp.multiply(a, cp.square(p))) + b @ p),
                      [balance, p >= [g["pmin"] for g in agents], p <= [g["pmax"] for g in agents]])
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return float(-balance.dual_value), [float(x) for x in p.value]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root, "Tests", "ConsensusFactorTests", "Fixtures")
    for name in CASES:
        agents = load(os.path.join(root, "Inputs", "rci", name + ".csv"))
        lam, p = lambda_iteration(agents)
        lam_qp, p_qp = qp(agents)
        worst = max(abs(x - y) for x, y in zip(p, p_qp))
        if worst > 1e-3 or abs(abs(lam) - abs(lam_qp)) > 1e-3:
            sys.exit(f"{name}: lambda-iteration and cvxpy disagree (dP={worst}, {lam} vs {lam_qp})")
        cost = sum(0.5 * g["a"] * x * x + g["b"] * x for g, x in zip(agents, p))
        out = dict(case=name, solver="lambda-iteration (bisection), cross-checked with cvxpy/CLARABEL",
                   price=lam, price_cvxpy=abs(lam_qp), total_cost=cost,
                   net_power={g["id"]: x for g, x in zip(agents, p)})
        with open(os.path.join(out_dir, f"rci_reference_{name}.json"), "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"{name}: price {lam:.4f} (cvxpy {abs(lam_qp):.4f}), total cost {cost:.3f}, max |dP| {worst:.2e}")


if __name__ == "__main__":
    main()
