import {
  AcsegError,
  toAcsegError,
  validateFeatureMap,
  type Backbone,
  type BackboneInfo,
  type FeatureMap,
  type FeatureResult,
  type ImageInput,
} from '@acseg/core';
import type { ArrayRef } from './arrays.js';
import type { ImportPlan, PlannedImage } from './plan.js';

/** What every imported image holds, taken from the first image (and the options). */
export interface ImportLayout {
  grid: { h: number; w: number };
  dim: number;
  /** Attention heads, 0 for none. */
  heads: number;
  cls: boolean;
  /** The token array's first row is the CLS token (ViT output as is: [1 + n, d]). */
  clsInTokens: boolean;
  /** Per-image shapes every image must have. */
  shapes: { tokens: number[]; cls?: number[]; attention?: number[] };
}

export interface LayoutOptions {
  /** Patch grid, needed for [n, d] tokens when n is not a square. */
  grid?: { h: number; w: number };
  clsInTokens?: boolean;
}

function usage(problem: string, hint?: string): AcsegError {
  return new AcsegError('BAD_CONFIG', problem, { hint });
}

/** The layout from the first image's shapes: [n, d] or [h, w, d] tokens, [d] CLS, [heads, n], [heads, h, w] or [n] attention. */
export function layoutOf(plan: ImportPlan, label: string, opts: LayoutOptions): ImportLayout {
  const { tokens, cls, attention } = plan.first;
  const clsInTokens = !!opts.clsInTokens;
  let grid: { h: number; w: number };
  if (tokens.length === 3) {
    if (clsInTokens) throw usage(`${label}: tokens are [h, w, d] = ${JSON.stringify(tokens)}; a CLS row (--cls-in-tokens) needs [1 + n, d]`);
    grid = { h: tokens[0], w: tokens[1] };
    if (opts.grid && (opts.grid.h !== grid.h || opts.grid.w !== grid.w))
      throw usage(`${label}: the arrays give a ${grid.h}×${grid.w} grid, --grid says ${opts.grid.h}×${opts.grid.w}`);
  } else if (tokens.length === 2) {
    const n = tokens[0] - (clsInTokens ? 1 : 0);
    const side = Math.round(Math.sqrt(n));
    grid = opts.grid ?? { h: side, w: side };
    if (grid.h * grid.w !== n) {
      throw usage(
        `${label}: ${n} patches per image${clsInTokens ? ' (after the CLS row)' : ''} ${opts.grid ? `do not fill the --grid ${grid.h}×${grid.w}` : 'is not a square grid'}`,
        opts.grid ? undefined : 'give --grid HxW (rows × columns of patches), or save [N, h, w, d] arrays',
      );
    }
  } else {
    throw usage(`${label}: one image's tokens are ${JSON.stringify(tokens)}; expected [n, d] or [h, w, d]`);
  }
  const n = grid.h * grid.w;
  const dim = tokens[tokens.length - 1];
  if (cls && (cls.length !== 1 || cls[0] !== dim)) throw usage(`${label}: CLS is ${JSON.stringify(cls)}, expected [${dim}]`);
  if (cls && clsInTokens) throw usage(`${label}: there is a cls array and --cls-in-tokens; choose one`);
  let heads = 0;
  if (attention) {
    const ok =
      (attention.length === 1 && attention[0] === n) ||
      (attention.length === 2 && attention[1] === n) ||
      (attention.length === 3 && attention[1] === grid.h && attention[2] === grid.w);
    if (!ok) throw usage(`${label}: attention is ${JSON.stringify(attention)}, expected [heads, ${n}], [heads, ${grid.h}, ${grid.w}] or [${n}]`);
    heads = attention.length === 1 ? 1 : attention[0];
  }
  return { grid, dim, heads, cls: !!cls || clsInTokens, clsInTokens, shapes: { tokens, cls, attention } };
}

