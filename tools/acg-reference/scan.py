#!/usr/bin/env python3
"""Many ACG training runs at once, for recipe and seed scans of the synthetic benchmark (GPU or CPU).

Each run is one (recipe, seed) pair; every run has its own copy of the ACG's weights, stacked along a leading
axis, so one batched forward/backward trains them all (a few dozen d = 384 models fit one GPU step). The model is
the forward math of packages/acg/README.md (post-norm steps of cross-attention, self-attention and FFN; S =
cos(X, C)), written with explicit tensors because the weights carry the run axis; `--check CHECKPOINT_DIR`
compares it with forward.py's stock-module model on that checkpoint. The loss is method notes §3 (diagonal kept,
W without gradient, δ_ij = max_c S̄_ic S̄_jc, / 2m per image, mean over the batch). AdamW as torch.optim.AdamW
(β 0.9/0.999, eps 1e-8, decoupled decay), with a per-run learning rate so that recipes share a batch.

The synthetic data follow packages/acg/bench/data/synthetic.ts (pool of 16 unit directions + 1, 1–6 concepts per image,
weighted-Voronoi regions of ≥ 6 patches on 14 × 14, noise 0.8, scale √d) but draw from numpy's generator, so the
images are not the TS benchmark's images: figures here rank recipes; the TS bench gives the recorded numbers.

Evaluation (held-out images): patch argmax of S, empty concepts dropped, mean IoU after optimal one-to-one
matching (scipy's linear_sum_assignment), count error; k-means (sklearn, k = 5, 10 k-means++ starts, unit-norm
features) on the same images as the baseline. Also the held-in loss of each run on the whole training set, to
test whether the loss picks the better of several restarts.

Families (--family): A (default, the port above; the recipe scan of 2026-11-26 tuned on it), B (families.py, held
out from tuning: report on it only), or a folder of real features written by tools/bench/camvid-patches.ts (its
patches labelled -1 are left out of the scores). Scores: mIoU and |Δcount| over all images, c ≠ 5 and c = 5, and the
share of images whose count is exact. The held-in loss is taken over ≤ 512 training images evenly spaced, as
packages/acg/src/training/restarts.ts does.

usage: python3 scan.py [--recipes paper,lr1e-5,cosine,...] [--seeds 8] [--iterations 2500] [--batch 32]
                       [--family A|B|FOLDER] [--train 512] [--test 240] [--dim 384] [--heads 6] [--device cuda]
                       [--out results.jsonl]
       python3 scan.py --check CHECKPOINT_DIR   (batched model and loss against forward.py's on the folder's
                                                 features.safetensors, float64, CPU)
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import torch

RECIPES = {
    # name: lr, warmup, schedule, clip (global grad-norm per run, 0 = off), ema decay (0 = off)
    "paper": dict(lr=1e-4, warmup=0, schedule="constant", clip=0.0),
    "lr1e-5": dict(lr=1e-5, warmup=0, schedule="constant", clip=0.0),
    "lr2e-5": dict(lr=2e-5, warmup=0, schedule="constant", clip=0.0),
    "lr3e-5": dict(lr=3e-5, warmup=0, schedule="constant", clip=0.0),
    "lr5e-5": dict(lr=5e-5, warmup=0, schedule="constant", clip=0.0),
    "cosine": dict(lr=1e-4, warmup=100, schedule="cosine", clip=0.0),
    "cosine3e-5": dict(lr=3e-5, warmup=100, schedule="cosine", clip=0.0),
    "cosine3e-4": dict(lr=3e-4, warmup=100, schedule="cosine", clip=0.0),
    "clip": dict(lr=1e-4, warmup=0, schedule="constant", clip=0.1),
    "cosine-clip": dict(lr=1e-4, warmup=100, schedule="cosine", clip=0.1),
    "cosine3e-4-clip": dict(lr=3e-4, warmup=100, schedule="cosine", clip=0.1),
}


# ---------------------------------------------------------------- synthetic data (numpy port of src/synthetic.ts)
def concept_pool(pool_seed, size, dim):
    rng = np.random.default_rng(pool_seed ^ 0x5EED)
    v = rng.standard_normal((size, dim))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def plant_regions(rng, h, w, c, min_region):
    ys, xs = np.mgrid[0:h, 0:w]
    for attempt in range(1000):
        sy, sx, sw = rng.uniform(0, h, c), rng.uniform(0, w, c), rng.uniform(0.4, 1.6, c)
        dist = np.hypot(ys[..., None] + 0.5 - sy, xs[..., None] + 0.5 - sx) / sw
        labels = dist.argmin(-1).reshape(-1)
        if np.bincount(labels, minlength=c).min() >= min_region or attempt > 200:
            return labels.astype(np.int64)


def synthetic(count, seed, dim, pool_seed=0, h=14, w=14, cmin=1, cmax=6, pool_size=16, noise=0.8, min_region=6):
    pool = concept_pool(pool_seed, pool_size + 1, dim)[:pool_size]
    rng = np.random.default_rng(seed)
    n, sigma, scale = h * w, noise / math.sqrt(dim), math.sqrt(dim)
    feats, labels, counts = np.zeros((count, n, dim), np.float32), np.zeros((count, n), np.int64), np.zeros(count, np.int64)
    for i in range(count):
        c = int(rng.integers(cmin, cmax + 1))
        chosen = rng.permutation(pool_size)[:c]
        lab = plant_regions(rng, h, w, c, min_region)
        feats[i] = scale * (pool[chosen[lab]] + sigma * rng.standard_normal((n, dim)))
        labels[i], counts[i] = lab, c
    return feats, labels, counts


# ---------------------------------------------------------------- batched model: every parameter has a leading run axis R
def param_shapes(d, steps, ffn):
    shapes = {"prototypes": None}
    for l in range(steps):
        for attn in ("cross_attn", "self_attn"):
            for x in "qkvo":
                shapes[f"layers.{l}.{attn}.{x}_proj.weight"] = (d, d)
                shapes[f"layers.{l}.{attn}.{x}_proj.bias"] = (d,)
        shapes[f"layers.{l}.ffn.fc1.weight"] = (ffn, d)
        shapes[f"layers.{l}.ffn.fc1.bias"] = (ffn,)
        shapes[f"layers.{l}.ffn.fc2.weight"] = (d, ffn)
        shapes[f"layers.{l}.ffn.fc2.bias"] = (d,)
        for j in (1, 2, 3):
            shapes[f"layers.{l}.norm{j}.weight"] = (d,)
            shapes[f"layers.{l}.norm{j}.bias"] = (d,)
    return shapes


def init_run(seed, d, k, steps, ffn):
    """src/init.ts's scheme (nn.MultiheadAttention / nn.Linear defaults), drawn from numpy's generator."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in param_shapes(d, steps, ffn).items():
        if name == "prototypes":
            out[name] = rng.standard_normal((k, d))
        elif ".norm" in name:
            out[name] = np.ones(shape) if name.endswith("weight") else np.zeros(shape)
        elif "attn" in name and name.endswith("bias"):
            out[name] = np.zeros(shape)
        elif "attn" in name and ".o_proj" in name:
            out[name] = rng.uniform(-1, 1, shape) / math.sqrt(shape[1])
        elif "attn" in name:
            out[name] = rng.uniform(-1, 1, shape) * math.sqrt(6 / (shape[0] + shape[1]))
        elif name.endswith("weight"):
            out[name] = rng.uniform(-1, 1, shape) / math.sqrt(shape[1])
        else:
            fan_in = d if "fc1" in name else ffn
            out[name] = rng.uniform(-1, 1, shape) / math.sqrt(fan_in)
    return out


