/**
 * `importFeatures` memory and speed on a stacked .npy [N, 14, 14, 96] (75 KB an image): the array is written to disk
 * row by row (never held), imported in shards of 256, and the importer's peak RSS is sampled. Memory should not grow
 * with N: rows are read by offset.
 *
 *   npx tsx --conditions=@acseg/source packages/feature-cache/bench/import.ts [sizes, default 2000,8000,32000]
 *
 * Each size runs in its own process so peak RSS is comparable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFeatures } from '../src/index.js';
import { npyBytes } from '../src/testing/npy-writer.js';

const G = 14;
const D = 96;
const ROW = G * G * D;

async function child(n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-import-bench-'));
  try {
    const file = join(dir, 'feats.npy');
    const fh = await open(file, 'w');
    try {
      await fh.write(npyBytes('<f4', [n, G, G, D], new Uint8Array(0)));
      const chunk = new Float32Array(64 * ROW);
      for (let i = 0; i < n; i += 64) {
        const k = Math.min(64, n - i);
        for (let j = 0; j < k * ROW; j++) chunk[j] = Math.sin((i * ROW + j) * 0.001) + 1.5;
        await fh.write(new Uint8Array(chunk.buffer, 0, k * ROW * 4));
      }
    } finally {
      await fh.close();
    }
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const t = performance.now();
    const r = await importFeatures({ files: [file], out: join(dir, 'cache'), patchSize: 16, shardSize: 256 });
    const s = (performance.now() - t) / 1000;
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = (x: number) => (x / 2 ** 20).toFixed(0);
    console.log(JSON.stringify({ n: r.total, disk: mb(n * ROW * 4), rate: (n / s).toFixed(0), peak: mb(peak), before: mb(base) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const arg = process.argv.indexOf('--child');
if (arg >= 0) {
  await child(Number(process.argv[arg + 1]));
} else {
  const sizes = (process.argv[2] ?? '2000,8000,32000').split(',').map(Number);
  const rows = [['images', '.npy MB', 'import img/s', 'RSS before MB', 'peak RSS MB (import)']];
  for (const n of sizes) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', String(n)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string | number>;
    rows.push([String(o.n), String(o.disk), String(o.rate), String(o.before), String(o.peak)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padStart(widths[c])).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}
