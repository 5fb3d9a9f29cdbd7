import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { AcsegError, type FeatureMap } from '@acseg/core';
import { FeatureCache, sourceKey } from '@acseg/feature-cache';
import { writeFileAtomic } from '@acseg/report';
import { writeAssets } from './assets.js';
import { regionEmbeddings, patchRegions } from './features.js';
import {
  EXPLORE_FORMAT, INDEX_FILE, MAP_SIDE, MISSING, PAGE_SIZE, dataScript, embeddingFile, pageFile,
  type EmbeddingPage, type ExploreIndex, type IndexEntry, type PageImage,
} from './format.js';
import { imageIou } from './iou.js';
import { patchLayout } from './layout.js';
import { fitSize, readIndexPng, resizeNearest, runLengths, type IndexMap } from './maps.js';
import { listRun, readImageJson, type ImageJson, type RunImage } from './run-reader.js';

export interface ExploreOptions {
  /** Output folder of `acseg run` / `segment`. */
  run: string;
  /** Where the explorer goes (default `<run>/explore`). */
  out?: string;
  /** Feature cache of the run's images (`--features-cache` of run, or `acseg features`). */
  features?: string;
  /** Folder of ground-truth class-index PNGs named `<id>.png`. */
  groundTruth?: string;
  /** Seed of the concept maps (UMAP). Default 0. */
  seed?: number;
  /** UMAP epochs per image. Default 200. */
  epochs?: number;
  /** Concept maps (UMAP, ≈ 0.2-1 s an image) for at most this many images, the first by id; the others get none (said per image). Default: all. */
  maxMaps?: number;
  title?: string;
  /** Images per data page and grid page (default PAGE_SIZE). */
  pageSize?: number;
  /** Called once the images are listed, before the work (progress). */
  onStart?: (total: number) => void;
  /** Called as each image is done (progress). */
  onImage?: (done: number, total: number) => void;
}

export interface ExploreResult {
  dir: string;
  html: string;
  images: number;
  /** Images lacking each kind of input (MISSING keys), with their ids. */
  missing: Record<keyof typeof MISSING, string[]>;
  /** Concept maps taken from the cache of an earlier build. */
  cachedLayouts: number;
}

const LAYOUT_VERSION = 1;
const OWN_MARK = '.acseg-explore';

/** The folder must be ours (an earlier explorer) or empty/absent: never write over someone's files. */
async function prepareDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const names = await readdir(dir);
    if (names.length && !names.includes(OWN_MARK)) {
      throw new AcsegError('BAD_INPUT', `${dir}: exists and was not written by acseg explore; it is left as it is`, { file: dir, hint: 'give another folder with --out, or remove it' });
    }
  }
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, OWN_MARK), `${EXPLORE_FORMAT}\n`);
}

async function openCache(path: string | undefined): Promise<FeatureCache | undefined> {
  if (!path) return undefined;
  return FeatureCache.open(path);
}

function findFeatures(cache: FeatureCache, bySource: Map<string, number>, image: RunImage): number {
  const at = image.source ? bySource.get(sourceKey(image.source)) : undefined;
  return at ?? cache.indexOf(image.id);
}

/** Layout of one image's patches, from the cache of an earlier build when its inputs are the same bytes. */
async function cachedLayout(cacheDir: string, used: Set<string>, f: FeatureMap, opts: { seed: number; epochs: number }): Promise<{ xy: Float32Array | undefined; hit: boolean }> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: LAYOUT_VERSION, seed: opts.seed, epochs: opts.epochs, grid: f.grid, dim: f.dim }));
  hash.update(new Uint8Array(f.tokens.buffer, f.tokens.byteOffset, f.tokens.byteLength));
  const key = hash.digest('hex').slice(0, 32);
  used.add(`${key}.json`);
  const file = join(cacheDir, `${key}.json`);
  const saved = await readFile(file, 'utf8').then((t) => JSON.parse(t) as number[] | null, () => undefined);
  if (saved !== undefined) return { xy: saved ? Float32Array.from(saved) : undefined, hit: true };
  const xy = patchLayout(f.tokens, f.grid.h * f.grid.w, f.dim, { seed: opts.seed, epochs: opts.epochs });
  await writeFileAtomic(file, JSON.stringify(xy ? Array.from(xy, (v) => Math.round(v * 1e4) / 1e4) : null));
  return { xy, hit: false };
}

