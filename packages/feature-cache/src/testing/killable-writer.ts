/**
 * Run by flush.test.ts in a child process that the test kills with SIGKILL:
 * `killable-writer.ts OUT COUNT HANG_AT` caches COUNT fake images into OUT
 * with a fake clock (each image takes 10 s, flushes every 30 s) and stops for
 * good before image HANG_AT, as a process busy on an image when it is killed.
 */
import { writeFeatureCache } from '../write.js';
import { FakeBackbone } from './fake-backbone.js';

const [out, count, hangAt] = process.argv.slice(2);
let now = 0;
Date.now = () => now;
const bb = new FakeBackbone();
bb.onYield = async (k) => {
  if (k === Number(hangAt)) {
    setInterval(() => undefined, 1000); // keeps the process alive until it is killed
    await new Promise(() => undefined);
  }
  now += 10_000;
};
await writeFeatureCache({
  backbone: bb,
  images: Array.from({ length: Number(count) }, (_, i) => `/data/img${String(i).padStart(3, '0')}.jpg`),
  out,
  flushSeconds: 30,
});
