/**
 * Feature cache throughput and memory at ViT-S/16 shapes (n = 196 patches,
 * d = 384, 6 heads, CLS): write N images in shards of 256, then read random
 * batches of 32 (as training does) and a sequential scan.
 *
 *   npx tsx --conditions=@acseg/source packages/feature-cache/bench/cache.ts
 *
 * Each size runs in its own process so peak RSS is comparable. The features
 * come from a synthetic generator (the cache's own cost is measured, not a model's).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backbone, FeatureResult, ImageInput } from '@acseg/core';
import { FeatureCache, writeFeatureCache } from '../src/index.js';

const GRID = { h: 14, w: 14 };
const N_PATCH = 196;
const DIM = 384;
const HEADS = 6;
const BYTES_PER_IMAGE = (N_PATCH * DIM + DIM + HEADS * N_PATCH) * 4;

function syntheticBackbone(): Backbone {
  const base = Float32Array.from({ length: N_PATCH * DIM + DIM + HEADS * N_PATCH }, (_, i) => Math.sin(i * 0.37));
  return {
    name: 'synthetic',
    info: { model: 'synthetic-vits16', patchSize: 16, inputSize: 224, dim: DIM, heads: HEADS, hasAttention: true },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const [i, img] of images.entries()) {
        // A fresh map per image, as a backbone allocates one.
        const tokens = base.slice(0, N_PATCH * DIM);
        tokens[0] = i;
        yield {
          ok: true,
          features: {
            id: `img${i}`,
            source: String(img),
            grid: GRID,
            dim: DIM,
            tokens,
            cls: base.slice(N_PATCH * DIM, N_PATCH * DIM + DIM),
            attention: { heads: HEADS, data: base.slice(N_PATCH * DIM + DIM) },
            imageSize: { width: 500, height: 375 },
          },
        };
      }
    },
  };
}

async function child(n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-bench-'));
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const images = Array.from({ length: n }, (_, i) => `/bench/img${i}.jpg`);
  let t = performance.now();
  await writeFeatureCache({ backbone: syntheticBackbone(), images, out: dir, shardSize: 256 });
  const writeS = (performance.now() - t) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  const writePeak = peak;

  const cache = await FeatureCache.open(dir);
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const batches = 100;
  t = performance.now();
  for (let b = 0; b < batches; b++) await cache.read(Array.from({ length: 32 }, () => Math.floor(rand() * n)));
  const randS = (performance.now() - t) / 1000;
  t = performance.now();
  for (let i = 0; i < n; i += 64) await cache.read(Array.from({ length: Math.min(64, n - i) }, (_, k) => i + k));
  const seqS = (performance.now() - t) / 1000;
  await cache.close();
  clearInterval(sample);
  await rm(dir, { recursive: true, force: true });
  const mb = (x: number) => (x / 2 ** 20).toFixed(0);
  console.log(
    JSON.stringify({
      n,
      disk: mb(n * BYTES_PER_IMAGE),
      write: (n / writeS).toFixed(0),
      writeMBs: mb((n * BYTES_PER_IMAGE) / writeS),
      peak: mb(writePeak),
      rand: ((batches * 32) / randS).toFixed(0),
      seq: (n / seqS).toFixed(0),
    }),
  );
}

const arg = process.argv.indexOf('--child');
if (arg >= 0) {
  await child(Number(process.argv[arg + 1]));
} else {
  const rows = [['images', 'on disk MB', 'write img/s', 'write MB/s', 'peak RSS MB (write)', 'random batch-32 read img/s', 'sequential read img/s']];
  for (const n of [500, 2000, 5000]) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', String(n)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string | number>;
    rows.push([String(o.n), String(o.disk), String(o.write), String(o.writeMBs), String(o.peak), String(o.rand), String(o.seq)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padStart(widths[c])).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}
