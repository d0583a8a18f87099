#!/usr/bin/env python3
"""numpy peer for `gridclear bench kproto`: the same K-prototypes dissimilarity formula
(squared Euclidean over weighted features via ||a||^2 + ||b||^2 - 2 a.b^T, clamped at 0)
on an m x k and n x k random feature matrix. Prints one line: `numpy_seconds=<best of runs>`.

Usage: python3 scripts/kproto_bench_numpy.py M N K [RUNS]
"""
import sys, time
import numpy as np

m, n, k = (int(x) for x in sys.argv[1:4])
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
rng = np.random.default_rng(1)
a = rng.random((m, k)); b = rng.random((n, k))
best = float("inf")
for _ in range(runs):
    t = time.perf_counter()
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :]
    d -= 2.0 * (a @ b.T)
    np.maximum(d, 0.0, out=d)
    best = min(best, time.perf_counter() - t)
    del d
print(f"numpy_seconds={best:.6f} numpy={np.__version__}")
