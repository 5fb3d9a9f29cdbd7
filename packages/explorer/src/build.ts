import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';
import { FeatureCache } from '@acseg/feature-cache';
import { writeFileAtomic } from '@acseg/report';
import { writeAssets } from './assets.js';
import {
  EMBEDDING_CHUNK,
  EXPLORE_FORMAT,
  INDEX_FILE,
  MISSING,
  PAGE_SIZE,
  dataScript,
  embeddingFile,
  pageFile,
  type EmbeddingPage,
  type ExploreIndex,
  type IndexEntry,
  type PageImage,
} from './format.js';
import { ImageReader, NOT_COMPUTED, type GroundTruthSource, type ImageOutcome, type RegionEmbedder } from './image-record.js';
import { EmbeddingCache } from './embedding-cache.js';
import { LayoutCache } from './layout-cache.js';
import { LayoutPool } from './layout-pool.js';
import { listRun } from './run-reader.js';

export interface ExploreOptions {
  /** Output folder of `acseg run` / `segment`. */
  run: string;
  /** Where the explorer goes (default `<run>/explore`). */
  out?: string;
  /** Feature cache of the run's images (`--features-cache` of run, or `acseg features`). */
  features?: string;
  /** Folder of ground-truth class-index PNGs named `<id>.png`, or another source of them (a dataset's layout). */
  groundTruth?: string | GroundTruthSource;
  /** Seed of the concept maps (UMAP). Default 0. */
  seed?: number;
  /** UMAP epochs per image. Default 200. */
  epochs?: number;
  /** Concept maps (UMAP, ≈ 1 s an image) for the first this many images by id; the others get none (said per image). Default: all. */
  maxMaps?: number;
  title?: string;
  /** Images per data page and grid page (default PAGE_SIZE). */
  pageSize?: number;
  /**
   * Region embeddings from a backbone (what the k-NN classifier embeds) instead of the pixel-weighted mean of the
   * cached patch features; retrieval then works without a feature cache too.
   */
  embed?: RegionEmbedder;
  /**
   * What `embed` is, as a key (e.g. its component record and model hash): given, its embeddings are kept in
   * `explore/.embeddings/` by this key, the image file and the region map, so a rebuild embeds only what changed.
   */
  embedKey?: string;
  /** Which region embeddings retrieval uses, in words for the page (default: said from `embed`). */
  embedding?: string;
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
  /** Images whose region embeddings (from `embed`) came from an earlier build's `.embeddings/`. */
  cachedEmbeddings: number;
}

const OWN_MARK = '.acseg-explore';
/** What `explore --serve` needs to compute the concept maps left out by --maps when the page asks for one. */
export const SERVE_SETTINGS = '.acseg-serve.json';

export interface ServeSettings {
  run: string;
  features: string;
  seed: number;
  epochs: number;
}

/** The folder must be ours (an earlier explorer) or empty/absent: never write over someone's files. */
async function prepareDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const names = await readdir(dir);
    if (names.length && !names.includes(OWN_MARK)) {
      throw new AcsegError('BAD_INPUT', `${dir}: exists and was not written by acseg explore; it is left as it is`, {
        file: dir,
        hint: 'give another folder with --out, or remove it',
      });
    }
  }
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, OWN_MARK), `${EXPLORE_FORMAT}\n`);
}

async function openCache(path: string | undefined): Promise<FeatureCache | undefined> {
  if (!path) return undefined;
  return FeatureCache.open(path);
}

function quantize(rows: Float32Array[]): string {
  const q = new Int8Array(rows.reduce((a, r) => a + r.length, 0));
  let o = 0;
  for (const r of rows) for (const v of r) q[o++] = Math.max(-127, Math.min(127, Math.round(v * 127)));
  return Buffer.from(q.buffer).toString('base64');
}

/**
 * Writes the explorer for a run folder: `index.html` + script + style, and
 * data files in pages of PAGE_SIZE images (`data/page-NNNN.js`: maps and
 * concept maps), `data/emb-NNNN.js` (region embeddings of EMBEDDING_CHUNK
 * images), `data/index.js` (one line per image); thumbnails copied in.
 * Images stream through: one page and one embedding chunk are held at a time. Concept maps are cached in `.cache/` by their features.
 */
