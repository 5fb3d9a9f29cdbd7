/**
 * The feature-cache writer's own memory as the image count grows: tiny features (2×2 patches, d = 4) so that what is
 * measured is the per-image bookkeeping (the index, ids, paths), not the tensors; shards of 256 as by default.
 *
 *   node --expose-gc --import tsx --conditions=@acseg/source packages/feature-cache/bench/index-memory.ts [sizes, default 10000,40000,160000]
 *
 * Each size runs in its own process so peak RSS is comparable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backbone, FeatureResult, ImageInput } from '@acseg/core';
import { writeFeatureCache } from '../src/index.js';

function tinyBackbone(): Backbone {
  return {
    name: 'tiny',
    info: { model: 'tiny', patchSize: 16, inputSize: 32, dim: 4, hasAttention: false },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const [i, img] of images.entries()) {
        const tokens = Float32Array.from({ length: 16 }, (_, j) => 1 + ((i + j) % 7));
        yield {
          ok: true,
          features: {
            id: `IMG_${String(i).padStart(7, '0')}`,
            source: String(img),
            grid: { h: 2, w: 2 },
            dim: 4,
            tokens,
            imageSize: { width: 4000, height: 3000 },
          },
        };
      }
    },
  };
}

async function child(n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-index-bench-'));
  try {
    // Paths as a photo library has them (≈ 50 characters).
    const images = Array.from({ length: n }, (_, i) => `/data/photos/2024/trip-${i % 97}/IMG_${String(i).padStart(7, '0')}.jpg`);
    global.gc?.();
    const heapBase = process.memoryUsage().heapUsed;
    const base = process.memoryUsage().rss;
    let peak = base;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const t = performance.now();
    let live = 0;
    const at = Math.floor(n * 0.9);
    // The heap the writer holds 90% of the way through (after a full GC), apart from garbage not yet collected.
    const probe = async function* (): AsyncIterable<FeatureResult> {
      let i = 0;
      for await (const r of tinyBackbone().extract(images)) {
        if (i++ === at && global.gc) {
          global.gc();
          live = process.memoryUsage().heapUsed;
        }
        yield r;
      }
    };
    await writeFeatureCache({ backbone: { ...tinyBackbone(), extract: probe }, images, out: join(dir, 'cache'), shardSize: 256 });
    const s = (performance.now() - t) / 1000;
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = (x: number) => (x / 2 ** 20).toFixed(0);
    const indexMb = ((await stat(join(dir, 'cache', 'index.json'))).size / 2 ** 20).toFixed(1);
    console.log(
      JSON.stringify({
        n,
        rate: (n / s).toFixed(0),
        before: mb(base),
        peak: mb(peak),
        grew: mb(peak - base),
        index: indexMb,
        held: live ? mb(live - heapBase) : '?',
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const arg = process.argv.indexOf('--child');
if (arg >= 0) {
  await child(Number(process.argv[arg + 1]));
} else {
  const sizes = (process.argv[2] ?? '10000,40000,160000').split(',').map(Number);
  const rows = [['images', 'index.json MB', 'write img/s', 'RSS before MB', 'peak RSS MB', 'RSS growth MB', 'heap held at 90% MB']];
  for (const n of sizes) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', String(n)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string | number>;
    rows.push([String(o.n), String(o.index), String(o.rate), String(o.before), String(o.peak), String(o.grew), String(o.held)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padStart(widths[c])).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}