def stack_runs(seeds, d, k, steps, ffn, device, dtype):
    runs = [init_run(s, d, k, steps, ffn) for s in seeds]
    return {name: torch.tensor(np.stack([r[name] for r in runs]), dtype=dtype, device=device).requires_grad_(True) for name in runs[0]}


def linear(z, p, name):  # z [R, B, m, in], weight [R, out, in]
    r, b, m, i = z.shape
    y = torch.bmm(z.reshape(r, b * m, i), p[name + ".weight"].transpose(1, 2))
    return y.reshape(r, b, m, -1) + p[name + ".bias"][:, None, None, :]


def layer_norm(z, p, name, eps):
    mu = z.mean(-1, keepdim=True)
    var = ((z - mu) ** 2).mean(-1, keepdim=True)
    return (z - mu) / torch.sqrt(var + eps) * p[name + ".weight"][:, None, None, :] + p[name + ".bias"][:, None, None, :]


def mha(q_in, kv, p, name, heads):
    r, b, m, d = q_in.shape
    dh = d // heads
    split = lambda t: t.reshape(r, b, t.shape[2], heads, dh).transpose(2, 3)  # [R, B, h, len, dh]
    q, k, v = split(linear(q_in, p, name + ".q_proj")), split(linear(kv, p, name + ".k_proj")), split(linear(kv, p, name + ".v_proj"))
    att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), dim=-1)
    return linear((att @ v).transpose(2, 3).reshape(r, b, m, d), p, name + ".o_proj")


