/**
 * Scale benchmark (issue 13): peak RSS and images/s of `acseg features`
 * (the backbone alone), `segment --checkpoint`, `run --checkpoint` (k-means
 * classifier: two passes) and `eval --dataset camvid --checkpoint` on N
 * synthetic-but-realistic images: random crops (60–100 % of each side) and
 * flips of the CamVid train frames, resized back to the frame size, with
 * their labels transformed the same way (nearest neighbour) for `eval`.
 *
 *   npx tsx tools/bench/scale.ts [--sizes 1000,5000,10000] [--commands features,segment,run,eval]
 *     [--backbone handcrafted] [--model PATH.onnx] [--data DIR] [--out DIR] [--rounds 1]
 * run-state (not in the default list): `run --checkpoint` given a k-means state fitted once on 200 of the frames
 *   (`--set kmeans.checkpoint=FILE`), so one pass, as for new photos labelled with clusters fitted earlier.
 * --rounds R: the commands R times in turn (features, segment, … , features, segment, …), each ratio against the
 *   `features` of its own round, then the median and range of each command's ratios: on a shared machine one round's
 *   ratio moves by ±0.1 with the neighbours' load.
 * --data: the CamVid folder (default ../shared/datasets/camvid beside the repository), or any folder of JPEG, PNG or
 *   WebP images (your own photos): the same crops and flips at each image's size, without labels, so no `eval`.
 * --model: a ViT ONNX for `--backbone dino` (e.g. a random-weight ViT-S/16 made with `acseg models convert`).
 *
 * Each run writes into a new folder, kept until the size's last round (~0.3 GB per 1 000 CamVid frames for `segment`
 * or `run`): see settle().
 * Runs the built CLI (npm run build first). Peak RSS is the child's VmHWM,
 * and CPU time its utime + stime, polled from /proc (Linux). Generated images are kept under --out and reused.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
// sharp comes with the workspace (the image packages depend on it).
import sharp from 'sharp';
import { mulberry32 } from '@acseg/random';
import { benchArgs } from './bench-args.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'apps/cli/bin/acseg.js');
const { values } = benchArgs(
  {
    options: {
      sizes: { type: 'string', default: '1000,5000,10000' },
      commands: { type: 'string', default: 'features,segment,run,eval' },
      backbone: { type: 'string', default: 'handcrafted' },
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string', default: join(root, 'out/bench-scale') },
      rounds: { type: 'string', default: '1' },
    },
  },
  'npx tsx tools/bench/scale.ts [--sizes 1000,5000,10000] [--commands features,segment,run,eval]\n  [--backbone handcrafted] [--model PATH.onnx] [--data DIR] [--out DIR] [--rounds 1]',
);
const data = resolve(values.data ?? join(root, '../shared/datasets/camvid'));
// A CamVid folder gives images and labels (all four commands); any other folder of images gives images only.
const camvid = existsSync(join(data, 'train.txt'));
const photos =
  camvid || !existsSync(data) || !statSync(data).isDirectory()
    ? []
    : readdirSync(data)
        .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
        .sort();
if (!camvid && !photos.length) {
  console.error(`${data}: neither a CamVid folder (train/, trainannot/, train.txt) nor a folder of JPEG, PNG or WebP images; pass --data`);
  process.exit(2);
}
const out = resolve(values.out!);
const sizes = values.sizes!.split(',').map(Number);
let commands = values.commands!.split(',');
if (!camvid && commands.includes('eval')) {
  console.log(`eval skipped: it needs labels, and ${data} is not a CamVid folder`);
  commands = commands.filter((c) => c !== 'eval');
}
const unknown = commands.filter((c) => !['features', 'segment', 'run', 'run-state', 'eval'].includes(c));
if (unknown.length) {
  console.error(`--commands: unknown ${unknown.join(', ')} (features, segment, run, run-state, eval)`);
  process.exit(2);
}
const model = values.model ? ['--model', resolve(values.model)] : [];
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds ${values.rounds}: expected a whole number ≥ 1`);
  process.exit(2);
}

/** N images made from a plain folder's images (random crops and flips at each image's size), made once, no labels. */
async function makeImages(n: number): Promise<string> {
  const dir = join(out, `${basename(data)}-images-${n}`);
  if (existsSync(join(dir, 'val.txt'))) return dir;
  mkdirSync(join(dir, 'val'), { recursive: true });
  const rand = mulberry32(n);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const src = join(data, photos[Math.floor(rand() * photos.length)]);
    const meta = await sharp(src).rotate().toBuffer({ resolveWithObject: true });
    const W = meta.info.width,
      H = meta.info.height;
    const w = Math.round(W * (0.6 + 0.4 * rand())),
      h = Math.round(H * (0.6 + 0.4 * rand()));
    const crop = { left: Math.floor(rand() * (W - w + 1)), top: Math.floor(rand() * (H - h + 1)), width: w, height: h };
    let img = sharp(meta.data).extract(crop).resize(W, H, { fit: 'fill' });
    if (rand() < 0.5) img = img.flop();
    const name = `s${String(i).padStart(6, '0')}`;
    await img.jpeg({ quality: 90 }).toFile(join(dir, 'val', `${name}.jpg`));
    names.push(name);
  }
  writeFileSync(join(dir, 'val.txt'), `${names.join('\n')}\n`);
  return dir;
}

