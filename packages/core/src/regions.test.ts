import { describe, expect, it } from 'vitest';
import { assignmentToRegions, bilinearTaps, deferredRegions, deferRegions, givePatchOverlap, regionBoxes, regionPatchOverlap } from './regions.js';

/** Every pixel blended over all k scores, first max wins: what assignmentToRegions computed before its shortcut. */
function blendEveryPixel(S: Float32Array, k: number, gh: number, gw: number, W: number, H: number): Uint16Array {
  const xs = bilinearTaps(W, gw);
  const ys = bilinearTaps(H, gh);
  const rowsX = new Float32Array(gh * W * k);
  for (let gy = 0; gy < gh; gy++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < k; c++) {
        rowsX[(gy * W + x) * k + c] = S[(gy * gw + xs.i0[x]) * k + c] * (1 - xs.t[x]) + S[(gy * gw + xs.i1[x]) * k + c] * xs.t[x];
      }
  const out = new Uint16Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let best = 0;
      let bestV = -Infinity;
      for (let c = 0; c < k; c++) {
        const v = rowsX[(ys.i0[y] * W + x) * k + c] * (1 - ys.t[y]) + rowsX[(ys.i1[y] * W + x) * k + c] * ys.t[y];
        if (v > bestV) {
          bestV = v;
          best = c;
        }
      }
      out[y * W + x] = best;
    }
  return out;
}

/** Bilinear sample written from the definition (half-pixel centres, edge clamp), per pixel, independently of bilinearTaps. */
function bruteBilinear(S: Float32Array, k: number, gh: number, gw: number, W: number, H: number, x: number, y: number, c: number): number {
  const sx = Math.max(0, ((x + 0.5) * gw) / W - 0.5);
  const sy = Math.max(0, ((y + 0.5) * gh) / H - 0.5);
  let v = 0;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      // Triangle (tent) kernel weights, with the last row/column absorbing what lies beyond the edge.
      const wx = gx === gw - 1 && sx >= gw - 1 ? 1 : Math.max(0, 1 - Math.abs(sx - gx));
      const wy = gy === gh - 1 && sy >= gh - 1 ? 1 : Math.max(0, 1 - Math.abs(sy - gy));
      v += wx * wy * S[(gy * gw + gx) * k + c];
    }
  }
  return v;
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('assignmentToRegions', () => {
  it('matches a brute-force bilinear upsampling + argmax on random scores', () => {
    const rand = lcg(7);
    const gh = 3,
      gw = 4,
      k = 3,
      W = 13,
      H = 7;
    const S = Float32Array.from({ length: gh * gw * k }, () => rand() * 2 - 1);
    const r = assignmentToRegions({ assignment: S, k, grid: { h: gh, w: gw }, width: W, height: H });
    let checked = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const vals = [0, 1, 2].map((c) => bruteBilinear(S, k, gh, gw, W, H, x, y, c));
        const best = vals.indexOf(Math.max(...vals));
        const sorted = [...vals].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] < 1e-5) continue; // numerically tied: either is right
        expect(r.concepts[r.labels[y * W + x]]).toBe(best);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(80);
    expect(r.pixelCounts.reduce((a, b) => a + b, 0)).toBe(W * H);
  });

  it('gives exactly the concept of blending every pixel, on blocky, tied, near-tied and one-hot scores', () => {
    const rand = lcg(11);
    let cases = 0;
    for (const [gh, gw, k, W, H] of [
      [14, 14, 5, 480, 360],
      [3, 5, 4, 37, 23],
      [28, 20, 2, 100, 140],
      [1, 1, 3, 5, 4],
      [2, 3, 7, 2, 3],
    ]) {
      for (const kind of ['softmax-blocks', 'near-ties', 'one-hot', 'constant', 'large', 'duplicates', 'two-way', 'non-finite']) {
        const n = gh * gw;
        const S = new Float32Array(n * k);
        for (let p = 0; p < n; p++) {
          // Blocks of patches share a favourite concept, as an image's concepts do.
          const fav = (Math.floor((p % gw) / 3) + Math.floor(p / gw / 2)) % k;
          for (let c = 0; c < k; c++) {
            const i = p * k + c;
            if (kind === 'softmax-blocks') S[i] = Math.exp((c === fav ? 3 : 0) + rand());
            else if (kind === 'near-ties') S[i] = 0.5 + (c === fav ? 1e-7 * rand() : 0);
            else if (kind === 'one-hot') S[i] = c === fav ? 1 : 0;
            else if (kind === 'constant') S[i] = 0.25;
            else if (kind === 'large') S[i] = 1e6 * (rand() + (c === fav ? 2 : 0));
            // Two concepts with equal scores everywhere (duplicate prototypes: ties go to the first).
            else if (kind === 'duplicates') S[i] = c === k - 1 && k > 1 ? S[i - 1] : Math.exp((c === fav ? 3 : 0) + rand());
            // NaN and −∞ scores here and there (nothing is pruned then; a pixel of only NaN goes to concept 0).
            else if (kind === 'non-finite') S[i] = rand() < 0.15 ? NaN : rand() < 0.1 ? -Infinity : Math.exp((c === fav ? 3 : 0) + rand());
            // Two concepts close in every patch, the others far below: pixels are decided between the two.
            else S[i] = c === fav || c === (fav + 1) % k ? 1 + 1e-3 * rand() : rand() * 0.5;
          }
        }
        const r = assignmentToRegions({ assignment: S, k, grid: { h: gh, w: gw }, width: W, height: H });
        const expected = blendEveryPixel(S, k, gh, gw, W, H);
        let differ = 0;
        for (let p = 0; p < expected.length; p++) if (r.concepts[r.labels[p]] !== expected[p]) differ++;
        expect(differ, `${kind} ${gh}×${gw} k=${k} → ${W}×${H}`).toBe(0);
        cases++;
      }
    }
    expect(cases).toBe(40);
  });

  it('drops concepts that win no pixel and renumbers the rest densely', () => {
    // 2×2 grid, 4 concepts; concept 1 never wins, concept 3 wins only the bottom-right patch.
    const S = Float32Array.from([0.9, 0.5, 0.1, 0.0, 0.9, 0.5, 0.1, 0.0, 0.1, 0.5, 0.9, 0.0, 0.0, 0.0, 0.0, 0.9]);
    const r = assignmentToRegions({ assignment: S, k: 4, grid: { h: 2, w: 2 }, width: 2, height: 2 });
    expect(r.count).toBe(3);
    expect(r.concepts).toEqual([0, 2, 3]);
    expect(Array.from(r.labels)).toEqual([0, 0, 1, 2]);
    expect(r.pixelCounts).toEqual([2, 1, 1]);
  });

  it('refuses mismatched shapes', () => {
    expect(() => assignmentToRegions({ assignment: new Float32Array(5), k: 2, grid: { h: 2, w: 2 }, width: 4, height: 4 })).toThrow(/expected 4×2/);
  });
});

