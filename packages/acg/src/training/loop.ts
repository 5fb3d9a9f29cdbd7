import { AcsegError, silentLogger, silentProgress, validateFeatureMap, type FeatureSource, type FitOptions, type FitReport } from '@acseg/core';
import { loadCheckpoint, type TrainingState } from '../checkpoint/checkpoint.js';
import { TfAcg } from '../tf/runtime.js';
import { batchIndices } from './batches.js';
import { WeightAverage } from './ema.js';
import { startTrainingEngine } from './engines/choose.js';
import type { TrainingEngine } from './engines/types.js';
import { learningRateAt } from './schedule.js';
import type { TrainableAcg } from './target.js';

export interface AcgFitOptions extends FitOptions {
  /** Folder for checkpoints (none written without it). */
  checkpointDir?: string;
  /** Iterations between checkpoints (default: the generator's checkpointEvery). */
  checkpointEvery?: number;
  /** Continue from a checkpoint (its folder, or true for checkpointDir), optimizer state included. */
  resume?: string | boolean;
  /** Progress bar title (restarts number their runs). */
  label?: string;
}

export interface AcgFitReport extends FitReport {
  interrupted: boolean;
  /** Seconds per iteration, measured over this run. */
  secondsPerIteration: number;
  checkpoint?: string;
}

function fmtEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The training loop behind AcgGenerator.fit (paper §4.1, method notes §4). */
export async function train(gen: TrainableAcg, source: FeatureSource, options: AcgFitOptions): Promise<AcgFitReport> {
  const log = options.log ?? gen.logger ?? silentLogger;
  const o = gen.options;
  const every = options.checkpointEvery ?? o.checkpointEvery;
  const dir = options.checkpointDir;
  if (source.length === 0) throw new AcsegError('BAD_INPUT', 'acg: the training feature set is empty');

  let start = 0;
  let average: WeightAverage | undefined;
  if (options.resume) {
    const from = typeof options.resume === 'string' ? options.resume : dir;
    if (!from) throw new AcsegError('BAD_CONFIG', 'acg: resume needs a checkpoint folder (resume: <path> or checkpointDir)');
    const ckpt = await loadCheckpoint(from, true);
    if (ckpt.config.dim !== source.dim) {
      throw new AcsegError('BAD_CHECKPOINT', `${from}: the checkpoint has d = ${ckpt.config.dim}, the features have d = ${source.dim}`, { file: from });
    }
    await gen.initialize(ckpt.config.dim);
    const model = new TfAcg(ckpt.config, ckpt.params, gen.formulation);
    model.setOptimizer({ lr: o.lr, weightDecay: o.weightDecay }, ckpt.optimizer);
    const raw = ckpt.optimizer?.params;
    if (raw) {
      // weights.safetensors holds the moving average; training goes on from the training weights.
      average = o.ema > 0 ? new WeightAverage(o.ema, model.flatMaster()) : undefined;
      const flat = Float32Array.from(model.flatMaster());
      for (const e of model.layout.entries) flat.set(raw[e.name], e.offset);
      model.setFlatMaster(flat);
    }
    gen.setModel(model, from, ckpt.training);
    start = ckpt.training?.iteration ?? 0;
    log.info(`acg: resuming from ${from} at iteration ${start}`);
  } else {
    if (!gen.ready) await gen.initialize(source.dim);
    else log.info('acg: training continues from the loaded weights with a fresh optimizer');
    gen.requireModel('train').setOptimizer({ lr: o.lr, weightDecay: o.weightDecay });
  }
  const model = gen.requireModel('train');
  const cfg = model.config;
  if (o.ema > 0 && !average) {
    average = new WeightAverage(o.ema, model.flatMaster());
    if (options.resume) log.info('acg: the checkpoint holds no moving average; it starts from its weights');
  }
  if (cfg.dim !== source.dim) {
    throw new AcsegError('BAD_CHECKPOINT', `acg: the loaded weights expect d = ${cfg.dim}, the training features have d = ${source.dim}`);
  }
  const total = o.iterations;
  log.info(
    `acg: training k=${cfg.k} N=${cfg.steps} heads=${cfg.heads} d=${cfg.dim} on ${source.length} images, ${total} iterations × batch ${o.batchSize}, AdamW lr ${o.lr}${o.warmup ? ` (linear warm-up over ${o.warmup})` : ''}${o.schedule === 'cosine' ? ' (cosine decay)' : ''} wd ${o.weightDecay}${average ? `, weights averaged (ema ${o.ema})` : ''}`,
  );

  const state = (iteration: number, lastLoss?: number): TrainingState => ({
    iteration,
    iterations: total,
    batchSize: o.batchSize,
    lr: o.lr,
    weightDecay: o.weightDecay,
    lastLoss,
  });
  let lastSaved: number | undefined;
  const save = async (iteration: number, lastLoss?: number) => {
    if (!dir) return;
    gen.training = state(iteration, lastLoss);
    await gen.save(dir, average?.values);
    lastSaved = iteration;
    log.debug(`acg: checkpoint at iteration ${iteration} → ${dir}`);
  };

  const engine: TrainingEngine | undefined = start < total ? await startTrainingEngine(model, o, log) : undefined;
  const lrAt = (t: number) => learningRateAt(t, { lr: o.lr, warmup: o.warmup, schedule: o.schedule, iterations: total });

  const bar = (options.progress ?? silentProgress).start(options.label ?? 'train ACG', total);
  bar.update(start, { loss: '-', 'it/s': '-', eta: '-' });
  const t0 = performance.now();
  let it = start;
  let loss: number | undefined;
  let interrupted = false;
  try {
    while (it < total) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const maps = await source.read(batchIndices(o.seed, it, source.length, o.batchSize));
      const n = maps[0].grid.h * maps[0].grid.w;
      for (const m of maps) {
        validateFeatureMap(m);
        if (m.dim !== cfg.dim)
          throw new AcsegError('BAD_INPUT', `${m.source ?? m.id}: features have d = ${m.dim}, training expects d = ${cfg.dim}`, { file: m.source });
        if (m.grid.h * m.grid.w !== n) {
          throw new AcsegError(
            'BAD_INPUT',
            `${m.source ?? m.id}: ${m.grid.h}×${m.grid.w} patches, but other training images have ${n}; training needs one patch grid`,
            { file: m.source },
          );
        }
      }
      const tokens = maps.map((m) => m.tokens);
      model.setLearningRate(lrAt(it));
      const r = await (engine as TrainingEngine).step(tokens, n);
      if (!r.finite) {
        throw new AcsegError('NUMERIC', `acg: the loss or its gradient became non-finite (${r.loss}) at iteration ${it + 1}; training stopped`, {
          hint:
            lastSaved !== undefined
              ? `the last good checkpoint (iteration ${lastSaved}) is in ${dir}`
              : 'no checkpoint was written; lower --lr or check the features',
        });
      }
      loss = r.loss;
      average?.update(model.flatMaster());
      it++;
      const secs = (performance.now() - t0) / 1000;
      const rate = (it - start) / secs;
      bar.update(it, { loss: loss.toFixed(4), 'it/s': rate.toFixed(2), eta: fmtEta((total - it) / rate) });
      if (dir && every > 0 && it % every === 0 && it < total) await save(it, loss);
    }
  } finally {
    bar.stop();
    await engine?.close();
  }
  gen.training = state(it, loss);
  if (dir && lastSaved !== it) await save(it, loss);
  if (average) model.setFlatMaster(average.values);
  if (interrupted) log.info(`acg: interrupted at iteration ${it}${dir ? `; checkpoint written to ${dir}` : ''}`);
  const secs = (performance.now() - t0) / 1000;
  return { iterations: it, finalLoss: loss, interrupted, secondsPerIteration: it > start ? secs / (it - start) : 0, checkpoint: dir };
}