/** N images and labels in the CamVid layout (split "val"), made once. */
async function makeSplit(n: number): Promise<string> {
  if (!camvid) return makeImages(n);
  const dir = join(out, `camvid-${n}`);
  if (existsSync(join(dir, 'val.txt'))) return dir;
  const ids = readFileSync(join(data, 'train.txt'), 'utf8').split('\n').filter(Boolean);
  mkdirSync(join(dir, 'val'), { recursive: true });
  mkdirSync(join(dir, 'valannot'), { recursive: true });
  const rand = mulberry32(n);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const src = ids[Math.floor(rand() * ids.length)];
    const meta = await sharp(join(data, 'train', `${src}.jpg`)).metadata();
    const W = meta.width!,
      H = meta.height!;
    const w = Math.round(W * (0.6 + 0.4 * rand())),
      h = Math.round(H * (0.6 + 0.4 * rand()));
    const crop = { left: Math.floor(rand() * (W - w + 1)), top: Math.floor(rand() * (H - h + 1)), width: w, height: h };
    const flip = rand() < 0.5;
    const name = `s${String(i).padStart(6, '0')}`;
    let img = sharp(join(data, 'train', `${src}.jpg`))
      .extract(crop)
      .resize(W, H, { fit: 'fill' });
    let lab = sharp(join(data, 'trainannot', `${src}.png`))
      .extract(crop)
      .resize(W, H, { fit: 'fill', kernel: 'nearest' });
    if (flip) {
      img = img.flop();
      lab = lab.flop();
    }
    await img.jpeg({ quality: 90 }).toFile(join(dir, 'val', `${name}.jpg`));
    await lab
      .toColourspace('b-w')
      .png()
      .toFile(join(dir, 'valannot', `${name}.png`));
    names.push(name);
  }
  writeFileSync(join(dir, 'val.txt'), `${names.join('\n')}\n`);
  return dir;
}

/** Regions a k-means classifier with background labelled as foreground (class id ≥ 1), over a run's per-image JSON. */
function foregroundRegions(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json') || f.startsWith('.')) continue;
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { regions?: Array<{ classId: number }> };
    n += (doc.regions ?? []).filter((r) => r.classId >= 1).length;
  }
  return n;
}

/** The folder of one run's outputs. */
function runDir(command: string, n: number, round: number): string {
  return join(out, rounds > 1 ? `${command}-${n}-r${round}` : `${command}-${n}`);
}

/**
 * Removes these folders, then, if anything went, waits for the file system to forget the deletions before anything
 * is measured. On ext4 without a journal (as on the machine the README's numbers come from) the inode allocator
 * passes over inodes deleted in the last `dirty_expire_centisecs` (30 s): creating a file right after 4 000 were
 * deleted took 157 µs instead of 15 (docs/experiments/2026-12-scale-bench.md, eleventh session), and `segment`
 * creates four files an image where `features` creates one, so removing each command's folder just before its run
 * (as this script did) slowed `segment` more than `features`. A user's run into a new folder does not follow
 * thousands of deletions by seconds.
 */
