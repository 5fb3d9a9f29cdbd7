"""Data families for scan.py: numpy port of the synthetic family B (packages/acg/bench/data/synthetic-b.ts) and real
feature sets written by tools/bench/camvid-patches.ts.

Family A's port stays in scan.py (`synthetic`). Family B follows synthetic-b.ts step by step (hierarchical concept
pool, bands + elliptical blobs, tilted shared direction, low-rank + smooth + per-region noise, a within-region
gradient, per-patch norm jitter, weighted concept counts) but draws from numpy's generator: same distribution,
other images. Family B is held out from recipe tuning (packages/acg/bench/data/families.ts): report on it, never tune on it.
"""
import math
import os

import numpy as np

B_DEFAULTS = dict(supers=4, per_super=6, within_cos=0.4, count_weights=(2, 3, 3, 2, 1.5, 1.5), shared=0.8,
                  shared_jitter=0.5, nuisance_rank=8, nuisance=0.15, smooth=0.5, smooth_grid=4, noise=(0.4, 1.1),
                  variant=0.3, norm_jitter=0.15, min_region=4)


def _unit(rng, shape, dim):
    v = rng.standard_normal(tuple(shape) + (dim,))
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def hierarchical_pool(pool_seed, dim, supers, per_super, within_cos, nuisance_rank):
    rng = np.random.default_rng(pool_seed ^ 0xB00B5)
    parents = _unit(rng, (supers,), dim)
    own = _unit(rng, (supers, per_super), dim)
    v = math.sqrt(within_cos) * parents[:, None] + math.sqrt(1 - within_cos) * own
    concepts = (v / np.linalg.norm(v, axis=-1, keepdims=True)).reshape(-1, dim)
    return concepts, _unit(rng, (), dim), _unit(rng, (nuisance_rank,), dim)


def scene_regions(rng, h, w, c, min_region):
    """Bands (1..min(c, 3), sinusoidal borders) under elliptical blobs; ≥ min_region patches each, else flat bands."""
    ys, xs = np.mgrid[0:h, 0:w] + 0.5
    n = h * w
    for _ in range(100):
        bands = 1 + int(rng.integers(min(c, 3)))
        lab = np.zeros((h, w), np.int64)
        for _cut in range(bands - 1):
            y0, amp, period, phase = rng.uniform(1, h - 1), rng.uniform(0, 1.5), rng.uniform(5, 14), rng.uniform(0, 2 * math.pi)
            lab += ys > y0 + amp * np.sin(2 * math.pi * xs / period + phase)
        for j in range(bands, c):
            area = math.exp(rng.uniform(math.log(2 * min_region), math.log(0.3 * n)))
            aspect = math.exp(rng.uniform(math.log(0.5), math.log(2)))
            theta, cy, cx = rng.uniform(0, math.pi), rng.uniform(0, h), rng.uniform(0, w)
            ra, rb = math.sqrt(area * aspect / math.pi), math.sqrt(area / (aspect * math.pi))
            dx, dy = xs - cx, ys - cy
            u = (dx * math.cos(theta) + dy * math.sin(theta)) / ra
            v = (-dx * math.sin(theta) + dy * math.cos(theta)) / rb
            lab[u * u + v * v <= 1] = j
        if np.bincount(lab.reshape(-1), minlength=c).min() >= min_region:
            return lab.reshape(-1)
    return (np.arange(h)[:, None] * c // h).repeat(w, 1).reshape(-1)


def smooth_field(rng, h, w, g, dim, sigma):
    coarse = sigma * rng.standard_normal((g, g, dim))

    def at(size):
        p = (np.arange(size) + 0.5) / size * (g - 1)
        i = np.minimum(g - 2, np.floor(p).astype(np.int64))
        return i, p - i

    iy, fy = at(h)
    ix, fx = at(w)
    fy, fx = fy[:, None, None], fx[None, :, None]
    c00, c01 = coarse[iy][:, ix], coarse[iy][:, ix + 1]
    c10, c11 = coarse[iy + 1][:, ix], coarse[iy + 1][:, ix + 1]
    return ((1 - fy) * ((1 - fx) * c00 + fx * c01) + fy * ((1 - fx) * c10 + fx * c11)).reshape(h * w, dim)


def family_b(count, seed, dim, pool_seed=0, h=14, w=14, **overrides):
    o = {**B_DEFAULTS, **overrides}
    concepts, common, nuisance = hierarchical_pool(pool_seed, dim, o["supers"], o["per_super"], o["within_cos"], o["nuisance_rank"])
    rng = np.random.default_rng(seed ^ 0xFAB)
    n, scale = h * w, math.sqrt(dim)
    weights = np.asarray(o["count_weights"], float)
    smooth_sigma = 1.5 * o["smooth"] / math.sqrt(dim)
    ys, xs = np.divmod(np.arange(n), w)
    feats, labels, counts = np.zeros((count, n, dim), np.float32), np.zeros((count, n), np.int64), np.zeros(count, np.int64)
    for i in range(count):
        c = int(rng.choice(len(weights), p=weights / weights.sum())) + 1
        chosen = rng.permutation(len(concepts))[:c]
        lab = scene_regions(rng, h, w, c, o["min_region"])
        shared = common + o["shared_jitter"] * _unit(rng, (), dim)
        shared = o["shared"] * shared / np.linalg.norm(shared)
        field = smooth_field(rng, h, w, o["smooth_grid"], dim, smooth_sigma)
        level = rng.uniform(o["noise"][0], o["noise"][1], c) / math.sqrt(dim)
        dirs = _unit(rng, (c,), dim)
        angle = rng.uniform(0, 2 * math.pi, c)
        proj = xs * np.cos(angle[lab]) + ys * np.sin(angle[lab])
        lo, hi = np.full(c, np.inf), np.full(c, -np.inf)
        np.minimum.at(lo, lab, proj)
        np.maximum.at(hi, lab, proj)
        span = hi[lab] - lo[lab]
        pos = np.where(span > 0, 2 * (proj - lo[lab]) / np.where(span > 0, span, 1) - 1, 0.0)
        coef = o["nuisance"] * rng.standard_normal((n, len(nuisance)))
        norm = scale * np.exp(o["norm_jitter"] * rng.standard_normal(n))
        x = concepts[chosen[lab]] + o["variant"] * pos[:, None] * dirs[lab] + shared + field
        x += level[lab][:, None] * rng.standard_normal((n, dim)) + coef @ nuisance
        feats[i], labels[i], counts[i] = norm[:, None] * x, lab, c
    return feats, labels, counts


def read_npy_folder(folder):
    """Real features written by tools/bench/camvid-patches.ts: train/test features [N, n, d] (float16), test labels
    [N, n] (int8: the patch's class among the image's counted classes, relabelled 0..c-1; -1 = not scored), counts."""
    load = lambda name: np.load(os.path.join(folder, name))
    tr = load("train_features.npy").astype(np.float32)
    te = load("test_features.npy").astype(np.float32)
    lab = load("test_labels.npy").astype(np.int64)
    return tr, te, lab, lab.max(1) + 1