def cross_attention(c, x, p, name, heads):
    """MHA(C, X, X) re-associated (method notes §2, k ≪ n): logits_h = (Q_h W_k,h) Xᵀ, out_h = (P_h X) W_v,hᵀ + b_v,h.
    b_k adds a constant per query row, which softmax ignores; P's rows sum to 1, so b_v passes through."""
    r, b, k, d = c.shape
    dh = d // heads
    q = linear(c, p, name + ".q_proj").reshape(r, b, k, heads, dh).transpose(2, 3)  # [R, B, h, k, dh]
    wk = p[name + ".k_proj.weight"].reshape(r, 1, heads, dh, d)
    wv = p[name + ".v_proj.weight"].reshape(r, 1, heads, dh, d)
    qk = q @ wk  # [R, B, h, k, d]
    xt = x[:, :, None]  # [R, B, 1, n, d]
    att = torch.softmax(qk @ xt.transpose(-1, -2) / math.sqrt(dh), dim=-1)  # [R, B, h, k, n]
    v = (att @ xt) @ wv.transpose(-1, -2) + p[name + ".v_proj.bias"].reshape(r, 1, heads, 1, dh)
    return linear(v.transpose(2, 3).reshape(r, b, k, d), p, name + ".o_proj")


def forward(p, x, steps, heads, eps, act):
    """x [R, B, n, d] → concepts [R, B, k, d], S [R, B, n, k]."""
    r, b = x.shape[:2]
    c = p["prototypes"][:, None].expand(r, b, -1, -1)
    for l in range(steps):
        pre = f"layers.{l}"
        c = layer_norm(c + cross_attention(c, x, p, pre + ".cross_attn", heads), p, pre + ".norm1", eps)
        c = layer_norm(c + mha(c, c, p, pre + ".self_attn", heads), p, pre + ".norm2", eps)
        c = layer_norm(c + linear(act(linear(c, p, pre + ".ffn.fc1")), p, pre + ".ffn.fc2"), p, pre + ".norm3", eps)
    s = torch.nn.functional.normalize(x, dim=-1) @ torch.nn.functional.normalize(c, dim=-1).transpose(-1, -2)
    return c, s


def modularity_terms(x):
    """W = A − k kᵀ / 2m and 2m per image, A = max(0, cos) with the diagonal kept; no gradient."""
    with torch.no_grad():
        xn = torch.nn.functional.normalize(x, dim=-1)
        a = torch.relu(xn @ xn.transpose(-1, -2))
        deg = a.sum(-1)
        two_m = deg.sum(-1)
        w = a - deg[..., :, None] * deg[..., None, :] / two_m[..., None, None]
    return w, two_m


def modularity_loss(s, w, two_m):
    """Per run: −(1/2m) Σ_ij W_ij max_c S̄_ic S̄_jc, mean over the batch → [R]."""
    sb = torch.relu(s)
    delta = (sb[..., :, None, :] * sb[..., None, :, :]).amax(-1)
    return (-(w * delta).sum((-1, -2)) / two_m).mean(-1)


def lr_at(t, lr, warmup, schedule, iterations):
    warm = (t + 1) / warmup if warmup > 0 and t < warmup else 1.0
    decay = 0.5 * (1 + math.cos(math.pi * min(t, iterations) / iterations)) if schedule == "cosine" else 1.0
    return lr * warm * decay


