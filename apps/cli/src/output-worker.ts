import { parentPort } from 'node:worker_threads';
import { assignmentToRegions, isRgbImage, type RegionMap, type UpsampleInput } from '@acseg/core';
import { appendGalleryItemSync, writeImageOutputs, type GalleryItem } from '@acseg/report';
import { outputsInput, type OutputJob } from './output-prep.js';

/** One image's outputs to write, and its answer. */
export interface OutputRequest {
  seq: number;
  out: string;
  job: OutputJob;
  /** Flush each file to disk before its rename (`--fsync`). */
  flush?: boolean;
  /** Longest side of the overlay (`--overlay-size`). */
  overlayMaxSide?: number;
  /** The run's `gallery.jsonl`: the image is recorded there once its files are written. */
  log?: string;
}
/** One image's region map to make (for a classifier on the segmenting thread), and its answer. */
export interface RegionsRequest {
  seq: number;
  regions: UpsampleInput;
}
/** A reply to a written image gives back the buffer of pixels it was sent (OutputPool uses it again). */
export type OutputReply = { seq: number; item: GalleryItem; pixels?: ArrayBuffer } | { seq: number; map: RegionMap } | { seq: number; error: string };

// The class and region maps, blending and PNG/JPEG encoding of one image's outputs, off the thread that segments the
// next images; and region maps a classifier there is about to read.
parentPort?.on('message', (m: OutputRequest | RegionsRequest) => {
  if ('regions' in m) {
    try {
      const map = assignmentToRegions(m.regions);
      parentPort!.postMessage({ seq: m.seq, map } satisfies OutputReply, [map.labels.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies OutputReply);
    }
    return;
  }
  Promise.resolve()
    .then(() => writeImageOutputs(m.out, outputsInput(m.job), { flush: m.flush, overlayMaxSide: m.overlayMaxSide }))
    .then((item) => {
      if (m.log) appendGalleryItemSync(m.log, item);
      return item;
    })
    .then(
      (item) => {
        // Only once every output is written (the thumbnail read these pixels on sharp's threads until then), and not
        // after a failure, which may leave such a read running.
        const pixels = isRgbImage(m.job.image) ? (m.job.image.data.buffer as ArrayBuffer) : undefined;
        parentPort!.postMessage({ seq: m.seq, item, pixels } satisfies OutputReply, pixels ? [pixels] : []);
      },
      (e: unknown) => parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies OutputReply),
    );
});
