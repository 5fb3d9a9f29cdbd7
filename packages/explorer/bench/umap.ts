/**
 * Seconds per concept map (UMAP of one image's patch features) by patch grid, feature dimension and epochs: what
 * `acseg explore` spends per image on its first build (later builds read them from explore/.cache).
 * Features: 5 planted clusters plus noise. Run from packages/explorer: npx tsx bench/umap.ts
 */
import { mulberry32 } from '@acseg/random';
import { patchLayout } from '../src/layout.js';

function features(n: number, d: number): Float32Array {
  const rnd = mulberry32(7);
  const t = new Float32Array(n * d);
  for (let p = 0; p < n; p++) for (let j = 0; j < d; j++) t[p * d + j] = (j % 5 === p % 5 ? 1 : 0) + (rnd() - 0.5) * 0.3;
  return t;
}

patchLayout(features(196, 96), 196, 96, { seed: 0, epochs: 50 }); // warm-up (JIT)
console.log('| patches (grid) | d | epochs | s / image |\n|---|---|---|---|');
for (const [g, d, epochs] of [
  [14, 96, 200],
  [14, 384, 200],
  [14, 384, 100],
  [28, 384, 200],
  [28, 384, 100],
]) {
  const n = g * g;
  const t = features(n, d);
  const rounds = 3;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) patchLayout(t, n, d, { seed: r, epochs });
  console.log(`| ${n} (${g}×${g}) | ${d} | ${epochs} | ${((performance.now() - t0) / rounds / 1000).toFixed(2)} |`);
}
