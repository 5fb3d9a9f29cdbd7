import { mkdir, readFile, stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { basename, dirname, join } from 'node:path';
import { AcsegError, writeViaTemp } from '@acseg/core';
import { readSafetensors, safetensorsPieces, type TensorToWrite } from '@acseg/safetensors';
import { checkConfig, paramSpecs, type AcgConfig, type ParamValues } from '../model/config.js';

/**
 * A checkpoint is a folder:
 *   config.json          { format: "acseg-acg", version: 1, config, seed, training }
 *   weights.safetensors  every parameter, F32, PyTorch layout (README lists them)
 *   optimizer.safetensors  AdamW moments "m.<name>" / "v.<name>" (training only), and "param.<name>", the
 *                          training weights, when weights.safetensors holds their moving average (option ema)
 * config.json is written last, so a folder with a config is complete.
 */
export const CHECKPOINT_FORMAT = 'acseg-acg';
export const CHECKPOINT_VERSION = 1;

export interface TrainingState {
  /** Iterations done. */
  iteration: number;
  iterations: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  lastLoss?: number;
}

export interface OptimizerState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
  /** The training weights (flattened, TF.js layout like m and v) when `params` are their moving average. */
  params?: Record<string, Float32Array>;
}

export interface Checkpoint {
  config: AcgConfig;
  seed: number;
  params: ParamValues;
  training?: TrainingState;
  optimizer?: OptimizerState;
}

/** The checkpoint folder for a path that names the folder or a file inside it. */
export async function checkpointDir(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? path : dirname(path);
  } catch {
    return /\.(json|safetensors)$/.test(basename(path)) ? dirname(path) : path;
  }
}

