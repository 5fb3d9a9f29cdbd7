/**
 * What `importFeatures` keeps per image: a stacked .npy of N tiny rows ([N, 2, 2, 4]: the arrays cost nothing) is
 * imported, and at 90 % of the way the heap is measured after a full GC. Its growth with N is the importer's
 * bookkeeping per image (plan, writer), what grew ~1.7 KB an image at 100 000 in the import benchmark.
 *
 *   node --expose-gc --import tsx --conditions=@acseg/source packages/feature-cache/bench/import-memory.ts [20000,80000]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressFactory } from '@acseg/core';
import { importFeatures } from '../src/index.js';
import { npyBytes } from '../src/testing/npy-writer.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function measure(n: number): Promise<{ n: number; heapMB: number; rate: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-import-memory-'));
  try {
    const file = join(dir, 'feats.npy');
    const rows = new Float32Array(n * 16);
    for (let i = 0; i < rows.length; i++) rows[i] = 1 + ((i * 7) % 13);
    await writeFile(file, npyBytes('<f4', [n, 2, 2, 4], new Uint8Array(rows.buffer)));
    let heap = 0;
    const progress: ProgressFactory = {
      start: () => ({
        update: (done: number) => {
          if (done === Math.floor(0.9 * n)) {
            gc!();
            heap = process.memoryUsage().heapUsed;
          }
        },
        stop: () => undefined,
      }),
    };
    gc!();
    const base = process.memoryUsage().heapUsed;
    const t = performance.now();
    await importFeatures({ files: [file], out: join(dir, 'cache'), patchSize: 16, shardSize: 256, progress });
    return { n, heapMB: (heap - base) / 2 ** 20, rate: n / ((performance.now() - t) / 1000) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sizes = (process.argv[2] ?? '20000,80000').split(',').map(Number);
const out = [];
for (const n of sizes) out.push(await measure(n));
console.log('| images | heap held MB (90 %) | import img/s |\n|---|---|---|');
for (const r of out) console.log(`| ${r.n} | ${r.heapMB.toFixed(1)} | ${r.rate.toFixed(0)} |`);
if (out.length > 1) {
  const [a, b] = [out[0], out[out.length - 1]];
  console.log(`\nper image: ${(((b.heapMB - a.heapMB) * 2 ** 20) / (b.n - a.n)).toFixed(0)} B`);
}
