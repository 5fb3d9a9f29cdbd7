/**
 * Vitest setup file of every project. A file handle left open is closed by the garbage collector, which Node
 * reports with a DEP0137 warning at some later moment, far from the code that leaked it. So after each test
 * file: collect garbage, let the warnings surface, and fail that file if a handle was closed that way.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, expect } from 'vitest';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const closedByGc: string[] = [];
// Node warns "Closing file descriptor N on garbage collection" each time, and DEP0137 once per process.
process.on('warning', (w) => {
  if (/on garbage collection/.test(w.message)) closedByGc.push(w.message);
});

afterAll(async () => {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(closedByGc, 'file handles left open (close them in a finally)').toEqual([]);
});
