import { parentPort } from 'node:worker_threads';
import { writeImageOutputs, type GalleryItem, type ImageOutputsInput } from '@acseg/report';

/** One image's outputs to write, and its answer. */
export interface OutputRequest {
  seq: number;
  out: string;
  input: ImageOutputsInput;
}
export type OutputReply = { seq: number; item: GalleryItem } | { seq: number; error: string };

// Decoding, blending and PNG/JPEG encoding of one image's outputs, off the thread that segments the next images.
parentPort?.on('message', (m: OutputRequest) => {
  writeImageOutputs(m.out, m.input).then(
    (item) => parentPort!.postMessage({ seq: m.seq, item } satisfies OutputReply),
    (e: unknown) => parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies OutputReply),
  );
});
