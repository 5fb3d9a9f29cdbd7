import { parentPort } from 'node:worker_threads';
import { writeImageOutputs, type GalleryItem } from '@acseg/report';
import { outputsInput, type OutputJob } from './output-prep.js';

/** One image's outputs to write, and its answer. */
export interface OutputRequest {
  seq: number;
  out: string;
  job: OutputJob;
  /** Flush each file to disk before its rename (`--fsync`). */
  flush?: boolean;
}
export type OutputReply = { seq: number; item: GalleryItem } | { seq: number; error: string };

// The class and region maps, blending and PNG/JPEG encoding of one image's outputs, off the thread that segments the next images.
parentPort?.on('message', (m: OutputRequest) => {
  Promise.resolve()
    .then(() => writeImageOutputs(m.out, outputsInput(m.job), { flush: m.flush }))
    .then(
      (item) => parentPort!.postMessage({ seq: m.seq, item } satisfies OutputReply),
      (e: unknown) => parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies OutputReply),
    );
});
