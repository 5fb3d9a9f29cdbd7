#!/usr/bin/env python3
"""Tables from scan.py's JSON lines: per recipe and weights (raw at an iteration, final, EMA), the held-out
mIoU / count error on images whose planted count is not 5 (mean ± sd over seeds, worst seed, seeds that beat
k-means), the same after the 0.95 near-duplicate merge, and whether the held-in loss ranks runs as mIoU does.

usage: python3 scan_summary.py scan.jsonl [more.jsonl ...]
"""
import itertools
import json
import sys

import numpy as np
from scipy.stats import spearmanr


def main(paths):
    evals, kmeans = [], []
    for path in paths:
        for line in open(path):
            e = json.loads(line)
            if e["event"] == "eval":
                evals.append(e)
            elif e["event"] == "kmeans":
                kmeans.append(e)
    km = kmeans[0]["not5"]
    print(f"k-means k=5 (sklearn, 10 starts), c≠5: {km[0]:.1f} / {km[1]:.2f}   (all: {kmeans[0]['all'][0]:.1f} / {kmeans[0]['all'][1]:.2f})\n")
    groups = {}
    for e in evals:
        tag = e["weights"] if e["weights"] != "raw" else f"it {e['iteration']}"
        groups.setdefault((e["recipe"], tag), []).append(e)
    print("| recipe | weights | seeds | c≠5 mIoU mean ± sd | worst | beat k-means | c≠5 \\|Δcount\\| | merge 0.95: c≠5 mIoU | held-in loss |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (recipe, tag), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        m = np.array([r["not5"][0] for r in rows])
        err = np.array([r["not5"][1] for r in rows])
        mm = np.array([r["merge95"]["not5"][0] for r in rows])
        loss = np.array([r["heldin_loss"] for r in rows])
        print(f"| {recipe} | {tag} | {len(rows)} | {m.mean():.1f} ± {m.std(ddof=1) if len(m) > 1 else 0:.1f} | {m.min():.1f} | {int((m > km[0]).sum())}/{len(m)} "
              f"| {err.mean():.2f} | {mm.mean():.1f} (worst {mm.min():.1f}) | {loss.mean():.4f} |")
    final = [e for e in evals if e["weights"] == "final"]
    rho, pval = spearmanr([e["heldin_loss"] for e in final], [-e["not5"][0] for e in final])
    print(f"\nheld-in loss vs c≠5 mIoU over all {len(final)} final runs: Spearman ρ(loss, −mIoU) = {rho:.2f} (p = {pval:.1e})")
    for recipe in sorted({e["recipe"] for e in final}):
        rows = [e for e in final if e["recipe"] == recipe]
        if len(rows) >= 4:
            r, _ = spearmanr([e["heldin_loss"] for e in rows], [-e["not5"][0] for e in rows])
            best = min(rows, key=lambda e: e["heldin_loss"])
            print(f"  {recipe}: within-recipe ρ = {r:.2f}; lowest-loss seed {best['seed']} → {best['not5'][0]:.1f} (mean {np.mean([e['not5'][0] for e in rows]):.1f})")
    print("\nrestarts: keep the lowest held-in loss of R runs, over every R-subset of a recipe's seeds (c≠5 mIoU of the kept run)")
    print("| recipe | weights | seeds | R = 1: mean / worst / beat k-means | R = 2 | R = 3 | R = 4 |")
    print("|---|---|---|---|---|---|---|")
    for (recipe, tag), rows in sorted(groups.items()):
        if tag not in ("final", "ema") or len(rows) < 4:
            continue
        cells = []
        for R in (1, 2, 3, 4):
            picks = np.array([min(c, key=lambda e: e["heldin_loss"])["not5"][0] for c in itertools.combinations(rows, R)])
            cells.append(f"{picks.mean():.1f} / {picks.min():.1f} / {100 * (picks > km[0]).mean():.0f} %")
        print(f"| {recipe} | {tag} | {len(rows)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
