import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { silentLogger, type FeatureSource } from '@acseg/core';
import type { TfAcg } from '../tf/runtime.js';
import { train, type AcgFitOptions, type AcgFitReport } from './loop.js';
import type { TrainableAcg } from './target.js';

/** One restart of a multi-run `fit`: its seed and the modularity loss it reached on the training images. */
export interface RestartResult {
  restart: number;
  seed: number;
  iterations: number;
  heldInLoss: number;
}

export interface AcgRestartsReport extends AcgFitReport {
  restarts: RestartResult[];
  /** Index into `restarts` of the run that was kept. */
  chosen: number;
}

/**
 * Mean modularity loss (method notes §3) of `model` over up to `count` training images, evenly spaced through the
 * source: the label-free score by which restarts are compared. On the synthetic benchmark it ranks runs as their
 * held-out mIoU does (Spearman ρ ≈ 0.9 over 57 runs; docs/experiments/acg-notebook.md "Seeds, restarts and weight averaging").
 */
export async function heldInLoss(model: TfAcg, source: FeatureSource, count = 512, batch = 32): Promise<number> {
  const m = Math.min(count, source.length);
  const indices = Array.from({ length: m }, (_, i) => Math.floor((i * source.length) / m));
  let sum = 0;
  for (let i = 0; i < m; i += batch) {
    const maps = await source.read(indices.slice(i, i + batch));
    sum +=
      model.loss(
        maps.map((f) => f.tokens),
        maps[0].grid.h * maps[0].grid.w,
      ) * maps.length;
  }
  return sum / m;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Copies a finished restart's checkpoint into `dir`: tensors first (temp + rename), config.json last. */
async function promote(from: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of ['weights.safetensors', 'optimizer.safetensors', 'config.json']) {
    if (!(await exists(join(from, file)))) continue;
    const tmp = join(dir, `.${file}.${process.pid}.tmp`);
    await copyFile(join(from, file), tmp);
    await rename(tmp, join(dir, file));
  }
}

/**
 * `fit` with option restarts = R > 1: R runs from seeds seed, seed + 1, …, each a complete `train` (checkpoints in
 * <checkpointDir>/restart-<r>, resumable one by one), then the run with the lowest held-in loss is kept: its
 * weights become the generator's, its checkpoint is copied to <checkpointDir>, and restarts.json lists every run.
 */
export async function trainWithRestarts(
  gen: TrainableAcg,
  source: FeatureSource,
  options: AcgFitOptions,
  makeRun: (seed: number) => TrainableAcg,
): Promise<AcgRestartsReport> {
  const log = options.log ?? gen.logger ?? silentLogger;
  const R = gen.options.restarts;
  const dir = options.checkpointDir;
  const results: RestartResult[] = [];
  let best: { run: TrainableAcg; report: AcgFitReport; index: number } | undefined;
  let totalSeconds = 0;
  for (let r = 0; r < R; r++) {
    const seed = gen.options.seed + r;
    const sub = dir ? join(dir, `restart-${r}`) : undefined;
    const resume = options.resume && sub && (await exists(join(sub, 'config.json'))) ? sub : undefined;
    log.info(`acg: restart ${r + 1} of ${R} (seed ${seed})${resume ? `, resuming from ${sub}` : ''}`);
    const run = makeRun(seed);
    const report = await train(run, source, { ...options, checkpointDir: sub, resume, label: `train ACG (run ${r + 1}/${R})` });
    totalSeconds += report.secondsPerIteration * report.iterations;
    if (report.interrupted) {
      log.info(`acg: interrupted during restart ${r + 1}; --resume continues it${best ? '' : ' (no restart finished yet)'}`);
      gen.setModel(run.requireModel('keep'), sub ?? `restart ${r + 1}`, run.training);
      const chosen = best?.index ?? -1;
      await best?.run.dispose(); // its checkpoint stays in its restart folder
      return { ...report, restarts: results, chosen };
    }
    const loss = await heldInLoss(run.requireModel('score'), source);
    results.push({ restart: r, seed, iterations: report.iterations, heldInLoss: loss });
    log.info(`acg: restart ${r + 1} (seed ${seed}): held-in modularity loss ${loss.toFixed(5)}`);
    if (!best || loss < results[best.index].heldInLoss) {
      if (best) await best.run.dispose();
      best = { run, report, index: results.length - 1 };
    } else {
      await run.dispose();
    }
  }
  const chosen = best as NonNullable<typeof best>;
  const winner = results[chosen.index];
  log.info(`acg: kept restart ${winner.restart + 1} (seed ${winner.seed}), the lowest held-in loss of ${R} (${winner.heldInLoss.toFixed(5)})`);
  gen.setModel(chosen.run.requireModel('keep'), dir ? join(dir, `restart-${winner.restart}`) : `restart ${winner.restart + 1}`, chosen.run.training);
  if (dir) {
    await promote(join(dir, `restart-${winner.restart}`), dir);
    await writeFileAtomic(
      join(dir, 'restarts.json'),
      `${JSON.stringify({ selection: 'lowest held-in modularity loss', chosen: winner.restart, restarts: results }, null, 2)}\n`,
    );
  }
  return {
    ...chosen.report,
    secondsPerIteration: totalSeconds / results.reduce((a, r) => a + r.iterations, 0),
    checkpoint: dir,
    restarts: results,
    chosen: chosen.index,
  };
}
