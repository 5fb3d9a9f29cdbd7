import { join } from 'node:path';
import { refuseOverwrite } from '@acseg/core';
import { GALLERY_LOG, GalleryLog, writeGallery, type GalleryItem, type SkippedFile } from '@acseg/report';
import { namesFromItems } from './outputs.js';
import type { Part } from './shard-part.js';
import { unfinishedPart } from './part-read.js';

/**
 * Joins the galleries of `segment`/`run` shards: one `gallery.jsonl` and
 * one `index.html` in `out` listing every part's images in shard order (the
 * sorted order of the whole list), their files left where the shards wrote
 * them (links are relative). Every part must be finished first; nothing is
 * written otherwise. Memory: the records (not the images).
 */
export async function mergeGalleries(parts: readonly Part[], out: string): Promise<{ items: number; skipped: number; index: string }> {
  const target = join(out, GALLERY_LOG);
  await refuseOverwrite(out, GALLERY_LOG, 'a merged gallery', `delete ${target} and index.html to merge again`);
  const items: GalleryItem[] = [];
  const skipped: SkippedFile[] = [];
  for (const p of parts) {
    const got = await (await GalleryLog.open(p.dir)).read();
    const done = got.items.length + got.skipped.length;
    if (done < p.record.images)
      throw unfinishedPart(p, `${done} of its ${p.record.images} images`, 'run that shard again (it keeps what it finished), then merge');
    // A part's log is sorted by id; the merged gallery follows the shards' (sorted) input order.
    items.push(...got.items.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)));
    skipped.push(...got.skipped);
  }
  const log = await GalleryLog.open(out, { fresh: true });
  for (const item of items) await log.add(item);
  for (const s of skipped) await log.skip(s);
  const s = parts[0].record.settings;
  const index = await writeGallery(out, {
    title: 'acseg run',
    classNames: Array.isArray(s.classes) ? (s.classes as string[]) : namesFromItems(items),
    items,
    skipped,
    notes: [
      `backbone ${String((s.backbone as { name?: string } | undefined)?.name)} → generator ${String(s.generator)}${s.classifier ? ` → classifier ${String(s.classifier)}` : ''}; merged from ${parts.length} shards`,
    ],
  });
  return { items: items.length, skipped: skipped.length, index };
}
