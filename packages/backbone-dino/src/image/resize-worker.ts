import { parentPort } from 'node:worker_threads';
import { resizeNormalize, type Raster } from './resize.js';

export interface ResizeRequest {
  seq: number;
  image: Raster;
  height: number;
  width: number;
}

export type ResizeReply = { seq: number; pixels: Float32Array } | { seq: number; error: string };

// One image's resize + normalize, off the JavaScript thread that onnxruntime-node's `run` blocks.
parentPort?.on('message', (m: ResizeRequest) => {
  try {
    const pixels = new Float32Array(3 * m.height * m.width);
    resizeNormalize(m.image, { height: m.height, width: m.width }, pixels);
    parentPort!.postMessage({ seq: m.seq, pixels } satisfies ResizeReply, [pixels.buffer]);
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies ResizeReply);
  }
});
