import type { VitWeights } from '../vit/config.js';

/**
 * Deterministic weights shared with tools/dino-reference/make_fixtures.py:
 * a 32-bit LCG (x ← 1664525·x + 1013904223 mod 2³²), value =
 * offset + scale·(2·(x >> 8)/2²⁴ − 1), tensor t seeded with 1000 + t.
 */
export function lcgUniform(seed: number, n: number, scale: number, offset = 0): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = offset + scale * ((2 * (x >>> 8)) / 16777216 - 1);
  }
  return out;
}

export function lcgBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export interface TinyVitSpec {
  dim: number;
  depth: number;
  mlpDim: number;
  patchSize: number;
  /** Trained input side (positional grid = imageSize / patchSize). */
  imageSize: number;
}

/** The reference script's tiny model: 2 blocks, d = 48, 3 heads, patch 16, trained at 48×48. */
export const TINY: TinyVitSpec = { dim: 48, depth: 2, mlpDim: 192, patchSize: 16, imageSize: 48 };
/** DINO ViT-S/16 at 224 (for the benchmark). */
export const VIT_S16: TinyVitSpec = { dim: 384, depth: 12, mlpDim: 1536, patchSize: 16, imageSize: 224 };

/** Tensor names, shapes, scales and offsets in the reference script's order (weight_specs). */
export function weightSpecs(s: TinyVitSpec): Array<[string, number[], number, number]> {
  const { dim: d, mlpDim: m, patchSize: p } = s;
  const n = (s.imageSize / p) ** 2;
  const specs: Array<[string, number[], number, number]> = [
    ['embeddings.cls_token', [1, 1, d], 0.5, 0],
    ['embeddings.position_embeddings', [1, n + 1, d], 0.5, 0],
    ['embeddings.patch_embeddings.projection.weight', [d, 3, p, p], 0.05, 0],
    ['embeddings.patch_embeddings.projection.bias', [d], 0.02, 0],
  ];
  for (let i = 0; i < s.depth; i++) {
    const b = `encoder.layer.${i}.`;
    specs.push(
      [`${b}layernorm_before.weight`, [d], 0.1, 1],
      [`${b}layernorm_before.bias`, [d], 0.1, 0],
      [`${b}attention.attention.query.weight`, [d, d], 0.4, 0],
      [`${b}attention.attention.query.bias`, [d], 0.05, 0],
      [`${b}attention.attention.key.weight`, [d, d], 0.4, 0],
      [`${b}attention.attention.key.bias`, [d], 0.05, 0],
      [`${b}attention.attention.value.weight`, [d, d], 0.15, 0],
      [`${b}attention.attention.value.bias`, [d], 0.05, 0],
      [`${b}attention.output.dense.weight`, [d, d], 0.15, 0],
      [`${b}attention.output.dense.bias`, [d], 0.05, 0],
      [`${b}layernorm_after.weight`, [d], 0.1, 1],
      [`${b}layernorm_after.bias`, [d], 0.1, 0],
      [`${b}intermediate.dense.weight`, [m, d], 0.15, 0],
      [`${b}intermediate.dense.bias`, [m], 0.05, 0],
      [`${b}output.dense.weight`, [d, m], 0.07, 0],
      [`${b}output.dense.bias`, [d], 0.05, 0],
    );
  }
  specs.push(['layernorm.weight', [d], 0.1, 1], ['layernorm.bias', [d], 0.1, 0]);
  return specs;
}

/** Random (LCG) weights in Hub naming for a ViT of the given shape. */
export function makeVitWeights(s: TinyVitSpec = TINY): VitWeights {
  const w: VitWeights = {};
  weightSpecs(s).forEach(([name, shape, scale, offset], t) => {
    w[name] = {
      shape,
      data: lcgUniform(
        1000 + t,
        shape.reduce((a, b) => a * b, 1),
        scale,
        offset,
      ),
    };
  });
  return w;
}