# ---------------------------------------------------------------- evaluation
def regions(s_img, concepts=None, merge=None):
    """Patch argmax of S (n × k) with optional near-duplicate merge (src/merge.ts); empty concepts dropped."""
    s = s_img.copy()
    if merge is not None:
        k = s.shape[1]
        cn = concepts / np.maximum(np.linalg.norm(concepts, axis=1, keepdims=True), 1e-30)
        parent = list(range(k))

        def find(a):
            while parent[a] != a:
                a = parent[a]
            return a

        for i in range(k):
            for j in range(i + 1, k):
                if cn[i] @ cn[j] >= merge:
                    a, b = find(i), find(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
        for j in range(k):
            rt = find(j)
            if rt != j:
                s[:, rt] = np.maximum(s[:, rt], s_img[:, j])
                s[:, j] = -2
    lab = s.argmax(1)
    used, relabeled = np.unique(lab, return_inverse=True)
    return relabeled, len(used)


def matched_iou(truth, true_count, found, found_count):
    from scipy.optimize import linear_sum_assignment

    if (truth < 0).any():  # real features: unscored patches leave both sides, found regions are counted on the rest
        keep = truth >= 0
        truth, (_, found) = truth[keep], np.unique(found[keep], return_inverse=True)
        found_count = int(found.max()) + 1

    inter = np.zeros((true_count, found_count))
    np.add.at(inter, (truth, found), 1)
    union = inter.sum(1, keepdims=True) + inter.sum(0, keepdims=True) - inter
    iou = inter / np.maximum(union, 1)
    rows, cols = linear_sum_assignment(iou, maximize=True)
    return iou[rows, cols].sum() / true_count


def score(labels, counts, found):
    """found: list of (relabeled, count) per image → mIoU and count error over all, c≠5, c=5."""
    m = np.array([matched_iou(labels[i], counts[i], *found[i]) for i in range(len(counts))])
    e = np.array([abs(scored_count(labels[i], *found[i]) - counts[i]) for i in range(len(counts))])
    masks = (("all", np.ones(len(counts), bool)), ("not5", counts != 5), ("is5", counts == 5))
    out = {key: (100 * float(m[mask].mean()), float(e[mask].mean())) if mask.any() else (None, None) for key, mask in masks}
    out["exact"] = 100 * float((e == 0).mean())
    return out


def scored_count(truth, found, found_count):
    """Regions found on the scored patches (all of them for synthetic images)."""
    return found_count if (truth >= 0).all() else len(np.unique(found[truth >= 0]))


def kmeans_baseline(feats, labels, counts):
    from sklearn.cluster import KMeans

    found = []
    for f in feats:
        xn = f / np.linalg.norm(f, axis=1, keepdims=True)
        lab = KMeans(5, n_init=10, random_state=0).fit_predict(xn)
        used, rel = np.unique(lab, return_inverse=True)
        found.append((rel, len(used)))
    return score(labels, counts, found)


# ---------------------------------------------------------------- training
def gradients(p, loss):
    """Gradients of the runs' summed losses (runs share no weights, so each run gets its own loss's gradient)."""
    # cross_attn k_proj.bias has no effect (softmax ignores a per-row constant): its gradient is exactly 0.
    grads = torch.autograd.grad(loss.sum(), list(p.values()), allow_unused=True)
    return {n: torch.zeros_like(p[n]) if g is None else g for n, g in zip(p.keys(), grads)}


def adamw_(params, grads, m, v, t, lr, wd, b1=0.9, b2=0.999, eps=1e-8):
    """torch.optim.AdamW's update with a per-run lr [R] (broadcast over each parameter's run axis)."""
    bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
    with torch.no_grad():
        for name, p in params.items():
            g = grads[name]
            lr_r = lr.view(-1, *([1] * (p.dim() - 1)))
            p.mul_(1 - lr_r * wd)
            m[name].mul_(b1).add_(g, alpha=1 - b1)
            v[name].mul_(b2).addcmul_(g, g, value=1 - b2)
            p.sub_(lr_r / bc1 * m[name] / (v[name].sqrt() / math.sqrt(bc2) + eps))


def time_steps(args, train_x, R, d, eps, act, dev, dt, reps=10):
    """Seconds per training step with R runs (forward, gradients, AdamW), after 3 untimed steps."""
    p = stack_runs(list(range(R)), d, args.k, args.steps, 4 * d, dev, dt)
    m = {n: torch.zeros_like(t) for n, t in p.items()}
    v = {n: torch.zeros_like(t) for n, t in p.items()}
    lr = torch.full((R,), 1e-4, device=dev, dtype=dt)
    for t in range(reps + 3):
        if t == 3:
            if dev.type == "cuda":
                torch.cuda.synchronize()
            start = time.time()
        xb = train_x[torch.rand(R, args.train).argsort(1)[:, : args.batch].to(dev)]
        w, two_m = modularity_terms(xb)
        _, s = forward(p, xb, args.steps, args.heads, eps, act)
        adamw_(p, gradients(p, modularity_loss(s, w, two_m)), m, v, t + 1, lr, args.wd)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return (time.time() - start) / reps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipes", default="paper,lr1e-5,cosine,clip")
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--seed0", type=int, default=0)
    ap.add_argument("--iterations", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--train", type=int, default=512)
    ap.add_argument("--test", type=int, default=240)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--every", type=int, default=500)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--out", default="scan.jsonl")
    ap.add_argument("--no-kmeans", action="store_true")
    ap.add_argument("--family", default="A", help="A (tuned on), B (held out) or a folder of real features")
    ap.add_argument("--deadline", type=float, default=0, help="seconds of training allowed: fewer seeds if 10 timed steps project more (0 = off)")
    args = ap.parse_args()

    dev, dt = torch.device(args.device), torch.float32
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    d, eps = args.dim, 1e-5
    act = torch.relu
    recipes = args.recipes.split(",")
    runs = [(r, args.seed0 + s) for r in recipes for s in range(args.seeds)]
    R = len(runs)
    log = open(args.out, "a")

    def emit(obj):
        print(json.dumps(obj), flush=True)
        log.write(json.dumps(obj) + "\n")
        log.flush()

    t0 = time.time()
    if args.family == "A":
        tr_x, _, _ = synthetic(args.train, 1000, d)
        te_x, te_lab, te_cnt = synthetic(args.test, 2000, d)
    elif args.family == "B":
        from families import family_b

        tr_x, _, _ = family_b(args.train, 1000, d)
        te_x, te_lab, te_cnt = family_b(args.test, 2000, d)
    else:
        from families import read_npy_folder

        tr_x, te_x, te_lab, te_cnt = read_npy_folder(args.family)
        args.train, args.test, d = tr_x.shape[0], te_x.shape[0], tr_x.shape[2]
    emit({"event": "data", "family": args.family, "train": args.train, "test": args.test, "dim": d, "patches": int(tr_x.shape[1]), "seconds": round(time.time() - t0, 1), "device": str(dev), "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None, "runs": R})
    if not args.no_kmeans:
        emit({"event": "kmeans", "family": args.family, **kmeans_baseline(te_x, te_lab, te_cnt), "seconds": round(time.time() - t0, 1)})

    train_x = torch.tensor(tr_x, device=dev)
    test_x = torch.tensor(te_x, device=dev)
    if args.deadline > 0:
        per_step = time_steps(args, train_x, len(recipes) * args.seeds, d, eps, act, dev, dt)
        fit = int(args.seeds * args.deadline / (per_step * args.iterations))
        emit({"event": "calibrate", "ms_per_step": round(1000 * per_step, 1), "runs": len(recipes) * args.seeds, "seeds_that_fit": fit})
        if fit < args.seeds:
            args.seeds = max(2, fit)
            runs = [(r, args.seed0 + s) for r in recipes for s in range(args.seeds)]
            R = len(runs)
    # Each run is seeded by its seed alone, so a recipe's seed s starts from the same weights in every recipe.
    p = stack_runs([s for _, s in runs], d, args.k, args.steps, 4 * d, dev, dt)
    m = {n: torch.zeros_like(t) for n, t in p.items()}
    v = {n: torch.zeros_like(t) for n, t in p.items()}
    ema = {n: t.detach().clone() for n, t in p.items()}
    cfg = [RECIPES[r] for r, _ in runs]
    clip = torch.tensor([c["clip"] for c in cfg], device=dev, dtype=dt)
    gen = torch.Generator(device="cpu").manual_seed(12345)

    def evaluate(params, tag, it):
        with torch.no_grad():
            ss, cs = [], []
            for i in range(0, args.test, 40):
                xb = test_x[i : i + 40][None].expand(R, -1, -1, -1)
                c, s = forward(params, xb, args.steps, args.heads, eps, act)
                ss.append(s.cpu().numpy())
                cs.append(c.cpu().numpy())
            s_all, c_all = np.concatenate(ss, 1), np.concatenate(cs, 1)
            held = []
            m_held = min(512, args.train)
            held_idx = torch.tensor([i * args.train // m_held for i in range(m_held)], device=dev)
            for i in range(0, m_held, 64):
                xb = train_x[held_idx[i : i + 64]]
                w, two_m = modularity_terms(xb)
                _, s = forward(params, xb[None].expand(R, -1, -1, -1), args.steps, args.heads, eps, act)
                held.append(modularity_loss(s, w[None], two_m[None]) * xb.shape[0])
            held = (torch.stack(held).sum(0) / m_held).cpu().numpy()
        for ri, (recipe, seed) in enumerate(runs):
            plain = score(te_lab, te_cnt, [regions(s_all[ri, i]) for i in range(args.test)])
            merged = score(te_lab, te_cnt, [regions(s_all[ri, i], c_all[ri, i], 0.95) for i in range(args.test)])
            emit({"event": "eval", "family": args.family, "weights": tag, "iteration": it, "recipe": recipe, "seed": seed, "heldin_loss": float(held[ri]), **plain, "merge95": merged})

    for t in range(args.iterations):
        idx = torch.rand(R, args.train, generator=gen).argsort(1)[:, : args.batch].to(dev)
        xb = train_x[idx]  # [R, B, n, d]
        w, two_m = modularity_terms(xb)
        _, s = forward(p, xb, args.steps, args.heads, eps, act)
        loss = modularity_loss(s, w, two_m)
        grads = gradients(p, loss)
        if not torch.isfinite(loss).all():
            emit({"event": "nonfinite", "iteration": t, "runs": [runs[i] for i in torch.nonzero(~torch.isfinite(loss)).flatten().tolist()]})
        if (clip > 0).any():
            sq = sum(g.pow(2).reshape(R, -1).sum(1) for g in grads.values())
            f = torch.where(clip > 0, torch.clamp(clip / (sq.sqrt() + 1e-12), max=1.0), torch.ones_like(clip))
            grads = {n: g * f.view(-1, *([1] * (g.dim() - 1))) for n, g in grads.items()}
        lr = torch.tensor([lr_at(t, c["lr"], c["warmup"], c["schedule"], args.iterations) for c in cfg], device=dev, dtype=dt)
        adamw_(p, grads, m, v, t + 1, lr, args.wd)
        with torch.no_grad():
            for n in p:
                ema[n].mul_(args.ema).add_(p[n], alpha=1 - args.ema)
        if (t + 1) % 100 == 0:
            emit({"event": "progress", "iteration": t + 1, "seconds": round(time.time() - t0, 1), "loss": {f"{r}/{s}": round(float(l), 4) for (r, s), l in zip(runs, loss.tolist())}})
        if (t + 1) % args.every == 0 or t + 1 == args.iterations:
            evaluate(p, "final" if t + 1 == args.iterations else "raw", t + 1)
    evaluate(ema, "ema", args.iterations)
    emit({"event": "done", "seconds": round(time.time() - t0, 1)})


def check(folder):
    """The batched model against forward.py's stock-module model on a checkpoint, in float64."""
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from forward import load_acg, read_safetensors  # noqa: E402
    from forward import modularity_loss as ref_loss  # noqa: E402

    model, cfg = load_acg(folder)
    w = read_safetensors(f"{folder}/weights.safetensors")
    p = {n: t[None].clone().requires_grad_(True) for n, t in w.items()}
    x = read_safetensors(f"{folder}/features.safetensors")["features"]
    c_ref, s_ref = model(x)
    act = torch.relu if cfg["ffn"] == "relu" else torch.nn.functional.gelu
    c, s = forward(p, x[None], cfg["steps"], cfg["heads"], cfg["lnEps"], act)
    w_, two_m = modularity_terms(x)
    print(json.dumps({"max_dS": float((s[0] - s_ref).abs().max()), "max_dC": float((c[0] - c_ref).abs().max()), "loss": float(modularity_loss(s, w_[None], two_m[None])[0]), "forward.py loss": float(ref_loss(s_ref, x))}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main()