/** Boxes from the definition: every pixel widens its region's box. */
function bruteBoxes(labels: Uint16Array, W: number, H: number, count: number): Array<[number, number, number, number]> {
  const boxes: Array<[number, number, number, number]> = Array.from({ length: count }, () => [Infinity, Infinity, -1, -1]);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const b = boxes[labels[y * W + x]];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x + 1);
      b[3] = Math.max(b[3], y + 1);
    }
  return boxes;
}

describe('regionBoxes on real-looking maps', () => {
  it('equals the per-pixel definition on blocky, noisy and single-pixel maps, with regions that have no pixels', () => {
    const rand = lcg(5);
    for (const [W, H, count] of [
      [48, 36, 6],
      [1, 9, 3],
      [9, 1, 3],
      [31, 17, 300],
    ]) {
      for (const noise of [0, 0.05, 1]) {
        const labels = new Uint16Array(W * H);
        // Blocks of a region each, some pixels elsewhere; the last region never used.
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            labels[y * W + x] = rand() < noise ? Math.floor(rand() * (count - 1)) : (Math.floor(x / 7) + 3 * Math.floor(y / 5)) % (count - 1);
        const regions = { width: W, height: H, labels, count, concepts: [], pixelCounts: [] };
        expect(regionBoxes(regions), `${W}×${H} noise ${noise}`).toEqual(bruteBoxes(labels, W, H, count));
      }
    }
  });

  it('refuses a map that holds a region it does not count', () => {
    const regions = { width: 2, height: 1, labels: Uint16Array.of(0, 2), count: 2, concepts: [0, 1], pixelCounts: [1, 1] };
    expect(() => regionBoxes(regions)).toThrow(/region 2 but counts 2/);
  });
});

