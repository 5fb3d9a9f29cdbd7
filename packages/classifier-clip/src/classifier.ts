import { join } from 'node:path';
import {
  AcsegError,
  backgroundRegions,
  imageSource,
  type ClassifierContext,
  type ClassifierNeeds,
  type ClassifyInput,
  type ComponentOptions,
  type ConceptClassifier,
  type ImageDecoder,
  type ImageInput,
  type ModelHub,
  type RegionLabel,
  type SessionFactory,
} from '@acseg/core';
import { createImageDecoder } from '@acseg/image-io';
import { ClipModel } from './clip-model.js';
import { classEmbeddings, nearestClass, regionEmbeddings } from './embeddings.js';
import { resolveModelFiles } from './model-files.js';
import { DEFAULTS, parseClipOptions, type ClipOptions } from './options.js';
import { clipInputRgb, normalizeRgb } from './preprocess.js';
import { fillTemplate } from './templates.js';
import { TextEmbeddingCache } from './text-cache.js';

/** Names accepted for class 0 when the background rule is on. */
const BACKGROUND_NAMES = new Set(['background', 'bg', '_background_', '__background__', 'void']);

export function isBackgroundName(name: string): boolean {
  return BACKGROUND_NAMES.has(name.trim().toLowerCase());
}

/** Dense MaskCLIP features of one image: grid.h × grid.w patches × dim, rows L2-normalized. */
export interface DenseFeatures {
  grid: { h: number; w: number };
  dim: number;
  data: Float32Array;
}

/**
 * Names regions with CLIP (paper §3.5, Table 4; method notes §5): each
 * region's embedding is the mean of its pixels' MaskCLIP dense features,
 * its class the text embedding (mean over prompt templates) of highest
 * cosine. With `background` on, class 0 is background, decided by the
 * attention rule of @acseg/core on the backbone's features; CLIP names the
 * other regions among classes 1..C−1.
 */
export class ClipClassifier implements ConceptClassifier {
  readonly name = 'clip';
  readonly needs: ClassifierNeeds;
  readonly options: ClipOptions;
  private model?: Promise<ClipModel>;
  private readonly textCache = new Map<string, Float32Array>();
  private readonly diskCache?: TextEmbeddingCache;

  constructor(
    options: ComponentOptions = {},
    private readonly cacheDir = '.',
    /** The run's model hub: a declared model name is looked up there first (any pulled revision). */
    private readonly hub?: ModelHub,
    /** The run's image decoder (`services.images`), else @acseg/image-io's. */
    private readonly images: ImageDecoder = createImageDecoder(),
    /** The run's session factory (default: the model's own, device auto). */
    private readonly sessions?: SessionFactory,
  ) {
    this.options = parseClipOptions(options);
    if (this.options.textCache) this.diskCache = new TextEmbeddingCache(join(cacheDir, 'clip-text'));
    this.needs = { classNames: true, attention: this.options.background && this.options.backgroundRule !== 'border' };
  }

  /** Loads the model on first use (resolving `model` under the cache folder). */
  loadModel(): Promise<ClipModel> {
    this.model ??= (async () => {
      const files = await resolveModelFiles(this.options.model, this.cacheDir, this.hub);
      return ClipModel.load(files, { threads: this.options.threads || undefined, sessions: this.sessions });
    })();
    this.model.catch(() => {
      this.model = undefined;
    });
    return this.model;
  }

  /** Before any long work: the class list is usable and the model files are there (nothing is loaded). */
  async check(context: Pick<ClassifierContext, 'classNames'>): Promise<void> {
    this.classList(context);
    await resolveModelFiles(this.options.model, this.cacheDir, this.hub);
  }

  /** The class list in use and which ids CLIP chooses among. */
  classList(context: Pick<ClassifierContext, 'classNames'>): { names: readonly string[]; candidates: number[] } {
    let names: readonly string[] = context.classNames ?? [];
    if (!names.length) {
      // `--classes "cat,dog"` given as an option: with background on, class 0 is background (as `acseg run` numbers them).
      names = this.options.classes ?? [];
      if (this.options.background && names.length && !isBackgroundName(names[0])) names = ['background', ...names];
    }
    if (names.length === 0) {
      throw new AcsegError('BAD_CONFIG', 'classifier clip: the class list is empty', {
        hint: 'pass --classes "cat,dog,..." or evaluate on a dataset with class names',
      });
    }
    if (!this.options.background) return { names, candidates: names.map((_, i) => i) };
    if (!isBackgroundName(names[0])) {
      throw new AcsegError('BAD_CONFIG', `classifier clip: with background on, class 0 must be the background class, but it is "${names[0]}"`, {
        hint: `put "background" first (--classes "background,${names.join(',')}") or set background=false`,
      });
    }
    if (names.length < 2)
      throw new AcsegError('BAD_CONFIG', 'classifier clip: the class list holds only the background class; name at least one object class', {
        hint: 'pass --classes "background,cat,dog,..."',
      });
    return { names, candidates: names.map((_, i) => i).slice(1) };
  }

