#!/usr/bin/env python3
"""OR-Tools SimpleMinCostFlow peer for Benchmarks/clearing.sh (not part of the product).

Reads the five integer LPs exported by `gridclear bench clearing --export` (format in
README.md) and solves each one cold (a fresh SimpleMinCostFlow per LP), timing solve() only.
OR-Tools needs Σ|cost·flow| to fit in int64; when it reports BAD_COST_RANGE the costs are
shifted right until it accepts them, and the line says `cost_shift=K` (the LP is then the
same up to 2^-(40-K) per unit, not bit-identical)."""
import resource, sys, time
import numpy as np
from ortools.graph.python import min_cost_flow

def main(path):
    raw = open(path, "rb").read()
    assert raw[:8] == b"GCLP0001", "bad magic"
    head = np.frombuffer(raw, dtype=">i8", count=3, offset=8)
    m, n, G = (int(x) for x in head)
    off = 8 + 24
    PE = np.frombuffer(raw, dtype=">i8", count=m, offset=off).astype(np.int64); off += 8 * m
    SE = np.frombuffer(raw, dtype=">i8", count=n, offset=off).astype(np.int64); off += 8 * n
    lps = int(np.frombuffer(raw, dtype=">i8", count=1, offset=off)[0]); off += 8
    ii, jj = np.divmod(np.arange(m * n, dtype=np.int64), n)
    tails = np.concatenate([jj, np.full(m, n), np.arange(n), [n]]).astype(np.int32)
    heads = np.concatenate([n + 1 + ii, n + 1 + np.arange(m), np.full(n, n + m + 1), [n + m + 1]]).astype(np.int32)
    caps = np.concatenate([np.minimum(PE[ii], SE[jj]), np.minimum(PE, G), SE, [G]]).astype(np.int64)
    supply = np.concatenate([SE, [G], -PE, [-(SE.sum() + G - PE.sum())]]).astype(np.int64)
    zeros = np.zeros(m + n + 1, dtype=np.int64)
    for lp in range(1, lps + 1):
        pair_cost = np.frombuffer(raw, dtype=">i8", count=m * n, offset=off).astype(np.int64); off += 8 * m * n
        shift = 0
        while True:
            costs = np.concatenate([pair_cost >> shift if shift else pair_cost, zeros])
            smcf = min_cost_flow.SimpleMinCostFlow()
            smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
            smcf.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supply)
            t0, c0 = time.perf_counter(), time.process_time()
            status = smcf.solve()
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            if status == smcf.OPTIMAL:
                break
            if status == smcf.BAD_COST_RANGE and shift < 40:
                shift += 4
                continue
            sys.exit(f"ortools_mcf: LP {lp} status {status}")
        flows = smcf.flows(np.arange(m * n))
        nz = np.nonzero(flows)[0]
        objective = sum(int(pair_cost[k]) * int(flows[k]) for k in nz)
        print(f"lp={lp} seconds={secs:.6f} cpu_seconds={cpu:.6f} objective={objective}" + (f" cost_shift={shift}" if shift else ""), flush=True)
    print(f"peak_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")

if __name__ == "__main__":
    main(sys.argv[1])
