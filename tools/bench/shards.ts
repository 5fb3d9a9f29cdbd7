/**
 * Sharding benchmark (issue 14): `acseg features` over N images in one
 * process, then as 2 shards running side by side on the same machine
 * (`--shard 0/2` and `--shard 1/2`, as two array tasks on one node would),
 * then `acseg merge` of the 2 parts: images/s of each, the speed-up (ideal
 * 2×, bounded by the cores), and the merge's cost against the extraction's.
 * Checks that the merged cache equals the one-process cache byte for byte.
 *
 *   npx tsx tools/bench/shards.ts [--images 400] [--backbone handcrafted] [--model PATH.onnx | --vit-s16] [--data DIR] [--out DIR]
 * --vit-s16: a random-weight DINO ViT-S/16 (224, the paper's size) made into --out, run with --backbone dino: the
 * per-image cost of the real model without downloading it.
 * --data: the CamVid folder (default ../shared/datasets/camvid beside the repository); the first N frames of
 * train, then val, are linked into one folder under --out.
 *
 * Runs the built CLI (npm run build first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { benchArgs } from './bench-args.js';

const root = resolve(__dirname, '../..');
const cli = join(root, 'apps/cli/bin/acseg.js');
const { values } = benchArgs(
  {
    options: {
      images: { type: 'string', default: '400' },
      backbone: { type: 'string', default: 'handcrafted' },
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string', default: join(root, 'out/bench-shards') },
      'vit-s16': { type: 'boolean', default: false },
    },
  },
  'npx tsx tools/bench/shards.ts [--images 400] [--backbone handcrafted] [--model PATH.onnx | --vit-s16] [--data DIR] [--out DIR]',
);
const n = Number(values.images);
const data = resolve(values.data ?? join(root, '../shared/datasets/camvid'));
const out = resolve(values.out!);
let model = values.model ? ['--model', resolve(values.model)] : [];
let backbone = values.backbone!;

/** A random-weight ViT-S/16 ONNX (the shapes and cost of DINO ViT-S/16), made once. */
async function vitS16(): Promise<string> {
  const file = join(out, 'vit-s16-random.onnx');
  if (!existsSync(file)) {
    const { buildVitOnnx, inferVitConfig } = await import('@acseg/backbone-dino');
    const { makeVitWeights, VIT_S16 } = await import('../../packages/backbone-dino/src/testing/tiny-vit.js');
    const w = makeVitWeights(VIT_S16);
    mkdirSync(out, { recursive: true });
    writeFileSync(file, buildVitOnnx(w, inferVitConfig(w, 'vit-s16-random', { num_attention_heads: 6 }), { inputSize: 224, modelName: 'vit-s16-random' }));
  }
  return file;
}

/** Runs the CLI; resolves with the seconds it took (rejects on a non-zero exit). */
function acseg(args: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) =>
      code === 0 ? done((performance.now() - t0) / 1000) : fail(new Error(`acseg ${args.join(' ')}: exit ${code}\n${err.slice(-2000)}`)),
    );
  });
}

function sameCache(a: string, b: string): boolean {
  const files = (d: string) =>
    readdirSync(d)
      .filter((f) => /^shard-\d+\.safetensors$/.test(f))
      .sort();
  const fa = files(a);
  if (fa.join() !== files(b).join()) return false;
  const index = (d: string) => readFileSync(join(d, 'index.json'), 'utf8').replace(/"updated":"[^"]*"/, '');
  return index(a) === index(b) && fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

async function main(): Promise<void> {
  if (values['vit-s16']) {
    model = ['--model', await vitS16()];
    backbone = 'dino';
  }
  const images = join(out, `images-${n}`);
  if (!existsSync(images)) {
    const frames = ['train', 'val'].flatMap((s) =>
      existsSync(join(data, s))
        ? readdirSync(join(data, s))
            .filter((f) => f.endsWith('.jpg'))
            .sort()
            .map((f) => join(data, s, f))
        : [],
    );
    if (frames.length < n) {
      console.error(`${data}: ${frames.length} CamVid frames in train/ and val/, fewer than --images ${n}; pass --data <CamVid folder>`);
      process.exitCode = 2;
      return;
    }
    mkdirSync(images, { recursive: true });
    for (const f of frames.slice(0, n)) symlinkSync(f, join(images, f.split('/').pop()!));
  }
  const common = ['features', '--images', images, '--backbone', backbone, ...model, '--flush-seconds', '3600'];
  for (const d of ['one', 'two']) rmSync(join(out, d), { recursive: true, force: true });
  const load = loadavg()[0].toFixed(1);

  const one = await acseg([...common, '--out', join(out, 'one')]);
  const t0 = performance.now();
  await Promise.all([0, 1].map((i) => acseg([...common, '--out', join(out, 'two'), '--shard', `${i}/2`])));
  const two = (performance.now() - t0) / 1000;
  const merge = await acseg(['merge', join(out, 'two')]);
  // Start-up (Node, plugins, the CLI) is paid once per process whatever the work: taken apart from the merge's.
  const startups = [await acseg(['--help']), await acseg(['--help']), await acseg(['--help'])].sort((a, b) => a - b);
  const startup = startups[1];
  const mergeWork = Math.max(0, merge - startup);
  const same = sameCache(join(out, 'one'), join(out, 'two'));

  console.log(
    `\n${n} CamVid frames (480×360), backbone ${backbone}${values['vit-s16'] ? ' (random-weight ViT-S/16 at 224)' : values.model ? ` (${values.model})` : ''}; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${load} at the start; ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log('| run | seconds | images/s | speed-up |\n|---|---|---|---|');
  console.log(`| 1 process | ${one.toFixed(1)} | ${(n / one).toFixed(1)} | 1.00× |`);
  console.log(`| 2 shards side by side | ${two.toFixed(1)} | ${(n / two).toFixed(1)} | ${(one / two).toFixed(2)}× |`);
  console.log(`| merge of the 2 parts | ${merge.toFixed(1)} | ${(n / merge).toFixed(1)} | ${((100 * merge) / one).toFixed(1)} % of the 1-process extraction |`);
  console.log(
    `| merge less CLI start-up (${startup.toFixed(1)} s, median of 3 \`acseg --help\`) | ${mergeWork.toFixed(1)} | ${(n / mergeWork).toFixed(1)} | ${((100 * mergeWork) / (one - startup)).toFixed(1)} % of the extraction less start-up |`,
  );
  console.log(`\nmerged cache = one-process cache, byte for byte: ${same ? 'yes' : 'NO'}`);
  // On paper: COCO-Stuff-27 train (49 k images) on 32 workers, at the per-image costs measured here.
  const coco = 49_000;
  const perImage = one / n;
  const mergePerImage = mergeWork / n;
  console.log(
    `COCO-Stuff train (${coco} images) at ${perImage.toFixed(3)} s/image: ${((coco * perImage) / 3600).toFixed(2)} h in one process; on 32 workers ${((coco * perImage) / 32 / 60).toFixed(1)} min + merge ${((coco * mergePerImage) / 60).toFixed(1)} min`,
  );
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
