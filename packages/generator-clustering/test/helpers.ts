/** Test-only helpers: independent of the package's code paths. */

/** Deterministic uniform [0,1) (a different generator from the package's Rng). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12),
      v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Points around the given centres: `per` points each, isotropic noise `sigma`; returns points and true labels. */
export function blobs(centres: number[][], per: number | number[], sigma: number, seed: number): { points: number[][]; labels: number[] } {
  const g = gaussian(lcg(seed));
  const points: number[][] = [];
  const labels: number[] = [];
  centres.forEach((c, j) => {
    const m = Array.isArray(per) ? per[j] : per;
    for (let i = 0; i < m; i++) {
      points.push(c.map((v) => v + sigma * g()));
      labels.push(j);
    }
  });
  return { points, labels };
}

/** Adjusted Rand index (Hubert & Arabie 1985). */
export function adjustedRand(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let sa = 0,
    sb = 0;
  for (const v of ra.values()) sa += c2(v);
  for (const v of rb.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/** Sum of squared distances of points to the mean of their group. */
export function withinSS(points: number[][], labels: ArrayLike<number>): number {
  const groups = new Map<number, number[][]>();
  points.forEach((p, i) => {
    const g = groups.get(labels[i]) ?? [];
    g.push(p);
    groups.set(labels[i], g);
  });
  let total = 0;
  for (const g of groups.values()) {
    const mean = g[0].map((_, t) => g.reduce((s, p) => s + p[t], 0) / g.length);
    for (const p of g) total += p.reduce((s, v, t) => s + (v - mean[t]) ** 2, 0);
  }
  return total;
}

/** Global minimum of the k-means objective by enumerating every labelling (k^n). */
export function bruteForceKMeans(points: number[][], k: number): number {
  const n = points.length;
  const labels = new Array<number>(n).fill(0);
  let best = Infinity;
  const total = k ** n;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let i = 0; i < n; i++) {
      labels[i] = c % k;
      c = Math.floor(c / k);
    }
    if (new Set(labels).size !== k) continue;
    best = Math.min(best, withinSS(points, labels));
  }
  return best;
}
