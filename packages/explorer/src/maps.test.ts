import { describe, expect, it } from 'vitest';
import { patchRegions, regionEmbeddings } from './features.js';
import { fitSize, resizeNearest, runLengths } from './maps.js';

describe('maps', () => {
  it('run lengths of a map, and nearest resizing that keeps indices', () => {
    expect(runLengths(Uint8Array.from([3, 3, 3, 0, 255, 255]))).toEqual([3, 3, 0, 1, 255, 2]);
    expect(fitSize(640, 480, 160)).toEqual({ width: 160, height: 120 });
    expect(fitSize(20, 10, 160)).toEqual({ width: 20, height: 10 });
    // 4×2 -> 2×1: pixel centres 0.5 and 1.5 of 2 columns land on source columns 1 and 3, row 1 of 2.
    const map = { width: 4, height: 2, data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]) };
    expect(Array.from(resizeNearest(map, 2, 1).data)).toEqual([5, 7]);
  });

  it('patch concepts by majority, and region embeddings as pixel-weighted means of patch features, normalized', () => {
    // 4×2 image, 2×1 patches (each 2×2 pixels). Region 0 has 3 pixels in patch 0 and 1 in patch 1; region 1 the rest.
    const map = { width: 4, height: 2, data: Uint8Array.from([0, 0, 0, 1, 0, 1, 1, 1]) };
    const features = { id: 'x', grid: { h: 1, w: 2 }, dim: 2, tokens: Float32Array.from([1, 0, 0, 1]), imageSize: { width: 4, height: 2 } };
    expect(Array.from(patchRegions(map, features.grid))).toEqual([0, 1]);
    const e = regionEmbeddings(map, features);
    // region 0: (3·[1,0] + 1·[0,1]) / 4 = [0.75, 0.25] -> /|.|; region 1: (1·[1,0] + 3·[0,1]) / 4.
    const n = Math.hypot(0.75, 0.25);
    expect(Array.from(e.get(0)!)).toEqual([Math.fround(0.75 / n), Math.fround(0.25 / n)]);
    expect(Array.from(e.get(1)!)).toEqual([Math.fround(0.25 / n), Math.fround(0.75 / n)]);
    // Pixels of no region (255) belong to none.
    const holes = { width: 4, height: 2, data: Uint8Array.from([255, 255, 0, 0, 255, 255, 0, 0]) };
    expect(Array.from(patchRegions(holes, features.grid))).toEqual([-1, 0]);
    expect([...regionEmbeddings(holes, features).keys()]).toEqual([0]);
  });
});