export async function buildExplorer(opts: ExploreOptions): Promise<ExploreResult> {
  const run = resolve(opts.run);
  const dir = resolve(opts.out ?? join(run, 'explore'));
  const seed = opts.seed ?? 0;
  const epochs = opts.epochs ?? 200;
  const pageSize = Math.max(1, opts.pageSize ?? PAGE_SIZE);
  const listed = await listRun(run);
  if (typeof opts.groundTruth === 'string' && !existsSync(opts.groundTruth))
    throw new AcsegError('BAD_INPUT', `${resolve(opts.groundTruth)}: no such ground-truth folder`, { file: opts.groundTruth });
  const cache = await openCache(opts.features);
  await prepareDir(dir);
  opts.onStart?.(listed.images.length);
  const pool = new LayoutPool();
  const layouts = new LayoutCache(join(dir, '.cache'), { seed, epochs }, pool);
  const embeddings = opts.embed && opts.embedKey !== undefined ? new EmbeddingCache(join(dir, '.embeddings'), opts.embedKey) : undefined;
  const reader = new ImageReader({
    run,
    dir,
    cache,
    groundTruth: opts.groundTruth,
    layouts,
    maxMaps: opts.maxMaps ?? Infinity,
    embed: opts.embed,
    embeddings,
  });
  const missing = Object.fromEntries(Object.keys(MISSING).map((k) => [k, [] as string[]])) as unknown as ExploreResult['missing'];
  const entries: IndexEntry[] = [];
  const histogram: number[] = [];
  const classNames: Array<string | null> = [];
  const embPages: number[] = [];
  let dim = -1;
  let limited = 0;
  let page: PageImage[] = [];
  let emb: { refs: Array<[number, number]>; rows: Float32Array[] } = { refs: [], rows: [] };
  const written = new Set<string>([INDEX_FILE]);

  const flushPage = async (p: number) => {
    await writeFileAtomic(join(dir, pageFile(p)), dataScript('page', p, page));
    written.add(pageFile(p));
    page = [];
  };
  const flushEmbeddings = async (chunk: number) => {
    if (emb.rows.length) {
      const value: EmbeddingPage = { dim, refs: emb.refs, q: quantize(emb.rows) };
      await writeFileAtomic(join(dir, embeddingFile(chunk)), dataScript('emb', chunk, value));
      written.add(embeddingFile(chunk));
      embPages.push(chunk);
    }
    emb = { refs: [], rows: [] };
  };

  // Images are read a few at a time (their layouts run in parallel on the pool) and written in order.
  const ahead = new Map<number, Promise<ImageOutcome>>();
  const readAhead = (i: number) => {
    for (let j = i; j < Math.min(listed.images.length, i + 2 * pool.size); j++) {
      if (ahead.has(j)) continue;
      const read = reader.read(listed.images[j], j);
      read.catch(() => undefined); // awaited in order below; not an unhandled rejection meanwhile
      ahead.set(j, read);
    }
  };
  try {
    for (let i = 0; i < listed.images.length; i++) {
      const image = listed.images[i];
      readAhead(i);
      const { rec, lacks, embeddings } = await ahead.get(i)!;
      ahead.delete(i);
      for (const [r, e] of embeddings) {
        if (dim < 0) dim = e.length;
        if (e.length !== dim) {
          lacks.push('features');
          rec.missing.push(`features of ${e.length} dimensions, earlier images had ${dim} (another backbone?)`);
          break;
        }
        emb.refs.push([i, r]);
        emb.rows.push(e);
      }
      if (rec.missing.some((m) => m.startsWith(NOT_COMPUTED))) limited++;
      let bits = 0;
      for (const kind of new Set(lacks)) {
        bits |= MISSING[kind];
        missing[kind].push(image.id);
      }
      for (const r of rec.regions) if (r.classId !== undefined && r.className) classNames[r.classId] = r.className;
      const concepts = rec.regions.filter((r) => r.pixels > 0).length;
      histogram[concepts] = (histogram[concepts] ?? 0) + 1;
      entries.push([image.id, concepts, rec.iou, bits]);
      page.push(rec);
      if (page.length === pageSize) await flushPage(Math.floor(i / pageSize));
      if ((i + 1) % EMBEDDING_CHUNK === 0) await flushEmbeddings(Math.floor(i / EMBEDDING_CHUNK));
      opts.onImage?.(i + 1, listed.images.length);
    }
    const last = listed.images.length - 1;
    if (page.length) await flushPage(Math.floor(last / pageSize));
    if (emb.rows.length) await flushEmbeddings(Math.floor(last / EMBEDDING_CHUNK));
  } finally {
    // Reads already started finish before the cache closes under them.
    await Promise.allSettled(ahead.values());
    await pool.close();
    await cache?.close();
  }
  const embeddingWords =
    opts.embedding ?? (opts.embed ? 'from the backbone, as the k-NN classifier makes them' : 'pixel-weighted means of the cached patch features');
  const index: ExploreIndex = {
    format: EXPLORE_FORMAT,
    title: opts.title ?? `acseg explore: ${run}`,
    notes: [
      cache ? `features: ${cache.path} (${cache.info.model})` : 'features: none given',
      opts.groundTruth
        ? `ground truth: ${typeof opts.groundTruth === 'string' ? resolve(opts.groundTruth) : opts.groundTruth.describe}`
        : 'ground truth: none given',
      `concept maps: UMAP (umap-js), seed ${seed}, ${epochs} epochs`,
      `region embeddings (retrieval): ${embeddingWords}`,
    ],
    pageSize,
    pages: Math.ceil(listed.images.length / pageSize),
    images: entries,
    classNames: Array.from(classNames, (n) => n ?? null),
    histogram: Array.from(histogram, (n) => n ?? 0),
    groundTruth: !!opts.groundTruth,
    embedding: dim > 0 ? { dim, pages: embPages, source: embeddingWords } : null,
    seed,
    skipped: listed.skipped,
    mapsOnDemand: limited > 0,
  };
  if (cache) {
    const settings: ServeSettings = { run, features: resolve(cache.path), seed, epochs };
    await writeFileAtomic(join(dir, SERVE_SETTINGS), `${JSON.stringify(settings, null, 2)}\n`);
  } else await rm(join(dir, SERVE_SETTINGS), { force: true });
  await writeFileAtomic(join(dir, INDEX_FILE), dataScript('index', null, index));
  // Data files of an earlier, larger build and concept maps no image uses any more.
  for (const name of await readdir(join(dir, 'data'))) if (!written.has(`data/${name}`)) await rm(join(dir, 'data', name), { force: true });
  await layouts.prune();
  // Embeddings of an earlier build with another backbone, or of images gone, go; without a cache of them, all go.
  await (embeddings ?? new EmbeddingCache(join(dir, '.embeddings'), '')).prune();
  const html = await writeAssets(dir);
  return { dir, html, images: listed.images.length, missing, cachedLayouts: layouts.hits, cachedEmbeddings: embeddings?.hits ?? 0 };
}
