#!/usr/bin/python3
"""Images/s of scikit-learn's clustering on random n=196, d=384 patch features (L2-normalized like our
generators' default). Prints one JSON object; packages/generator-clustering/bench/speed.ts runs it with --sklearn.
    /usr/bin/python3 tools/clustering-reference/bench_sklearn.py [images]
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import AffinityPropagation, AgglomerativeClustering, KMeans, SpectralClustering


def cosine_affinity(x):
    a = np.maximum(0.0, x @ x.T)
    np.fill_diagonal(a, 1.0)
    return a


def main():
    images = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    rng = np.random.default_rng(0)
    feats = [rng.standard_normal((196, 384)) for _ in range(images + 1)]
    feats = [f / np.linalg.norm(f, axis=1, keepdims=True) for f in feats]
    methods = {
        'kmeans': lambda x: KMeans(n_clusters=5, n_init=10, random_state=0).fit(x).labels_,
        'spectral': lambda x: SpectralClustering(n_clusters=5, affinity='precomputed', random_state=0).fit(cosine_affinity(x)).labels_,
        'spectral-rbf': lambda x: SpectralClustering(n_clusters=5, random_state=0).fit(x).labels_,
        'ap': lambda x: AffinityPropagation(random_state=0).fit(x).labels_,
        'agglomerative': lambda x: AgglomerativeClustering(n_clusters=5).fit(x).labels_,
    }
    out = {'sklearn': sklearn.__version__, 'images': images, 'results': {}}
    warnings.simplefilter('ignore')
    for name, fn in methods.items():
        fn(feats[-1])  # warm-up
        t = time.perf_counter()
        ks = [len(set(fn(x).tolist())) for x in feats[:images]]
        dt = time.perf_counter() - t
        out['results'][name] = {'imagesPerSecond': images / dt, 'meanK': sum(ks) / len(ks)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
