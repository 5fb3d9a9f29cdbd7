import { join } from 'node:path';
import { refuseOverwrite } from '@acseg/core';
import { GALLERY_LOG, GALLERY_PAGE_SIZE, GalleryLog, writeGallery, type GalleryLogIndex } from '@acseg/report';
import type { Part } from './shard-part.js';
import { unfinishedPart } from './part-read.js';

/**
 * Joins the galleries of `segment`/`run` shards: one `gallery.jsonl` and
 * one `index.html` in `out` listing every part's images in shard order (the
 * sorted order of the whole list), their files left where the shards wrote
 * them (links are relative). Every part must be finished first; nothing is
 * written otherwise. Memory: an index of the records (tens of bytes an image), not the records.
 */
export async function mergeGalleries(parts: readonly Part[], out: string): Promise<{ items: number; skipped: number; index: string }> {
  const target = join(out, GALLERY_LOG);
  await refuseOverwrite(out, GALLERY_LOG, 'a merged gallery', `delete ${target} and index.html to merge again`);
  const indexes: GalleryLogIndex[] = [];
  for (const p of parts) {
    // A part's images by input path: the merged gallery follows the shards' (sorted) input order.
    const got = await (await GalleryLog.open(p.dir)).index('source');
    const done = got.count + got.skipped.length;
    if (done < p.record.images)
      throw unfinishedPart(p, `${done} of its ${p.record.images} images`, 'run that shard again (it keeps what it finished), then merge');
    indexes.push(got);
  }
  const log = await GalleryLog.open(out, { fresh: true });
  // Page by page, so that no part's records are held whole.
  for (const got of indexes) {
    for (let from = 0; from < got.count; from += GALLERY_PAGE_SIZE) for (const item of await got.slice(from, from + GALLERY_PAGE_SIZE)) await log.add(item);
  }
  const skipped = indexes.flatMap((got) => got.skipped);
  for (const s of skipped) await log.skip(s);
  const merged = await log.index('file');
  const s = parts[0].record.settings;
  const index = await writeGallery(out, {
    title: 'acseg run',
    classNames: Array.isArray(s.classes) ? (s.classes as string[]) : merged.classNames,
    items: merged,
    skipped,
    notes: [
      `backbone ${String((s.backbone as { name?: string } | undefined)?.name)} → generator ${String(s.generator)}${s.classifier ? ` → classifier ${String(s.classifier)}` : ''}; merged from ${parts.length} shards`,
    ],
  });
  return { items: merged.count, skipped: skipped.length, index };
}
