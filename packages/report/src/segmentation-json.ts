import { writeFileAtomic, type WriteOptions } from './atomic.js';

export interface RegionRecord {
  /** Region index in the region map. */
  region: number;
  classId: number;
  className?: string;
  score?: number;
  /** Pixels of the region. */
  pixels: number;
  /** [x0, y0, x1, y1) in pixels (core's regionBoxes). */
  bbox: readonly [number, number, number, number] | readonly number[];
}

export interface SegmentationRecord {
  id: string;
  /** The input file (or in-memory image name). */
  source: string;
  width: number;
  height: number;
  regions: RegionRecord[];
  /** Output files beside it, relative to the JSON's folder (label PNG, overlay). */
  files?: Record<string, string>;
  [extra: string]: unknown;
}

/** Writes one image's segmentation summary as pretty JSON, atomically. */
export async function writeSegmentationJson(path: string, record: SegmentationRecord, options: WriteOptions = {}): Promise<void> {
  const clean = {
    ...record,
    regions: record.regions.map((r) => ({ ...r, bbox: Array.from(r.bbox) })),
  };
  await writeFileAtomic(path, `${JSON.stringify(clean, null, 2)}\n`, options);
}
