/**
 * Inspects a trained checkpoint on 16 held-out synthetic images (pool seed 0): concept collapse (within-image
 * cosines), image-specificity (the same prototype across images), alignment with the vocabulary, and how many
 * planted concepts have a concept of their image (cos > 0.5 with the region mean).
 *   npx tsx bench/inspect.ts <checkpoint folder>
 */
import { silentLogger } from '@acseg/core';
import { AcgGenerator } from '../src/inference/generator.js';
import { syntheticImages, conceptPool } from './data/synthetic.js';
const g = new AcgGenerator({}, silentLogger);
await g.load(process.argv[2]);
const probe = syntheticImages({ count: 16, seed: 2000 });
const out = await g.generate(probe.map((p) => p.features));
const d = 384,
  k = 5;
const cos = (a: Float32Array, b: Float32Array) => {
  let x = 0,
    y = 0,
    z = 0;
  for (let t = 0; t < a.length; t++) {
    x += a[t] * b[t];
    y += a[t] * a[t];
    z += b[t] * b[t];
  }
  return x / Math.sqrt(y * z);
};
const C = out.map((o) => Array.from({ length: k }, (_, j) => (o.concepts as Float32Array).subarray(j * d, (j + 1) * d)));
let within = 0,
  nw = 0,
  across = 0,
  na = 0;
for (const c of C)
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      within += cos(c[i], c[j]);
      nw++;
    }
for (let a = 0; a < C.length; a++)
  for (let b = a + 1; b < C.length; b++)
    for (let j = 0; j < k; j++) {
      across += cos(C[a][j], C[b][j]);
      na++;
    }
const pool = conceptPool(0, 16, d);
const best = C.flatMap((c) => c.map((v) => Math.max(...pool.map((u) => Math.abs(cos(v, u))))));
console.log(
  `within-image concept cos ${(within / nw).toFixed(3)}; same prototype across images ${(across / na).toFixed(3)}; |cos| of a concept with its nearest pool direction: mean ${(best.reduce((a, b) => a + b, 0) / best.length).toFixed(3)}`,
);
let covered = 0,
  planted = 0,
  dupl = 0;
probe.forEach((p, b) => {
  const means = Array.from({ length: p.concepts }, () => new Float32Array(d));
  p.labels.forEach((l, i) => {
    for (let t = 0; t < d; t++) means[l][t] += p.features.tokens[i * d + t];
  });
  const owners = new Set<number>();
  for (const m of means) {
    planted++;
    let bj = -1,
      bc = 0.5;
    C[b].forEach((c, j) => {
      const v = cos(m, c);
      if (v > bc) {
        bc = v;
        bj = j;
      }
    });
    if (bj >= 0) {
      covered++;
      if (owners.has(bj)) dupl++;
      owners.add(bj);
    }
  }
});
console.log(
  `planted concepts whose region mean has cos > 0.5 with one of the image's concepts: ${covered}/${planted}; of them sharing a concept with another planted one: ${dupl}`,
);
