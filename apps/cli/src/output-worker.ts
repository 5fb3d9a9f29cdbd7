import { parentPort } from 'node:worker_threads';
import { assignmentToRegions, isRgbImage, regionPatchOverlap, type RegionMap, type UpsampleInput } from '@acseg/core';
import { appendGalleryItemSync, writeImageOutputs, type GalleryItem } from '@acseg/report';
import { systemFault, type SystemFault } from './output-fault.js';
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
/**
 * A reply to a written image gives back the buffer of pixels it was sent (OutputPool uses it again); a failure
 * carries its system error's code and path, if any (a full disk stops the run, one bad image does not).
 */
export type OutputReply =
  | { seq: number; item: GalleryItem; pixels?: ArrayBuffer }
  | { seq: number; map: RegionMap; overlap: Float32Array }
  | { seq: number; error: string; fault?: SystemFault };

/** Writes received and not started yet, oldest first. */
const writes: OutputRequest[] = [];
let starting = false;

// The class and region maps, blending and PNG/JPEG encoding of one image's outputs, off the thread that segments the
// next images; and region maps a classifier there is about to read. A map is made as soon as it is asked for, and
// writes start one per turn of the event loop, so that a map asked for while writes are queued here (up to 32) waits
// for one of them, not for all: the classifier's thread waits for its maps.
parentPort?.on('message', (m: OutputRequest | RegionsRequest) => {
  if ('regions' in m) {
    makeRegions(m);
    return;
  }
  writes.push(m);
  if (!starting) {
    starting = true;
    setImmediate(startNext);
  }
});

function startNext(): void {
  const m = writes.shift();
  if (!m) {
    starting = false;
    return;
  }
  write(m);
  setImmediate(startNext);
}

function makeRegions(m: RegionsRequest): void {
  try {
    const map = assignmentToRegions(m.regions);
    // With its patch overlap (the classifier's region embeddings and background rule sum over it): one more scan of
    // the pixels here rather than on the thread that waits for the map.
    const overlap = regionPatchOverlap(map, m.regions.grid);
    parentPort!.postMessage({ seq: m.seq, map, overlap } satisfies OutputReply, [map.labels.buffer as ArrayBuffer, overlap.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies OutputReply);
  }
}

function write(m: OutputRequest): void {
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
      (e: unknown) => parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e), fault: systemFault(e) } satisfies OutputReply),
    );
}
