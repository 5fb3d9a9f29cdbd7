/**
 * Feature extraction speed on the repo's sample images (decode + resize +
 * features), and a sanity view: a 4-means clustering of one image's patches
 * printed as a 14×14 map. Run from packages/backbone-handcrafted:
 *   npx tsx bench/extract.ts
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HandcraftedBackbone } from '../src/index.js';
import type { FeatureMap } from '@acseg/core';

const samples = resolve(import.meta.dirname, '../../../samples');
const files = readdirSync(samples)
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => join(samples, f));

async function timeRun(b: HandcraftedBackbone, inputs: string[], rounds: number): Promise<number> {
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for await (const res of b.extract(inputs)) if (!res.ok) throw res.error;
    await b.dispose();
  }
  return (performance.now() - t0) / (rounds * inputs.length);
}

function kmeansMap(f: FeatureMap, k: number): string {
  const n = f.grid.h * f.grid.w;
  const d = f.dim;
  const centres = Array.from({ length: k }, (_, c) => f.tokens.slice(Math.floor((c * n) / k) * d, (Math.floor((c * n) / k) + 1) * d));
  const assign = new Int32Array(n);
  for (let it = 0; it < 20; it++) {
    for (let p = 0; p < n; p++) {
      let best = 0,
        bestD = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (f.tokens[p * d + j] - centres[c][j]) ** 2;
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      assign[p] = best;
    }
    for (let c = 0; c < k; c++) {
      const sum = new Float32Array(d);
      let cnt = 0;
      for (let p = 0; p < n; p++)
        if (assign[p] === c) {
          cnt++;
          for (let j = 0; j < d; j++) sum[j] += f.tokens[p * d + j];
        }
      if (cnt) centres[c] = sum.map((v) => v / cnt);
    }
  }
  const rows: string[] = [];
  for (let r = 0; r < f.grid.h; r++)
    rows.push(
      Array.from(assign.subarray(r * f.grid.w, (r + 1) * f.grid.w))
        .map((a) => 'abcdefgh'[a])
        .join(''),
    );
  return rows.join('\n');
}

const b = new HandcraftedBackbone();
await timeRun(b, files, 1); // warm-up
const ms = await timeRun(b, files, 10);
const bp = new HandcraftedBackbone({ position: true });
const msPos = await timeRun(bp, files, 10);
console.log(`| setting | images | ms / image | images / s |`);
console.log(`|---|---|---|---|`);
console.log(`| default (d = 96) | ${files.length} × 10 | ${ms.toFixed(1)} | ${(1000 / ms).toFixed(0)} |`);
console.log(`| position: true | ${files.length} × 10 | ${msPos.toFixed(1)} | ${(1000 / msPos).toFixed(0)} |`);
for (const file of files.slice(0, 2)) {
  const f = await b.features(file);
  console.log(`\n4-means of ${file.split('/').pop()} (one letter per patch):\n${kmeansMap(f, 4)}`);
}
