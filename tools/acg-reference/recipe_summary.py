#!/usr/bin/env python3
"""Tables of the recipe comparison (docs/experiments/acg-recipe.md) from scan.py outputs of one family.

Recipes: the paper's lr 1e-4 and lr 3e-5, each with the final weights or their moving average (ema 0.999), each as
one run or as the best of 3 restarts by held-in loss (as packages/acg/src/training/restarts.ts keeps them). A single-run row
is the mean ± sd over seeds; a restarts row is the mean over every 3-subset of the seeds of the run whose held-in
loss is lowest. Also: k-means k = 5, convergence (iteration 1250 against 2500) and how often the lowest held-in loss
picks the best held-out run of 3.

usage: python3 recipe_summary.py scan.jsonl [more.jsonl ...]   (all of one family)
"""
import itertools
import json
import sys

import numpy as np

LABEL = {"paper": "paper: lr 1e-4", "lr3e-5": "lr 3e-5"}


def load(paths):
    evals, kmeans, family = {}, None, None
    for path in paths:
        for line in open(path):
            e = json.loads(line)
            if e["event"] == "kmeans":
                kmeans = e
            elif e["event"] == "eval":
                family = e["family"]
                evals[(e["recipe"], e["weights"], e["iteration"], e["seed"])] = e
    return family, kmeans, evals


def metrics(e):
    """mIoU all, mIoU c ≠ 5, |Δcount| all, exact count %."""
    not5 = e["not5"][0] if e["not5"][0] is not None else float("nan")
    return np.array([e["all"][0], not5, e["all"][1], e["exact"]])


def fmt_mean_sd(rows):
    m, s = rows.mean(0), rows.std(0, ddof=1) if len(rows) > 1 else np.zeros(rows.shape[1])
    return [f"{m[0]:.1f} ± {s[0]:.1f}", f"{m[1]:.1f} ± {s[1]:.1f}", f"{m[2]:.2f} ± {s[2]:.2f}", f"{m[3]:.0f} %"]


def main():
    family, kmeans, evals = load(sys.argv[1:])
    recipes = sorted({k[0] for k in evals}, key=lambda r: list(LABEL).index(r) if r in LABEL else 99)
    print(f"family {family}\n")
    print("| recipe | runs | mIoU (all) | mIoU (count ≠ 5) | count error | exact count | worst run mIoU |")
    print("|---|---|---|---|---|---|---|")
    picks = []
    for recipe in recipes:
        for weights, wlabel in (("final", ""), ("ema", ", ema 0.999")):
            runs = sorted((k[3], e) for k, e in evals.items() if k[0] == recipe and k[1] == weights)
            if not runs:
                continue
            seeds = [s for s, _ in runs]
            rows = np.array([metrics(e) for _, e in runs])
            loss = np.array([e["heldin_loss"] for _, e in runs])
            print(f"| {LABEL.get(recipe, recipe)}{wlabel} | {len(seeds)} seeds | " + " | ".join(fmt_mean_sd(rows)) + f" | {rows[:, 0].min():.1f} |")
            triples = list(itertools.combinations(range(len(seeds)), 3))
            if triples:
                chosen = np.array([rows[min(t, key=lambda i: loss[i])] for t in triples])
                m = chosen.mean(0)
                print(f"| {LABEL.get(recipe, recipe)}{wlabel}, best of 3 restarts by held-in loss | {len(triples)} triples | {m[0]:.1f} | {m[1]:.1f} | {m[2]:.2f} | {m[3]:.0f} % | {chosen[:, 0].min():.1f} |")
                hit = [min(t, key=lambda i: loss[i]) == max(t, key=lambda i: rows[i, 0]) for t in triples]
                regret = [rows[list(t), 0].max() - rows[min(t, key=lambda i: loss[i]), 0] for t in triples]
                rank = np.corrcoef(np.argsort(np.argsort(loss)), np.argsort(np.argsort(-rows[:, 0])))[0, 1]
                picks.append((f"{LABEL.get(recipe, recipe)}{wlabel}", len(triples), 100 * np.mean(hit), np.mean(regret), rank))
    if kmeans:
        n5 = kmeans["not5"][0] if kmeans["not5"][0] is not None else float("nan")
        print(f"| k-means, k = 5 | | {kmeans['all'][0]:.1f} | {n5:.1f} | {kmeans['all'][1]:.2f} | {kmeans['exact']:.0f} % | |")
    print("\nrestarts: does the lowest held-in loss of 3 runs pick the best held-out mIoU (all)?\n")
    print("| recipe | triples | picks the best | mean mIoU lost to the best of 3 | Spearman ρ(loss, −mIoU) over runs |")
    print("|---|---|---|---|---|")
    for name, n, hit, regret, rank in picks:
        print(f"| {name} | {n} | {hit:.0f} % | {regret:.1f} | {rank:.2f} |")
    print("\nconvergence: mIoU (all) at iteration 1250 → 2500, mean over seeds (final weights)\n")
    for recipe in recipes:
        half = [e for k, e in evals.items() if k[0] == recipe and k[2] == 1250]
        full = [e for k, e in evals.items() if k[0] == recipe and k[1] == "final"]
        if half and full:
            a, b = np.mean([e["all"][0] for e in half]), np.mean([e["all"][0] for e in full])
            print(f"- {LABEL.get(recipe, recipe)}: {a:.1f} → {b:.1f}")


if __name__ == "__main__":
    main()
