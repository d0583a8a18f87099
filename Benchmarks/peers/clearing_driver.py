#!/usr/bin/env python3
"""Driver of Benchmarks/clearing.sh: seed-distribution cycles of each size, the five LPs of
CMAP round 1 on GridClear (network simplex, warm-started), LEMON NetworkSimplex (cold) and
OR-Tools SimpleMinCostFlow (cold), interleaved in the same run; plus GridClear end to end
(`gridclear clear`, all rounds, outputs written). Prints min/median seconds, ratios, peak
memory (max RSS of each process) and the growth exponent of the medians.

Usage: clearing_driver.py GRIDCLEAR LEMON_PEER REPO_ROOT WORKDIR
Environment: SIZES (default "250 500 1000 2000"), REPEAT (3), BIG_REPEAT (1, for sizes
>= 2000), ORTOOLS_MAX (2000: larger sizes skip OR-Tools), SEED (20261120)."""
import math, os, re, statistics, subprocess, sys, time

gridclear, bench, lemon, repo, work = sys.argv[1:6]
sizes = [int(s) for s in os.environ.get("SIZES", "250 500 1000 2000").split()]
repeat = int(os.environ.get("REPEAT", "3"))
big_repeat = int(os.environ.get("BIG_REPEAT", "1"))
ortools_max = int(os.environ.get("ORTOOLS_MAX", "2000"))
seed = int(os.environ.get("SEED", "20261120"))

def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "__maxrss_kb=%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{p.stderr.strip()[-2000:]}")
    rss = re.search(r"__maxrss_kb=(\d+)", p.stderr)
    return p.stdout, wall, (int(rss.group(1)) / 1024 if rss else float("nan"))

def lp_seconds(out):
    return sum(float(x) for x in re.findall(r"^lp=\d+ seconds=(\S+)", out, re.M))

def lp_cpu(out):
    return sum(float(x) for x in re.findall(r"^lp=\d+ seconds=\S+ cpu_seconds=(\S+)", out, re.M))

def lp_objectives(out):
    return re.findall(r"^lp=\d+ seconds=\S+ cpu_seconds=\S+ objective=(-?\d+)", out, re.M)

rows = []
for size in sizes:
    cycle = os.path.join(work, f"n{size}", "20261120T1100Z")
    subprocess.run([sys.executable, os.path.join(repo, "scripts/gen_cmap_sample.py"), "--n", str(size),
                    "--seed", str(seed), "--out", cycle], check=True)
    lpfile = os.path.join(work, f"lp{size}.bin")
    out, _, _ = timed([bench, "clearing", "--round-one-of", cycle, "--paths", "network", "--export", lpfile])
    ours = re.search(r"integer_objectives=(\S+)", out).group(1).split(",")
    reps = repeat if size < 2000 else big_repeat
    t = {"gridclear": [], "lemon": [], "ortools": [], "e2e": []}
    cpu = {"gridclear": [], "lemon": [], "ortools": []}
    rss = {"gridclear": 0.0, "lemon": 0.0, "ortools": 0.0, "e2e": 0.0}
    notes = []
    for r in range(reps):
        out, _, mem = timed([bench, "clearing", "--round-one-of", cycle, "--paths", "network"])
        t["gridclear"].append(float(re.search(r"path=network seconds=(\S+)", out).group(1))); rss["gridclear"] = max(rss["gridclear"], mem)
        cpu["gridclear"].append(float(re.search(r"path=network cpu_seconds=(\S+)", out).group(1)))
        pivots = re.search(r"pivots=(\d+)", out).group(1)
        out, _, mem = timed([lemon, lpfile])
        t["lemon"].append(lp_seconds(out)); rss["lemon"] = max(rss["lemon"], mem); cpu["lemon"].append(lp_cpu(out))
        if lp_objectives(out) != ours:
            sys.exit(f"LEMON and GridClear disagree at {size}: {lp_objectives(out)} vs {ours}")
        if size <= ortools_max:
            out, _, mem = timed([sys.executable, os.path.join(repo, "Benchmarks/peers/ortools_mcf.py"), lpfile])
            t["ortools"].append(lp_seconds(out)); rss["ortools"] = max(rss["ortools"], mem); cpu["ortools"].append(lp_cpu(out))
            if "cost_shift" in out:
                notes.append("OR-Tools needed shifted costs")
            elif lp_objectives(out) != ours:
                sys.exit(f"OR-Tools and GridClear disagree at {size}: {lp_objectives(out)} vs {ours}")
        _, wall, mem = timed([gridclear, "clear", cycle, "--out", os.path.join(work, "out"), "--quiet"])
        t["e2e"].append(wall); rss["e2e"] = max(rss["e2e"], mem)
    os.remove(lpfile)
    rows.append((size, t, rss, pivots, sorted(set(notes)), cpu))
    def fmt(xs): return "—" if not xs else f"{min(xs):.3f} / {statistics.median(xs):.3f}"
    med = {k: statistics.median(v) if v else None for k, v in t.items()}
    line = (f"{size}×{size}: five LPs min/median s — GridClear {fmt(t['gridclear'])} ({pivots} pivots), "
            f"LEMON cold {fmt(t['lemon'])}, OR-Tools {fmt(t['ortools'])}; end to end {fmt(t['e2e'])}; "
            f"CPU min/median s — GridClear {fmt(cpu['gridclear'])}, LEMON {fmt(cpu['lemon'])}, OR-Tools {fmt(cpu['ortools'])}")
    print(line, flush=True)

