import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const fast = ['--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];

/** street.jpg (a sample), street.png (a different picture: a colour ramp) and beach.jpg. */
function clashingNames(dir: string): void {
  copyFileSync(join(samples, 'street.jpg'), join(dir, 'street.jpg'));
  copyFileSync(join(samples, 'beach.jpg'), join(dir, 'beach.jpg'));
  const w = 96,
    h = 64;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 2, y * 3, 255 - x * 2], (y * w + x) * 3);
  writeFileSync(join(dir, 'street.png'), encode({ width: w, height: h, data, channels: 3, depth: 8 }));
}

const jsonSources = (out: string) =>
  Object.fromEntries(
    readdirSync(out)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, (JSON.parse(readFileSync(join(out, f), 'utf8')) as { source: string; width: number }).source]),
  );

describe('acseg run: one set of outputs per input, none over an input', () => {
  it('street.jpg and street.png get "street" and "street-2"; the gallery shows three different images', () => {
    const images = tempDir('acseg-clash-');
    clashingNames(images);
    const out = join(tempDir(), 'out');
    const r = acseg(['run', '--images', images, '--out', out, ...fast]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/segmented 3 of 3 images/);
    expect(jsonSources(out)).toEqual({
      'beach.json': join(images, 'beach.jpg'),
      'street.json': join(images, 'street.jpg'),
      'street-2.json': join(images, 'street.png'),
    });
    expect(JSON.parse(readFileSync(join(out, 'street-2.json'), 'utf8'))).toMatchObject({ id: 'street-2', width: 96, height: 64 });
    expect(r.stderr).toMatch(/street\.png: outputs named "street-2"/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect([...html.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(['beach', 'street', 'street-2']);
  });

  it('--out equal to the images folder: every input stays byte-identical and every input has its own outputs', () => {
    const dir = tempDir('acseg-inplace-');
    clashingNames(dir);
    const before = Object.fromEntries(['street.jpg', 'street.png', 'beach.jpg'].map((f) => [f, readFileSync(join(dir, f))]));
    const r = acseg(['run', '--images', dir, '--out', dir, ...fast]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/segmented 3 of 3 images/);
    for (const [f, bytes] of Object.entries(before)) expect(Buffer.compare(readFileSync(join(dir, f)), bytes), f).toBe(0);
    const sources = Object.values(jsonSources(dir)).sort();
    expect(sources).toEqual([join(dir, 'beach.jpg'), join(dir, 'street.jpg'), join(dir, 'street.png')]);
  });
});
