import { basename } from 'node:path';
import { AcsegError } from '@acseg/core';
import type { ArrayFile, ArrayRef } from './arrays.js';

/** Names in a file that are not images: the stacked layout's arrays and the metadata import reads. */
const RESERVED = new Set(['tokens', 'features', 'cls', 'attention', 'ids', 'patch_size']);
const STACKED = ['tokens', 'features'];

/** Where one image's arrays are: a row of stacked arrays, or arrays of its own. */
export interface PlannedImage {
  readonly id: string;
  /** The cache's `source` for it: the image file when one is paired, else `<input file>/<id>`. */
  readonly source: string;
  readonly file: ArrayFile;
  readonly tokens: () => Promise<{ ref: ArrayRef; row?: number }>;
  readonly cls?: () => Promise<{ ref: ArrayRef; row?: number }>;
  readonly attention?: () => Promise<{ ref: ArrayRef; row?: number }>;
}

/** The arrays a stacked file's images share. */
interface Stack {
  file: ArrayFile;
  tokens: ArrayRef;
  cls?: ArrayRef;
  attention?: ArrayRef;
}

/**
 * One row of a stacked file: its id, source and row number only (the getters make the readers when asked), so that a
 * plan of 100 000 images holds no closures per image.
 */
class StackedImage implements PlannedImage {
  constructor(
    readonly id: string,
    readonly source: string,
    private readonly stack: Stack,
    private readonly row: number,
  ) {}

  get file(): ArrayFile {
    return this.stack.file;
  }

  get tokens(): () => Promise<{ ref: ArrayRef; row?: number }> {
    return async () => ({ ref: this.stack.tokens, row: this.row });
  }

  get cls(): (() => Promise<{ ref: ArrayRef; row?: number }>) | undefined {
    const ref = this.stack.cls;
    return ref && (async () => ({ ref, row: this.row }));
  }

  get attention(): (() => Promise<{ ref: ArrayRef; row?: number }>) | undefined {
    const ref = this.stack.attention;
    return ref && (async () => ({ ref, row: this.row }));
  }
}

export interface ImportPlan {
  images: PlannedImage[];
  /** `patch_size` found in a file (npz member or safetensors metadata), if any. */
  patchSize?: number;
  /** Per-image shapes of the first image: what every image must match. */
  first: { tokens: number[]; cls?: number[]; attention?: number[] };
}

function bad(file: string, problem: string, hint?: string): AcsegError {
  return new AcsegError('BAD_INPUT', `${file}: ${problem}`, { file, hint });
}

/**
 * Lays out the images of the input files in order. A file is stacked when it is an .npy, or holds a `tokens` (or
 * `features`) array: its first axis is the image, ids from the file (`ids`) or else from `ids` given (consumed in
 * order across stacked files). Otherwise (.npz, .safetensors) each array is one image named by its key, with
 * optional `cls/<id>` and `attention/<id>` arrays. Only headers are read here.
 */
export async function planImport(
  files: readonly ArrayFile[],
  ids: readonly string[] | undefined,
  sourceFor: (file: string, id: string) => string,
  extra: { cls?: ArrayFile; attention?: ArrayFile } = {},
): Promise<ImportPlan> {
  if ((extra.cls || extra.attention) && files.length !== 1) {
    throw new AcsegError('BAD_CONFIG', `separate CLS or attention files go with one stacked features file, not ${files.length}`, {
      hint: 'import the files one at a time, or store cls/attention inside each .npz',
    });
  }
  const images: PlannedImage[] = [];
  let cursor = 0;
  let patchSize: number | undefined;
  let first: ImportPlan['first'] | undefined;
  for (const f of files) {
    const p = await f.integer('patch_size');
    if (p !== undefined) {
      if (patchSize !== undefined && p !== patchSize) throw bad(f.file, `patch_size ${p} differs from ${patchSize} in an earlier file`);
      patchSize = p;
    }
    const stackName = f.names.length === 1 && f.names[0] === '' ? '' : STACKED.find((n) => f.names.includes(n));
    if (stackName === undefined && (extra.cls || extra.attention))
      throw bad(f.file, 'holds one array per image; separate CLS or attention files go with stacked features');
    if (stackName !== undefined) {
      const tokens = await f.get(stackName);
      if (tokens.shape.length !== 3 && tokens.shape.length !== 4) {
        throw bad(tokens.label, `is ${JSON.stringify(tokens.shape)}; stacked features must be [N, n, d] or [N, h, w, d]`);
      }
      const N = tokens.shape[0];
      const own = async (name: 'cls' | 'attention') => {
        const other = extra[name];
        if (other && f.names.includes(name)) throw bad(f.file, `holds a "${name}" array and a separate ${name} file was given; choose one`);
        if (other) return other.get(other.names.includes(name) ? name : other.names[0]);
        return f.names.includes(name) ? f.get(name) : undefined;
      };
      const cls = await own('cls');
      const attention = await own('attention');
      for (const ref of [cls, attention]) {
        if (ref && ref.shape[0] !== N) throw bad(ref.label, `holds ${ref.shape[0]} rows, the features ${N} images`);
      }
      let fileIds = await f.strings('ids');
      if (fileIds && fileIds.length !== N) throw bad(f.file, `lists ${fileIds.length} ids for ${N} images`);
      if (!fileIds && ids) {
        fileIds = ids.slice(cursor, cursor + N);
        cursor += N;
      }
      const stem = basename(f.file).replace(/\.[^.]*$/, '');
      first ??= { tokens: tokens.shape.slice(1), cls: cls?.shape.slice(1), attention: attention?.shape.slice(1) };
      const stack: Stack = { file: f, tokens, cls, attention };
      for (let i = 0; i < N; i++) {
        const id = fileIds?.[i] ?? `${stem}-${String(i).padStart(6, '0')}`;
        images.push(new StackedImage(id, sourceFor(f.file, id), stack, i));
      }
      continue;
    }
    const names = new Set(f.names);
    for (const id of f.names) {
      if (RESERVED.has(id) || id.includes('/')) continue;
      const own = (name: string) => (names.has(name) ? async () => ({ ref: await f.get(name) }) : undefined);
      const image: PlannedImage = { id, source: sourceFor(f.file, id), file: f, tokens: own(id)!, cls: own(`cls/${id}`), attention: own(`attention/${id}`) };
      if (!first) {
        const shapeOf = async (g?: () => Promise<{ ref: ArrayRef }>) => (g ? (await g()).ref.shape : undefined);
        first = { tokens: (await shapeOf(image.tokens)) as number[], cls: await shapeOf(image.cls), attention: await shapeOf(image.attention) };
      }
      images.push(image);
    }
  }
  if (ids && cursor !== ids.length) {
    throw new AcsegError('BAD_INPUT', `the ids list holds ${ids.length} ids but the stacked arrays without ids of their own hold ${cursor} images`, {
      hint: 'one id per line, in the order of the rows',
    });
  }
  if (!first || images.length === 0) throw bad(files.map((f) => f.file).join(', '), 'holds no image features');
  return { images, patchSize, first };
}