async function settle(dirs: string[], wait = true): Promise<void> {
  const there = dirs.filter((d) => existsSync(d));
  if (!there.length) return;
  spawnSync('rm', ['-rf', ...there]);
  if (!wait) return;
  // Twice the kernel's window: after ~8 000 deletions, creates were still slow 40 s later at times (probes, same log).
  const seconds = (2 * Number(readFileSync('/proc/sys/vm/dirty_expire_centisecs', 'utf8'))) / 100;
  console.log(`removed ${there.length} earlier output folder(s); waiting ${seconds} s before measuring (see settle() in this script)`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS = 100;

/**
 * Runs the CLI, polling the child's peak RSS and its CPU time (every thread, user + system, as last seen before it
 * exited: up to 0.1 s short); returns seconds, MiB and CPU seconds. CPU time per image holds on a loaded machine,
 * where wall-clock rates move with other work.
 */
function measure(args: string[]): Promise<{ seconds: number; peakMiB: number; cpu: number; status: number | null; tail: string }> {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [cli, ...args, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let peak = 0;
    let cpu = 0;
    let tail = '';
    const keep = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]));
        // Fields after the command name: utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpu = (Number(stat[11]) + Number(stat[12])) / TICKS;
      } catch {
        /* exited */
      }
    }, 100);
    child.on('exit', (status) => {
      clearInterval(poll);
      done({ seconds: (Date.now() - t0) / 1000, peakMiB: peak / 1024, cpu, status, tail });
    });
  });
}

