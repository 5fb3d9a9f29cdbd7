import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';
import { GALLERY_LOG, GalleryLog, type GalleryItem } from '@acseg/report';

/** One segmented image of a run, as the explorer finds it on disk. */
export interface RunImage {
  id: string;
  source: string;
  /** Browser-ready picture of the input (the run's thumbnail). */
  thumb?: string;
  json: string;
  label?: string;
}

/** What `<id>.json` holds that the explorer uses (older versions lack some fields). */
export interface ImageJson {
  width: number;
  height: number;
  classifier?: string | null;
  regions: Array<{ region: number; classId: number; className?: string; pixels: number; bbox: number[]; concept?: number }>;
  files?: { label?: string; overlay?: string; regions?: string };
}

/**
 * The images of a run folder: from `gallery.jsonl` (what run/segment
 * write), or, for a folder written before that record existed, from the
 * per-image `<id>.json` files. Neither: not an acseg output folder.
 */
export async function listRun(out: string): Promise<{ images: RunImage[]; skipped: Array<{ source: string; reason: string }>; fromRecord: boolean }> {
  const dir = resolve(out);
  if (!existsSync(dir)) throw new AcsegError('BAD_INPUT', `${dir}: no such folder`, { file: dir, hint: 'give the --out folder of acseg run or segment' });
  if (existsSync(join(dir, GALLERY_LOG))) {
    const { items, skipped } = await (await GalleryLog.open(dir)).read();
    return { images: items.map((item) => fromItem(dir, item)), skipped, fromRecord: true };
  }
  const images: RunImage[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const json = join(dir, name);
    const record = await readFile(json, 'utf8').then(
      (t) => JSON.parse(t) as Partial<ImageJson> & { id?: string; source?: string },
      () => undefined,
    );
    if (!record || typeof record.id !== 'string' || !Array.isArray(record.regions)) continue;
    const thumb = join(dir, 'thumbs', `${record.id}.jpg`);
    images.push({
      id: record.id,
      source: String(record.source ?? ''),
      json,
      label: join(dir, `${record.id}.png`),
      thumb: existsSync(thumb) ? thumb : undefined,
    });
  }
  if (!images.length) {
    throw new AcsegError(
      'BAD_INPUT',
      `${dir}: neither ${GALLERY_LOG} nor per-image JSON files of acseg; this is not an output folder of acseg run or segment`,
      { file: dir, hint: 'give the --out folder of acseg run or segment' },
    );
  }
  return { images, skipped: [], fromRecord: false };
}

function fromItem(dir: string, item: GalleryItem): RunImage {
  return { id: item.id, source: item.source, thumb: item.image, json: item.json ?? join(dir, `${item.id}.json`), label: item.label };
}

/** The per-image JSON, or the reason it cannot be used. */
export async function readImageJson(path: string): Promise<ImageJson | string> {
  let record: Partial<ImageJson>;
  try {
    record = JSON.parse(await readFile(path, 'utf8')) as Partial<ImageJson>;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${path} is missing` : `${path} is not readable JSON`;
  }
  if (!Number.isInteger(record.width) || !Number.isInteger(record.height) || !Array.isArray(record.regions)) {
    return `${path} lacks width, height or regions (written by another acseg version?)`;
  }
  return record as ImageJson;
}
