import type { RegionMap } from '@acseg/core';
import { describe, expect, it } from 'vitest';
import { regionMajorityLabels } from './gt-labels.js';

describe('regionMajorityLabels', () => {
  // 4×2 image, regions: row 0 = [0 0 1 1], row 1 = [0 2 2 1].
  const regions: RegionMap = { width: 4, height: 2, labels: Uint16Array.of(0, 0, 1, 1, 0, 2, 2, 1), count: 3, concepts: [0, 1, 2], pixelCounts: [3, 3, 2] };
  it('takes the most frequent class, ignoring 255 and, with background, 0', () => {
    // Region 0: 0, 0, 7 → 7 (0 ignored); region 1: 255, 255, 3 → 3; region 2: 5, 6 → tie → 5.
    const gt = Uint8Array.of(0, 0, 255, 255, 7, 5, 6, 3);
    expect(Array.from(regionMajorityLabels(regions, gt, true))).toEqual([7, 3, 5]);
    // Without background 0 counts: region 0 → 0.
    expect(Array.from(regionMajorityLabels(regions, gt, false))).toEqual([0, 3, 5]);
  });
  it('gives -1 to a region with only ignored pixels', () => {
    const gt = Uint8Array.of(0, 0, 255, 255, 0, 2, 2, 255);
    expect(Array.from(regionMajorityLabels(regions, gt, true))).toEqual([-1, -1, 2]);
  });
  it('refuses a label map of another size, naming it', () => {
    expect(() => regionMajorityLabels(regions, new Uint8Array(9), true, 'a.png')).toThrow(/a\.png: the label map holds 9 pixels, the image's regions 4×2 = 8/);
  });
});
