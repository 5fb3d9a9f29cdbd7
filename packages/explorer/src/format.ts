/** The data files of an explore/ folder (shared by the writer, the figures and the page's script). */

/** Images per data page (and per grid page in the browser). */
export const PAGE_SIZE = 50;
/** Images per embedding file: retrieval loads them all at once, so fewer, larger files. */
export const EMBEDDING_CHUNK = 1000;
/** Longest side of the maps stored for the browser (concepts, classes, ground truth). */
export const MAP_SIDE = 160;
/** Bumped when the files change shape; the page refuses data of another version. */
export const EXPLORE_FORMAT = 1;

/** What an image lacks, as bits of `IndexEntry.missing` (the page words them). */
export const MISSING = {
  json: 1,
  regions: 2,
  features: 4,
  groundTruth: 8,
  thumb: 16,
  classes: 32,
} as const;

/** One image in `data/index.js`: [id, concepts, IoU (null: none), missing bits]. */
export type IndexEntry = [string, number, number | null, number];

export interface ExploreIndex {
  format: number;
  title: string;
  notes: string[];
  pageSize: number;
  pages: number;
  images: IndexEntry[];
  /** Class names by id, where known. */
  classNames: Array<string | null>;
  /** Images with n concepts, index = n. */
  histogram: number[];
  groundTruth: boolean;
  /** Region embeddings: dimension, which embedding files (chunks of EMBEDDING_CHUNK images) hold some, and which embedding they are (words). */
  embedding: { dim: number; pages: number[]; source?: string } | null;
  seed: number;
  skipped: Array<{ source: string; reason: string }>;
  /** Some images have no concept map only because of --maps: a page served by `explore --serve` asks for them. */
  mapsOnDemand?: boolean;
}

export interface PageRegion {
  /** Region index in the region map. */
  r: number;
  concept?: number;
  classId?: number;
  className?: string;
  pixels: number;
  /** [x0, y0, x1, y1) in the image's pixels. */
  bbox: number[];
}

export interface PageImage {
  /** Position in the index. */
  i: number;
  id: string;
  source: string;
  /** Thumbnail, relative to explore/. */
  thumb: string | null;
  width: number;
  height: number;
  /** Size of the stored maps. */
  mw: number;
  mh: number;
  /** Run lengths of the region map (255 = none), the class map and the ground truth. */
  regionsRle: number[] | null;
  classesRle: number[] | null;
  gtRle: number[] | null;
  regions: PageRegion[];
  /** Concept map: x, y in [0, 1] per patch (4 decimals), and the region each patch belongs to (−1: none). */
  map: { x: number[]; y: number[]; r: number[]; grid: [number, number] } | null;
  iou: number | null;
  /** What is missing for this image, in words. */
  missing: string[];
}

export interface EmbeddingPage {
  dim: number;
  /** Per row: [image index, region]. */
  refs: Array<[number, number]>;
  /** Rows of L2-normalized embeddings as int8 (value × 127), base64. */
  q: string;
}

export const pageFile = (page: number): string => `data/page-${String(page + 1).padStart(4, '0')}.js`;
export const embeddingFile = (page: number): string => `data/emb-${String(page + 1).padStart(4, '0')}.js`;
export const INDEX_FILE = 'data/index.js';

/** A data file: one call of the page's loader, so it loads by <script> from disk (no fetch on file://). */
export function dataScript(call: 'index' | 'page' | 'emb', page: number | null, value: unknown): string {
  return `acsegExplore.${call}(${page === null ? '' : `${page}, `}${JSON.stringify(value)});\n`;
}

/** The value of a data file (figures read the pages back). */
export function parseDataScript<T>(text: string): T {
  const open = text.indexOf('(');
  const comma = /^acsegExplore\.(page|emb)\(\d+, /.exec(text);
  const start = comma ? comma[0].length : open + 1;
  return JSON.parse(text.slice(start, text.lastIndexOf(')'))) as T;
}
