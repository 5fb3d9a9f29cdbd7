import { describe, expect, it } from 'vitest';
import { hypot2, patchFeatures, softVote, tents } from './features.js';
import { srgbToLab } from './lab.js';
import { FEATURE_DIM, LAYOUT } from './layout.js';

const W = { color: 1, texture: 1, position: 0 };
const COLOR_K = 1 / 1.5; // 1/√(1 + 0.5² + 1)
const TEX_K = 1 / Math.sqrt(3);

function uniform(size: number, rgb: [number, number, number]): Uint8Array {
  const d = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) d.set(rgb, 3 * i);
  return d;
}

/** Columns (or rows) alternate black/white every `width` pixels, starting black. */
function stripes(size: number, width: number, vertical: boolean): Uint8Array {
  const d = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = Math.floor((vertical ? x : y) / width) % 2 ? 255 : 0;
      d.fill(v, 3 * (y * size + x), 3 * (y * size + x) + 3);
    }
  }
  return d;
}

const slice = (f: Float32Array, patch: number, g: { offset: number; size: number }) =>
  Array.from(f.subarray(patch * FEATURE_DIM + g.offset, patch * FEATURE_DIM + g.offset + g.size));

describe('CIE Lab conversion', () => {
  it('matches published reference values (D65)', () => {
    const red = srgbToLab(255, 0, 0);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
    const blue = srgbToLab(0, 0, 255);
    expect(blue[0]).toBeCloseTo(32.3, 1);
    expect(blue[1]).toBeCloseTo(79.19, 1);
    expect(blue[2]).toBeCloseTo(-107.86, 1);
    const white = srgbToLab(255, 255, 255);
    expect(white[0]).toBeCloseTo(100, 2);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    expect(Math.abs(white[2])).toBeLessThan(0.01);
    // Mid grey 128: linear 0.2158605 → L = 116·0.2158605^(1/3) − 16 = 53.585.
    expect(srgbToLab(128, 128, 128)[0]).toBeCloseTo(53.585, 2);
    // Black is on the linear segment of f: L = 0.
    expect(srgbToLab(0, 0, 0)[0]).toBeCloseTo(0, 5);
  });
});

