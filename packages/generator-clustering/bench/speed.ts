/**
 * Images/s of each clustering generator on random patch features (n = 196 on a 14×14 grid, d = 384: ViT-S/16),
 * one image at a time, as the pipeline calls them. With --sklearn, also runs
 * tools/clustering-reference/bench_sklearn.py (Debian python3-sklearn) in the same run for comparison.
 *
 *   cd packages/generator-clustering && npx tsx --conditions=@acseg/source bench/speed.ts [--images 20] [--rounds 4] [--sklearn]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ConceptGenerator, FeatureMap } from '@acseg/core';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, Rng, SpectralGenerator } from '../src/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const images = flag('--images', 20);
const rounds = Math.min(flag('--rounds', 4), images);
const withSklearn = args.includes('--sklearn');

function randomMap(i: number, rng: Rng): FeatureMap {
  const n = 196,
    d = 384;
  const tokens = new Float32Array(n * d);
  for (let t = 0; t < tokens.length; t++) tokens[t] = rng.normal();
  return { id: `random-${i}`, grid: { h: 14, w: 14 }, dim: d, tokens, imageSize: { width: 224, height: 224 } };
}

const rng = new Rng(12345);
const maps = Array.from({ length: images + 1 }, (_, i) => randomMap(i, rng));

const generators: Array<[string, ConceptGenerator]> = [
  ['kmeans (k=5, nInit=10)', new KMeansGenerator()],
  ['spectral (k=5, cosine)', new SpectralGenerator()],
  ['spectral (k=5, rbf γ=1)', new SpectralGenerator({ affinity: 'rbf' })],
  ['ap (median preference)', new AffinityPropagationGenerator()],
  ['agglomerative (Ward, k=5)', new AgglomerativeGenerator()],
];
const sklearnKey: Record<string, string> = {
  'kmeans (k=5, nInit=10)': 'kmeans',
  'spectral (k=5, cosine)': 'spectral',
  'spectral (k=5, rbf γ=1)': 'spectral-rbf',
  'ap (median preference)': 'ap',
  'agglomerative (Ward, k=5)': 'agglomerative',
};
const paper: Record<string, string> = { kmeans: '21', spectral: '34', ap: '28', agglomerative: '208' };

interface Row {
  name: string;
  lifted: number;
  ips: number;
  ms: number;
  meanK: number;
}
// The machine is shared: methods are timed round-robin, image by image, and sklearn (a separate process) runs
// between our rounds, so that load changes spread over all of them alike.
const loadBefore = loadavg()[0];
const totals = generators.map(() => ({ ms: 0, ks: 0 }));
for (const [, g] of generators) await g.generate([maps[images]]); // warm-up (JIT)
type SkRun = { sklearn: string; images: number; results: Record<string, { imagesPerSecond: number; meanK: number }> };
const skRuns: SkRun[] = [];
const skRuns1: SkRun[] = [];
const script = fileURLToPath(new URL('../../../tools/clustering-reference/bench_sklearn.py', import.meta.url));
for (let r = 0; r < rounds; r++) {
  const from = Math.floor((r * images) / rounds),
    to = Math.floor(((r + 1) * images) / rounds);
  for (let i = from; i < to; i++) {
    for (const [j, [, g]] of generators.entries()) {
      const t0 = performance.now();
      const [a] = await g.generate([maps[i]]);
      totals[j].ms += performance.now() - t0;
      totals[j].ks += a.k;
    }
  }
  if (withSklearn) {
    // Default OpenMP/BLAS threads (2 here), then single-threaded like this package.
    for (const [runs, env] of [
      [skRuns, {}],
      [skRuns1, { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' }],
    ] as const) {
      const res = spawnSync('/usr/bin/python3', [script, String(to - from)], { encoding: 'utf8', env: { ...process.env, ...env } });
      if (res.status === 0) runs.push(JSON.parse(res.stdout.trim().split('\n').pop()!));
      else console.error(`sklearn benchmark failed: ${res.stderr || res.error}`);
    }
  }
}
const rows: Row[] = generators.map(([name, g], j) => {
  const { patches, lifted } = (g as unknown as { stats: { patches: number; lifted: number } }).stats;
  const ms = totals[j].ms / images;
  return { name, ips: 1000 / ms, ms, meanK: totals[j].ks / images, lifted: (100 * lifted) / patches };
});
function combine(runs: SkRun[]) {
  if (!runs.length) return undefined;
  return {
    sklearn: runs[0].sklearn,
    results: Object.fromEntries(
      Object.keys(runs[0].results).map((key) => {
        const n = runs.reduce((s, run) => s + run.images, 0);
        const seconds = runs.reduce((s, run) => s + run.images / run.results[key].imagesPerSecond, 0);
        const meanK = runs.reduce((s, run) => s + run.images * run.results[key].meanK, 0) / n;
        return [key, { imagesPerSecond: n / seconds, meanK }];
      }),
    ),
  };
}
const sk = combine(skRuns);
const sk1 = combine(skRuns1);

console.log(
  `random features n=196 d=384, ${images} images/method in ${rounds} interleaved rounds, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
);
const head = ['method', 'images/s', 'ms/image', 'mean k', 'lifted %'];
if (sk && sk1) head.push(`sklearn ${sk.sklearn} images/s, default threads`, 'sklearn images/s, 1 thread', 'sklearn mean k');
head.push('sklearn, method notes §2');
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map(() => '---').join('|')}|`);
for (const r of rows) {
  const key = sklearnKey[r.name];
  const cells = [r.name, r.ips.toFixed(1), r.ms.toFixed(1), r.meanK.toFixed(1), r.lifted.toFixed(1)];
  if (sk && sk1) {
    const s = sk.results[key],
      s1 = sk1.results[key];
    cells.push(s ? s.imagesPerSecond.toFixed(1) : '–', s1 ? s1.imagesPerSecond.toFixed(1) : '–', s ? s.meanK.toFixed(1) : '–');
  }
  cells.push(paper[key] ?? '–');
  console.log(`| ${cells.join(' | ')} |`);
}
