import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const hubFixture = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');
let images = '';
let big = '';

beforeAll(async () => {
  images = join(tempDir(), 'images');
  mkdirSync(images);
  big = join(images, 'big.png');
  await sharp({ create: { width: 60, height: 50, channels: 3, background: { r: 20, g: 120, b: 220 } } })
    .png()
    .toFile(big);
  await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 220, g: 30, b: 20 } } })
    .png()
    .toFile(join(images, 'small.png'));
  await sharp({ create: { width: 30, height: 40, channels: 3, background: { r: 30, g: 200, b: 40 } } })
    .jpeg()
    .toFile(join(images, 'tall.jpg'));
});

const backbones: Record<string, string[]> = {
  handcrafted: ['--backbone', 'handcrafted'],
  dino: ['--backbone', 'dino', '--model', hubFixture],
};

describe('one pixel limit for every backbone', () => {
  it('both backbones refuse an image over --set maxPixels with the same message, and keep the rest', () => {
    const lines: string[] = [];
    for (const [name, args] of Object.entries(backbones)) {
      const out = join(tempDir(), name);
      const r = acseg(['features', '--images', images, '--out', out, ...args, '--set', 'maxPixels=2000']);
      expect(r.status, r.stderr).toBe(1); // an image was skipped
      const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
      expect(index.images.map((im: { id: string }) => im.id).sort()).toEqual(['small', 'tall']);
      lines.push(r.stdout.split('\n').filter((l) => l.startsWith('  skipped'))[0]);
    }
    expect(lines[0]).toBe(`  skipped ${big}: the image is 60×50 (3000 pixels), above the limit of 2000 pixels`);
    expect(lines[1]).toBe(lines[0]);
  });

  it('$ACSEG_MAX_PIXELS sets the limit when no option does', () => {
    for (const args of Object.values(backbones)) {
      const r = acseg(['features', '--images', images, '--out', join(tempDir(), 'f'), ...args], repoRoot, { ACSEG_MAX_PIXELS: '1500' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toContain(`  skipped ${big}: the image is 60×50 (3000 pixels), above the limit of 1500 pixels`);
      expect(r.stdout).toMatch(/: 2 images \(2 computed now, 0 already there, 1 skipped\)/);
    }
  });
});
