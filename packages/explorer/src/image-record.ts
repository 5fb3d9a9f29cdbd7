import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FeatureMap, RegionMap } from '@acseg/core';
import { FeatureCache, sourceKey } from '@acseg/feature-cache';
import { thumbnailJpeg } from '@acseg/image-io';
import { writeFileAtomic } from '@acseg/report';
import { patchRegions, regionEmbeddings, toRegionMap } from './features.js';
import { MAP_SIDE, MISSING, type PageImage } from './format.js';
import { imageIou } from './iou.js';
import type { EmbeddingCache } from './embedding-cache.js';
import type { LayoutCache } from './layout-cache.js';
import { fitSize, readIndexPng, resizeNearest, runLengths, type IndexMap } from './maps.js';
import { readImageJson, type ImageJson, type RunImage } from './run-reader.js';

export type MissingKind = keyof typeof MISSING;

/** One image as the page shows it, what it lacks, and its regions' embeddings. */
export interface ImageOutcome {
  rec: PageImage;
  lacks: MissingKind[];
  embeddings: Map<number, Float32Array>;
}

/**
 * Region embeddings from a backbone (its `regionEmbeddings`: what the k-NN
 * classifier embeds; DINO runs the ViT on each region's masked crop), for
 * the regions `which` of the image at `source`; `features` are its cached
 * features when the feature cache holds them (a backbone whose embedding is a
 * function of them uses them, as when the classifier hands them over).
 */
export type RegionEmbedder = (source: string, regions: RegionMap, which: number[], features?: FeatureMap) => Promise<Float32Array[]>;

/**
 * Ground truth from somewhere other than a folder of `<id>.png` (e.g. a
 * dataset's own layout, as `acseg eval` reads it): an image's class-index
 * map, or why there is none.
 */
export interface GroundTruthSource {
  /** For the page's notes, e.g. "camvid val (…/CamVid)". */
  describe: string;
  get(image: { id: string; source: string }): Promise<IndexMap | string>;
}

export interface ImageReaderOptions {
  run: string;
  /** The explore/ folder (thumbnails are copied into it). */
  dir: string;
  cache?: FeatureCache;
  groundTruth?: string | GroundTruthSource;
  layouts: LayoutCache;
  maxMaps: number;
  /** Region embeddings from a backbone instead of the cached patch features' means. */
  embed?: RegionEmbedder;
  /** Where `embed`'s results are kept between builds (none: computed every build). */
  embeddings?: EmbeddingCache;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The reason words of an image whose concept map was left out by --maps (the page asks the server for it). */
export const NOT_COMPUTED = 'concept map not computed';

/** A layout as the page draws it: patch positions and the region owning each patch. */
function conceptMap(xy: Float32Array, f: FeatureMap, regions: IndexMap): NonNullable<PageImage['map']> {
  const n = f.grid.h * f.grid.w;
  const owner = patchRegions(regions, f.grid);
  return {
    x: Array.from({ length: n }, (_, p) => round4(xy[p * 2])),
    y: Array.from({ length: n }, (_, p) => round4(xy[p * 2 + 1])),
    r: Array.from(owner),
    grid: [f.grid.h, f.grid.w],
  };
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
    await writeFileAtomic(dest, await thumbnailJpeg(image.source, 320, 80));
    return rel;
  } catch {
    return undefined;
  }
}

/** Region map: `<id>.regions.png`, or the label PNG of `acseg segment` (its class ids are the regions). */
async function regionMap(run: string, image: RunImage, json: ImageJson): Promise<IndexMap | string> {
  const file = json.files?.regions ? join(run, json.files.regions) : join(run, `${image.id}.regions.png`);
  if (existsSync(file)) return readIndexPng(file).catch((e: Error) => e.message);
  if (json.classifier === null && image.label && existsSync(image.label)) return readIndexPng(image.label).catch((e: Error) => e.message);
  return `no region map (${file}): written by an acseg older than the explorer; rerun acseg run to see concepts`;
}

