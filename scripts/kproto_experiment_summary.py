#!/usr/bin/env python3
"""Runs `gridclear compare` on every cycle folder of an experiment and prints, per
mechanism, the mean and standard deviation over the cycles of each metric row of
compare.md (a Markdown table for docs/experiments.md).

Usage: python3 scripts/kproto_experiment_summary.py <gridclear> <experiment-dir> [--mechanisms LIST] [--solver S]
"""
import argparse, os, re, statistics, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("gridclear"); ap.add_argument("experiment")
ap.add_argument("--mechanisms", default=None); ap.add_argument("--solver", default=None)
a = ap.parse_args()
cycles = sorted(d for d in os.listdir(a.experiment) if re.fullmatch(r"\d{8}T\d{4}Z", d))
out = tempfile.mkdtemp(prefix="gc-exp-")
values = {}   # metric -> mechanism -> [values]
mechs = []
for c in cycles:
    cmd = [a.gridclear, "compare", os.path.join(a.experiment, c), "--out", out]
    if a.mechanisms: cmd += ["--mechanisms", a.mechanisms]
    if a.solver: cmd += ["--solver", a.solver]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = [l for l in open(os.path.join(out, c, "compare.md")) if l.startswith("|")]
    mechs = [x.strip() for x in rows[0].strip().strip("|").split("|")[1:]]
    for r in rows[2:]:
        cells = [x.strip() for x in r.strip().strip("|").split("|")]
        for m, v in zip(mechs, cells[1:]):
            try: values.setdefault(cells[0], {}).setdefault(m, []).append(float(v))
            except ValueError: pass
    print(f"cleared {c}", file=sys.stderr)
print(f"Mean ± standard deviation over {len(cycles)} cycles of {a.experiment}\n")
print("| metric | " + " | ".join(mechs) + " |")
print("|---|" + "|".join("---:" for _ in mechs) + "|")
for metric, per in values.items():
    if not any(per.get(m) for m in mechs): continue
    cells = []
    for m in mechs:
        xs = per.get(m, [])
        if not xs: cells.append("—"); continue
        mu = statistics.fmean(xs); sd = statistics.pstdev(xs) if len(xs) > 1 else 0.0
        d = 0 if all(x == int(x) for x in xs) else (4 if abs(mu) < 10 else (2 if abs(mu) < 1000 else 1))
        cells.append(f"{mu:.{d}f} ± {sd:.{d}f}")
    print(f"| {metric} | " + " | ".join(cells) + " |")
