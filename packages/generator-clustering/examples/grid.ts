/**
 * Clusters a synthetic 14×14 patch grid (4 planted regions, d = 384, noise) with each generator and prints the
 * patch clusters (row argmax of the assignment) as grids.
 *   cd packages/generator-clustering && npx tsx --conditions=@acseg/source examples/grid.ts
 */
import type { FeatureMap } from '@acseg/core';
import plugin, { Rng } from '../src/index.js';
import { ComponentRegistry, type ComponentContext, type ConceptGenerator, registerPlugin } from '@acseg/core';

const h = 14,
  w = 14,
  d = 384;
const rng = new Rng(7);
const directions = Array.from({ length: 4 }, () => Array.from({ length: d }, () => rng.normal()));
const tokens = new Float32Array(h * w * d);
for (let y = 0; y < h; y++) {
  for (let x = 0; x < w; x++) {
    // Region: quadrant, with a diagonal boundary in the lower half.
    const region = y < 7 ? (x < 7 ? 0 : 1) : x < y - 2 ? 2 : 3;
    for (let t = 0; t < d; t++) tokens[(y * w + x) * d + t] = directions[region][t] + 1.5 * rng.normal();
  }
}
const features: FeatureMap = { id: 'synthetic', grid: { h, w }, dim: d, tokens, imageSize: { width: 224, height: 224 } };

const registry = new ComponentRegistry();
await registerPlugin(registry, plugin, 'example');
for (const { id, spec } of registry.list('generator')) {
  const generator = (await spec.create({ k: 4 }, {} as ComponentContext)) as ConceptGenerator;
  const [a] = await generator.generate([features]);
  console.log(`${id}: ${a.k} clusters`);
  for (let y = 0; y < h; y++) {
    const row: number[] = [];
    for (let x = 0; x < w; x++) {
      const s = Array.from(a.assignment.subarray((y * w + x) * a.k, (y * w + x + 1) * a.k));
      row.push(s.indexOf(Math.max(...s)));
    }
    console.log('  ' + row.join(' '));
  }
}