  /**
   * Class text embeddings (classes × d, row c = class id c; rows not in
   * `candidates` stay zero), cached per class list and template set.
   */
  async textEmbeddings(names: readonly string[], candidates: readonly number[]): Promise<Float32Array> {
    const key = JSON.stringify([names, candidates, this.options.templates]);
    const hit = this.textCache.get(key);
    if (hit) return hit;
    const model = await this.loadModel();
    const d = model.config.projection;
    const templates = this.options.templates;
    const diskKey = this.diskCache ? await this.diskCache.key(model.files.weights, [names, candidates, templates]) : '';
    const cached = await this.diskCache?.get(diskKey, names.length * d);
    if (cached) {
      this.textCache.set(key, cached);
      return cached;
    }
    const prompts = candidates.flatMap((c) => templates.map((t) => fillTemplate(t, names[c])));
    const feats = await model.encodeText(prompts, this.options.textBatchSize);
    const per = classEmbeddings(feats, candidates.length, templates.length, d);
    const out = new Float32Array(names.length * d);
    candidates.forEach((c, i) => out.set(per.subarray(i * d, (i + 1) * d), c * d));
    this.textCache.set(key, out);
    await this.diskCache?.set(diskKey, out);
    return out;
  }

  /** MaskCLIP dense features of images, `batchSize` per vision run. */
  async denseFeatures(images: readonly ImageInput[]): Promise<DenseFeatures[]> {
    const model = await this.loadModel();
    const s = model.inputSize;
    const g = model.grid;
    const d = model.config.projection;
    const out: DenseFeatures[] = [];
    for (let i = 0; i < images.length; i += this.options.batchSize) {
      const chunk = images.slice(i, i + this.options.batchSize);
      const pixels = new Float32Array(chunk.length * 3 * s * s);
      for (let b = 0; b < chunk.length; b++) normalizeRgb(await clipInputRgb(chunk[b], s, i + b, this.images), s, pixels, b * 3 * s * s);
      const dense = await model.dense(pixels, chunk.length);
      const per = g * g * d;
      for (let b = 0; b < chunk.length; b++) out.push({ grid: { h: g, w: g }, dim: d, data: dense.slice(b * per, (b + 1) * per) });
    }
    return out;
  }

  async classify(inputs: readonly ClassifyInput[], context: ClassifierContext): Promise<RegionLabel[][]> {
    const { names, candidates } = this.classList(context);
    const text = await this.textEmbeddings(names, candidates);
    const dense = await this.denseFeatures(inputs.map((x) => x.image));
    return inputs.map((input, i) => {
      const f = dense[i];
      const emb = regionEmbeddings(f.data, f.grid, f.dim, input.regions);
      let background: boolean[] | undefined;
      if (this.options.background) {
        try {
          background = backgroundRegions(input.features, input.regions, {
            rule: this.options.backgroundRule,
            headReduce: this.options.headReduce,
            regionReduce: this.options.regionReduce,
          });
        } catch (e) {
          if (e instanceof AcsegError) throw new AcsegError(e.code, `${imageSource(input.image, i)}: ${e.message}`, { file: e.file, hint: e.hint, cause: e });
          throw e;
        }
      }
      const labels: RegionLabel[] = [];
      for (let r = 0; r < input.regions.count; r++) {
        if (background?.[r]) {
          labels.push({ region: r, classId: 0, className: names[0] });
          continue;
        }
        const { classId, score } = nearestClass(emb, r * f.dim, text, f.dim, candidates);
        labels.push({ region: r, classId, className: names[classId], score });
      }
      return labels;
    });
  }

  async dispose(): Promise<void> {
    const m = this.model;
    this.model = undefined;
    if (m) await (await m).dispose();
  }
}

export { DEFAULTS };
