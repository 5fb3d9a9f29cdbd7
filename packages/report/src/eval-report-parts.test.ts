import { describe, expect, it } from 'vitest';
import { outlinedLabel, pickCaption, presentLegend, readingNotes } from './eval-report-parts.js';
import { VOC_PALETTE } from './palette.js';

describe('outlinedLabel', () => {
  it('paints each class in the VOC palette and the pixels whose right or lower neighbour differs in white', () => {
    // 3×2 map:  0 0 1
    //           0 2 1
    const rgb = outlinedLabel(Uint8Array.from([0, 0, 1, 0, 2, 1]), 3, 2);
    const px = (x: number, y: number) => Array.from(rgb.subarray(3 * (y * 3 + x), 3 * (y * 3 + x) + 3));
    const white = [255, 255, 255];
    expect(px(0, 0)).toEqual([...VOC_PALETTE[0]]); // right 0, below 0
    expect(px(1, 0)).toEqual(white); // right is 1
    expect(px(2, 0)).toEqual([...VOC_PALETTE[1]]); // below is 1
    expect(px(0, 1)).toEqual(white); // right is 2
    expect(px(1, 1)).toEqual(white); // right is 1
    expect(px(2, 1)).toEqual([...VOC_PALETTE[1]]);
  });
});

describe('report notes', () => {
  it('lists the classes of a map, most pixels first, with their share', () => {
    const html = presentLegend(Uint8Array.from([2, 2, 2, 0, 255, 2, 0, 2]), ['background', 'sky', 'car']);
    expect([...html.matchAll(/<\/span>([^<]+) <small>([^<]+)<\/small>/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'car 63%',
      'background 25%',
      'void / unlabelled 13%',
    ]);
  });

  it('says the seed scope for one seed and for several, and what matching does', () => {
    expect(readingNotes({ seeds: [{ seed: 3 }], matching: 'none', baselines: [] })).toMatch(/One seed \(3\): every number and picture comes from it/);
    const many = readingNotes({
      seeds: [{ seed: 0 }, { seed: 1 }],
      matching: 'iou',
      baselines: [{ name: 'Majority class', note: 'all "sky"', mIoU: 1, pixelAccuracy: 2 }],
    });
    expect(many).toMatch(/mean ± standard deviation over 2 seeds/);
    expect(many).toMatch(/Hungarian matching on IoU/);
    expect(many).toMatch(/Majority class: all &quot;sky&quot;/);
    expect(pickCaption('worst', 3.14159)).toBe('among the worst · image mIoU 3.1');
  });
});