async function main(): Promise<void> {
  // A small ACG checkpoint, trained once on 200 of the frames: the benchmark measures segmentation, not training.
  const ckpt = join(out, camvid ? `${values.backbone}-acg` : `${values.backbone}-acg-${basename(data)}`);
  if (commands.some((c) => c !== 'features') && !existsSync(join(ckpt, 'config.json'))) {
    const small = await makeSplit(200);
    const r = spawnSync(
      process.execPath,
      [cli, 'train', '--images', join(small, 'val'), '--out', ckpt, '--backbone', values.backbone!, ...model, '--iterations', '200', '--quiet'],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error('training the benchmark checkpoint failed');
  }
  // And a k-means state (11 clusters) fitted once on the same 200 frames, for `run-state`: `run` given both.
  const state = join(out, camvid ? `${values.backbone}-kmeans11.safetensors` : `${values.backbone}-kmeans11-${basename(data)}.safetensors`);
  if (commands.includes('run-state') && !existsSync(state)) {
    const small = await makeSplit(200);
    const f = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        '--images',
        join(small, 'val'),
        '--out',
        join(out, 'fit-200'),
        '--backbone',
        values.backbone!,
        ...model,
        '--checkpoint',
        ckpt,
        '--clusters',
        '11',
        '--fit-only',
        '--save-classifier',
        state,
        '--quiet',
      ],
      { stdio: 'inherit' },
    );
    if (f.status !== 0) throw new Error('fitting the benchmark k-means state failed');
  }

  const rows: string[] = [];
  const medians: string[] = [];
  for (const n of sizes) {
    let featuresRate = 0;
    let featuresCpu = 0;
    const ratios = new Map<string, number[]>();
    const split = await makeSplit(n);
    const images = join(split, 'val');
    const count = readdirSync(images).length;
    const runs: Record<string, string[]> = {
      features: ['features', '--images', images, '--out', join(out, `features-${n}`), '--backbone', values.backbone!, ...model],
      segment: ['segment', '--images', images, '--out', join(out, `segment-${n}`), '--backbone', values.backbone!, ...model, '--checkpoint', ckpt],
      run: ['run', '--images', images, '--out', join(out, `run-${n}`), '--backbone', values.backbone!, ...model, '--checkpoint', ckpt, '--clusters', '11'],
      // One pass: the k-means state is given, not fitted on these images.
      'run-state': [
        'run',
        '--images',
        images,
        '--out',
        join(out, `run-state-${n}`),
        '--backbone',
        values.backbone!,
        ...model,
        '--checkpoint',
        ckpt,
        '--set',
        `kmeans.checkpoint=${state}`,
      ],
      eval: [
        'eval',
        '--dataset',
        'camvid',
        '--root',
        split,
        '--split',
        'val',
        '--backbone',
        values.backbone!,
        ...model,
        '--checkpoint',
        ckpt,
        '--seeds',
        '1',
        '--out',
        join(out, `eval-${n}`),
      ],
    };
    // Each run writes into a folder of its own, new (a feature cache would resume), and the runs' folders are removed
    // only after the size's last round: see settle().
    await settle(commands.flatMap((c) => Array.from({ length: rounds }, (_, r) => runDir(c, n, r + 1))));
    for (let round = 1; round <= rounds; round++) {
      for (const c of commands) {
        runs[c][runs[c].indexOf('--out') + 1] = runDir(c, n, round);
        const m = await measure(runs[c]);
        // With a ViT, a classifier that embeds regions (k-means, k-NN: paper §4.1) runs it once per image and once
        // per foreground region: its work is image passes plus region passes. The weight-free backbone pools its
        // patch features instead (no pass).
        // Fitting k-means logs how many regions it embedded; applying a state does not: its foreground regions (class
        // ids from 1: background is 0 and not embedded) are counted in the outputs' JSON.
        const regions = c === 'run-state' ? foregroundRegions(runDir(c, n, round)) : Number(/(\d+) regions of \d+ images/.exec(m.tail)?.[1] ?? 0);
        const passes = count + (values.backbone === 'dino' ? regions : 0);
        if (c === 'features') {
          featuresRate = count / m.seconds;
          featuresCpu = m.cpu / count;
        }
        const ratio = featuresRate ? passes / m.seconds / featuresRate : undefined;
        if (ratio !== undefined) ratios.set(c, [...(ratios.get(c) ?? []), ratio]);
        // The same ratio in CPU time: backbone work per CPU second, against features' images per CPU second.
        const cpuRatio = featuresCpu ? ((passes * featuresCpu) / m.cpu).toFixed(2) : '';
        const row = `| ${c} | ${n}${rounds > 1 ? ` (${round})` : ''} | ${m.status} | ${m.peakMiB.toFixed(0)} | ${(count / m.seconds).toFixed(2)} | ${m.seconds.toFixed(0)} | ${regions} | ${ratio?.toFixed(2) ?? ''} | ${((1000 * m.cpu) / count).toFixed(0)} | ${cpuRatio} |`;
        rows.push(row);
        console.log(row);
        if (m.status !== 0 && m.status !== 1) console.log(m.tail);
      }
    }
    await settle(
      commands.flatMap((c) => Array.from({ length: rounds }, (_, r) => runDir(c, n, r + 1))),
      n !== sizes[sizes.length - 1],
    );
    if (rounds > 1) {
      for (const [c, r] of ratios) {
        if (c === 'features') continue;
        const sorted = [...r].sort((a, b) => a - b);
        const mid = sorted.length >> 1;
        const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        medians.push(`| ${c} | ${n} | ${r.length} | ${median.toFixed(2)} | ${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)} |`);
      }
    }
  }
  console.log(`\nbackbone ${values.backbone}${values.model ? ` (${values.model})` : ''}, ${new Date().toISOString().slice(0, 10)}\n`);
  // passes/s ÷ features' images/s: how close the command comes to the backbone work it must do.
  console.log(
    '| command | images | exit | peak RSS (MiB) | images/s | seconds | region passes | backbone-work ratio | CPU ms/image | CPU ratio |\n|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows) console.log(r);
  if (medians.length) {
    console.log(`\nbackbone-work ratio over ${rounds} rounds (each against its round's features)\n`);
    console.log('| command | images | rounds | median ratio | range |\n|---|---|---|---|---|');
    for (const r of medians) console.log(r);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
