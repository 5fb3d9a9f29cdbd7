#!/usr/bin/python3
"""Reference clusterings from scikit-learn / SciPy for @acseg/generator-clustering's tests.

Run with Debian's python3-sklearn (1.2.x):
    /usr/bin/python3 tools/clustering-reference/make_fixture.py
Writes packages/generator-clustering/test/fixtures/sklearn-reference.json (small: a few hundred points).
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import AffinityPropagation, AgglomerativeClustering, KMeans, SpectralClustering

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'generator-clustering', 'test', 'fixtures', 'sklearn-reference.json')


def blobs(rng, centres, per, sigma):
    pts = np.concatenate([c + sigma * rng.standard_normal((per, len(c))) for c in centres])
    return pts


def cosine_affinity(x):
    n = x / np.linalg.norm(x, axis=1, keepdims=True)
    a = np.maximum(0.0, n @ n.T)
    np.fill_diagonal(a, 1.0)
    return a


def r(a):
    return [[round(float(v), 12) for v in row] for row in a]


def main():
    rng = np.random.default_rng(20230601)
    cases = []

    # Ward: deterministic, so even structureless data must give the same clusters and merge heights.
    x = rng.standard_normal((60, 8))
    cases.append({
        'name': 'ward-random', 'method': 'agglomerative', 'points': r(x),
        'labels': {str(k): AgglomerativeClustering(n_clusters=k, linkage='ward').fit(x).labels_.tolist() for k in (2, 3, 5, 8)},
        'heights': [round(float(h), 12) for h in linkage(x, method='ward')[:, 2]],
    })

    # Affinity propagation: deterministic up to sklearn's 1e-14 tie-breaking noise.
    for name, x in [('ap-blobs', blobs(rng, np.array([[0, 0, 0], [4, 0, 1], [0, 5, -1], [3, 3, 3]], float), 15, 1.0)),
                    ('ap-random', rng.standard_normal((50, 6)))]:
        ap = AffinityPropagation(random_state=0).fit(x)
        cases.append({'name': name, 'method': 'ap', 'points': r(x), 'labels': ap.labels_.tolist(),
                      'exemplars': ap.cluster_centers_indices_.tolist(), 'iterations': int(ap.n_iter_)})

    # k-means: random starts differ, so only overlapping-but-clustered data where the optimum is clear.
    centres = 3 * rng.standard_normal((4, 10))
    x = blobs(rng, centres, 20, 1.0)
    km = KMeans(n_clusters=4, n_init=10, random_state=0).fit(x)
    cases.append({'name': 'kmeans-blobs', 'method': 'kmeans', 'k': 4, 'points': r(x), 'labels': km.labels_.tolist(), 'inertia': float(km.inertia_)})

    # Spectral on the cosine affinity (our default), precomputed for sklearn; plus the eigenvalues of D^-1/2 A D^-1/2.
    dirs = rng.standard_normal((3, 16))
    x = np.concatenate([d + 0.6 * rng.standard_normal((20, 16)) for d in dirs])
    a = cosine_affinity(x)
    sc = SpectralClustering(n_clusters=3, affinity='precomputed', random_state=0).fit(a)
    dinv = 1 / np.sqrt(a.sum(axis=1))
    evals = np.linalg.eigvalsh(dinv[:, None] * a * dinv[None, :])[::-1][:3]
    cases.append({'name': 'spectral-cosine', 'method': 'spectral', 'k': 3, 'points': r(x), 'labels': sc.labels_.tolist(),
                  'eigenvalues': [float(v) for v in evals]})

    out = {'generator': 'tools/clustering-reference/make_fixture.py', 'sklearn': sklearn.__version__, 'scipy': scipy.__version__,
           'numpy': np.__version__, 'cases': cases}
    with open(OUT, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print(f'wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes, {len(cases)} cases)')


if __name__ == '__main__':
    main()