describe('helpers', () => {
  it('softVote splits between the two nearest bin centres and clamps the ends', () => {
    const h = new Float64Array(10);
    softVote(h, 0, 10, 0, 100, 53.24, 1); // pos 4.824 → bins 4 and 5
    expect(h[4]).toBeCloseTo(0.176, 6);
    expect(h[5]).toBeCloseTo(0.824, 6);
    h.fill(0);
    softVote(h, 0, 10, 0, 100, 2, 1);
    softVote(h, 0, 10, 0, 100, 99, 1);
    expect(Array.from(h)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
  it('hypot2 is Math.hypot bit for bit on finite pairs (the gradient magnitudes of float32 planes, and edge values)', () => {
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const values = [0, -0, 1, -1, 0.5, 1e-300, 5e-324, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, 3, 4, 1 / 3];
    for (let i = 0; i < 200_000; i++) {
      // Halved differences of float32 values, as the histograms take them; and doubles over many magnitudes.
      const f = (Math.fround((next() >>> 8) / 2 ** 22 - 2) - Math.fround((next() >>> 8) / 2 ** 22 - 2)) / 2;
      const d = ((next() / 2 ** 32 - 0.5) * 2 ** ((next() % 80) - 40)) as number;
      values.push(f, d);
    }
    let mismatches = 0;
    for (let i = 0; i + 1 < values.length; i++) {
      for (const [a, b] of [
        [values[i], values[i + 1]],
        [values[i + 1], values[i]],
      ]) {
        if (!Object.is(hypot2(a, b), Math.hypot(a, b))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('tents are hat functions at 0, ½ and 1', () => {
    expect(tents(0)).toEqual([1, 0, 0]);
    expect(tents(0.5)).toEqual([0, 1, 0]);
    expect(tents(0.25)).toEqual([0.5, 0.5, 0]);
    expect(tents(1)).toEqual([0, 0, 1]);
  });
});

describe('patchFeatures', () => {
  it('a uniform red image gives the hand-computed colour block and no texture', () => {
    const f = patchFeatures(uniform(224, [255, 0, 0]), 224, W);
    expect(f.length).toBe(196 * FEATURE_DIM);
    for (const p of [0, 97, 195]) {
      const mean = slice(f, p, LAYOUT.mean);
      expect(mean[0]).toBeCloseTo((53.24 / 100) * COLOR_K, 3);
      expect(mean[1]).toBeCloseTo((80.09 / 128) * COLOR_K, 3);
      expect(mean[2]).toBeCloseTo((67.2 / 128) * COLOR_K, 3);
      for (const s of slice(f, p, LAYOUT.std)) expect(s).toBeCloseTo(0, 4);
      const hist = slice(f, p, LAYOUT.hist).map((v) => v / (COLOR_K / Math.sqrt(3)));
      // L 53.24 → pos 4.824; a 80.09 → pos (180.09/200)·10 − ½ = 8.5045; b 67.20 → pos 7.86.
      const expected = new Array(30).fill(0);
      expected[4] = 0.176;
      expected[5] = 0.824;
      expected[10 + 8] = 0.4955;
      expected[10 + 9] = 0.5045;
      expected[20 + 7] = 0.14;
      expected[20 + 8] = 0.86;
      hist.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
      for (const v of f.subarray(p * FEATURE_DIM + LAYOUT.hog1.offset, p * FEATURE_DIM + FEATURE_DIM)) expect(v).toBe(0);
    }
  });

  it('half black / half white patches have the std of a two-valued set', () => {
    // 16-px stripes: each patch is one colour; 8-px stripes: every patch is half 0, half 100 → σL = 50.
    const f = patchFeatures(stripes(224, 8, true), 224, W);
    const std = slice(f, 20, LAYOUT.std);
    expect(std[0]).toBeCloseTo((50 / 50) * 0.5 * COLOR_K, 3);
    const mean = slice(f, 20, LAYOUT.mean);
    expect(mean[0]).toBeCloseTo((50 / 100) * COLOR_K, 3);
  });

  it('vertical stripes put all gradient energy in the horizontal-gradient bin (0°)', () => {
    // 4-px stripes, period 8: in each 8-px cell row four pixels have |gx| = ½ → 16·½/64 = 0.25 per cell in bin 0.
    const f = patchFeatures(stripes(224, 4, true), 224, W);
    const p = 3 * 14 + 5; // an interior patch
    const block = slice(f, p, LAYOUT.hog1);
    const cellValue = (0.25 / Math.sqrt(4 * 0.25 ** 2 + 0.02 ** 2)) * TEX_K;
    for (let c = 0; c < 4; c++) {
      expect(block[c * 9]).toBeCloseTo(cellValue, 5);
      for (let b = 1; b < 9; b++) expect(block[c * 9 + b]).toBeCloseTo(0, 6);
    }
    // Half resolution: 2-px stripes, period 4: every pixel neighbours a transition, |gx| = ½ → 0.5 in bin 0.
    const h2 = slice(f, p, LAYOUT.hog2);
    expect(h2[0]).toBeCloseTo((0.5 / Math.sqrt(0.5 ** 2 + 0.02 ** 2)) * TEX_K, 5);
    expect(h2.slice(1).every((v) => Math.abs(v) < 1e-6)).toBe(true);
    // Quarter resolution: 1-px stripes, period 2: central differences are all 0.
    expect(slice(f, p, LAYOUT.hog4).every((v) => v === 0)).toBe(true);
  });

  it('horizontal stripes (90°) split evenly between the 80° and 100° bins', () => {
    const f = patchFeatures(stripes(224, 4, false), 224, W);
    const h2 = slice(f, 3 * 14 + 5, LAYOUT.hog2);
    // Half resolution: every pixel has |gy| = ½, split ½/½ → 0.25 in each bin.
    const half = (0.25 / Math.sqrt(2 * 0.25 ** 2 + 0.02 ** 2)) * TEX_K;
    expect(h2[4]).toBeCloseTo(half, 5);
    expect(h2[5]).toBeCloseTo(half, 5);
    expect(h2[0]).toBeCloseTo(0, 6);
  });

  it('separates two colours and two textures', () => {
    const img = uniform(224, [40, 120, 40]);
    for (let y = 0; y < 224; y++) for (let x = 112; x < 224; x++) img.set([70, 110, 200], 3 * (y * 224 + x));
    const f = patchFeatures(img, 224, W);
    const cos = (a: number, b: number) => {
      let ab = 0,
        aa = 0,
        bb = 0;
      for (let j = 0; j < FEATURE_DIM; j++) {
        const x = f[a * FEATURE_DIM + j],
          y = f[b * FEATURE_DIM + j];
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      return ab / Math.sqrt(aa * bb);
    };
    expect(cos(0, 14 * 5 + 3)).toBeCloseTo(1, 5); // both green
    expect(cos(13, 14 * 9 + 12)).toBeCloseTo(1, 5); // both blue
    expect(cos(0, 13)).toBeLessThan(0.6);
    const tex = patchFeatures(stripes(224, 4, true), 224, W);
    const texH = patchFeatures(stripes(224, 4, false), 224, W);
    let ab = 0,
      aa = 0,
      bb = 0;
    for (let j = LAYOUT.hog1.offset; j < FEATURE_DIM; j++) {
      const x = tex[50 * FEATURE_DIM + j],
        y = texH[50 * FEATURE_DIM + j];
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    expect(ab / Math.sqrt(aa * bb)).toBeLessThan(0.01);
  });

  it('gives the same features whatever images and sizes came before (its planes are reused between images)', () => {
    const noisy = (size: number, seed: number) => Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 7919 + seed * 104729) % 251);
    const first = patchFeatures(noisy(224, 1), 224, W);
    const stripesFirst = patchFeatures(stripes(64, 3, true), 64, W);
    // Others in between: another image, a smaller and a larger size, flat colour (no texture: empty histograms).
    patchFeatures(noisy(224, 2), 224, W);
    patchFeatures(noisy(112, 3), 112, W);
    patchFeatures(uniform(64, [10, 200, 30]), 64, W);
    patchFeatures(noisy(256, 4), 256, W);
    expect(Buffer.from(patchFeatures(noisy(224, 1), 224, W).buffer).equals(Buffer.from(first.buffer))).toBe(true);
    expect(Buffer.from(patchFeatures(stripes(64, 3, true), 64, W).buffer).equals(Buffer.from(stripesFirst.buffer))).toBe(true);
  });

  it('weights scale their blocks; position tents appear only when weighted', () => {
    const img = uniform(224, [200, 30, 90]);
    const base = patchFeatures(img, 224, W);
    const heavy = patchFeatures(img, 224, { color: 2, texture: 1, position: 0 });
    expect(heavy[0]).toBeCloseTo(2 * base[0], 6);
    expect(slice(base, 0, LAYOUT.position)).toEqual([0, 0, 0, 0, 0, 0]);
    const pos = patchFeatures(img, 224, { color: 1, texture: 1, position: 0.5 });
    // Patch (0, 0) of 14: t = 0.5/14 → tents [1 − 1/14, 1/14, 0] for x and y, × 0.5/√2.
    const k = 0.5 / Math.SQRT2;
    const expected = [13 / 14, 1 / 14, 0, 13 / 14, 1 / 14, 0].map((v) => v * k);
    slice(pos, 0, LAYOUT.position).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // Last patch of row 0: x tent at the right end.
    expect(slice(pos, 13, LAYOUT.position)[2]).toBeCloseTo((13 / 14) * k, 6);
  });
});
