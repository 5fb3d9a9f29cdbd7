import { parentPort } from 'node:worker_threads';
import { decodeHeicBytes } from './heic-pixels.js';

export interface HeicRequest {
  seq: number;
  bytes: Uint8Array;
}

export type HeicReply = { seq: number; width: number; height: number; data: Uint8Array } | { seq: number; error: string };

// One HEIC's pixels, off the thread that runs the backbone: libheif in WebAssembly holds its thread while it decodes.
parentPort?.on('message', (m: HeicRequest) => {
  decodeHeicBytes(m.bytes).then(
    (image) => parentPort!.postMessage({ seq: m.seq, ...image } satisfies HeicReply, [image.data.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies HeicReply),
  );
});
