import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError, type ImageInput } from '@acseg/core';
import { decodeImage, previewJpeg, resizeRgb, thumbnailJpeg } from '@acseg/image-io';
import { writeFileAtomic, type WriteOptions } from './atomic.js';
import { itemsOf, type GalleryItems } from './gallery-index.js';
import { esc, href, legend, page } from './html.js';
import { checkMap, encodeLabelPng, writeLabelPng } from './label-png.js';
import { overlaySize, sampleMap, writeOverlay } from './overlay.js';
import { writeSegmentationJson, type RegionRecord } from './segmentation-json.js';

export interface GalleryItem {
  id: string;
  /** The input image file (a thumbnail of it goes to `thumbs/`). */
  source: string;
  /** A browser-ready picture of the input to show instead of a thumbnail of `source`. */
  image?: string;
  /** The colour overlay PNG. */
  overlay: string;
  /** The class-index (VOC palette) PNG. */
  label: string;
  /** The per-image JSON. */
  json?: string;
  /** Classes present in the image, for its caption and the legend. */
  classes?: Array<{ classId: number; className?: string; pixels?: number }>;
}

export interface SkippedFile {
  source: string;
  reason: string;
}

export interface GalleryInput {
  title?: string;
  /** Class names, index = class id. */
  classNames?: readonly string[];
  /** The images, in order: an array, or a record on disk paged through (`indexGalleryLog`), not held whole. */
  items: readonly GalleryItem[] | GalleryItems;
  skipped?: readonly SkippedFile[];
  /** Lines shown under the title (backbone used, generator, ...). */
  notes?: readonly string[];
}

const THUMB = 320;

const isArray = (items: readonly GalleryItem[] | GalleryItems): items is readonly GalleryItem[] => Array.isArray(items);

async function thumbnail(dir: string, item: GalleryItem): Promise<string | undefined> {
  if (item.image) return resolve(item.image);
  const path = join(dir, 'thumbs', `${item.id}.jpg`);
  try {
    await writeFileAtomic(path, await thumbnailJpeg(item.source, THUMB, 80));
    return path;
  } catch {
    return undefined;
  }
}

/** Cards per gallery page: a page of 10 000 images would not load. */
export const GALLERY_PAGE_SIZE = 500;

function pageFile(page: number): string {
  return page === 0 ? 'index.html' : `page-${page + 1}.html`;
}

/**
 * Writes `dir/index.html` (and `page-2.html`, … when there are more than
 * `pageSize` images): per image the input (thumbnail), the overlay and the
 * label map; the class legend; the skipped files with reasons (on the
 * first page). Links are relative, CSS inline, no scripts. Returns the
 * first page's path.
 */
export async function writeGallery(dir: string, input: GalleryInput & { pageSize?: number }): Promise<string> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  // An index of a record on disk pages through it (indexGalleryLog); an array is wrapped.
  const items = isArray(input.items) ? itemsOf(input.items) : input.items;
  const ids = items.classIds.length ? items.classIds : (input.classNames ?? []).map((_, i) => i);
  const skipped = input.skipped ?? [];
  const title = input.title ?? 'acseg segmentation';
  const pageSize = Math.max(1, input.pageSize ?? GALLERY_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(items.count / pageSize));
  for (let pg = 0; pg < pages; pg++) {
    const cards: string[] = [];
    for (const item of await items.slice(pg * pageSize, (pg + 1) * pageSize)) {
      const thumb = await thumbnail(out, item);
      const fig = (src: string | undefined, caption: string, cls: string) =>
        src
          ? `<figure><img class="${cls}" src="${href(out, resolve(src))}" alt="${esc(`${item.id} ${caption}`)}" loading="lazy"><figcaption>${caption}</figcaption></figure>`
          : `<figure><p class="empty">${caption} unavailable</p></figure>`;
      const chips = (item.classes ?? []).map((c) => esc(c.className ?? input.classNames?.[c.classId] ?? `class ${c.classId}`)).join(', ');
      cards.push(`<article class="card" data-id="${esc(item.id)}">
<h3>${esc(item.id)}</h3>
<div class="row">${fig(thumb, 'image', 'thumb')}${fig(item.overlay, 'overlay', 'overlay')}${fig(item.label, 'labels', 'label')}</div>
<p class="chips">${chips || '<span class="empty">no labelled regions</span>'}${item.json ? ` · <a href="${href(out, resolve(item.json))}">JSON</a>` : ''}</p>
</article>`);
    }
    const nav =
      pages > 1
        ? `<nav class="meta" id="pages">page ${pg + 1} of ${pages}: ${Array.from({ length: pages }, (_, q) => (q === pg ? `<b>${q + 1}</b>` : `<a href="${pageFile(q)}">${q + 1}</a>`)).join(' ')}</nav>`
        : '';
    const body = `<header>
<h1>${esc(title)}</h1>
${(input.notes ?? []).map((n) => `<p class="meta">${esc(n)}</p>`).join('\n')}
<p class="meta"><b>${items.count}</b> image${items.count === 1 ? '' : 's'} segmented, <b>${skipped.length}</b> skipped</p>
${nav}
</header>
<main>
<h2>Classes</h2>
${legend(ids, input.classNames)}
<h2>Images</h2>
${cards.length ? `<section class="cards" id="gallery">${cards.join('\n')}</section>` : '<p class="empty" id="gallery">no images were segmented</p>'}
${
  pg === 0
    ? `<h2>Skipped files</h2>
${skipped.length ? `<ul class="skipped" id="skipped">${skipped.map((s) => `<li><code>${esc(s.source)}</code>: ${esc(s.reason)}</li>`).join('')}</ul>` : '<p class="empty" id="skipped">none</p>'}`
    : ''
}
</main>`;
    await writeFileAtomic(join(out, pageFile(pg)), page(pages > 1 ? `${title} (${pg + 1}/${pages})` : title, body));
  }
  return join(out, 'index.html');
}