export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  const dir = await checkpointDir(path);
  await mkdir(dir, { recursive: true });
  const weights: Record<string, TensorToWrite> = {};
  for (const spec of paramSpecs(ckpt.config)) weights[spec.name] = { shape: spec.shape, data: ckpt.params[spec.name] };
  await named(join(dir, 'weights.safetensors'), (file) => writeTensors(file, weights, { format: CHECKPOINT_FORMAT, config: JSON.stringify(ckpt.config) }));
  if (ckpt.optimizer) {
    const opt: Record<string, TensorToWrite> = {};
    for (const [name, m] of Object.entries(ckpt.optimizer.m)) opt[`m.${name}`] = { shape: [m.length], data: m };
    for (const [name, v] of Object.entries(ckpt.optimizer.v)) opt[`v.${name}`] = { shape: [v.length], data: v };
    for (const [name, p] of Object.entries(ckpt.optimizer.params ?? {})) opt[`param.${name}`] = { shape: [p.length], data: p };
    const step = String(ckpt.optimizer.step);
    await named(join(dir, 'optimizer.safetensors'), (file) => writeTensors(file, opt, { step }));
  }
  const json = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, config: ckpt.config, seed: ckpt.seed, training: ckpt.training };
  await named(join(dir, 'config.json'), (file) => writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`));
}

let temps = 0;

/**
 * A safetensors file written atomically a tensor at a time from the tensors' own bytes: the optimizer's file of a
 * d = 384 ACG is 114 MB, which `writeSafetensors` would first copy into one buffer, on top of what training holds.
 */
async function writeTensors(file: string, tensors: Record<string, TensorToWrite>, metadata: Record<string, string>): Promise<void> {
  await writeViaTemp(file, `${file}.tmp-${process.pid}-${++temps}`, async (fh) => {
    for (const p of safetensorsPieces(tensors, metadata)) {
      for (let at = 0; at < p.byteLength;) at += (await fh.write(p, at, p.byteLength - at)).bytesWritten;
    }
  });
}

/**
 * A failed write as an error that names its file (write-file-atomic's own say only "ENOSPC: no space left on
 * device, write"); the temp file is gone, an earlier file of that name untouched.
 */
async function named(file: string, write: (file: string) => Promise<void>): Promise<void> {
  try {
    await write(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AcsegError('BAD_INPUT', `${file}: cannot write the checkpoint (${(e as Error).message})`, {
      file,
      hint: code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space in its folder (or give another --out) and run again' : undefined,
      cause: e,
    });
  }
}

function bad(file: string, problem: string, hint?: string): AcsegError {
  return new AcsegError('BAD_CHECKPOINT', `${file}: ${problem}`, {
    file,
    hint: hint ?? 'point --checkpoint at a folder written by `acseg train` (config.json + weights.safetensors)',
  });
}

async function readTensorsOrFail(file: string) {
  try {
    return await readSafetensors(file);
  } catch (e) {
    throw bad(file, `cannot read the tensors: ${(e as Error).message.replace(`${file}: `, '')}`);
  }
}

/** Loads and checks a checkpoint: format, config, every tensor's presence, shape and finiteness. */
export async function loadCheckpoint(path: string, withOptimizer = false): Promise<Checkpoint> {
  const dir = await checkpointDir(path);
  const cfgFile = join(dir, 'config.json');
  let raw: string;
  try {
    raw = await readFile(cfgFile, 'utf8');
  } catch {
    throw bad(cfgFile, 'not found: not an ACG checkpoint folder');
  }
  let json: { format?: unknown; version?: unknown; config?: AcgConfig; seed?: unknown; training?: TrainingState };
  try {
    json = JSON.parse(raw) as typeof json;
  } catch {
    throw bad(cfgFile, 'is not valid JSON (truncated?)');
  }
  if (json.format !== CHECKPOINT_FORMAT)
    throw bad(cfgFile, `is not an ACG checkpoint (format ${JSON.stringify(json.format)}, expected "${CHECKPOINT_FORMAT}")`);
  if (json.version !== CHECKPOINT_VERSION)
    throw bad(cfgFile, `has checkpoint version ${String(json.version)}; this @acseg/acg reads version ${CHECKPOINT_VERSION}`);
  const config = json.config;
  if (!config || typeof config !== 'object') throw bad(cfgFile, 'has no "config"');
  try {
    checkConfig(config, cfgFile);
  } catch (e) {
    throw bad(cfgFile, (e as Error).message.replace(`${cfgFile}: `, ''));
  }
  const wFile = join(dir, 'weights.safetensors');
  const { tensors } = await readTensorsOrFail(wFile);
  const params: ParamValues = {};
  for (const spec of paramSpecs(config)) {
    const t = tensors[spec.name];
    if (!t) throw bad(wFile, `has no tensor "${spec.name}" (expected for ${JSON.stringify(config)})`);
    if (JSON.stringify(t.shape) !== JSON.stringify(spec.shape)) {
      throw bad(wFile, `tensor "${spec.name}" has shape ${JSON.stringify(t.shape)}, the config needs ${JSON.stringify(spec.shape)}`);
    }
    if (!(t.data instanceof Float32Array)) throw bad(wFile, `tensor "${spec.name}" is ${t.dtype}, expected a float type`);
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) throw bad(wFile, `tensor "${spec.name}" holds a non-finite value at ${i}`);
    }
    params[spec.name] = t.data;
  }
  const ckpt: Checkpoint = { config, seed: typeof json.seed === 'number' ? json.seed : 0, params, training: json.training };
  if (withOptimizer) {
    const oFile = join(dir, 'optimizer.safetensors');
    const opt = await readTensorsOrFail(oFile).catch((e: unknown) => {
      throw e instanceof AcsegError && (e.message.includes('ENOENT') || e.message.includes('cannot read:'))
        ? bad(oFile, 'is missing: this checkpoint cannot resume training (its weights can still be used)')
        : e;
    });
    const state: OptimizerState = { step: Number(opt.metadata.step ?? 0), m: {}, v: {} };
    for (const spec of paramSpecs(config)) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      for (const which of ['m', 'v'] as const) {
        const t = opt.tensors[`${which}.${spec.name}`];
        if (!t || !(t.data instanceof Float32Array) || t.data.length !== size)
          throw bad(oFile, `has no valid tensor "${which}.${spec.name}" of ${size} values`);
        state[which][spec.name] = t.data;
      }
    }
    if (Object.keys(opt.tensors).some((k) => k.startsWith('param.'))) {
      state.params = {};
      for (const spec of paramSpecs(config)) {
        const size = spec.shape.reduce((a, b) => a * b, 1);
        const t = opt.tensors[`param.${spec.name}`];
        if (!t || !(t.data instanceof Float32Array) || t.data.length !== size) throw bad(oFile, `has no valid tensor "param.${spec.name}" of ${size} values`);
        for (let i = 0; i < t.data.length; i++)
          if (!Number.isFinite(t.data[i])) throw bad(oFile, `tensor "param.${spec.name}" holds a non-finite value at ${i}`);
        state.params[spec.name] = t.data;
      }
    }
    ckpt.optimizer = state;
  }
  return ckpt;
}