/** Reads what each image of a run has, and says in words what it lacks. */
export class ImageReader {
  private readonly bySource = new Map<string, number>();
  private embedding: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ImageReaderOptions) {
    o.cache?.images.forEach((im, i) => this.bySource.set(sourceKey(im.source), i));
  }

  async read(image: RunImage, i: number): Promise<ImageOutcome> {
    const lacks: MissingKind[] = [];
    const words: string[] = [];
    const miss = (kind: MissingKind, why: string) => {
      lacks.push(kind);
      words.push(why);
    };
    const thumb = await thumbnail(this.o.dir, image);
    if (!thumb) miss('thumb', `no thumbnail and the source ${image.source} cannot be read`);
    const rec: PageImage = {
      i,
      id: image.id,
      source: image.source,
      thumb: thumb ?? null,
      width: 0,
      height: 0,
      mw: 0,
      mh: 0,
      regionsRle: null,
      classesRle: null,
      gtRle: null,
      regions: [],
      map: null,
      iou: null,
      missing: words,
    };
    const out: ImageOutcome = { rec, lacks, embeddings: new Map() };
    const json = await readImageJson(image.json);
    if (typeof json === 'string') {
      miss('json', json);
      miss('regions', 'no regions without the per-image JSON');
      return out;
    }
    const size = fitSize(json.width, json.height, MAP_SIDE);
    Object.assign(rec, { width: json.width, height: json.height, mw: size.width, mh: size.height });
    const named = json.classifier !== null;
    rec.regions = json.regions.map((r) => ({
      r: r.region,
      concept: r.concept,
      classId: named ? r.classId : undefined,
      className: named ? r.className : undefined,
      pixels: r.pixels,
      bbox: Array.from(r.bbox),
    }));
    const small = (m: IndexMap) => runLengths(resizeNearest(m, size.width, size.height).data);
    const fits = (m: IndexMap) => m.width === json.width && m.height === json.height;

    let classes: IndexMap | undefined;
    if (named && image.label) {
      classes = await readIndexPng(image.label).catch(() => undefined);
      if (classes && fits(classes)) rec.classesRle = small(classes);
      else miss('classes', `class map ${image.label} is missing, unreadable or of another size`);
    }
    const found = await regionMap(this.o.run, image, json);
    let regions: IndexMap | undefined;
    if (typeof found === 'string') miss('regions', found);
    else if (!fits(found)) miss('regions', `region map is ${found.width}×${found.height}, the image ${json.width}×${json.height}`);
    else {
      regions = found;
      rec.regionsRle = small(found);
    }

    if (this.o.groundTruth) {
      const [gtFile, gt] = await this.groundTruth(image);
      if (typeof gt === 'string') miss('groundTruth', gt);
      else if (!fits(gt)) miss('groundTruth', `ground truth ${gtFile} is ${gt.width}×${gt.height}, the image ${json.width}×${json.height}`);
      else {
        rec.gtRle = small(gt);
        const pred = rec.classesRle ? classes : regions;
        const iou = pred ? imageIou(pred.data, gt.data) : undefined;
        rec.iou = iou === undefined ? null : round4(iou);
      }
    }

    const cache = this.o.cache;
    let f: FeatureMap | undefined;
    let lacking: string | undefined;
    if (!cache) lacking = `no feature cache given (--features DIR): no concept map${this.o.embed ? '' : ', no retrieval'}`;
    else {
      const at = (image.source ? this.bySource.get(sourceKey(image.source)) : undefined) ?? cache.indexOf(image.id);
      if (at < 0) lacking = `not in the feature cache ${cache.path}`;
      else if (regions) {
        [f] = await cache.read([at]);
        if (f.imageSize.width !== json.width || f.imageSize.height !== json.height) {
          lacking = `the cached features are of a ${f.imageSize.width}×${f.imageSize.height} image, this one is ${json.width}×${json.height} (another image?)`;
          f = undefined;
        }
      }
    }
    if (regions && this.o.embed) {
      // The image's features go with it, as the k-NN classifier hands them over: a backbone that embeds from them reads no pixels.
      const embedded = await this.embedded(image, regions, f);
      if (typeof embedded === 'string') miss('features', embedded);
      else out.embeddings = embedded;
    }
    if (lacking) {
      miss('features', lacking);
      return out;
    }
    if (!regions || !f) return out;
    // Beyond --maps, a layout computed earlier (by `explore --serve` when the image was opened) is still shown.
    const xy = i < this.o.maxMaps ? await this.o.layouts.get(f) : await this.o.layouts.peek(f);
    if (xy) rec.map = conceptMap(xy, f, regions);
    else if (i >= this.o.maxMaps)
      words.push(`${NOT_COMPUTED} (only the first ${this.o.maxMaps} images have one: --maps; \`acseg explore --serve\` computes it when the image is opened)`);
    if (!this.o.embed) out.embeddings = regionEmbeddings(regions, f);
    return out;
  }

  /** One image's concept map, computed (or read from the layout cache) whatever `maxMaps` says; or why there is none. */
  async conceptMap(image: RunImage): Promise<PageImage['map'] | string> {
    const json = await readImageJson(image.json);
    if (typeof json === 'string') return json;
    const found = await regionMap(this.o.run, image, json);
    if (typeof found === 'string') return found;
    if (found.width !== json.width || found.height !== json.height)
      return `region map is ${found.width}×${found.height}, the image ${json.width}×${json.height}`;
    const cache = this.o.cache;
    if (!cache) return 'no feature cache given (--features DIR)';
    const at = (image.source ? this.bySource.get(sourceKey(image.source)) : undefined) ?? cache.indexOf(image.id);
    if (at < 0) return `not in the feature cache ${cache.path}`;
    const [f] = await cache.read([at]);
    if (f.imageSize.width !== json.width || f.imageSize.height !== json.height) return 'the cached features are of another image size';
    const xy = await this.o.layouts.get(f);
    return xy ? conceptMap(xy, f, found) : 'too few patches for a concept map';
  }

  /** The image's ground truth (what it is called in messages, the map or why there is none). */
  private async groundTruth(image: RunImage): Promise<[string, IndexMap | string]> {
    const from = this.o.groundTruth!;
    if (typeof from !== 'string') return [`of ${image.id} (${from.describe})`, await from.get(image).catch((e: Error) => e.message)];
    const gtFile = join(resolve(from), `${image.id}.png`);
    return [gtFile, existsSync(gtFile) ? await readIndexPng(gtFile).catch((e: Error) => e.message) : `no ground truth ${gtFile}`];
  }

  /** The backbone's embeddings of the regions with pixels, L2-normalized as the k-NN classifier does (cached when a key is given); or why not. */
  private async embedded(image: RunImage, map: IndexMap, features: FeatureMap | undefined): Promise<Map<number, Float32Array> | string> {
    try {
      const make = () => this.embedNow(image, map, features);
      return await (this.o.embeddings ? this.o.embeddings.get(image.source, map, make) : make());
    } catch (e) {
      return `region embeddings from the backbone failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private async embedNow(image: RunImage, map: IndexMap, features: FeatureMap | undefined): Promise<Map<number, Float32Array>> {
    // toRegionMap adds one region for the pixels of none, after the real ones: never embedded.
    const regions = toRegionMap(map);
    const which = regions.pixelCounts.slice(0, -1).flatMap((n, r) => (n > 0 ? [r] : []));
    // One image at a time through the backbone, whatever the read-ahead.
    const run = this.embedding.then(() => this.o.embed!(image.source, regions, which, features));
    this.embedding = run.catch(() => undefined);
    const raw = await run;
    const out = new Map<number, Float32Array>();
    which.forEach((r, j) => {
      const norm = Math.hypot(...raw[j]);
      if (norm > 0)
        out.set(
          r,
          raw[j].map((v) => v / norm),
        );
    });
    return out;
  }
}
