import { regionPatchOverlap, type FeatureMap, type RegionMap } from '@acseg/core';
import type { IndexMap } from './maps.js';

/** A region map as core's RegionMap (255 = no region: those pixels count for none). */
export function toRegionMap(map: IndexMap): RegionMap {
  let count = 0;
  for (const v of map.data) if (v !== 255 && v + 1 > count) count = v + 1;
  const labels = new Uint16Array(map.data.length);
  const pixelCounts = new Array<number>(count + 1).fill(0);
  // Pixels of no region go to an extra index past the last region, so overlaps can ignore them.
  for (let p = 0; p < labels.length; p++) {
    const v = map.data[p] === 255 ? count : map.data[p];
    labels[p] = v;
    pixelCounts[v]++;
  }
  return { width: map.width, height: map.height, labels, count: count + 1, concepts: Array.from({ length: count + 1 }, (_, r) => r), pixelCounts };
}

/**
 * Per patch, the region covering most of it (−1 when none does): the concept
 * each point of the concept map is coloured by.
 */
export function patchRegions(map: IndexMap, grid: { h: number; w: number }): Int16Array {
  const regions = toRegionMap(map);
  const n = grid.h * grid.w;
  const overlap = regionPatchOverlap(regions, grid);
  const real = regions.count - 1;
  const out = new Int16Array(n).fill(-1);
  for (let p = 0; p < n; p++) {
    let best = 0;
    for (let r = 0; r < real; r++) {
      const w = overlap[r * n + p];
      if (w > best) {
        best = w;
        out[p] = r;
      }
    }
  }
  return out;
}

/**
 * Each region's embedding: the mean of its patch features weighted by the
 * pixels it covers in each patch, L2-normalized (the handcrafted backbone's
 * region embedding, which the k-NN classifier normalizes the same way; for
 * DINO the classifier runs the ViT on the masked crop instead, which needs
 * the model: this is its cached-feature stand-in). Regions without pixels
 * get none.
 */
export function regionEmbeddings(map: IndexMap, features: FeatureMap): Map<number, Float32Array> {
  const regions = toRegionMap(map);
  const n = features.grid.h * features.grid.w;
  const d = features.dim;
  const overlap = regionPatchOverlap(regions, features.grid);
  const out = new Map<number, Float32Array>();
  for (let r = 0; r < regions.count - 1; r++) {
    if (!regions.pixelCounts[r]) continue;
    const e = new Float64Array(d);
    for (let p = 0; p < n; p++) {
      const w = overlap[r * n + p];
      if (w) for (let j = 0; j < d; j++) e[j] += w * features.tokens[p * d + j];
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += e[j] * e[j];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) continue;
    out.set(
      r,
      Float32Array.from(e, (v) => v / norm),
    );
  }
  return out;
}
