import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, tempDir, writeFiles } from './helpers.js';

afterAll(removeTempDirs);

/**
 * A plugin backbone whose decode is slow and writes, as it starts, how many of its decodes have not finished their
 * features yet: with the pipeline's bound at N, never more than N images are decoded and not done with.
 */
const PROBE = `import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
const log = process.env.ACSEG_PROBE_LOG;
let decoded = 0, extracted = 0;
const W = 32, H = 32;
const id = (s) => basename(String(s)).replace(/\\.[^.]+$/, '');
export default {
  name: 'decode-probe', version: '1.0.0', apiVersion: 1,
  register(c) {
    c.backbone('probe', { description: 'test backbone that logs decodes ahead', create: () => ({
      name: 'probe',
      info: { model: 'probe', patchSize: 8, inputSize: 32, dim: 4, hasAttention: false, runtime: 'javascript' },
      async decode(image, index) {
        decoded++;
        appendFileSync(log, (decoded - extracted) + '\\n');
        await new Promise((r) => setTimeout(r, 5));
        const data = new Uint8Array(W * H * 3).map((_, i) => (i * 7 + index * 31) % 256);
        return { width: W, height: H, data, id: id(image), source: String(image) };
      },
      async *extract(images) {
        for (const im of images) {
          const source = typeof im === 'string' ? im : im.source;
          const tokens = new Float32Array(16 * 4).map((_, i) => ((i >> 2) % 4 < 2 ? 1 : -1) * (1 + (i % 4)));
          extracted++;
          yield { ok: true, features: { id: id(source), grid: { h: 4, w: 4 }, dim: 4, tokens, imageSize: { width: W, height: H }, source } };
        }
      },
    }) });
  },
};
`;

function run(dir: string, extra: string[]): number[] {
  const log = join(dir, `probe-${extra.join('') || 'default'}.log`);
  writeFiles(dir, { [log.slice(dir.length + 1)]: '' });
  const out = join(dir, `out-${extra.join('') || 'default'}`);
  const r = acseg(
    [
      'segment',
      '--images',
      join(dir, 'images'),
      '--out',
      out,
      '--backbone',
      'probe',
      '--generator',
      'kmeans',
      '--k',
      '2',
      '--plugin',
      './probe.mjs',
      '--quiet',
      ...extra,
    ],
    dir,
    {
      ACSEG_PROBE_LOG: log,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number);
}

describe('--max-decoded', () => {
  it('bounds the images decoded ahead (1: one at a time), where the default decodes a batch ahead; same outputs', () => {
    const dir = tempDir('acseg-max-decoded-');
    const files: Record<string, string> = { 'probe.mjs': PROBE };
    // The probe decodes from its own pixels: the files only need to exist.
    for (let i = 0; i < 10; i++) files[`images/im${i}.png`] = 'x';
    writeFiles(dir, files);
    const ahead = run(dir, []);
    const one = run(dir, ['--max-decoded', '1']);
    expect(ahead.length).toBe(10);
    expect(one.length).toBe(10);
    expect(Math.max(...ahead)).toBeGreaterThan(1);
    expect(Math.max(...one)).toBe(1);
    for (let i = 0; i < 10; i++) {
      for (const name of [`im${i}.png`, `im${i}.overlay.png`, `im${i}.json`]) {
        expect(readFileSync(join(dir, 'out---max-decoded1', name)).equals(readFileSync(join(dir, 'out-default', name))), name).toBe(true);
      }
    }
  });

  it('refuses a bound that is not a whole number ≥ 1, before any work', () => {
    const dir = tempDir('acseg-max-decoded-bad-');
    writeFiles(dir, { 'images/a.png': 'x' });
    for (const bad of ['0', '2.5', '-3']) {
      const r = acseg(['segment', '--images', join(dir, 'images'), '--out', join(dir, 'o'), '--backbone', 'handcrafted', '--max-decoded', bad], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--max-decoded ${Number(bad)}: give a whole number ≥ 1`);
    }
    const e = acseg(['eval', '--dataset', 'camvid', '--root', dir, '--max-decoded', '0'], dir);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('--max-decoded 0: give a whole number ≥ 1');
  });
});
