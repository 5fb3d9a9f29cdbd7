import { join } from 'node:path';
import { AcsegError } from '@acseg/core';
import { svgToPng } from '@acseg/image-io';
import { writeFileAtomic } from '@acseg/report';
import { ExploreData, escXml, mapPng } from './figure-parts.js';
import { conceptColor } from './page-helpers.js';
import type { PageImage } from './format.js';

export interface FigureOptions {
  /** The explore/ folder `buildExplorer` wrote. */
  dir: string;
  /** Image of Figure 4 and query of Figure 6 (default: the first image with a concept map). */
  image?: string;
  /** Rows of Figure 5 (default 4: the first images by id). */
  rows?: number;
  /** Neighbours in Figure 6 (default 5, as the paper). */
  k?: number;
}

export interface FiguresResult {
  files: string[];
  /** Figures that could not be drawn, and why. */
  skipped: string[];
}

const CELL = 200;
const FONT = 'font-family="sans-serif" font-size="13"';

/** An image with a map drawn over it, fitted into a box at (x, y). */
function picture(x: number, y: number, rec: PageImage, base: string | undefined, over: string | undefined, box = CELL): string {
  const s = Math.min(box / Math.max(1, rec.width), box / Math.max(1, rec.height));
  const w = rec.width * s;
  const h = rec.height * s;
  const at = `x="${x + (box - w) / 2}" y="${y + (box - h) / 2}" width="${w}" height="${h}" preserveAspectRatio="none"`;
  return `${base ? `<image ${at} href="${base}"/>` : ''}${over ? `<image ${at} href="${over}" style="image-rendering:pixelated"/>` : ''}`;
}

/** A crop around a region's box: a nested svg whose viewBox is the box, so everything outside is cut off. */
function crop(x: number, y: number, rec: PageImage, base: string | undefined, region: number, size: number): string {
  const b = rec.regions.find((r) => r.r === region)?.bbox ?? [0, 0, rec.width, rec.height];
  const side = Math.max(b[2] - b[0], b[3] - b[1], 1);
  const cx = (b[0] + b[2]) / 2;
  const cy = (b[1] + b[3]) / 2;
  const full = `x="0" y="0" width="${rec.width}" height="${rec.height}" preserveAspectRatio="none"`;
  return `<svg x="${x}" y="${y}" width="${size}" height="${size}" viewBox="${cx - side / 2} ${cy - side / 2} ${side} ${side}"><rect x="-1e4" y="-1e4" width="2e4" height="2e4" fill="#ddd"/>${base ? `<image ${full} href="${base}"/>` : ''}${rec.regionsRle ? `<image ${full} href="${mapPng(rec, rec.regionsRle, region)}" style="image-rendering:pixelated"/>` : ''}</svg>`;
}

