import { resolve } from 'node:path';
import { AcsegError, silentLogger, type BackboneInfo, type Logger, type ProgressFactory } from '@acseg/core';
import { writeFeatureCache, type WriteFeatureCacheResult } from '../write.js';
import { openArrayFile, type ArrayFile } from './arrays.js';
import { importBackbone, layoutOf, type ImportLayout } from './layout.js';
import { planImport } from './plan.js';

export interface ImportFeaturesOptions {
  /** .npy, .npz and .safetensors files, read in this order. */
  files: readonly string[];
  /** The cache folder (created if missing; an earlier import into it is resumed). */
  out: string;
  /** Image ids of stacked arrays that carry none, one per row, in file order. */
  ids?: readonly string[];
  /** Patch grid for [n, d] tokens whose n is not a square (or to check [h, w, d] ones). */
  grid?: { h: number; w: number };
  /** Backbone patch size in pixels; else the files' `patch_size`. Required from one or the other. */
  patchSize?: number;
  /** A separate stacked CLS array [N, d] (.npy, or an .npz/.safetensors whose `cls` or only array it is), for one stacked features file. */
  clsFile?: string;
  /** A separate stacked attention array [N, heads, n], [N, heads, h, w] or [N, n], likewise. */
  attentionFile?: string;
  /** Token arrays are the ViT output as is, [1 + n, d], CLS first. */
  clsInTokens?: boolean;
  /** Name recorded as the cache's model (default "imported"); a resumed import must give the same. */
  model?: string;
  /** Original image size of every image (default: grid × patch size). */
  imageSize?: { width: number; height: number };
  /** The image file of an id (its path becomes the cache's source, its size the image size); undefined: none. */
  imageFor?: (id: string) => string | undefined;
  /** Size of an image file (after EXIF rotation); needed with `imageFor`. */
  sizeOf?: (path: string) => Promise<{ width: number; height: number }>;
  shardSize?: number;
  flushSeconds?: number;
  progress?: ProgressFactory;
  log?: Logger;
  signal?: AbortSignal;
}

export interface ImportFeaturesResult extends WriteFeatureCacheResult {
  layout: ImportLayout;
  info: BackboneInfo;
}

/**
 * Arrays made elsewhere (PyTorch, JAX, ...) into a feature cache: the files' headers are read and the layout
 * checked first, then the images stream through `writeFeatureCache` one row at a time (read by offset, never a whole
 * stacked array), each checked on the way in; an image that fails (ragged shape, NaN/Inf, an all-zero patch) is
 * recorded as skipped with its file and id, and the others go on. Resumable like `writeFeatureCache`.
 */
export async function importFeatures(opts: ImportFeaturesOptions): Promise<ImportFeaturesResult> {
  const log = opts.log ?? silentLogger;
  if (opts.files.length === 0) throw new AcsegError('BAD_CONFIG', 'import: no input files given');
  const files: ArrayFile[] = [];
  const extraFiles: ArrayFile[] = [];
  try {
    for (const f of opts.files) files.push(await openArrayFile(f));
    const extra: { cls?: ArrayFile; attention?: ArrayFile } = {};
    for (const [name, path] of [
      ['cls', opts.clsFile],
      ['attention', opts.attentionFile],
    ] as const) {
      if (path) {
        const f = await openArrayFile(path);
        extraFiles.push(f);
        extra[name] = f;
      }
    }
    const sourceFor = (file: string, id: string) => opts.imageFor?.(id) ?? `${resolve(file)}/${id}`;
    const plan = await planImport(files, opts.ids, sourceFor, extra);
    const label = opts.files.length === 1 ? opts.files[0] : `${opts.files[0]} (and ${opts.files.length - 1} more)`;
    const layout = layoutOf(plan, label, { grid: opts.grid, clsInTokens: opts.clsInTokens });
    if (opts.patchSize !== undefined && plan.patchSize !== undefined && opts.patchSize !== plan.patchSize) {
      throw new AcsegError('BAD_CONFIG', `--patch-size ${opts.patchSize} differs from the files' patch_size ${plan.patchSize}`);
    }
    const patchSize = opts.patchSize ?? plan.patchSize;
    if (patchSize === undefined || !(Number.isInteger(patchSize) && patchSize > 0)) {
      throw new AcsegError(
        'BAD_CONFIG',
        `${label}: the patch size is not given (${patchSize === undefined ? 'no patch_size in the files' : `got ${patchSize}`})`,
        { hint: 'give --patch-size (16 for DINO ViT-S/16, 8 for ViT-S/8, 14 for DINOv2)' },
      );
    }
    const { grid } = layout;
    const info: BackboneInfo = {
      model: opts.model ?? 'imported',
      patchSize,
      inputSize: Math.max(grid.h, grid.w) * patchSize,
      dim: layout.dim,
      heads: layout.heads || undefined,
      hasAttention: layout.heads > 0,
    };
    const fixed = opts.imageSize ?? { width: grid.w * patchSize, height: grid.h * patchSize };
    if (!opts.imageFor && !opts.imageSize)
      log.info(`image size not given: each image is taken as ${fixed.width}×${fixed.height} (grid × patch size); segmentations come out at that size`);
    log.info(
      `importing ${plan.images.length} images: grid ${grid.h}×${grid.w}, dim ${layout.dim}, ${layout.cls ? 'with' : 'no'} CLS, ${layout.heads ? `${layout.heads} attention heads` : 'no attention'}, patch ${patchSize}`,
    );
    const sizeOf = async (image: { id: string; source: string }) => {
      if (!opts.imageFor) return fixed;
      const path = opts.imageFor(image.id);
      if (!path) throw new AcsegError('BAD_INPUT', `no image file for id "${image.id}"`, { hint: 'the images folder must hold <id>.<ext> for every id' });
      return opts.sizeOf ? opts.sizeOf(path) : fixed;
    };
    const backbone = importBackbone(plan, layout, info, sizeOf);
    const r = await writeFeatureCache({
      backbone,
      images: plan.images.map((im) => im.source),
      out: opts.out,
      shardSize: opts.shardSize,
      flushSeconds: opts.flushSeconds,
      progress: opts.progress,
      log,
      signal: opts.signal,
    });
    return { ...r, layout, info };
  } finally {
    await Promise.all([...files, ...extraFiles].map((f) => f.close()));
  }
}
