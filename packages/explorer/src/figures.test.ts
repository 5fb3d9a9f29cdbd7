import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExplorer } from './build.js';
import { writeFigures } from './figures.js';
import { IDS, makePlantedRun, plantedVector, regionMapOf } from './testing/fixtures/planted-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-figures-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('writeFigures', () => {
  it('draws Figure 4 (16 patch points, its histogram bar), Figure 5 (rows × 4 cells) and Figure 6 (query + k crops), as SVG and PNG', async () => {
    const fx = await makePlantedRun(join(dir, 'full'));
    const r = await buildExplorer({ run: fx.run, features: fx.cache, groundTruth: fx.groundTruth, epochs: 30 });
    const f = await writeFigures({ dir: r.dir, image: 'b', rows: 3, k: 4 });
    expect(f.skipped).toEqual([]);
    const svg = (name: string) => readFile(join(r.dir, 'figures', `${name}.svg`), 'utf8');
    const four = await svg('fig4-concept-map');
    expect(four).toContain('b: regions and patch features');
    expect(four.match(/<circle /g)).toHaveLength(16);
    // Histogram: bars for 0..3 concepts; image b (3 concepts) in black.
    expect(four.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#000"/g)).toHaveLength(1);
    const five = await svg('fig5-grid');
    expect(five.match(/<image /g)).toHaveLength(3 * 4);
    const six = await svg('fig6-retrieval');
    // Query b's largest region: region 0 (32 px; regions 1 and 2 have 16). Its nearest, by brute force on the planted vectors.
    expect(six).toContain('query: b concept 0');
    const q = plantedVector(1, 0);
    const cos = (a: number[], b: number[]) => a.reduce((t, v, j) => t + v * b[j], 0) / (Math.hypot(...a) * Math.hypot(...b));
    const want = IDS.flatMap((id, m) => (m === 1 ? [] : [...new Set(regionMapOf(m))].map((reg) => ({ id, c: cos(q, plantedVector(m, reg)) }))))
      .sort((a, b) => b.c - a.c)
      .slice(0, 4)
      .map((w) => w.id);
    expect(want).toEqual(['c', 'a', 'd', 'e']);
    expect([...six.matchAll(/>(\w) · /g)].map((m) => m[1])).toEqual(want);
    const png = await sharp(join(r.dir, 'figures', 'fig6-retrieval.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(400);
  });

  it('without features: Figure 5 only, and says why 4 and 6 are not drawn', async () => {
    const fx = await makePlantedRun(join(dir, 'bare'));
    const r = await buildExplorer({ run: fx.run });
    const f = await writeFigures({ dir: r.dir });
    expect(f.files.map((p) => p.split(/[\\/]/).pop())).toEqual(['fig5-grid.svg', 'fig5-grid.png']);
    expect(f.skipped).toEqual([
      'Figure 4: no image has a concept map (features or region maps missing)',
      'Figure 6: no region embeddings to search (features missing)',
    ]);
  });
});