const svgDoc = (w: number, h: number, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="100%" height="100%" fill="#fff"/>${body}</svg>\n`;

async function fig4(data: ExploreData, i: number): Promise<string> {
  const rec = await data.image(i);
  const base = await data.thumbUri(rec);
  const m = rec.map!;
  const dots = m.x
    .map(
      (x, p) =>
        `<circle cx="${CELL + 40 + 10 + x * (CELL - 20)}" cy="${30 + 10 + (1 - m.y[p]) * (CELL - 20)}" r="3" fill="${m.r[p] < 0 ? '#999' : conceptColor(m.r[p])}"/>`,
    )
    .join('');
  const hist = data.index.histogram;
  const max = Math.max(1, ...hist);
  const bw = Math.min(30, (2 * CELL + 40) / Math.max(1, hist.length));
  const current = data.index.images[i][1];
  const bars = hist
    .map((c, n) => {
      const h = (c / max) * 80;
      return `<rect x="${n * bw + 2}" y="${CELL + 150 - h}" width="${bw - 4}" height="${h}" fill="${n === current ? '#000' : '#9ab'}"/><text x="${n * bw + bw / 2}" y="${CELL + 165}" text-anchor="middle" ${FONT}>${n}</text>`;
    })
    .join('');
  const body = `<text x="0" y="18" ${FONT}>${escXml(rec.id)}: regions and patch features (UMAP, seed ${data.index.seed}) by concept</text>
${picture(0, 30, rec, base, rec.regionsRle ? mapPng(rec, rec.regionsRle, 'overlay') : undefined)}
<rect x="${CELL + 40}" y="30" width="${CELL}" height="${CELL}" fill="none" stroke="#ccc"/>${dots}
<text x="0" y="${CELL + 58}" ${FONT}>concepts per image (${data.index.images.length} images; this one in black)</text>${bars}`;
  return svgDoc(2 * CELL + 40, CELL + 175, body);
}

async function fig5(data: ExploreData, rows: number): Promise<string> {
  const n = Math.min(rows, data.index.images.length);
  const heads = ['image', 'concepts', 'classes', 'ground truth']
    .map((t, c) => `<text x="${c * (CELL + 10) + CELL / 2}" y="18" text-anchor="middle" ${FONT}>${t}</text>`)
    .join('');
  const parts: string[] = [heads];
  for (let i = 0; i < n; i++) {
    const rec = await data.image(i);
    const y = 28 + i * (CELL + 10);
    const base = await data.thumbUri(rec);
    const none = (c: number, t: string) => `<text x="${c * (CELL + 10) + CELL / 2}" y="${y + CELL / 2}" text-anchor="middle" ${FONT} fill="#a33">${t}</text>`;
    parts.push(picture(0, y, rec, base, undefined));
    parts.push(rec.regionsRle ? picture(CELL + 10, y, rec, undefined, mapPng(rec, rec.regionsRle, 'concepts')) : none(1, 'no region map'));
    parts.push(rec.classesRle ? picture(2 * (CELL + 10), y, rec, undefined, mapPng(rec, rec.classesRle, 'classes')) : none(2, 'no classes'));
    parts.push(rec.gtRle ? picture(3 * (CELL + 10), y, rec, undefined, mapPng(rec, rec.gtRle, 'classes')) : none(3, 'no ground truth'));
  }
  return svgDoc(4 * CELL + 30, 28 + n * (CELL + 10), parts.join('\n'));
}

async function fig6(data: ExploreData, i: number, k: number): Promise<string | undefined> {
  const rec = await data.image(i);
  const query = [...rec.regions].filter((r) => r.pixels > 0).sort((a, b) => b.pixels - a.pixels || a.r - b.r)[0];
  if (!query) return undefined;
  const found = await data.nearest(i, query.r, k);
  if (!found?.length) return undefined;
  const size = 150;
  const parts = [`<text x="0" y="18" ${FONT}>query: ${escXml(rec.id)} concept ${query.r}</text>`, crop(0, 28, rec, await data.thumbUri(rec), query.r, size)];
  parts.push(`<text x="${size + 30}" y="18" ${FONT}>its ${found.length} nearest regions of other images (cosine)</text>`);
  for (let j = 0; j < found.length; j++) {
    const other = await data.image(found[j].i);
    const x = size + 30 + j * (size + 10);
    parts.push(crop(x, 28, other, await data.thumbUri(other), found[j].r, size));
    parts.push(`<text x="${x}" y="${size + 46}" ${FONT}>${escXml(other.id)} · ${found[j].cos.toFixed(3)}</text>`);
  }
  return svgDoc(size + 30 + found.length * (size + 10), size + 56, parts.join('\n'));
}

/**
 * Writes Figures 4, 5 and 6 of the paper as SVG and PNG into `<dir>/figures/`
 * from the explorer's data: the concept map of one image with the histogram
 * of concepts per image, a grid of image | concepts | classes | ground truth,
 * and one region's nearest regions of other images.
 */
export async function writeFigures(opts: FigureOptions): Promise<FiguresResult> {
  const data = await ExploreData.open(opts.dir);
  const ids = data.index.images.map((e) => e[0]);
  let i = -1;
  if (opts.image !== undefined) {
    i = ids.indexOf(opts.image);
    if (i < 0) throw new AcsegError('BAD_CONFIG', `--image ${opts.image}: no such image in this run`, { hint: `ids look like ${ids.slice(0, 3).join(', ')}` });
  } else {
    for (let j = 0; j < ids.length && i < 0; j++) if ((await data.image(j)).map) i = j;
  }
  const files: string[] = [];
  const skipped: string[] = [];
  const out = join(opts.dir, 'figures');
  const save = async (name: string, svg: string) => {
    await writeFileAtomic(join(out, `${name}.svg`), svg);
    await writeFileAtomic(join(out, `${name}.png`), await svgToPng(svg, 144));
    files.push(join(out, `${name}.svg`), join(out, `${name}.png`));
  };
  if (i >= 0 && (await data.image(i)).map) await save('fig4-concept-map', await fig4(data, i));
  else skipped.push(`Figure 4: ${i < 0 ? 'no image has a concept map (features or region maps missing)' : `${ids[i]} has no concept map`}`);
  if (ids.length) await save('fig5-grid', await fig5(data, opts.rows ?? 4));
  else skipped.push('Figure 5: the run holds no images');
  const six = i >= 0 ? await fig6(data, i, opts.k ?? 5) : undefined;
  if (six) await save('fig6-retrieval', six);
  else skipped.push('Figure 6: no region embeddings to search (features missing)');
  return { files, skipped };
}
