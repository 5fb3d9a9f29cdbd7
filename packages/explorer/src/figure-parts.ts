import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { VOC_PALETTE } from '@acseg/report';
import { conceptColor, decodeRle, rgb } from './page-helpers.js';
import { embeddingFile, INDEX_FILE, pageFile, parseDataScript, type EmbeddingPage, type ExploreIndex, type PageImage } from './format.js';

/**
 * A stored map as an RGBA PNG (data URI) at the map's size: 'concepts'
 * colours every region ('overlay': see-through), a number colours that region and darkens the rest,
 * 'classes' paints class ids in VOC colours.
 */
export function mapPng(rec: PageImage, rle: readonly number[], mode: 'concepts' | 'overlay' | 'classes' | number): string {
  const map = decodeRle(rle, rec.mw * rec.mh);
  const data = new Uint8Array(map.length * 4);
  for (let p = 0; p < map.length; p++) {
    const v = map[p];
    if (mode === 'classes') {
      data.set([...VOC_PALETTE[v], 255], p * 4);
      continue;
    }
    if (v === 255) continue;
    if (mode === 'concepts' || mode === 'overlay' || mode === v)
      data.set([...rgb(conceptColor(v)), mode === 'concepts' ? 255 : mode === 'overlay' ? 140 : 170], p * 4);
    else data[p * 4 + 3] = 150;
  }
  return `data:image/png;base64,${Buffer.from(encode({ width: rec.mw, height: rec.mh, data, channels: 4, depth: 8 })).toString('base64')}`;
}

/** The explorer's data, read back from its files. */
export class ExploreData {
  private readonly pages = new Map<number, PageImage[]>();
  private constructor(
    readonly dir: string,
    readonly index: ExploreIndex,
  ) {}

  static async open(dir: string): Promise<ExploreData> {
    const text = await readFile(join(dir, INDEX_FILE), 'utf8');
    return new ExploreData(dir, JSON.parse(text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'))) as ExploreIndex);
  }

  async image(i: number): Promise<PageImage> {
    const p = Math.floor(i / this.index.pageSize);
    let page = this.pages.get(p);
    if (!page) {
      page = parseDataScript<PageImage[]>(await readFile(join(this.dir, pageFile(p)), 'utf8'));
      this.pages.clear(); // one page at a time
      this.pages.set(p, page);
    }
    return page[i % this.index.pageSize];
  }

  async thumbUri(rec: PageImage): Promise<string | undefined> {
    if (!rec.thumb) return undefined;
    const bytes = await readFile(join(this.dir, decodeURIComponent(rec.thumb))).catch(() => undefined);
    return bytes ? `data:image/jpeg;base64,${bytes.toString('base64')}` : undefined;
  }

  /** The k regions of other images nearest to region (i, r) by cosine, best first (one embedding page in memory at a time). */
  async nearest(i: number, r: number, k: number): Promise<Array<{ i: number; r: number; cos: number }> | undefined> {
    const info = this.index.embedding;
    if (!info) return undefined;
    const read = async (p: number) => {
      const e = parseDataScript<EmbeddingPage>(await readFile(join(this.dir, embeddingFile(p)), 'utf8'));
      return { refs: e.refs, q: new Int8Array(Buffer.from(e.q, 'base64')) };
    };
    let query: Int8Array | undefined;
    for (const p of info.pages) {
      const e = await read(p);
      const at = e.refs.findIndex((x) => x[0] === i && x[1] === r);
      if (at >= 0) query = e.q.slice(at * info.dim, (at + 1) * info.dim);
    }
    if (!query) return undefined;
    const norm = (v: Int8Array, o: number) => Math.sqrt(Array.from(v.subarray(o, o + info.dim)).reduce((a, x) => a + x * x, 0)) || 1;
    const qn = norm(query, 0);
    const best: Array<{ i: number; r: number; cos: number }> = [];
    for (const p of info.pages) {
      const e = await read(p);
      e.refs.forEach(([img, reg], row) => {
        if (img === i) return;
        let s = 0;
        for (let j = 0; j < info.dim; j++) s += query![j] * e.q[row * info.dim + j];
        best.push({ i: img, r: reg, cos: s / (qn * norm(e.q, row * info.dim)) });
      });
      best.sort((a, b) => b.cos - a.cos);
      best.length = Math.min(best.length, k);
    }
    return best;
  }
}

export const escXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