/** The run's thumbnail copied in (or one made from the source), relative to explore/; undefined when neither exists. */
async function thumbnail(dir: string, image: RunImage): Promise<string | undefined> {
  // The file has the id's own name; the page's link is URL-encoded ("a b#1" -> "a%20b%231").
  const rel = `thumbs/${encodeURIComponent(image.id)}.jpg`;
  const dest = join(dir, 'thumbs', `${image.id}.jpg`);
  await mkdir(join(dir, 'thumbs'), { recursive: true });
  if (image.thumb && existsSync(image.thumb)) {
    await copyFile(image.thumb, dest);
    return rel;
  }
  try {
    const jpg = await sharp(image.source).rotate().resize(320, 320, { fit: 'inside', withoutEnlargement: true }).toColourspace('srgb').removeAlpha().jpeg({ quality: 80 }).toBuffer();
    await writeFileAtomic(dest, jpg);
    return rel;
  } catch {
    return undefined;
  }
}

/** Region map: `<id>.regions.png`, or the label PNG of `acseg segment` (its class ids are the regions). */
async function regionMap(run: string, image: RunImage, json: ImageJson): Promise<IndexMap | string> {
  const file = json.files?.regions ? join(run, json.files.regions) : join(run, `${image.id}.regions.png`);
  if (existsSync(file)) return readIndexPng(file);
  if (json.classifier === null && image.label && existsSync(image.label)) return readIndexPng(image.label);
  return `no region map (${file}): written by an acseg older than the explorer; rerun acseg run to see concepts`;
}

function quantize(rows: Float32Array[]): string {
  const q = new Int8Array(rows.reduce((a, r) => a + r.length, 0));
  let o = 0;
  for (const r of rows) for (const v of r) q[o++] = Math.max(-127, Math.min(127, Math.round(v * 127)));
  return Buffer.from(q.buffer).toString('base64');
}

/**
 * Writes the explorer for a run folder: `index.html` + script + style, and
 * data files in pages of PAGE_SIZE images (`data/page-NNNN.js` maps and
 * concept maps, `data/emb-NNNN.js` region embeddings, `data/index.js` one
 * line per image), thumbnails copied in. Images stream through: one page is
 * held at a time. Concept maps are cached in `.cache/` by their features.
 */
