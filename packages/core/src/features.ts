import { AcsegError } from './errors.js';

/**
 * The patch features of one image, as a backbone produces them. Plain typed
 * arrays, never runtime tensors: plugins on different runtimes exchange these.
 */
export interface FeatureMap {
  id: string;
  /** Patch grid; n = h × w patches, row-major. */
  grid: { h: number; w: number };
  /** Feature dimension d. */
  dim: number;
  /** n × d, row-major (patch i occupies [i*d, (i+1)*d)). CLS token excluded. */
  tokens: Float32Array;
  /** The image's CLS embedding (d), when the backbone has one. */
  cls?: Float32Array;
  /** Last-layer self-attention from CLS to the patches: heads × n, row-major. */
  attention?: { heads: number; data: Float32Array };
  /** Size of the original image in pixels; segmentations are returned at this size. */
  imageSize: { width: number; height: number };
  /** Where the features came from (file path), for messages. */
  source?: string;
}

export function patchCount(f: FeatureMap): number {
  return f.grid.h * f.grid.w;
}

/**
 * Checks shapes and values before a generator touches them: NaN/Inf and
 * all-zero vectors (cosine undefined) are refused with the image named.
 */
export function validateFeatureMap(f: FeatureMap): void {
  const n = f.grid.h * f.grid.w;
  const where = f.source ?? f.id;
  if (n === 0) throw new AcsegError('BAD_INPUT', `${where}: the feature map has no patches (grid ${f.grid.h}×${f.grid.w})`, { file: f.source });
  if (f.tokens.length !== n * f.dim) {
    throw new AcsegError('BAD_INPUT', `${where}: tokens hold ${f.tokens.length} values, expected ${n}×${f.dim} = ${n * f.dim}`, { file: f.source });
  }
  const t = f.tokens;
  const d = f.dim;
  for (let i = 0, o = 0; i < n; i++, o += d) {
    // One pass of squares: NaN or ±Inf anywhere makes the sum non-finite, and float32 values cannot overflow or
    // underflow a float64 sum of squares, so the sum alone tells a bad patch (≈ 3× faster than testing each value;
    // this check runs on every image that `generate` sees).
    let sq = 0;
    for (let j = o; j < o + d; j++) sq += t[j] * t[j];
    if (sq > 0 && sq < Infinity) continue;
    for (let j = o; j < o + d; j++) {
      if (!Number.isFinite(t[j])) throw new AcsegError('NUMERIC', `${where}: patch ${i} has a non-finite feature value (${t[j]})`, { file: f.source });
    }
    throw new AcsegError('NUMERIC', `${where}: patch ${i} is an all-zero vector; cosine similarity is undefined`, {
      file: f.source,
      hint: 'check the backbone output for this image',
    });
  }
  if (f.attention && f.attention.data.length !== f.attention.heads * n) {
    throw new AcsegError('BAD_INPUT', `${where}: attention holds ${f.attention.data.length} values, expected ${f.attention.heads}×${n}`, { file: f.source });
  }
}

/**
 * A readable, indexable set of feature maps (a feature cache, or an array).
 * Training draws random batches from it, so it is random-access.
 */
export interface FeatureSource {
  readonly length: number;
  /** Feature dimension, grid and model, when known up front (for checks). */
  readonly dim: number;
  read(indices: readonly number[]): Promise<FeatureMap[]>;
}

export function arrayFeatureSource(maps: readonly FeatureMap[]): FeatureSource {
  if (maps.length === 0) throw new AcsegError('BAD_INPUT', 'the feature set is empty');
  return {
    length: maps.length,
    dim: maps[0].dim,
    read: async (indices) =>
      indices.map((i) => {
        const m = maps[i];
        if (!m) throw new AcsegError('BAD_INPUT', `feature index ${i} is out of range (0..${maps.length - 1})`);
        return m;
      }),
  };
}
