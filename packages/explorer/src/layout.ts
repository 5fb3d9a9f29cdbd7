import { UMAP } from 'umap-js';
import { mulberry32 } from '@acseg/random';

export interface LayoutOptions {
  seed: number;
  /** UMAP neighbours (umap-js default 15; fewer when the image has few patches). */
  neighbors?: number;
  /** Optimisation epochs (umap-js picks 200-500 by size; fixed here so the time per image is known). */
  epochs?: number;
}

/**
 * 2-D UMAP of one image's patch features (n × d rows), scaled into [0, 1]²:
 * the concept map of the paper's Figure 4 (which uses t-SNE). umap-js draws
 * every random number from the given function, so a seed fixes the picture.
 * Fewer than 3 patches: no layout.
 */
export function patchLayout(tokens: Float32Array, n: number, d: number, opts: LayoutOptions): Float32Array | undefined {
  if (n < 3) return undefined;
  const rows = Array.from({ length: n }, (_, i) => Array.from(tokens.subarray(i * d, (i + 1) * d)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(opts.neighbors ?? 15, n - 1)),
    nEpochs: opts.epochs ?? 200,
    minDist: 0.1,
    random: mulberry32(opts.seed),
  });
  const xy = umap.fit(rows);
  const out = new Float32Array(n * 2);
  for (const axis of [0, 1]) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of xy) {
      lo = Math.min(lo, p[axis]);
      hi = Math.max(hi, p[axis]);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) out[i * 2 + axis] = (xy[i][axis] - lo) / span;
  }
  return out;
}
