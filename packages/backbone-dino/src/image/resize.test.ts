import { describe, expect, it } from 'vitest';
import { loadReference, maxAbsDiff } from '../testing/reference.js';
import { lcgBytes } from '../testing/tiny-vit.js';
import { resizeNormalize } from './resize.js';

const norm = (v: number, c: number) => (v / 255 - [0.485, 0.456, 0.406][c]) / [0.229, 0.224, 0.225][c];

describe('resizeNormalize', () => {
  it('matches a hand computation: 4×1 → 2×2 (triangle filter widened ×2 in x, nearest row in y)', () => {
    // R row [0, 60, 120, 240]; G = 255 - R; B = 10.
    const r = [0, 60, 120, 240];
    const data = new Uint8Array(r.flatMap((v) => [v, 255 - v, 10]));
    const out = new Float32Array(12);
    resizeNormalize({ width: 4, height: 1, data }, 2, out);
    // x = 0: centre 1, taps x=0,1,2 with weights 0.75, 0.75, 0.25 (/1.75); x = 1: taps 1,2,3 with 0.25, 0.75, 0.75.
    const r0 = (0 * 0.75 + 60 * 0.75 + 120 * 0.25) / 1.75;
    const r1 = (60 * 0.25 + 120 * 0.75 + 240 * 0.75) / 1.75;
    const want = [
      norm(r0, 0),
      norm(r1, 0),
      norm(r0, 0),
      norm(r1, 0),
      norm(255 - r0, 1),
      norm(255 - r1, 1),
      norm(255 - r0, 1),
      norm(255 - r1, 1),
      norm(10, 2),
      norm(10, 2),
      norm(10, 2),
      norm(10, 2),
    ];
    expect(maxAbsDiff(out, want)).toBeLessThan(1e-5);
  });

  it('is the identity resize at the same size, and respects a crop box', () => {
    const data = lcgBytes(5, 6 * 4 * 3);
    const out = new Float32Array(3 * 4);
    resizeNormalize({ width: 6, height: 4, data }, 2, out, 0, [3, 1, 5, 3]);
    const want: number[] = [];
    for (let c = 0; c < 3; c++) for (let y = 1; y < 3; y++) for (let x = 3; x < 5; x++) want.push(norm(data[(y * 6 + x) * 3 + c], c));
    expect(maxAbsDiff(out, want)).toBeLessThan(1e-5);
  });

  it('matches PyTorch F.interpolate(bilinear, antialias=True) + ImageNet normalization on a 45×70 image', () => {
    const ref = loadReference().preprocess;
    const data = lcgBytes(ref.seed, ref.width * ref.height * 3);
    const out = new Float32Array(3 * ref.size * ref.size);
    resizeNormalize({ width: ref.width, height: ref.height, data }, ref.size, out);
    expect(maxAbsDiff(out, ref.tensor)).toBeLessThan(1e-4);
  });
});
