/**
 * Synthetic benchmark of adaptive conceptualization (method notes §8, issue 4 item 6).
 *   npx tsx bench/synthetic.ts [--family A|B] [--train 512] [--test 120] [--iterations 400] [--batch 8] [--lr 1e-3] [--shared 0]
 *     [--dim 384] [--heads 6] [--acg-seed S (the ACG's weights and batch order; default --seed)] [--pool-seed 0 | --fresh-vocabulary] [--workers 2] [--warmup 0] [--schedule constant|cosine] [--merge cos (mergeThreshold)] [--ema β] [--restarts R] [--no-baselines] [--train-runtime onnx|tfjs] [--checkpoint dir [--resume]]
 * --family: A (default) is the family that recipes were tuned on, B the one held out from tuning (bench/data/families.ts);
 * --shared, --pool-seed and --fresh-vocabulary apply to A only.
 * --fresh-vocabulary draws the held-out images' concept directions from another pool than the training images'.
 * With --checkpoint, an existing checkpoint is evaluated as is (or, with --resume, trained on to --iterations).
 * Trains the ACG (paper architecture: k=5, N=6, 6 heads, d=384) on synthetic
 * feature maps with 1–6 planted concepts, evaluates held-out images: mIoU
 * after optimal one-to-one matching, and the count error |found − planted|,
 * against k-means (k=5) and the other clustering baselines.
 */
import { parseArgs } from 'node:util';
import { arrayFeatureSource, assignmentToRegions, silentLogger, type ConceptGenerator } from '@acseg/core';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, SpectralGenerator } from '@acseg/generator-clustering';
import { AcgGenerator } from '../src/inference/generator.js';
import { SYNTHETIC_FAMILIES, isSyntheticFamily } from './data/families.js';
import { matchedIoU, syntheticImages, type SyntheticImage } from './data/synthetic.js';
import { table } from './common.js';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '512' },
    test: { type: 'string', default: '120' },
    iterations: { type: 'string', default: '400' },
    batch: { type: 'string', default: '8' },
    lr: { type: 'string', default: '1e-3' },
    checkpoint: { type: 'string' },
    resume: { type: 'boolean', default: false },
    seed: { type: 'string', default: '0' },
    shared: { type: 'string', default: '0' },
    'pool-seed': { type: 'string', default: '0' },
    warmup: { type: 'string', default: '0' },
    schedule: { type: 'string', default: 'constant' },
    merge: { type: 'string' },
    dim: { type: 'string', default: '384' },
    'acg-seed': { type: 'string' },
    heads: { type: 'string', default: '6' },
    'train-runtime': { type: 'string' },
    'fresh-vocabulary': { type: 'boolean', default: false },
    workers: { type: 'string' },
    ema: { type: 'string', default: '0' },
    'no-baselines': { type: 'boolean', default: false },
    family: { type: 'string', default: 'A' },
    restarts: { type: 'string', default: '1' },
  },
});
const num = (s: string | undefined) => Number(s);

const poolSeed = num(args['pool-seed']);
const dim = num(args.dim);
const family = args.family!;
if (!isSyntheticFamily(family)) {
  console.error(`--family ${family}: expected A (the family recipes were tuned on) or B (held out)`);
  process.exit(2);
}
const familyA = family === 'A';
const trainSet = familyA
  ? syntheticImages({ count: num(args.train), seed: 1000 + num(args.seed), shared: num(args.shared), poolSeed, dim })
  : SYNTHETIC_FAMILIES.B.make({ count: num(args.train), seed: 1000 + num(args.seed), dim });
const testSet = familyA
  ? syntheticImages({
      count: num(args.test),
      seed: 2000 + num(args.seed),
      shared: num(args.shared),
      poolSeed: args['fresh-vocabulary'] ? poolSeed + 1 : poolSeed,
      dim,
    })
  : SYNTHETIC_FAMILIES.B.make({ count: num(args.test), seed: 2000 + num(args.seed), dim });

const acg = new AcgGenerator(
  {
    heads: num(args.heads),
    iterations: num(args.iterations),
    batchSize: num(args.batch),
    lr: num(args.lr),
    seed: num(args['acg-seed'] ?? args.seed),
    warmup: num(args.warmup),
    ema: num(args.ema),
    restarts: num(args.restarts),
    schedule: args.schedule as 'constant' | 'cosine',
    ...(args.merge ? { mergeThreshold: num(args.merge) } : {}),
    ...(args.workers ? { workers: num(args.workers) } : {}),
    ...(args['train-runtime'] ? { trainRuntime: args['train-runtime'] as 'onnx' | 'tfjs' } : {}),
  },
  { ...silentLogger, info: (m: string) => console.error(m) },
);
const t0 = performance.now();
let last = 0;
const progress = {
  start: () => ({
    update(done: number, v?: Record<string, string | number>) {
      if (done < last) last = 0; // the next of several restarts
      if (done - last >= 50 || done === num(args.iterations)) {
        last = done;
        console.error(`  iteration ${done}: loss ${v?.loss}, ${v?.['it/s']} it/s`);
      }
    },
    stop() {},
  }),
};
let loadedAsIs = false;
if (args.checkpoint && args.resume) {
  await acg.fit(arrayFeatureSource(trainSet.map((s) => s.features)), { progress, checkpointDir: args.checkpoint, resume: true });
} else if (args.checkpoint) {
  try {
    await acg.load(args.checkpoint);
    loadedAsIs = true;
    console.error(`loaded ${args.checkpoint}`);
  } catch {
    await acg.fit(arrayFeatureSource(trainSet.map((s) => s.features)), { progress, checkpointDir: args.checkpoint });
  }
} else {
  await acg.fit(arrayFeatureSource(trainSet.map((s) => s.features)), { progress });
}
const trainSeconds = (performance.now() - t0) / 1000;

