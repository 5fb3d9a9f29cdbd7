import type { FeatureMap } from '@acseg/core';
import { Rng } from '../src/model/rng.js';

/** Random features shaped like DINO ViT-S/16 at 224 (14×14 × 384): a few clustered directions plus noise. */
export function randomFeatures(count: number, seed = 1, n = 196, d = 384): FeatureMap[] {
  const rng = new Rng(seed);
  const side = Math.round(Math.sqrt(n));
  return Array.from({ length: count }, (_, b) => {
    const centres = Array.from({ length: 4 }, () => Float32Array.from({ length: d }, () => rng.normal()));
    const tokens = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const c = centres[((i * 4) / n) | 0];
      for (let t = 0; t < d; t++) tokens[i * d + t] = c[t] + 0.5 * rng.normal();
    }
    return { id: `img${b}`, grid: { h: side, w: n / side }, dim: d, tokens, imageSize: { width: 224, height: 224 } };
  });
}

export function table(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [line(cols), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
