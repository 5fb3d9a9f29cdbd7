/**
 * How much class information the features carry, per setting: 1-NN
 * (cosine) classification of CamVid patches, labels = each patch's majority
 * ground-truth class (void-majority patches dropped): memory = patches of the
 * first N train images, queries = patches of the last N train images (other
 * sequences). Only the train split is used, so choosing defaults from this
 * table does not tune on the val split that the issue-6 benchmark reports.
 * Run from packages/backbone-handcrafted: npx tsx bench/camvid-knn.ts [N=40] [CAMVID_DIR]
 * (CAMVID_DIR defaults to ../shared/datasets/camvid beside the repository).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { HandcraftedBackbone, type HandcraftedOptions } from '../src/index.js';

const N = Number(process.argv[2] ?? 40);
const ROOT = resolve(process.argv[3] ?? join(import.meta.dirname, '../../../../shared/datasets/camvid'));
if (!existsSync(join(ROOT, 'train.txt'))) {
  console.error(`${ROOT}: not a CamVid folder (no train.txt); pass one (train/, trainannot/, train.txt) as the second argument`);
  process.exit(2);
}

async function patchLabels(file: string, g: number): Promise<Int16Array> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const counts = new Int32Array(g * g * 256);
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const p = Math.min(g - 1, Math.floor(((y + 0.5) * g) / info.height)) * g + Math.min(g - 1, Math.floor(((x + 0.5) * g) / info.width));
      counts[p * 256 + data[(y * info.width + x) * info.channels]]++;
    }
  const out = new Int16Array(g * g);
  for (let p = 0; p < g * g; p++) {
    let best = 0;
    for (let c = 0; c < 256; c++) if (counts[p * 256 + c] > counts[p * 256 + best]) best = c;
    out[p] = best === 255 ? -1 : best;
  }
  return out;
}

async function load(part: 'first' | 'last', opts: Partial<HandcraftedOptions>) {
  const split = 'train';
  const all = readFileSync(join(ROOT, `${split}.txt`), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const ids = part === 'first' ? all.slice(0, N) : all.slice(-N);
  const b = new HandcraftedBackbone(opts);
  const feats: Float32Array[] = [];
  const labels: number[] = [];
  for (const id of ids) {
    const f = await b.features(join(ROOT, split, `${id}.jpg`));
    const lab = await patchLabels(join(ROOT, `${split}annot`, `${id}.png`), f.grid.h);
    for (let p = 0; p < lab.length; p++) {
      if (lab[p] < 0) continue;
      const v = f.tokens.slice(p * f.dim, (p + 1) * f.dim);
      let n = 0;
      for (const x of v) n += x * x;
      n = Math.sqrt(n);
      feats.push(v.map((x) => x / n));
      labels.push(lab[p]);
    }
  }
  return { feats, labels };
}

async function score(opts: Partial<HandcraftedOptions>): Promise<{ acc: number; miou: number }> {
  const train = await load('first', opts);
  const val = await load('last', opts);
  const conf = Array.from({ length: 11 }, () => new Float64Array(11));
  for (let i = 0; i < val.feats.length; i++) {
    let best = -Infinity,
      label = 0;
    const q = val.feats[i];
    for (let j = 0; j < train.feats.length; j++) {
      const t = train.feats[j];
      let s = 0;
      for (let k = 0; k < q.length; k++) s += q[k] * t[k];
      if (s > best) {
        best = s;
        label = train.labels[j];
      }
    }
    conf[val.labels[i]][label]++;
  }
  let correct = 0,
    total = 0,
    iouSum = 0,
    classes = 0;
  for (let c = 0; c < 11; c++) {
    const tp = conf[c][c];
    const row = conf[c].reduce((a, b) => a + b, 0);
    let col = 0;
    for (let r = 0; r < 11; r++) col += conf[r][c];
    correct += tp;
    total += row;
    if (row + col - tp > 0) {
      iouSum += tp / (row + col - tp);
      classes++;
    }
  }
  return { acc: (100 * correct) / total, miou: (100 * iouSum) / classes };
}

async function main(): Promise<void> {
  const settings: Array<[string, Partial<HandcraftedOptions>]> = [
    ['colour 1, texture 1', { textureWeight: 1 }],
    ['colour only (texture 0)', { textureWeight: 0 }],
    ['texture only (colour 0)', { colorWeight: 0 }],
    ['colour 1, texture 0.5', { textureWeight: 0.5 }],
    ['colour 1, texture 2 (default)', {}],
    ['colour 1, texture 3', { textureWeight: 3 }],
    ['default + position 0.5', { position: true }],
    ['default + position 1', { position: true, positionWeight: 1 }],
  ];
  console.log(`| setting | patch accuracy (%) | patch mIoU (%) |`);
  console.log(`|---|---|---|`);
  const only = process.env.ONLY?.split(',');
  for (const [name, opts] of settings) {
    if (only && !only.some((o) => name.startsWith(o))) continue;
    const r = await score(opts);
    console.log(`| ${name} | ${r.acc.toFixed(1)} | ${r.miou.toFixed(1)} |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