interface Score {
  miou: number;
  countErr: number;
  n: number;
}
const empty = (): Score => ({ miou: 0, countErr: 0, n: 0 });

async function evaluate(gen: ConceptGenerator, set: SyntheticImage[]) {
  const t = performance.now();
  const out = await gen.generate(set.map((s) => s.features));
  const seconds = (performance.now() - t) / 1000;
  const all = empty();
  const is5 = empty();
  const not5 = empty();
  const perCount = new Map<number, Score>();
  set.forEach((s, i) => {
    const r = assignmentToRegions({ assignment: out[i].assignment, k: out[i].k, grid: s.features.grid, width: s.features.grid.w, height: s.features.grid.h });
    const miou = matchedIoU(s.labels, s.concepts, r.labels, r.count);
    const err = Math.abs(r.count - s.concepts);
    const pc = perCount.get(s.concepts) ?? empty();
    perCount.set(s.concepts, pc);
    for (const sc of [all, s.concepts === 5 ? is5 : not5, pc]) {
      sc.miou += miou;
      sc.countErr += err;
      sc.n++;
    }
  });
  return { all, is5, not5, perCount, imagesPerSecond: set.length / seconds };
}

const gens: Array<[string, ConceptGenerator]> = [
  [`ACG (k=5 prototypes)${args.merge ? `, merge ≥ ${args.merge}` : ''}`, acg],
  ...(args['no-baselines']
    ? []
    : ([
        ['k-means k=5', new KMeansGenerator({ k: 5 })],
        ['spectral k=5', new SpectralGenerator({ k: 5 })],
        ['affinity propagation', new AffinityPropagationGenerator({})],
        ['agglomerative k=5', new AgglomerativeGenerator({ k: 5 })],
      ] as Array<[string, ConceptGenerator]>)),
];
const fmt = (s: Score) => (s.n ? `${((100 * s.miou) / s.n).toFixed(1)} / ${(s.countErr / s.n).toFixed(2)}` : '-');
const rows: Array<Record<string, string | number>> = [];
for (const [name, g] of gens) {
  const r = await evaluate(g, testSet);
  const row: Record<string, string | number> = { method: name, 'all: mIoU / |Δcount|': fmt(r.all), 'c≠5': fmt(r.not5), 'c=5': fmt(r.is5) };
  for (let c = 1; c <= 6; c++) row[`c=${c}`] = fmt(r.perCount.get(c) ?? empty());
  row['img/s'] = r.imagesPerSecond.toFixed(0);
  rows.push(row);
}
console.log(
  `family ${family} (${SYNTHETIC_FAMILIES[family].role}${familyA ? ': the recipe scan was tuned on it' : ': no recipe was tuned on it'}): ${SYNTHETIC_FAMILIES[family].description}`,
);
if (familyA)
  console.log(
    `synthetic: ${trainSet.length} train / ${testSet.length} test images, 14×14 patches, d=${dim} (ACG heads ${args.heads}), 1–6 planted concepts (pool 16 from pool seed ${poolSeed}${args['fresh-vocabulary'] ? `, test pool seed ${poolSeed + 1}` : ', shared by train and test'}, noise 0.8, shared direction ${args.shared})`,
  );
else console.log(`synthetic: ${trainSet.length} train / ${testSet.length} test images, 14×14 patches, d=${dim} (ACG heads ${args.heads})`);
console.log(
  loadedAsIs
    ? `ACG: checkpoint ${args.checkpoint} evaluated as is${args.merge ? `, merge ≥ ${args.merge}` : ''}`
    : `ACG: ${args.iterations} iterations × batch ${args.batch}, AdamW lr ${args.lr}, seed ${args['acg-seed'] ?? args.seed}${num(args.warmup) ? ` (warm-up ${args.warmup})` : ''}${args.schedule === 'cosine' ? ' (cosine decay)' : ''} wd 0.01${num(args.ema) ? `, weight average ema ${args.ema}` : ''}${num(args.restarts) > 1 ? `, best of ${args.restarts} restarts by held-in loss` : ''}, trained in ${trainSeconds.toFixed(0)} s (engine: the log line above)`,
);
console.log(table(rows));
