import { describe, expect, it } from 'vitest';
import type { RegionLabel, RegionMap } from '@acseg/core';
import { outputsInput } from './output-prep.js';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A W×H map of `count` regions in blocks, with every region used. */
function blocks(W: number, H: number, count: number, seed: number): RegionMap {
  const rand = lcg(seed);
  const labels = new Uint16Array(W * H);
  for (let p = 0; p < labels.length; p++) labels[p] = p < count ? p : rand() < 0.1 ? Math.floor(rand() * count) : Math.floor(p / 5) % count;
  const pixelCounts = new Array<number>(count).fill(0);
  for (const l of labels) pixelCounts[l]++;
  return { width: W, height: H, labels, count, concepts: pixelCounts.map((_, r) => r + 1), pixelCounts };
}

const job = (regions: RegionMap, labels?: RegionLabel[]) => ({
  id: 'a',
  source: 'a.jpg',
  image: 'a.jpg',
  regions,
  labels,
  backbone: 'b',
  generator: 'g',
  classifier: labels ? 'c' : null,
});

describe('outputsInput', () => {
  it('makes the class and region maps pixel by pixel as defined (clamped to 254 and 255), with boxes', () => {
    for (const count of [1, 5, 254, 255, 300]) {
      const regions = blocks(40, 30, count, count);
      const o = outputsInput(job(regions));
      const n = regions.labels.length;
      expect(Array.from(o.classMap)).toEqual(Array.from(regions.labels, (l) => Math.min(254, l)));
      expect(Array.from(o.regionMap!)).toEqual(Array.from(regions.labels, (l) => Math.min(255, l)));
      expect(o.classMap.length).toBe(n);
      const r = (o.regions as Array<{ region: number; classId: number; pixels: number; bbox: number[]; concept: number }>)[count - 1];
      expect(r).toMatchObject({ region: count - 1, classId: Math.min(254, count - 1), pixels: regions.pixelCounts[count - 1], concept: count });
      let x0 = Infinity;
      let x1 = -1;
      regions.labels.forEach((l, p) => {
        if (l === count - 1) {
          x0 = Math.min(x0, p % 40);
          x1 = Math.max(x1, (p % 40) + 1);
        }
      });
      expect([r.bbox[0], r.bbox[2]]).toEqual([x0, x1]);
    }
  });

  it("with a classifier's labels: the class map from them, the region map from the regions", () => {
    const regions = blocks(20, 10, 4, 3);
    const labels: RegionLabel[] = [
      { region: 0, classId: 7 },
      { region: 2, classId: 0 },
    ];
    const o = outputsInput(job(regions, labels));
    const lut = [7, 255, 0, 255];
    expect(Array.from(o.classMap)).toEqual(Array.from(regions.labels, (l) => lut[l]));
    expect(Array.from(o.regionMap!)).toEqual(Array.from(regions.labels));
    expect((o.regions as Array<{ className: string }>).map((r) => r.className)).toEqual(['class 7', 'background']);
  });
});
