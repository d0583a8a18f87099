#!/usr/bin/env python3
"""Reference K-prototypes dissimilarities from the `kmodes` package.

Writes Tests/ClearingTests/Fixtures/kproto/kmodes_reference.json: random numeric and
categorical attributes of buyers and sellers, gamma, and for every buyer j the
dissimilarity to every seller i as kmodes' KPrototypes defines it:
    euclidean_dissim(sellers_num, buyer_num_j) + gamma * matching_dissim(sellers_cat, buyer_cat_j)
(squared Euclidean over numeric columns + gamma x number of differing categorical columns).
GridClear's GEMM path must reproduce these to 1e-12 relative.

Usage: python3 scripts/kproto_reference.py [--seed 20261120] [--out PATH]
"""
import argparse, json, os
import numpy as np
from kmodes.util.dissim import euclidean_dissim, matching_dissim
import kmodes

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=20261120)
ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "ClearingTests",
                                              "Fixtures", "kproto", "kmodes_reference.json"))
a = ap.parse_args()
rng = np.random.default_rng(a.seed)
m, n, p, q = 23, 31, 5, 2          # buyers, sellers, numeric columns, categorical columns
levels = 5                          # categories per categorical column (energy types)
gamma = 0.75
bn = rng.random((m, p)); sn = rng.random((n, p))
bc = rng.integers(0, levels, (m, q)); sc = rng.integers(0, levels, (n, q))
D = np.array([euclidean_dissim(sn, bn[j]) + gamma * matching_dissim(sc, bc[j]) for j in range(m)])
doc = {
    "generator": "scripts/kproto_reference.py", "kmodes_version": kmodes.__version__, "seed": a.seed,
    "gamma": gamma, "levels": levels,
    "buyers_numeric": bn.tolist(), "sellers_numeric": sn.tolist(),
    "buyers_categorical": bc.tolist(), "sellers_categorical": sc.tolist(),
    "dissimilarity": D.tolist(),
}
os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
with open(a.out, "w") as f:
    json.dump(doc, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {a.out}: {m}x{n} dissimilarities (kmodes {kmodes.__version__})")