export async function buildExplorer(opts: ExploreOptions): Promise<ExploreResult> {
  const run = resolve(opts.run);
  const dir = resolve(opts.out ?? join(run, 'explore'));
  const seed = opts.seed ?? 0;
  const epochs = opts.epochs ?? 200;
  const pageSize = Math.max(1, opts.pageSize ?? PAGE_SIZE);
  const listed = await listRun(run);
  if (opts.groundTruth && !existsSync(opts.groundTruth)) throw new AcsegError('BAD_INPUT', `${resolve(opts.groundTruth)}: no such ground-truth folder`, { file: opts.groundTruth });
  const cache = await openCache(opts.features);
  await prepareDir(dir);
  opts.onStart?.(listed.images.length);
  const cacheDir = join(dir, '.cache');
  await mkdir(cacheDir, { recursive: true });
  const usedCache = new Set<string>();
  const bySource = new Map<string, number>();
  cache?.images.forEach((im, i) => bySource.set(sourceKey(im.source), i));
  const missing = Object.fromEntries(Object.keys(MISSING).map((k) => [k, [] as string[]])) as unknown as ExploreResult['missing'];
  const entries: IndexEntry[] = [];
  const histogram: number[] = [];
  const classNames: Array<string | null> = [];
  const embPages: number[] = [];
  let dim = -1;
  let cachedLayouts = 0;
  let maps = 0;
  const maxMaps = opts.maxMaps ?? Infinity;
  let page: PageImage[] = [];
  let emb: { refs: Array<[number, number]>; rows: Float32Array[] } = { refs: [], rows: [] };
  const written = new Set<string>([INDEX_FILE]);

  const flush = async (p: number) => {
    await writeFileAtomic(join(dir, pageFile(p)), dataScript('page', p, page));
    written.add(pageFile(p));
    if (emb.rows.length) {
      const value: EmbeddingPage = { dim, refs: emb.refs, q: quantize(emb.rows) };
      await writeFileAtomic(join(dir, embeddingFile(p)), dataScript('emb', p, value));
      written.add(embeddingFile(p));
      embPages.push(p);
    }
    page = [];
    emb = { refs: [], rows: [] };
  };

  try {
    for (let i = 0; i < listed.images.length; i++) {
      const image = listed.images[i];
      const lacks: string[] = [];
      let bits = 0;
      const miss = (kind: keyof typeof MISSING, why: string) => { bits |= MISSING[kind]; missing[kind].push(image.id); lacks.push(why); };
      const thumb = await thumbnail(dir, image);
      if (!thumb) miss('thumb', `no thumbnail and the source ${image.source} cannot be read`);
      const json = await readImageJson(image.json);
      const rec: PageImage = {
        i, id: image.id, source: image.source, thumb: thumb ?? null, width: 0, height: 0, mw: 0, mh: 0,
        regionsRle: null, classesRle: null, gtRle: null, regions: [], map: null, iou: null, missing: lacks,
      };
      if (typeof json === 'string') {
        miss('json', json);
        miss('regions', 'no regions without the per-image JSON');
      } else {
        rec.width = json.width;
        rec.height = json.height;
        const size = fitSize(json.width, json.height, MAP_SIDE);
        rec.mw = size.width;
        rec.mh = size.height;
        rec.regions = json.regions.map((r) => ({ r: r.region, concept: r.concept, classId: json.classifier === null ? undefined : r.classId, className: json.classifier === null ? undefined : r.className, pixels: r.pixels, bbox: Array.from(r.bbox) }));
        for (const r of rec.regions) if (r.classId !== undefined && r.className) classNames[r.classId] = r.className;
        const regions = await regionMap(run, image, json).catch((e: Error) => e.message);
        let classes: IndexMap | undefined;
        if (json.classifier !== null && image.label) {
          classes = await readIndexPng(image.label).catch(() => undefined);
          if (classes) rec.classesRle = runLengths(resizeNearest(classes, size.width, size.height).data);
          else miss('classes', `class map ${image.label} is missing or unreadable`);
        }
        if (typeof regions === 'string') miss('regions', regions);
        else if (regions.width !== json.width || regions.height !== json.height) miss('regions', `region map is ${regions.width}×${regions.height}, the image ${json.width}×${json.height}`);
        else rec.regionsRle = runLengths(resizeNearest(regions, size.width, size.height).data);
        if (opts.groundTruth) {
          const gtFile = join(resolve(opts.groundTruth), `${image.id}.png`);
          const gt = existsSync(gtFile) ? await readIndexPng(gtFile).catch((e: Error) => e.message) : `no ground truth ${gtFile}`;
          if (typeof gt === 'string') miss('groundTruth', gt);
          else if (gt.width !== json.width || gt.height !== json.height) miss('groundTruth', `ground truth ${gtFile} is ${gt.width}×${gt.height}, the image ${json.width}×${json.height}`);
          else {
            rec.gtRle = runLengths(resizeNearest(gt, size.width, size.height).data);
            const pred = classes ?? (typeof regions === 'string' ? undefined : regions);
            const iou = pred ? imageIou(pred.data, gt.data) : undefined;
            rec.iou = iou === undefined ? null : Math.round(iou * 1e4) / 1e4;
          }
        }
        const at = cache ? findFeatures(cache, bySource, image) : -1;
        if (!cache) miss('features', 'no feature cache given (--features DIR): no concept map, no retrieval');
        else if (at < 0) miss('features', `not in the feature cache ${cache.path}`);
        else if (typeof regions !== 'string' && regions.width === json.width && regions.height === json.height) {
          const [f] = await cache.read([at]);
          if (f.imageSize.width !== json.width || f.imageSize.height !== json.height) {
            miss('features', `the cached features are of a ${f.imageSize.width}×${f.imageSize.height} image, this one is ${json.width}×${json.height} (another image?)`);
          } else {
            const owner = patchRegions(regions, f.grid);
            const { xy, hit } = maps < maxMaps ? await cachedLayout(cacheDir, usedCache, f, { seed, epochs }) : { xy: undefined, hit: false };
            if (hit) cachedLayouts++;
            if (maps >= maxMaps) lacks.push(`concept map not computed (only the first ${maxMaps} images have one: --maps)`);
            else maps++;
            if (xy) {
              const round = (v: number) => Math.round(v * 1e4) / 1e4;
              const n = f.grid.h * f.grid.w;
              rec.map = { x: Array.from({ length: n }, (_, p) => round(xy[p * 2])), y: Array.from({ length: n }, (_, p) => round(xy[p * 2 + 1])), r: Array.from(owner), grid: [f.grid.h, f.grid.w] };
            }
            for (const [r, e] of regionEmbeddings(regions, f)) {
              if (dim < 0) dim = e.length;
              if (e.length !== dim) { miss('features', `features of ${e.length} dimensions, earlier images had ${dim}`); break; }
              emb.refs.push([i, r]);
              emb.rows.push(e);
            }
          }
        }
      }
      const concepts = rec.regions.filter((r) => r.pixels > 0).length;
      histogram[concepts] = (histogram[concepts] ?? 0) + 1;
      entries.push([image.id, concepts, rec.iou, bits]);
      page.push(rec);
      if (page.length === pageSize) await flush(Math.floor(i / pageSize));
      opts.onImage?.(i + 1, listed.images.length);
    }
    if (page.length) await flush(Math.floor((listed.images.length - 1) / pageSize));
  } finally {
    await cache?.close();
  }
  const index: ExploreIndex = {
    format: EXPLORE_FORMAT,
    title: opts.title ?? `acseg explore: ${run}`,
    notes: [cache ? `features: ${cache.path} (${cache.info.model})` : 'features: none given', opts.groundTruth ? `ground truth: ${resolve(opts.groundTruth)}` : 'ground truth: none given', `concept maps: UMAP (umap-js), seed ${seed}, ${epochs} epochs`],
    pageSize,
    pages: Math.ceil(listed.images.length / pageSize),
    images: entries,
    classNames: Array.from(classNames, (n) => n ?? null),
    histogram: Array.from(histogram, (n) => n ?? 0),
    groundTruth: !!opts.groundTruth,
    embedding: dim > 0 ? { dim, pages: embPages } : null,
    seed,
    skipped: listed.skipped,
  };
  await writeFileAtomic(join(dir, INDEX_FILE), dataScript('index', null, index));
  // Data files of an earlier, larger build and concept maps no image uses any more.
  for (const name of await readdir(join(dir, 'data'))) if (!written.has(`data/${name}`)) await rm(join(dir, 'data', name), { force: true });
  for (const name of await readdir(cacheDir)) if (!usedCache.has(name)) await rm(join(cacheDir, name), { force: true });
  const html = await writeAssets(dir);
  return { dir, html, images: listed.images.length, missing, cachedLayouts };
}