print()
print("| size | GridClear five LPs min / median (s) | LEMON cold | OR-Tools | LEMON / GridClear | OR-Tools / GridClear | GridClear end to end (s) | peak RSS MiB: GridClear bench / clear / LEMON / OR-Tools |")
print("|---|---|---|---|---|---|---|---|")
for size, t, rss, pivots, notes, _ in rows:
    med = {k: statistics.median(v) if v else None for k, v in t.items()}
    def f(k): return "—" if not t[k] else f"{min(t[k]):.3f} / {med[k]:.3f}"
    def ratio(k): return "—" if not t[k] else f"{med[k] / med['gridclear']:.2f}×"
    print(f"| {size} | {f('gridclear')} | {f('lemon')} | {f('ortools')} | {ratio('lemon')} | {ratio('ortools')} | {f('e2e')} | "
          f"{rss['gridclear']:.0f} / {rss['e2e']:.0f} / {rss['lemon']:.0f} / {rss['ortools'] or float('nan'):.0f} |" + (" " + "; ".join(notes) if notes else ""))

print()
print("CPU seconds of the five LPs (process CPU time, all threads; medians): " + "; ".join(
    f"{size}: GridClear {statistics.median(c['gridclear']):.3f}, LEMON {statistics.median(c['lemon']):.3f}"
    + (f", OR-Tools {statistics.median(c['ortools']):.3f}" if c["ortools"] else "") for size, _, _, _, _, c in rows))
print()
series = [(name, [(s, t[k]) for s, t, _, _, _, _ in rows]) for k, name in
          [("gridclear", "GridClear five LPs"), ("lemon", "LEMON cold"), ("ortools", "OR-Tools"), ("e2e", "GridClear end to end")]]
series += [(name, [(s, c[k]) for s, _, _, _, _, c in rows]) for k, name in
           [("gridclear", "GridClear five LPs, CPU"), ("lemon", "LEMON cold, CPU"), ("ortools", "OR-Tools, CPU")]]
for name, values in series:
    pts = [(math.log(s), math.log(statistics.median(v))) for s, v in values if v and statistics.median(v) > 0]
    if len(pts) >= 2:
        mx = sum(x for x, _ in pts) / len(pts); my = sum(y for _, y in pts) / len(pts)
        slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
        steps = ", ".join(f"{math.exp(pts[i][0]):.0f}→{math.exp(pts[i+1][0]):.0f}: {(pts[i+1][1]-pts[i][1])/(pts[i+1][0]-pts[i][0]):.2f}" for i in range(len(pts) - 1))
        print(f"growth exponent (time ∝ n^k, n parties a side) {name}: k = {slope:.2f} (least squares; per step {steps})")
