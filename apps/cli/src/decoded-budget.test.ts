import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DECODED } from '@acseg/core';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { DECODED_BYTES, largestOf, maxDecodedFor } from './decoded-budget.js';

afterAll(removeTempDirs);

describe('the default number of decoded images', () => {
  it('is 24 for frames and 720p photos, fewer for large photos so that they stay within the budget, never under 4', () => {
    expect(DEFAULT_MAX_DECODED).toBe(24);
    expect(maxDecodedFor(480 * 360)).toBe(24);
    expect(maxDecodedFor(1280 * 720)).toBe(24); // 24 × 2.8 MB = 66 MB
    expect(maxDecodedFor(1920 * 1080)).toBe(21); // 6.2 MB each: 21 × 6.2 = 131 MB
    expect(21 * 3 * 1920 * 1080).toBeLessThanOrEqual(DECODED_BYTES);
    expect(22 * 3 * 1920 * 1080).toBeGreaterThan(DECODED_BYTES);
    expect(maxDecodedFor(3840 * 2160)).toBe(5); // 4K: 24.9 MB each
    expect(maxDecodedFor(4032 * 3024)).toBe(4); // 36.6 MB each: 3 would fit, never under 4
    expect(maxDecodedFor(50e6)).toBe(4);
  });

  it('sizes the largest of the images from their headers, leaving unreadable files to the run', async () => {
    const dir = tempDir('acseg-decoded-budget-');
    const files: string[] = [];
    for (const [name, w, h] of [
      ['a.png', 40, 30],
      ['b.png', 300, 20],
      ['c.png', 90, 80],
    ] as const) {
      const file = join(dir, name);
      await sharp({ create: { width: w, height: h, channels: 3, background: { r: 9, g: 9, b: 9 } } })
        .png()
        .toFile(file);
      files.push(file);
    }
    await writeFile(join(dir, 'bad.jpg'), 'not an image');
    expect(await largestOf([...files, join(dir, 'bad.jpg'), join(dir, 'missing.png')])).toEqual({ width: 90, height: 80 });
    expect(await largestOf([join(dir, 'bad.jpg')])).toBeUndefined();
    expect(await largestOf([])).toBeUndefined();
  });
});
