import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExplorer } from './build.js';
import { MapService } from './map-service.js';
import { INDEX_FILE, MISSING, embeddingFile, pageFile, parseDataScript, type EmbeddingPage, type ExploreIndex, type PageImage } from './format.js';
import { IDS, SIZE, makePlantedRun, plantedVector, regionMapOf } from './testing/fixtures/planted-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-explore-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const readIndex = async (d: string) => {
  const t = await readFile(join(d, INDEX_FILE), 'utf8');
  return JSON.parse(t.slice(t.indexOf('(') + 1, t.lastIndexOf(')'))) as ExploreIndex;
};
const readPage = async (d: string, p: number) => parseDataScript<PageImage[]>(await readFile(join(d, pageFile(p)), 'utf8'));

describe('buildExplorer', () => {
  it('writes paged data: region maps, concept maps, embeddings, histogram, per-image IoU', async () => {
    const fx = await makePlantedRun(join(dir, 'full'));
    const r = await buildExplorer({ run: fx.run, features: fx.cache, groundTruth: fx.groundTruth, pageSize: 4, epochs: 50 });
    expect(r.images).toBe(6);
    expect(Object.values(r.missing).flat()).toEqual([]);
    const index = await readIndex(r.dir);
    expect(index.pages).toBe(2);
    expect(index.images.map((e) => e[0])).toEqual(IDS);
    // Two regions everywhere, three in images 1 and 4.
    expect(index.images.map((e) => e[1])).toEqual([2, 3, 2, 2, 3, 2]);
    expect(index.histogram).toEqual([0, 0, 4, 2]);
    // Class = region + 1 against ground truth 1 (left) | 2 (right), bottom row void: perfect, except where region 2
    // (class 3) covers the top-right quarter; class 3 is named 2 (all its pixels are 2 there), so still perfect.
    expect(index.images.map((e) => e[2])).toEqual([1, 1, 1, 1, 1, 1]);
    const page0 = await readPage(r.dir, 0);
    expect(page0).toHaveLength(4);
    const page1 = await readPage(r.dir, 1);
    expect(page1.map((p) => p.id)).toEqual(['e', 'f']);
    // The stored region map is the image's own (8×8 fits MAP_SIDE: no resizing).
    for (const rec of [...page0, ...page1]) {
      const m = IDS.indexOf(rec.id);
      const rle = rec.regionsRle!;
      const flat: number[] = [];
      for (let k = 0; k < rle.length; k += 2) for (let c = 0; c < rle[k + 1]; c++) flat.push(rle[k]);
      expect(flat).toEqual(Array.from(regionMapOf(m)));
      // Patch p of the 4×4 grid covers pixels (2x, 2y): its concept is that pixel's region.
      expect(rec.map!.r).toEqual(Array.from({ length: 16 }, (_, p) => regionMapOf(m)[Math.floor(p / 4) * 2 * SIZE + (p % 4) * 2]));
      expect(rec.map!.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    // Embeddings: each region's planted vector, normalized, as int8.
    const emb = parseDataScript<EmbeddingPage>(await readFile(join(r.dir, embeddingFile(0)), 'utf8'));
    const q = new Int8Array(Buffer.from(emb.q, 'base64'));
    expect(emb.dim).toBe(4);
    emb.refs.forEach(([i, reg], row) => {
      const v = plantedVector(i, reg);
      const n = Math.hypot(...v);
      for (let j = 0; j < 4; j++) expect(Math.abs(q[row * 4 + j] - (v[j] / n) * 127)).toBeLessThanOrEqual(0.5);
    });
    expect(existsSync(join(r.dir, 'thumbs', 'a.jpg'))).toBe(true);
    expect(existsSync(r.html)).toBe(true);
  });

  it('is reproducible: a second build reads every concept map from its cache, and the same seed gives the same map', async () => {
    const fx = await makePlantedRun(join(dir, 'again'));
    const first = await buildExplorer({ run: fx.run, features: fx.cache, epochs: 50, seed: 3 });
    const a = await readPage(first.dir, 0);
    expect(first.cachedLayouts).toBe(0);
    const second = await buildExplorer({ run: fx.run, features: fx.cache, epochs: 50, seed: 3 });
    expect(second.cachedLayouts).toBe(6);
    expect(await readPage(second.dir, 0)).toEqual(a);
    const fresh = await buildExplorer({ run: fx.run, features: fx.cache, epochs: 50, seed: 3, out: join(dir, 'again-elsewhere') });
    expect(fresh.cachedLayouts).toBe(0);
    expect((await readPage(fresh.dir, 0)).map((p) => p.map)).toEqual(a.map((p) => p.map));
  });

  it('--maps N: concept maps for the first N images only, said for the others; retrieval still covers every image', async () => {
    const fx = await makePlantedRun(join(dir, 'maps'));
    const r = await buildExplorer({ run: fx.run, features: fx.cache, epochs: 30, maxMaps: 2 });
    const page = await readPage(r.dir, 0);
    expect(page.map((p) => p.map !== null)).toEqual([true, true, false, false, false, false]);
    expect(page[2].missing).toEqual([
      'concept map not computed (only the first 2 images have one: --maps; `acseg explore --serve` computes it when the image is opened)',
    ]);
    expect((await readIndex(r.dir)).mapsOnDemand).toBe(true);
    const emb = parseDataScript<EmbeddingPage>(await readFile(join(r.dir, embeddingFile(0)), 'utf8'));
    expect(new Set(emb.refs.map((x) => x[0])).size).toBe(6);

    // On request (what `explore --serve` answers): image 3's map, equal to a build that computes every map.
    const service = (await MapService.open(r.dir))!;
    const asked = await service.map(3);
    await service.close();
    const every = await buildExplorer({ run: fx.run, features: fx.cache, epochs: 30, out: join(dir, 'maps-all') });
    expect(asked).toEqual((await readPage(every.dir, 0))[3].map);
    expect((await readIndex(every.dir)).mapsOnDemand).toBe(false);
    // A rebuild with the same --maps shows the map computed on request, and computes no other.
    await buildExplorer({ run: fx.run, features: fx.cache, epochs: 30, maxMaps: 2 });
    expect((await readPage(r.dir, 0)).map((p) => p.map !== null)).toEqual([true, true, false, true, false, false]);
  });

  it('embeddings from a backbone get the cached features, are kept by key: a rebuild embeds nothing again, another key all', async () => {
    const fx = await makePlantedRun(join(dir, 'embed-cache'));
    const calls: Array<{ source: string; which: number[]; features: boolean }> = [];
    // An embedder of its own numbers (not the pooled means), so the stored rows show which one made them.
    const embed = (key: string) => ({
      embedKey: key,
      embedding: `test embedder ${key}`,
      embed: async (source: string, _regions: unknown, which: number[], features?: { dim: number }) => {
        calls.push({ source, which, features: features?.dim === 4 });
        return which.map((r) => Float32Array.from([1, r, key.length, 0]));
      },
    });
    const out = join(dir, 'embed-cache-out');
    const first = await buildExplorer({ run: fx.run, out, features: fx.cache, epochs: 20, ...embed('k1') });
    expect(first.cachedEmbeddings).toBe(0);
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => c.features)).toBe(true);
    // Images a..f (read ahead, so called in any order): 2 regions, 3 in b and e.
    expect(calls.sort((x, y) => x.source.localeCompare(y.source)).map((c) => c.which.length)).toEqual([2, 3, 2, 2, 3, 2]);
    const rows = async () => parseDataScript<EmbeddingPage>(await readFile(join(out, embeddingFile(0)), 'utf8'));
    const before = await rows();
    const q = new Int8Array(Buffer.from(before.q, 'base64'));
    before.refs.forEach(([, r], row) => {
      const n = Math.hypot(1, r, 2);
      expect(Array.from(q.subarray(row * 4, row * 4 + 4))).toEqual([1 / n, r / n, 2 / n, 0].map((v) => Math.round(v * 127)));
    });
    expect((await readIndex(out)).embedding?.source).toBe('test embedder k1');
    calls.length = 0;
    const again = await buildExplorer({ run: fx.run, out, features: fx.cache, epochs: 20, ...embed('k1') });
    expect(again.cachedEmbeddings).toBe(6);
    expect(calls).toHaveLength(0);
    expect(await rows()).toEqual(before);
    const other = await buildExplorer({ run: fx.run, out, features: fx.cache, epochs: 20, ...embed('k22') });
    expect(other.cachedEmbeddings).toBe(0);
    expect(calls).toHaveLength(6);
    expect(await rows()).not.toEqual(before);
  });

  it('says per image what is missing: features, ground truth, the region map of an older version', async () => {
    const fx = await makePlantedRun(join(dir, 'partial'), { withoutFeatures: ['b'], withoutGroundTruth: ['c'], oldVersion: ['d'], shiftedGroundTruth: ['f'] });
    const r = await buildExplorer({ run: fx.run, features: fx.cache, groundTruth: fx.groundTruth, epochs: 50 });
    expect(r.missing.features).toEqual(['b']);
    expect(r.missing.groundTruth).toEqual(['c']);
    expect(r.missing.regions).toEqual(['d']);
    const index = await readIndex(r.dir);
    expect(index.images.map((e) => e[3])).toEqual([0, MISSING.features, MISSING.groundTruth, MISSING.regions, 0, 0]);
    // IoU of d from its class map (no region map needed); c has no ground truth; f's is shifted: class 1 on columns
    // 0-1 only, predicted 1 on 0-3 (named 1: 2 columns each way, the tie to the smaller id), 2 on 4-7:
    // class 1: 2 / 4 columns, class 2: 4 / 6 columns -> (1/2 + 2/3) / 2 = 7/12.
    expect(index.images.map((e) => e[2])).toEqual([1, 1, null, 1, 1, Math.round((7 / 12) * 1e4) / 1e4]);
    const page = await readPage(r.dir, 0);
    expect(page[1].map).toBeNull();
    expect(page[1].missing.join()).toMatch(/not in the feature cache/);
    expect(page[2].missing.join()).toMatch(/no ground truth .*c\.png/);
    expect(page[3].missing.join()).toMatch(/no region map .*d\.regions\.png.*older/);
    // What it can still show: d's classes and ground truth, b's maps.
    expect(page[3].classesRle).not.toBeNull();
    expect(page[3].gtRle).not.toBeNull();
    expect(page[1].regionsRle).not.toBeNull();
    // Embeddings only of images with features and region maps.
    const emb = parseDataScript<EmbeddingPage>(await readFile(join(r.dir, embeddingFile(0)), 'utf8'));
    expect([...new Set(emb.refs.map((x) => x[0]))]).toEqual([0, 2, 4, 5]);
  });

  it('without features or ground truth: maps and grid only, said for every image', async () => {
    const fx = await makePlantedRun(join(dir, 'bare'));
    const r = await buildExplorer({ run: fx.run });
    expect(r.missing.features).toEqual(IDS);
    expect(r.missing.groundTruth).toEqual([]);
    const index = await readIndex(r.dir);
    expect(index.embedding).toBeNull();
    expect(index.groundTruth).toBe(false);
    expect(index.images.every((e) => e[2] === null)).toBe(true);
    expect((await readPage(r.dir, 0))[0].missing).toEqual(['no feature cache given (--features DIR): no concept map, no retrieval']);
  });

  it('reads a folder written before gallery.jsonl from its per-image JSON files, thumbnails made from the sources', async () => {
    const fx = await makePlantedRun(join(dir, 'old'));
    await rm(join(fx.run, 'gallery.jsonl'));
    await rm(join(fx.run, 'thumbs'), { recursive: true });
    const r = await buildExplorer({ run: fx.run, features: fx.cache, epochs: 30 });
    expect(r.missing.thumb).toEqual([]);
    expect((await readIndex(r.dir)).images.map((e) => [e[0], e[3]])).toEqual(IDS.map((id) => [id, 0]));
    expect(existsSync(join(r.dir, 'thumbs', 'c.jpg'))).toBe(true);
  });

  it('refuses a folder that is not an acseg run, and an explore folder holding files of someone else', async () => {
    await expect(buildExplorer({ run: join(dir, 'nowhere') })).rejects.toThrow(/nowhere: no such folder/);
    const fx = await makePlantedRun(join(dir, 'foreign'));
    await writeFile(join(fx.run, 'explore-notes.txt'), 'x');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'foreign', 'mine'), { recursive: true });
    await writeFile(join(dir, 'foreign', 'mine', 'keep.txt'), 'mine');
    await expect(buildExplorer({ run: fx.run, out: join(dir, 'foreign', 'mine') })).rejects.toThrow(/mine: exists and was not written by acseg explore/);
    expect(await readFile(join(dir, 'foreign', 'mine', 'keep.txt'), 'utf8')).toBe('mine');
    await expect(buildExplorer({ run: join(dir, 'foreign', 'mine') })).rejects.toThrow(/not an output folder of acseg run or segment/);
  });
});