async function read(get: () => Promise<{ ref: ArrayRef; row?: number }>, want: number[], what: string): Promise<Float32Array> {
  const { ref, row } = await get();
  const shape = row === undefined ? ref.shape : ref.shape.slice(1);
  if (JSON.stringify(shape) !== JSON.stringify(want)) {
    throw new AcsegError('BAD_INPUT', `${ref.label}: ${what} is ${JSON.stringify(shape)}, the first image's is ${JSON.stringify(want)} (ragged shapes)`, {
      file: ref.label,
    });
  }
  return row === undefined ? ref.all() : ref.rows(row, 1);
}

function checkFinite(x: Float32Array, where: string, what: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new AcsegError('NUMERIC', `${where}: ${what} value ${i} is ${x[i]}`);
  }
}

/** One image's feature map from its arrays, checked: shapes as the first image's, finite values, no all-zero patch. */
export async function readImage(image: PlannedImage, L: ImportLayout, imageSize: { width: number; height: number }): Promise<FeatureMap> {
  const where = `${image.file.file}, image "${image.id}"`;
  let tokens = await read(image.tokens, L.shapes.tokens, 'tokens');
  let cls: Float32Array | undefined;
  if (L.clsInTokens) {
    cls = tokens.slice(0, L.dim);
    tokens = tokens.subarray(L.dim);
  } else if (L.cls) {
    if (!image.cls) throw new AcsegError('BAD_INPUT', `${where}: has no cls array, the first image has one (ragged)`, { file: image.file.file });
    cls = await read(image.cls, L.shapes.cls!, 'cls');
  }
  let attention: FeatureMap['attention'];
  if (L.heads) {
    if (!image.attention) throw new AcsegError('BAD_INPUT', `${where}: has no attention array, the first image has one (ragged)`, { file: image.file.file });
    attention = { heads: L.heads, data: await read(image.attention, L.shapes.attention!, 'attention') };
  }
  const f: FeatureMap = { id: image.id, grid: { ...L.grid }, dim: L.dim, tokens, imageSize, source: where };
  if (cls) f.cls = cls;
  if (attention) f.attention = attention;
  validateFeatureMap(f);
  if (cls) checkFinite(cls, where, 'CLS');
  if (attention) checkFinite(attention.data, where, 'attention');
  return { ...f, source: image.source };
}

/**
 * A backbone over the planned arrays: `extract` takes the plan's sources and yields each image's checked features
 * (or the error naming the image and the file), so `writeFeatureCache` streams, resumes and shards them exactly as it
 * does a model's output.
 */
export function importBackbone(
  plan: ImportPlan,
  L: ImportLayout,
  info: BackboneInfo,
  sizeOf: (image: PlannedImage) => Promise<{ width: number; height: number }>,
): Backbone {
  // The writer asks for the plan's sources in the plan's order (some left out: cached, listed twice), so a cursor
  // finds each without a map of every source; a map is made only for an input out of that order.
  let cursor = 0;
  let bySource: Map<string, PlannedImage> | undefined;
  const find = (source: string): PlannedImage | undefined => {
    for (let at = cursor; at < plan.images.length; at++) {
      if (plan.images[at].source === source) {
        cursor = at + 1;
        return plan.images[at];
      }
    }
    bySource ??= new Map(plan.images.map((im) => [im.source, im]));
    return bySource.get(source);
  };
  return {
    name: info.model,
    info,
    async *extract(inputs: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const input of inputs) {
        const image = typeof input === 'string' ? find(input) : undefined;
        if (!image) throw new AcsegError('BAD_INPUT', `import: ${String(input)} is not one of the imported images`);
        try {
          yield { ok: true, features: await readImage(image, L, await sizeOf(image)) };
        } catch (e) {
          yield { ok: false, id: image.id, source: image.source, error: toAcsegError(e, 'BAD_INPUT', { stage: 'features' }) };
        }
      }
    },
  };
}