export interface ImageOutputsInput {
  id: string;
  source: string;
  image: ImageInput;
  /** Class id per pixel at the image's size (255 = unlabelled). */
  classMap: Uint8Array;
  /** Region index per pixel (255 = none), written as `<id>.regions.png` for `acseg explore`. */
  regionMap?: Uint8Array;
  width: number;
  height: number;
  regions: RegionRecord[];
  alpha?: number;
  [extra: string]: unknown;
}

export interface ImageOutputsOptions extends WriteOptions {
  /**
   * Longest side of the overlay PNG in pixels (default OVERLAY_MAX_SIDE): a larger image gets an overlay that fits,
   * its label and region maps stay at full size. 0: always the image's size.
   */
  overlayMaxSide?: number;
}

/**
 * The per-image outputs of `acseg run`: `<id>.png` (class-index PNG, VOC
 * palette), `<id>.overlay.png`, `<id>.json`, and with a region map
 * `<id>.regions.png` (region indices, what `acseg explore` reads); returns the gallery item.
 * Each file is written atomically; flushed to disk only with `flush: true` (see WriteOptions: a run's outputs can
 * be made again, and five flushes an image cost more than most of their work).
 */
export async function writeImageOutputs(dir: string, seg: ImageOutputsInput, options: ImageOutputsOptions = {}): Promise<GalleryItem> {
  const write = { flush: options.flush ?? false };
  const out = resolve(dir);
  const label = join(out, `${seg.id}.png`);
  const overlay = join(out, `${seg.id}.overlay.png`);
  const json = join(out, `${seg.id}.json`);
  // The input itself may sit in the output folder: never write over it (callers number the id instead).
  if (typeof seg.source === 'string' && [label, overlay, json, join(out, `${seg.id}.regions.png`)].includes(resolve(seg.source))) {
    throw new AcsegError('BAD_INPUT', `${seg.source}: an output named "${seg.id}" would overwrite this input image`, {
      file: seg.source,
      hint: 'give another output folder or id',
    });
  }
  checkMap(label, seg.classMap, seg.width, seg.height);
  // Decoded once here for both the overlay and the thumbnail. The thumbnail is started first, on sharp's threads, and
  // made while this thread encodes the PNGs: started last, this thread waited for it (behind the next images' decodes
  // on libuv's queue) with nothing else to do for the image.
  const rgb = await decodeImage(seg.image);
  // A small JPEG input is shown as it is (its bytes came with its pixels); others get a 320 px thumbnail.
  const thumbnail = previewJpeg(rgb, THUMB, 80);
  thumbnail.catch(() => undefined); // awaited below; a failure is reported there, not as unhandled meanwhile
  const labelPng = encodeLabelPng(seg.classMap, seg.width, seg.height);
  await writeFileAtomic(label, labelPng, write);
  const regionsFile = seg.regionMap ? `${seg.id}.regions.png` : undefined;
  if (seg.regionMap && regionsFile) {
    // Without a classifier (segment) the class map is the region map whenever there are under 255 regions: one encoding serves both.
    const same =
      seg.regionMap.length === seg.classMap.length &&
      Buffer.from(seg.regionMap.buffer, seg.regionMap.byteOffset, seg.regionMap.length).equals(
        Buffer.from(seg.classMap.buffer, seg.classMap.byteOffset, seg.classMap.length),
      );
    if (same) await writeFileAtomic(join(out, regionsFile), labelPng, write);
    else await writeLabelPng(join(out, regionsFile), seg.regionMap, seg.width, seg.height, write);
  }
  // A photo's overlay at its full size is tens of MB and most of its output work: it is drawn at a size that fits
  // (the image resized, the class map sampled), the label and region maps above keep every pixel.
  const shown = overlaySize(seg.width, seg.height, options.overlayMaxSide);
  if (shown.width === seg.width && shown.height === seg.height) await writeOverlay(overlay, rgb, seg.classMap, seg.alpha ?? 0.5, write);
  else {
    const small = rgb.width === shown.width && rgb.height === shown.height ? rgb : await resizeRgb(rgb, shown.width, shown.height, 'lanczos3');
    await writeOverlay(overlay, small, sampleMap(seg.classMap, seg.width, seg.height, shown.width, shown.height), seg.alpha ?? 0.5, write);
  }
  const { image: _image, classMap: _map, regionMap: _regions, alpha: _alpha, ...rest } = seg;
  await writeSegmentationJson(
    json,
    {
      ...rest,
      files: { label: `${seg.id}.png`, overlay: `${seg.id}.overlay.png`, ...(regionsFile ? { regions: regionsFile } : {}) },
    },
    write,
  );
  const classes = new Map<number, { classId: number; className?: string; pixels: number }>();
  for (const r of seg.regions) {
    const c = classes.get(r.classId) ?? { classId: r.classId, className: r.className, pixels: 0 };
    c.pixels += r.pixels;
    classes.set(r.classId, c);
  }
  const image = join(out, 'thumbs', `${seg.id}.jpg`);
  await writeFileAtomic(image, await thumbnail, write);
  return { id: seg.id, source: seg.source, image, overlay, label, json, classes: [...classes.values()].sort((a, b) => a.classId - b.classId) };
}
