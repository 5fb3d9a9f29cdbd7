import {
  AcsegError,
  backgroundRegions,
  imageSource,
  type Backbone,
  type BackgroundOptions,
  type ClassifierContext,
  type ClassifyInput,
  type RegionDigest,
  type RegionMap,
} from '@acseg/core';
import { regionMajorityLabels } from './gt-labels.js';
import { l2Normalized } from './vectors.js';

/** One image's regions as the classifiers see them. */
export interface ImageRegions {
  /** Per region: background by the rule (always false when the rule is off). */
  background: boolean[];
  /** The regions that were embedded: foreground regions with pixels, in index order. */
  foreground: number[];
  /** L2-normalized embeddings, aligned with `foreground`. */
  embeddings: Float32Array[];
}

export interface EmbedOptions extends BackgroundOptions {
  /** Apply the background rule (VOC). false: every region is embedded (COCO-Stuff-27). */
  background: boolean;
}

/**
 * Region embeddings are a ViT pass per region: memoized per backbone and
 * RegionMap object, so fit + classify on the same set, and the 10 seeds of
 * an evaluation, embed each region once. Entries go with the RegionMap.
 */
const memo = new WeakMap<Backbone, WeakMap<RegionMap, Map<string, ImageRegions>>>();

function memoKey(o: EmbedOptions): string {
  return [o.background, o.rule ?? 'auto', o.headReduce ?? 'min', o.regionReduce ?? 'sum'].join('|');
}

/** Background decision and foreground-region embeddings for each input, in order. */
export async function embedRegions(
  inputs: readonly ClassifyInput[],
  context: ClassifierContext,
  options: EmbedOptions,
  classifier: string,
): Promise<ImageRegions[]> {
  const bar = context.progress?.start(`${classifier}: region embeddings`, inputs.length);
  const out: ImageRegions[] = [];
  let dim = -1;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    const cached = await embedMemoized(input, i, context, options, classifier);
    dim = checkDim(cached.embeddings, dim, input, i, context.backbone);
    out.push(cached);
    bar?.update(i + 1);
  }
  bar?.stop();
  return out;
}

/** `embedRegions` as digests (what `fit` and `classify` on inputs hand to their digest forms). */
export async function embedDigests(
  inputs: readonly ClassifyInput[],
  context: ClassifierContext,
  options: EmbedOptions,
  classifier: string,
): Promise<RegionDigest[]> {
  const sets = await embedRegions(inputs, context, options, classifier);
  return sets.map((s, i) => ({ regionCount: inputs[i].regions.count, ...s }));
}

/**
 * One image's regions as a digest (the streaming form of `embedRegions`):
 * with a label map, each foreground image's regions carry their majority
 * ground-truth class.
 */
export async function regionDigest(
  input: ClassifyInput,
  context: ClassifierContext,
  options: EmbedOptions,
  classifier: string,
  label?: Uint8Array,
): Promise<RegionDigest> {
  const r = await embedMemoized(input, 0, context, options, classifier);
  const digest: RegionDigest = { regionCount: input.regions.count, background: r.background, foreground: r.foreground, embeddings: packed(r.embeddings) };
  if (label && r.foreground.length) digest.groundTruth = regionMajorityLabels(input.regions, label, options.background, imageSource(input.image, 0));
  return digest;
}

/**
 * The rows as views of one buffer: a digest outlives its image (a whole
 * split's are held until the fit), and one allocation per image rather than
 * per region keeps that memory close to the floats themselves.
 */
function packed(rows: readonly Float32Array[]): Float32Array[] {
  const d = rows[0]?.length ?? 0;
  // Ragged rows stay as they are, for digestDim to name.
  if (rows.some((row) => row.length !== d)) return [...rows];
  const all = new Float32Array(rows.length * d);
  return rows.map((row, j) => {
    all.set(row, j * d);
    return all.subarray(j * d, (j + 1) * d);
  });
}

/** Every digest's embeddings have one dimension; returns it (−1 when there is none). */
export function digestDim(digests: readonly RegionDigest[], classifier: string): number {
  let dim = -1;
  for (const d of digests) {
    for (const e of d.embeddings) {
      if (dim < 0) dim = e.length;
      else if (e.length !== dim)
        throw new AcsegError('BAD_INPUT', `classifier ${classifier}: region embeddings of ${e.length} and ${dim} dimensions in one set`, {
          hint: 'every image must go through the same backbone',
        });
    }
  }
  return dim;
}

function checkDim(embeddings: readonly Float32Array[], dim: number, input: ClassifyInput, index: number, backbone: Backbone): number {
  for (const e of embeddings) {
    if (dim < 0) dim = e.length;
    else if (e.length !== dim) {
      throw new AcsegError(
        'PLUGIN_FAILED',
        `${imageSource(input.image, index)}: backbone ${backbone.name} returned a ${e.length}-d region embedding, earlier ones were ${dim}-d`,
        { plugin: backbone.name, file: typeof input.image === 'string' ? input.image : input.image.source },
      );
    }
  }
  return dim;
}

async function embedMemoized(
  input: ClassifyInput,
  index: number,
  context: ClassifierContext,
  options: EmbedOptions,
  classifier: string,
): Promise<ImageRegions> {
  const backbone = context.backbone;
  if (typeof backbone.regionEmbeddings !== 'function') {
    throw new AcsegError('BAD_INPUT', `classifier ${classifier} needs region embeddings, which backbone ${backbone.name} does not provide`, {
      plugin: classifier,
      hint: 'use a ViT backbone such as dino',
    });
  }
  let byRegions = memo.get(backbone);
  if (!byRegions) memo.set(backbone, (byRegions = new WeakMap()));
  const key = memoKey(options);
  let cached = byRegions.get(input.regions)?.get(key);
  if (!cached) {
    cached = await embedOne(input, index, backbone, options);
    let m = byRegions.get(input.regions);
    if (!m) byRegions.set(input.regions, (m = new Map()));
    m.set(key, cached);
  }
  return cached;
}

async function embedOne(input: ClassifyInput, index: number, backbone: Backbone, options: EmbedOptions): Promise<ImageRegions> {
  const { regions } = input;
  const source = imageSource(input.image, index);
  const file = typeof input.image === 'string' ? input.image : input.image.source;
  const background = options.background ? backgroundRegions(input.features, regions, options) : new Array<boolean>(regions.count).fill(false);
  const foreground: number[] = [];
  for (let r = 0; r < regions.count; r++) if (!background[r] && (regions.pixelCounts[r] ?? 1) > 0) foreground.push(r);
  if (!foreground.length) return { background, foreground, embeddings: [] };
  let raw: Float32Array[];
  try {
    raw = await backbone.regionEmbeddings!(input.image, regions, foreground, input.features);
  } catch (e) {
    throw new AcsegError('PLUGIN_FAILED', `${source}: backbone ${backbone.name} failed to embed its regions: ${e instanceof Error ? e.message : String(e)}`, {
      plugin: backbone.name,
      file,
      cause: e,
    });
  }
  if (!Array.isArray(raw) || raw.length !== foreground.length) {
    throw new AcsegError(
      'PLUGIN_FAILED',
      `${source}: backbone ${backbone.name} returned ${Array.isArray(raw) ? raw.length : 'no'} region embeddings for ${foreground.length} regions`,
      { plugin: backbone.name, file },
    );
  }
  const embeddings = raw.map((v, j) => l2Normalized(v, `${source} region ${foreground[j]}`));
  return { background, foreground, embeddings };
}
