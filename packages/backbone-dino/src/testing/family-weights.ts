import { FAMILY_NAMES, type VitFamily } from '../vit/families.js';
import type { VitWeights } from '../vit/config.js';
import { lcgUniform } from './tiny-vit.js';

/** The shape of a ViT of one family (real sizes for benchmarks, tiny ones for tests). */
export interface FamilyShape {
  family: VitFamily;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  patchSize: number;
  /** Trained input side (learned-position grid = imageSize / patchSize; unused with RoPE). */
  imageSize: number;
  registers: number;
}

/** Real shapes: ViT-S (d 384, 12 blocks, 6 heads, MLP 1536) and ViT-B (768, 12, 12, 3072) of each family. */
export const REAL_SHAPES: Readonly<Record<string, FamilyShape>> = {
  'dino-vits16': { family: 'dino', dim: 384, depth: 12, heads: 6, mlpDim: 1536, patchSize: 16, imageSize: 224, registers: 0 },
  'dinov2-vits14': { family: 'dinov2', dim: 384, depth: 12, heads: 6, mlpDim: 1536, patchSize: 14, imageSize: 518, registers: 0 },
  'dinov2-reg-vits14': { family: 'dinov2', dim: 384, depth: 12, heads: 6, mlpDim: 1536, patchSize: 14, imageSize: 518, registers: 4 },
  'dinov3-vits16': { family: 'dinov3', dim: 384, depth: 12, heads: 6, mlpDim: 1536, patchSize: 16, imageSize: 224, registers: 4 },
  'dinov2-vitb14': { family: 'dinov2', dim: 768, depth: 12, heads: 12, mlpDim: 3072, patchSize: 14, imageSize: 518, registers: 0 },
  'dinov3-vitb16': { family: 'dinov3', dim: 768, depth: 12, heads: 12, mlpDim: 3072, patchSize: 16, imageSize: 224, registers: 4 },
};

/** Random (LCG) weights in the family's Hub names; values are small and arbitrary (for timing and shape checks only). */
export function makeFamilyWeights(s: FamilyShape): VitWeights {
  const N = FAMILY_NAMES[s.family];
  const { dim: d, mlpDim: m, patchSize: p } = s;
  const specs: Array<[string, number[], number, number]> = [
    [N.cls, [1, 1, d], 0.5, 0],
    [`${N.patch}.weight`, [d, 3, p, p], 0.05, 0],
    [`${N.patch}.bias`, [d], 0.02, 0],
    [`${N.norm}.weight`, [d], 0.1, 1],
    [`${N.norm}.bias`, [d], 0.1, 0],
  ];
  if (N.pos) specs.push([N.pos, [1, (s.imageSize / p) ** 2 + 1, d], 0.5, 0]);
  if (s.registers > 0) specs.push([N.registers, [1, s.registers, d], 0.5, 0]);
  const shapes: Record<string, number[]> = { norm1: [d], norm2: [d], q: [d, d], k: [d, d], v: [d, d], o: [d, d], fc1: [m, d], fc2: [d, m], ls1: [d], ls2: [d] };
  for (let i = 0; i < s.depth; i++) {
    for (const [role, part] of Object.entries(N.parts)) {
      const name = `${N.block(i)}${part}`;
      const shape = shapes[role];
      if (role === 'ls1' || role === 'ls2') {
        specs.push([name, shape, 0.05, 0.1]);
        continue;
      }
      const isNorm = role.startsWith('norm');
      specs.push([`${name}.weight`, shape, isNorm ? 0.1 : 1 / Math.sqrt(shape[1] ?? d), isNorm ? 1 : 0]);
      if (!(s.family === 'dinov3' && role === 'k')) specs.push([`${name}.bias`, [shape[0]], 0.02, 0]);
    }
  }
  const w: VitWeights = {};
  specs.forEach(([name, shape, scale, offset], t) => {
    w[name] = {
      shape,
      data: lcgUniform(
        5000 + t,
        shape.reduce((a, b) => a * b, 1),
        scale,
        offset,
      ),
    };
  });
  return w;
}