describe('regionPatchOverlap and regionBoxes', () => {
  it("count each region's pixels per patch and bound them", () => {
    // 4×4 image, 2×2 grid: each patch is a 2×2 block. Region 1 is the top-right 2×2 block plus pixel (0,3).
    const labels = Uint16Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0]);
    const regions = { width: 4, height: 4, labels, count: 2, concepts: [0, 1], pixelCounts: [11, 5] };
    const o = regionPatchOverlap(regions, { h: 2, w: 2 });
    expect(Array.from(o)).toEqual([4, 0, 3, 4, 0, 4, 1, 0]);
    expect(regionBoxes(regions)).toEqual([
      [0, 0, 4, 4],
      [0, 0, 4, 4],
    ]);
    const single = { ...regions, labels: Uint16Array.from(labels.map((l, i) => (i === 12 ? 0 : l))), pixelCounts: [12, 4] };
    expect(regionBoxes(single)[1]).toEqual([2, 0, 4, 2]);
  });
});

describe('givePatchOverlap', () => {
  it('regionPatchOverlap returns the overlap given for the map and grid; other grids and other maps are counted; a wrong size is refused', () => {
    const labels = Uint16Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0]);
    const regions = { width: 4, height: 4, labels, count: 2, concepts: [0, 1], pixelCounts: [11, 5] };
    const counted = regionPatchOverlap(regions, { h: 2, w: 2 });
    const given = Float32Array.from(counted);
    givePatchOverlap(regions, { h: 2, w: 2 }, given);
    expect(regionPatchOverlap(regions, { h: 2, w: 2 })).toBe(given);
    // Another grid, and the same pixels in another map object, are counted as before.
    expect(Array.from(regionPatchOverlap(regions, { h: 1, w: 1 }))).toEqual([11, 5]);
    const copy = { ...regions };
    expect(regionPatchOverlap(copy, { h: 2, w: 2 })).not.toBe(given);
    expect(Array.from(regionPatchOverlap(copy, { h: 2, w: 2 }))).toEqual(Array.from(counted));
    expect(() => givePatchOverlap(regions, { h: 2, w: 2 }, new Float32Array(7))).toThrow(/patch overlap holds 7 values, expected 2×2×2/);
  });
});

describe('regionPatchOverlap by runs', () => {
  it('equals a per-pixel count (each pixel to the patch its centre falls in) on random maps, sizes and grids', () => {
    const rand = lcg(11);
    for (const [w, h, gw, gh, count, blob] of [
      [37, 29, 5, 4, 3, 1],
      [480, 360, 14, 14, 5, 40],
      [31, 64, 7, 3, 9, 3],
      [16, 16, 16, 16, 2, 1],
    ]) {
      // Blobs of one region `blob` pixels wide, so runs cross patch borders and end inside patches.
      const labels = new Uint16Array(w * h);
      for (let p = 0; p < labels.length; p++) labels[p] = (p % w) % blob === 0 ? Math.floor(rand() * count) : labels[p - 1];
      const regions = { width: w, height: h, labels, count, concepts: [], pixelCounts: [] };
      const n = gw * gh;
      const naive = new Float32Array(count * n);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const pr = Math.min(gh - 1, Math.floor(((y + 0.5) * gh) / h));
          const pc = Math.min(gw - 1, Math.floor(((x + 0.5) * gw) / w));
          naive[labels[y * w + x] * n + pr * gw + pc] += 1;
        }
      }
      expect(Array.from(regionPatchOverlap(regions, { h: gh, w: gw })), `${w}×${h} over ${gw}×${gh}`).toEqual(Array.from(naive));
    }
  });
});

describe('deferRegions', () => {
  const rand = lcg(3);
  const input = { assignment: Float32Array.from({ length: 4 * 5 * 3 }, () => rand()), k: 3, grid: { h: 4, w: 5 }, width: 37, height: 29 };

  it('makes the regions when first read, once, as assignmentToRegions does; until then says what from', () => {
    const seg = deferRegions({ id: 'a' }, input);
    expect(deferredRegions(seg)).toBe(input);
    const first = seg.regions;
    expect(deferredRegions(seg)).toBeUndefined();
    expect(seg.regions).toBe(first);
    const eager = assignmentToRegions(input);
    expect(Array.from(first.labels)).toEqual(Array.from(eager.labels));
    expect([first.count, first.concepts, first.pixelCounts]).toEqual([eager.count, eager.concepts, eager.pixelCounts]);
    // A copy (a classifier's labelled result) reads them too.
    const copy = { ...deferRegions({ id: 'b' }, input) };
    expect(copy.regions.count).toBe(eager.count);
  });

  it('refuses a mismatched assignment when deferred, not when read', () => {
    expect(() => deferRegions({}, { ...input, k: 4 })).toThrow(/expected 20×4/);
    expect(deferredRegions({})).toBeUndefined();
  });
});
