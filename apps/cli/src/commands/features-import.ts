import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { AcsegError, imageId } from '@acseg/core';
import { importFeatures } from '@acseg/feature-cache';
import { readImageSize } from '@acseg/image-io';
import { checkOutDir } from '../check-out.js';
import { interruptSignal } from '../components.js';
import { EXIT } from '../exit.js';
import { listImages } from '../images.js';
import { Session, type GlobalArgs } from '../session.js';
import type { SetStatus } from './index.js';
import { requireOptions } from './required.js';
import { cacheWriterOptions, cacheWriterSettings } from '../cache-writer.js';
import { printSummary } from '../summary.js';

const ARRAY_EXTENSIONS = new Set(['.npy', '.npz', '.safetensors']);

type ImportArgs = GlobalArgs & {
  files: string[];
  out?: string;
  ids?: string;
  cls?: string;
  attention?: string;
  grid?: string;
  patchSize?: number;
  clsInTokens?: boolean;
  model?: string;
  imageSize?: string;
  images?: string;
  shardSize: number;
  flushSeconds: number;
};

/** "HxW" / "WxH" as two positive integers. */
function pair(flag: string, v: string, names: [string, string]): [number, number] {
  const m = /^\s*(\d+)\s*[x×,]\s*(\d+)\s*$/i.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new AcsegError('BAD_CONFIG', `${flag} ${v}: give ${names[0]}x${names[1]}, e.g. ${flag === '--grid' ? '14x14' : '640x480'}`);
  return [Number(m[1]), Number(m[2])];
}

/** The array files: each file given, and the .npy/.npz/.safetensors files of each folder given (sorted). */
function arrayFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new AcsegError('BAD_INPUT', `${p} does not exist`, { file: p });
    }
    if (!st.isDirectory()) {
      out.push(p);
      continue;
    }
    const found = readdirSync(p)
      .filter((f) => ARRAY_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(p, f));
    if (!found.length) throw new AcsegError('BAD_INPUT', `${p} holds no .npy, .npz or .safetensors file`, { file: p });
    out.push(...found);
  }
  return out;
}

function readIds(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `--ids ${file}: cannot read (${(e as Error).message})`, { file });
  }
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function featuresImportCommand(setStatus: SetStatus): CommandModule {
  return {
    command: 'import <files..>',
    describe: 'turn features computed elsewhere (.npy, .npz, safetensors) into a feature cache (streamed, checked, resumable)',
    builder: (a: Argv) =>
      cacheWriterOptions(
        a
          .positional('files', { type: 'string', array: true, describe: '.npy / .npz / .safetensors files, or folders of them' })
          .option('out', { type: 'string', describe: 'feature cache folder (required)' })
          .option('ids', { type: 'string', describe: 'text file of image ids, one per line, for stacked arrays without ids of their own' })
          .option('grid', { type: 'string', describe: 'patch grid HxW for [N, n, d] arrays whose n is not a square' })
          .option('patch-size', { type: 'number', describe: "backbone patch size in pixels (16 for DINO ViT-S/16); else the files' patch_size" })
          .option('cls', { type: 'string', describe: 'a stacked CLS array [N, d] in its own file (.npy), for one stacked features file' })
          .option('attention', { type: 'string', describe: 'a stacked attention array [N, heads, n] or [N, heads, h, w] in its own file (.npy)' })
          .option('cls-in-tokens', { type: 'boolean', describe: 'the token arrays are [.., 1 + n, d] with the CLS token first' })
          .option('model', { type: 'string', default: 'imported', describe: "name recorded as the cache's model (a resumed import must give the same)" })
          .option('images', {
            type: 'string',
            describe: "folder of the images: <id>.<ext> gives each image's size and is recorded as its source (overlays, region embeddings later)",
          })
          .option('image-size', { type: 'string', describe: 'WxH of every original image (default: grid × patch size)' }),
        'write finished images at least this often',
      ),
    handler: async (args) => {
      const argv = args as unknown as ImportArgs;
      const session = await Session.open(argv);
      requireOptions('features import', argv, ['out']);
      const out = checkOutDir(argv.out!);
      const files = arrayFiles(argv.files);
      const grid = argv.grid ? pair('--grid', argv.grid, ['H', 'W']) : undefined;
      const size = argv.imageSize ? pair('--image-size', argv.imageSize, ['W', 'H']) : undefined;
      const byId = new Map<string, string>();
      if (argv.images)
        for (const p of listImages(argv.images, { note: (m) => session.log.info(m) })) if (!byId.has(imageId(p))) byId.set(imageId(p), resolve(p));
      const interrupt = interruptSignal(session);
      try {
        const r = await importFeatures({
          files,
          out,
          ids: argv.ids ? readIds(argv.ids) : undefined,
          grid: grid && { h: grid[0], w: grid[1] },
          patchSize: argv.patchSize,
          clsInTokens: argv.clsInTokens,
          clsFile: argv.cls,
          attentionFile: argv.attention,
          model: argv.model,
          imageSize: size && { width: size[0], height: size[1] },
          imageFor: argv.images ? (id) => byId.get(id) : undefined,
          sizeOf: (path) => readImageSize(path),
          ...cacheWriterSettings(argv, session, interrupt.signal),
        });
        printSummary(
          `feature cache ${out}: ${r.total} images (${r.written} imported now, ${r.resumed} already there, ${r.skipped.length} skipped); grid ${r.layout.grid.h}×${r.layout.grid.w}, dim ${r.layout.dim}, patch ${r.info.patchSize}`,
          r.skipped,
        );
        if (r.skipped.length) setStatus(EXIT.failure);
      } finally {
        interrupt.dispose();
      }
    },
  };
}
