import { describe, expect, it } from 'vitest';
import { assignmentToRegions, bilinearTaps, regionBoxes, regionPatchOverlap } from './regions.js';

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
      for (const kind of ['softmax-blocks', 'near-ties', 'one-hot', 'constant', 'large']) {
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
            else S[i] = 1e6 * (rand() + (c === fav ? 2 : 0));
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
    expect(cases).toBe(25);
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
