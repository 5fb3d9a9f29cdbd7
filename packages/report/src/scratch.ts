/**
 * Buffers reused from one image to the next on this thread, by name: a run encodes thousands of overlays, and ~1.5 MB
 * of fresh buffers an image (blend, filtered rows) kept V8's collector busy. Only for synchronous work that is done
 * with the buffer before it returns (no two calls can hold one at once); the contents are left from the last use.
 * Larger requests get a fresh buffer, not kept: one 12 MP photo must not leave ~100 MB behind on every output worker.
 */
const scratches = new Map<string, Uint8Array>();
const KEPT_AT_MOST = 8 * 1024 * 1024;

export function scratch(name: string, n: number): Uint8Array {
  if (n > KEPT_AT_MOST) return new Uint8Array(n);
  let b = scratches.get(name);
  if (!b || b.length < n) scratches.set(name, (b = new Uint8Array(n)));
  return b.subarray(0, n);
}
