/**
 * Real-image benchmark (issue 6): on CamVid, train the ACG on `train` (no
 * labels), segment `val`, name regions with k-means (K = 11) and Hungarian
 * matching; the same for each clustering baseline with the same backbone.
 * Prints a markdown table of mIoU / pixel accuracy (mean ± std over seeds)
 * and seconds per val image (segmentation + 10 k-means runs).
 *
 *   npx tsx tools/bench/camvid.ts [--backbone handcrafted] [--seeds 10] [--iterations 2500] [--generators acg,kmeans,...]
 *     [--train-args="--lr 3e-5 --ema 0.999"] [--out DIR]
 * --train-args: extra flags for `acseg train` (the paper's recipe without them).
 * --data: the CamVid folder (default ../shared/datasets/camvid beside the repository).
 *
 * Runs the built CLI (npm run build first); outputs under out/bench-camvid/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchArgs } from './bench-args.js';

const root = resolve(import.meta.dirname, '../..');
const { values } = benchArgs(
  {
    options: {
      backbone: { type: 'string', default: 'handcrafted' },
      seeds: { type: 'string', default: '10' },
      iterations: { type: 'string', default: '2500' },
      generators: { type: 'string', default: 'acg,kmeans,spectral,ap,agglomerative' },
      data: { type: 'string' },
      out: { type: 'string', default: join(root, 'out/bench-camvid') },
      'train-args': { type: 'string', default: '' },
    },
  },
  'npx tsx tools/bench/camvid.ts [--backbone handcrafted] [--seeds 10] [--iterations 2500] [--generators acg,kmeans,...]\n  [--train-args="--lr 3e-5 --ema 0.999"] [--out DIR]',
);

const data = resolve(values.data ?? join(root, '../shared/datasets/camvid'));
if (!existsSync(join(data, 'val.txt'))) {
  console.error(`${data}: not a CamVid folder (no val.txt); pass --data <folder with train/, trainannot/, val/, valannot/, train.txt, val.txt>`);
  process.exit(2);
}

interface Metrics {
  mIoU: { mean: number; std: number };
  pixelAccuracy: { mean: number; std: number };
  images: number;
  seconds: number;
}

const rows: string[] = [];
for (const gen of values.generators!.split(',')) {
  const out = join(values.out!, `${values.backbone}-${gen}`);
  const ckpt = join(values.out!, `${values.backbone}-acg-checkpoint`);
  const args = [
    join(root, 'apps/cli/bin/acseg.js'),
    'eval',
    '--dataset',
    'camvid',
    '--root',
    data,
    '--backbone',
    values.backbone!,
    '--generator',
    gen,
    '--classifier',
    'kmeans',
    '--clusters',
    '11',
    '--seeds',
    values.seeds!,
    '--out',
    out,
  ];
  let trainSeconds = 0;
  if (gen === 'acg') {
    if (!existsSync(join(ckpt, 'config.json'))) {
      const t0 = Date.now();
      const cache = join(values.out!, `${values.backbone}-train-features`);
      const feat = spawnSync(
        process.execPath,
        [join(root, 'apps/cli/bin/acseg.js'), 'features', '--backbone', values.backbone!, '--images', join(data, 'train'), '--out', cache],
        { stdio: 'inherit' },
      );
      if (feat.status !== 0) throw new Error('feature extraction failed');
      const train = spawnSync(
        process.execPath,
        [
          join(root, 'apps/cli/bin/acseg.js'),
          'train',
          '--features',
          cache,
          '--out',
          ckpt,
          '--iterations',
          values.iterations!,
          ...values['train-args']!.split(' ').filter(Boolean),
        ],
        { stdio: 'inherit' },
      );
      if (train.status !== 0) throw new Error('ACG training failed');
      trainSeconds = (Date.now() - t0) / 1000;
    }
    args.push('--checkpoint', ckpt);
  }
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    rows.push(`| ${gen} | failed (exit ${r.status}) | | |`);
    continue;
  }
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics;
  const f = (v: { mean: number; std: number }) => `${v.mean.toFixed(1)} ± ${v.std.toFixed(1)}`;
  rows.push(
    `| ${gen} | ${f(m.mIoU)} | ${f(m.pixelAccuracy)} | ${(m.seconds / m.images).toFixed(3)} |${trainSeconds ? ` training ${(trainSeconds / 60).toFixed(1)} min |` : ' |'}`,
  );
}
console.log(
  `\nCamVid val (${values.backbone} backbone, k-means K = 11 over regions, Hungarian on pixel counts, ${values.seeds} seeds${values['train-args'] ? `; acseg train ${values['train-args']}` : ''})\n`,
);
console.log('| generator | mIoU | pixel accuracy | s / val image | note |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
