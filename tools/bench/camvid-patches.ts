/**
 * Real features with patch labels, for the ACG recipe comparison on data no recipe was tuned on
 * (docs/experiments/acg-recipe.md): the weight-free backbone's 14×14 × 96 features of CamVid `train` (for training,
 * labels unused) and `val` (scored), as .npy files that tools/acg-reference/scan.py reads (`--family FOLDER`).
 *
 *   npx tsx tools/bench/camvid-patches.ts --out out/camvid-patches [--data ../shared/datasets/camvid] [--min-patches 10]
 *
 * A val patch takes the majority class of its annotation pixels (the image is squashed to 224×224, as the backbone
 * does, so patch (y, x) covers rows y·H/14 … (y+1)·H/14 and likewise columns), or no class when void pixels are half
 * or more of it. A class counts as one of the image's concepts when it holds ≥ --min-patches patches; patches of
 * rarer classes and void patches are written as -1 (left out of the scores), the others as 0..c−1.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { benchArgs } from './bench-args.js';

const root = resolve(import.meta.dirname, '../..');
const { values } = benchArgs(
  { options: { data: { type: 'string' }, out: { type: 'string' }, 'min-patches': { type: 'string', default: '10' } } },
  'npx tsx tools/bench/camvid-patches.ts --out out/camvid-patches [--data ../shared/datasets/camvid] [--min-patches 10]',
);
const data = resolve(values.data ?? join(root, '../shared/datasets/camvid'));
if (!values.out) {
  console.error('--out FOLDER is required (a new or empty folder)');
  process.exit(2);
}
const out = resolve(values.out);
if (!existsSync(join(data, 'val.txt'))) {
  console.error(`${data}: not a CamVid folder (no val.txt); pass --data <folder with train/, val/, valannot/, train.txt, val.txt>`);
  process.exit(2);
}
if (existsSync(out) && readdirSync(out).length > 0) {
  console.error(`${out}: exists and is not empty; pass a new folder`);
  process.exit(2);
}
const minPatches = Number(values['min-patches']);
const G = 14;
const VOID = 255;

/** A .npy (format 1.0) file: header padded so the data starts at a multiple of 64 bytes. */
function npy(descr: string, shape: number[], bytes: Uint8Array): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), bytes]);
}

function writeAtomic(name: string, buf: Buffer): void {
  const tmp = join(out, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, buf);
  renameSync(tmp, join(out, name));
}

async function features(split: string): Promise<Float32Array> {
  const ids = readFileSync(join(data, `${split}.txt`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const backbone = new HandcraftedBackbone();
  const all = new Float32Array(ids.length * G * G * 96);
  let i = 0;
  for await (const r of backbone.extract(ids.map((id) => join(data, split, `${id}.jpg`)))) {
    if (!r.ok) throw r.error;
    all.set(r.features.tokens, i * G * G * 96);
    i++;
  }
  console.error(`${split}: ${ids.length} images`);
  return all;
}

async function patchLabels(id: string): Promise<Int8Array> {
  const { data: px, info } = await sharp(join(data, 'valannot', `${id}.png`))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: W, height: H } = info;
  const majority = new Int16Array(G * G);
  for (let py = 0; py < G; py++) {
    for (let pxi = 0; pxi < G; pxi++) {
      const votes = new Map<number, number>();
      let total = 0;
      for (let y = Math.floor((py * H) / G); y < Math.floor(((py + 1) * H) / G); y++) {
        for (let x = Math.floor((pxi * W) / G); x < Math.floor(((pxi + 1) * W) / G); x++) {
          total++;
          const v = px[y * W + x];
          if (v !== VOID) votes.set(v, (votes.get(v) ?? 0) + 1);
        }
      }
      let best = -1;
      let bestN = 0;
      for (const [v, n] of votes)
        if (n > bestN || (n === bestN && v < best)) {
          best = v;
          bestN = n;
        }
      const voidN = total - [...votes.values()].reduce((a, b) => a + b, 0);
      majority[py * G + pxi] = voidN * 2 >= total ? -1 : best;
    }
  }
  const sizes = new Map<number, number>();
  for (const v of majority) if (v >= 0) sizes.set(v, (sizes.get(v) ?? 0) + 1);
  const kept = [...sizes]
    .filter(([, n]) => n >= minPatches)
    .map(([v]) => v)
    .sort((a, b) => a - b);
  return Int8Array.from(majority, (v) => (kept.includes(v) ? kept.indexOf(v) : -1));
}

// Not top-level await: tools/ is CommonJS to tsx.
async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const valIds = readFileSync(join(data, 'val.txt'), 'utf8').split('\n').filter(Boolean);
  const labels = new Int8Array(valIds.length * G * G);
  const counts: number[] = [];
  for (const [i, id] of valIds.entries()) {
    const l = await patchLabels(id);
    labels.set(l, i * G * G);
    counts.push(Math.max(...l) + 1);
  }
  const train = await features('train');
  const test = await features('val');
  const f32 = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeAtomic('train_features.npy', npy('<f4', [train.length / (G * G * 96), G * G, 96], f32(train)));
  writeAtomic('test_features.npy', npy('<f4', [valIds.length, G * G, 96], f32(test)));
  writeAtomic('test_labels.npy', npy('|i1', [valIds.length, G * G], new Uint8Array(labels.buffer)));
  const hist = new Map<number, number>();
  for (const c of counts) hist.set(c, (hist.get(c) ?? 0) + 1);
  const scored = labels.filter((v) => v >= 0).length / labels.length;
  writeAtomic(
    'meta.json',
    Buffer.from(
      JSON.stringify(
        {
          backbone: 'handcrafted',
          grid: G,
          dim: 96,
          minPatches,
          classesPerImage: Object.fromEntries([...hist].sort((a, b) => a[0] - b[0])),
          scoredPatches: scored,
        },
        null,
        1,
      ),
    ),
  );
  console.log(
    `wrote ${out}: ${train.length / (G * G * 96)} train and ${valIds.length} val images; classes per val image ${JSON.stringify(Object.fromEntries([...hist].sort((a, b) => a[0] - b[0])))}; ${(100 * scored).toFixed(1)} % of val patches scored`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
