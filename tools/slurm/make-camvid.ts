// Writes a tiny CamVid-layout dataset of CamVid-sized (960×720) generated scenes for the Slurm array test.
// Usage: npx tsx tools/slurm/make-camvid.ts ROOT [TRAIN=48] [VAL=4]
import { writeTinyCamVid } from '../../packages/eval/src/testing/tiny-datasets.js';

const [root, train = '48', val = '4'] = process.argv.slice(2);
const size = (n: string): Array<[number, number]> => Array.from({ length: Number(n) }, () => [960, 720]);
if (!root) {
  process.stderr.write('usage: make-camvid.ts ROOT [TRAIN] [VAL]\n');
  process.exitCode = 2;
} else {
  // No top-level await: tsx runs this folder's files as CommonJS.
  writeTinyCamVid(root, { train: size(train), val: size(val) }).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
