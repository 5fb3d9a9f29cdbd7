import { join, resolve } from 'node:path';
import { writeGallery, writeImageOutputs, type GalleryItem } from '@acseg/report';
import { classMap, regionBoxes, silentLogger, uniqueId, type Logger, type ProgressFactory, type SegmentOutcome, type Segmentation } from '@acseg/core';

export interface RunOutputOptions {
  classNames?: readonly string[];
  backbone: string;
  generator: string;
  classifier?: string;
  progress: ProgressFactory;
  log?: Logger;
  /** Every input file of the run: no output may take one's name (`--out` may be the images folder). */
  inputs?: readonly string[];
}

/** The files `writeImageOutputs` and `writeGallery` name after an image id. */
function outputFiles(out: string, id: string): string[] {
  return [`${id}.png`, `${id}.overlay.png`, `${id}.json`, join('thumbs', `${id}.jpg`)].map((f) => resolve(out, f));
}

/**
 * Picks each image's output id: its file name, numbered (core's `uniqueId`, as the feature cache does) when
 * another image already has it (`street.jpg`, `street.png`) or when an output file would replace an input.
 * Compared without case, as on macOS and Windows file systems.
 */
function outputIds(out: string, inputs: readonly string[]): (id: string) => string {
  const inputFiles = new Set(inputs.map((p) => resolve(p).toLowerCase()));
  const used = new Set<string>();
  return (id) => {
    const chosen = uniqueId(id, (c) => used.has(c.toLowerCase()) || outputFiles(out, c).some((f) => inputFiles.has(f.toLowerCase())));
    used.add(chosen.toLowerCase());
    return chosen;
  };
}

/** Regions' class ids, or (no classifier: `acseg segment`) each region as its own id. */
function labelsOf(seg: Segmentation, classNames?: readonly string[]) {
  const boxes = regionBoxes(seg.regions);
  if (!seg.labels) {
    const map = new Uint8Array(seg.regions.labels.length);
    for (let p = 0; p < map.length; p++) map[p] = Math.min(254, seg.regions.labels[p]);
    const regions = seg.regions.pixelCounts.map((pixels, region) => ({ region, classId: Math.min(254, region), className: `region ${region}`, pixels, bbox: boxes[region], concept: seg.regions.concepts[region] }));
    return { map, regions };
  }
  const regions = seg.labels.map((l) => ({
    region: l.region,
    classId: l.classId,
    className: l.className ?? classNames?.[l.classId] ?? (l.classId === 0 ? 'background' : `class ${l.classId}`),
    score: l.score,
    pixels: seg.regions.pixelCounts[l.region],
    bbox: boxes[l.region],
    concept: seg.regions.concepts[l.region],
  }));
  return { map: classMap(seg), regions };
}

/** Class names as the classifier gave them, for the legend when no list was passed. */
function namesFromItems(items: readonly GalleryItem[]): string[] | undefined {
  const names: string[] = [];
  for (const item of items) for (const c of item.classes ?? []) if (c.className) names[c.classId] = c.className;
  if (!names.length) return undefined;
  return Array.from(names, (n, i) => n ?? `class ${i}`);
}

/**
 * Per image `<id>.png` (class ids, VOC palette), `<id>.overlay.png`,
 * `<id>.json`; then `index.html` listing them and the skipped files.
 * Every file is written atomically; a failure on one image is reported and
 * the others are still written.
 */
export async function writeRunOutputs(out: string, outcomes: readonly SegmentOutcome[], opts: RunOutputOptions): Promise<{ items: GalleryItem[]; skipped: Array<{ source: string; message: string }> }> {
  const items: GalleryItem[] = [];
  const skipped: Array<{ source: string; message: string }> = [];
  const log = opts.log ?? silentLogger;
  const idFor = outputIds(out, opts.inputs ?? outcomes.map((o) => (o.ok ? o.result.source : o.source)));
  const bar = opts.progress.start('write', outcomes.length);
  for (const o of outcomes) {
    if (!o.ok) {
      skipped.push({ source: o.source, message: o.error.message });
    } else {
      const seg = o.result;
      const { map, regions } = labelsOf(seg, opts.classNames);
      const id = idFor(seg.id);
      if (id !== seg.id) log.info(`${seg.source}: outputs named "${id}" ("${seg.id}" is taken by another image or an input file)`);
      try {
        items.push(await writeImageOutputs(out, {
          id, source: seg.source, image: seg.image, classMap: map, width: seg.regions.width, height: seg.regions.height, regions,
          backbone: opts.backbone, generator: opts.generator, classifier: opts.classifier ?? null,
        }));
      } catch (e) {
        skipped.push({ source: seg.source, message: `writing outputs failed: ${(e as Error).message}` });
      }
    }
    bar.update(items.length + skipped.length);
  }
  bar.stop();
  await writeGallery(out, {
    title: 'acseg run',
    classNames: opts.classNames ?? namesFromItems(items),
    items,
    skipped: skipped.map((s) => ({ source: s.source, reason: s.message })),
    notes: [`backbone ${opts.backbone} → generator ${opts.generator}${opts.classifier ? ` → classifier ${opts.classifier}` : ''}`],
  });
  return { items, skipped };
}
