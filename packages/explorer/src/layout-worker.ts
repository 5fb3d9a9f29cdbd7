import { parentPort } from 'node:worker_threads';
import { patchLayout, type LayoutOptions } from './layout.js';

/** One image's patch features to lay out, and the answer. */
export interface LayoutRequest {
  seq: number;
  tokens: Float32Array;
  n: number;
  d: number;
  opts: LayoutOptions;
}
export type LayoutReply = { seq: number; xy: Float32Array | undefined } | { seq: number; error: string };

// UMAP of one image's patches, off the main thread: several images at once on several cores.
parentPort?.on('message', (m: LayoutRequest) => {
  try {
    parentPort!.postMessage({ seq: m.seq, xy: patchLayout(m.tokens, m.n, m.d, m.opts) } satisfies LayoutReply);
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies LayoutReply);
  }
});
