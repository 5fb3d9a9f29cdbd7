/**
 * Speed of the classifier's pieces on synthetic data of the paper's sizes.
 * Run: npx tsx --conditions @acseg/source bench/kmeans.ts
 */
import { assignmentToRegions, backgroundRegions, type FeatureMap } from '@acseg/core';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { kmeans } from '@acseg/generator-clustering';
import { nearest } from '../src/knn-classifier.js';
import { seededRandom } from '../src/rng.js';

function clustered(n: number, dim: number, centres: number, seed: number, spread = 2): Float32Array {
  const rand = seededRandom(seed);
  const c = Array.from({ length: centres }, () => Array.from({ length: dim }, () => rand() - 0.5));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += (out[i * dim + j] = c[i % centres][j] + spread * (rand() - 0.5)) ** 2;
    for (let j = 0; j < dim; j++) out[i * dim + j] /= Math.sqrt(sq);
  }
  return out;
}

/** Wall time, and this process's CPU time (the machine is shared: CPU time is the steadier figure). */
function time<T>(f: () => T): [T, number, number] {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = f();
  const u = process.cpuUsage(c);
  return [r, performance.now() - t, (u.user + u.system) / 1000];
}
const fmt = (wall: number, cpu: number) => `${(wall / 1000).toFixed(2)} s (cpu ${(cpu / 1000).toFixed(2)} s)`;

const rows: string[][] = [['task', 'size', 'implementation', 'time', 'result']];
const dim = 384;

for (const [n, K] of [
  [4000, 20],
  [10000, 27],
] as const) {
  const data = clustered(n, dim, K, 1);
  // What the classifier runs: one k-means++ start (nInit 1), float32 rows read as they are.
  const [ours, t, tc] = time(() => kmeans({ rows: n, cols: dim, data }, K, { seed: 0, nInit: 1, distinct: true }));
  rows.push([
    'k-means (k-means++ + Lloyd)',
    `${n}×${dim}, K=${K}`,
    '@acseg/generator-clustering',
    fmt(t, tc),
    `inertia ${ours.inertia.toFixed(1)}, ${ours.iterations} it`,
  ]);
  if (n === 4000) {
    const arr = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)));
    const [ref, t2, t2c] = time(() => mlKmeans(arr, K, { seed: 0 }));
    let inertia = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) inertia += (arr[i][j] - ref.centroids[ref.clusters[i]][j]) ** 2;
    rows.push(['k-means (k-means++ + Lloyd)', `${n}×${dim}, K=${K}`, 'ml-kmeans 7.0.1', fmt(t2, t2c), `inertia ${inertia.toFixed(1)}, ${ref.iterations} it`]);
  }
}

{
  const bankRows = 30000;
  const queries = 300;
  const bank = clustered(bankRows, dim, 20, 2);
  const q = clustered(queries, dim, 20, 3);
  const [, t, tc] = time(() => {
    for (let i = 0; i < queries; i++) nearest(q.subarray(i * dim, (i + 1) * dim), bank, bankRows, dim, 5);
  });
  rows.push(['k-NN search (K=5)', `${queries} queries × ${bankRows} bank, d=${dim}`, 'this package', fmt(t, tc), `${(tc / queries).toFixed(2)} ms cpu/query`]);
}

{
  const images = 200;
  const rand = seededRandom(4);
  const maps = Array.from({ length: images }, (_, i) => {
    const k = 5;
    const S = Float32Array.from({ length: 196 * k }, () => rand());
    const regions = assignmentToRegions({ assignment: S, k, grid: { h: 14, w: 14 }, width: 500, height: 375 });
    const f: FeatureMap = {
      id: `i${i}`,
      grid: { h: 14, w: 14 },
      dim: 1,
      tokens: new Float32Array(196).fill(1),
      attention: { heads: 6, data: Float32Array.from({ length: 6 * 196 }, () => rand()) },
      imageSize: { width: 500, height: 375 },
    };
    return { f, regions };
  });
  const [, t, tc] = time(() => {
    for (const m of maps) backgroundRegions(m.f, m.regions);
  });
  rows.push([
    'background rule (attention)',
    `${images} images 500×375, 14×14 grid, 6 heads, 5 regions`,
    'core backgroundRegions',
    fmt(t, tc),
    `${(tc / images).toFixed(2)} ms cpu/image`,
  ]);
}

const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, r] of rows.entries()) {
  console.log(`| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`);
  if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
}
