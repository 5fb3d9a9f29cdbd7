import { AcsegError, type Logger } from '@acseg/core';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { VitModelFile } from './describe.js';

export type ProviderChoice = 'auto' | 'cpu' | 'cuda';

/** Raw outputs of one batch, as plain typed arrays. */
export interface VitOutputs {
  batch: number;
  /** n + 1 (CLS first). */
  tokens: number;
  dim: number;
  /** [batch, n+1, d] after the final LayerNorm. */
  hidden: Float32Array;
  /** [batch, heads, n+1, n+1], when requested. */
  attention?: Float32Array;
  heads?: number;
  /** [batch, n+1, d] last-block keys, when requested. */
  keys?: Float32Array;
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed (its install
 * script downloads it; without it a CUDA session cannot load).
 */
export function cudaProviderInstalled(): boolean {
  try {
    const bin = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin');
    return readdirSync(bin).some((napi) => existsSync(join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));
  } catch {
    return false;
  }
}

/** onnxruntime's whole message on one line (its details, e.g. the expected shape, follow the first line). */
function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, ' ');
}

/** The first line only, for the one-line log saying why CUDA is not used. */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split('\n')[0].slice(0, 160);
}

/**
 * An onnxruntime session on a ViT. onnxruntime-node throws when the CUDA
 * provider cannot load instead of falling back, so 'auto' tries CUDA and then
 * CPU, and logs exactly one line saying which runs.
 */
export class VitSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly model: VitModelFile,
    readonly runtime: string,
  ) {}

  static async create(model: VitModelFile, provider: ProviderChoice, log: Logger): Promise<VitSession> {
    // onnxruntime's own log is silenced: its failures come back as AcsegErrors with the message.
    const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 4 };
    let cudaError: string | undefined;
    if (provider === 'auto' && !cudaProviderInstalled()) {
      cudaError = 'onnxruntime-node has no CUDA provider library installed';
    } else if (provider !== 'cpu') {
      try {
        const s = await ort.InferenceSession.create(model.bytes, { ...base, executionProviders: ['cuda'] });
        log.info(`backbone-dino: onnxruntime cuda (${model.file})`);
        return new VitSession(s, model, 'onnxruntime cuda');
      } catch (e) {
        cudaError = firstLine(e);
        if (provider === 'cuda') {
          throw new AcsegError('BAD_CONFIG', `the CUDA execution provider failed to load for ${model.file}: ${reason(e)}`, {
            file: model.file,
            hint: 'use provider "auto" or "cpu", or install onnxruntime-node with its CUDA binaries and CUDA 12 + cuDNN 9',
          });
        }
      }
    }
    let s: ort.InferenceSession;
    try {
      s = await ort.InferenceSession.create(model.bytes, { ...base, executionProviders: ['cpu'] });
    } catch (e) {
      throw new AcsegError('BAD_MODEL', `${model.file}: onnxruntime cannot load the model: ${reason(e)}`, { file: model.file, cause: e });
    }
    log.info(cudaError === undefined ? `backbone-dino: onnxruntime cpu (${model.file})` : `backbone-dino: onnxruntime cpu — CUDA unavailable (${cudaError})`);
    return new VitSession(s, model, 'onnxruntime cpu');
  }

  /** Images one run takes at most: the graph's fixed batch, else any number. */
  get maxBatch(): number {
    return this.model.fixedBatch ?? Infinity;
  }

  /**
   * Runs a batch of preprocessed images ([batch, 3, H, W] floats; `size` is
   * S for S×S or { height, width }). A graph
   * with a fixed batch B gets a short batch padded with blank images; the
   * outputs' first `batch` rows are the images'.
   */
  async run(
    pixels: Float32Array,
    batch: number,
    size: number | { height: number; width: number },
    want: { attention?: boolean; keys?: boolean } = {},
  ): Promise<VitOutputs> {
    const m = this.model;
    const H = typeof size === 'number' ? size : size.height;
    const W = typeof size === 'number' ? size : size.width;
    if (batch > this.maxBatch) throw new AcsegError('BAD_CONFIG', `${m.file} takes batches of ${this.maxBatch} images, not ${batch}`, { file: m.file });
    const fed = m.fixedBatch ?? batch;
    const plane = 3 * H * W;
    let input = pixels.subarray(0, batch * plane);
    if (fed > batch) {
      input = new Float32Array(fed * plane);
      input.set(pixels.subarray(0, batch * plane));
    }
    const fetches = [m.tokensOutput];
    if (want.attention) fetches.push(m.attentionOutput);
    if (want.keys) {
      if (!m.keysOutput)
        throw new AcsegError('BAD_CONFIG', `${m.file} has no "keys" output`, {
          file: m.file,
          hint: 'convert the weights with `acseg models convert` to get the keys output',
        });
      fetches.push(m.keysOutput);
    }
    const feeds = { [m.inputName]: new ort.Tensor('float32', input, [fed, 3, H, W]) };
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run(feeds, fetches);
    } catch (e) {
      throw new AcsegError('BAD_MODEL', `${m.file}: inference failed: ${reason(e)}`, { file: m.file, cause: e });
    }
    const hidden = out[m.tokensOutput];
    const hd = hidden.dims;
    if (hd.length !== 3 || hd[0] !== fed)
      throw new AcsegError('BAD_MODEL', `${m.file}: output "${m.tokensOutput}" has shape [${hd}], expected [${fed}, n+1, d]`, { file: m.file });
    const res: VitOutputs = { batch, tokens: hd[1], dim: hd[2], hidden: hidden.data as Float32Array };
    if (want.attention) {
      const a = out[m.attentionOutput];
      const ad = a.dims;
      if (ad.length !== 4 || ad[0] !== fed || ad[2] !== hd[1] || ad[3] !== hd[1]) {
        throw new AcsegError(
          'BAD_MODEL',
          `${m.file}: the attention output "${m.attentionOutput}" has shape [${ad}], expected [${fed}, heads, ${hd[1]}, ${hd[1]}]`,
          { file: m.file },
        );
      }
      res.attention = a.data as Float32Array;
      res.heads = ad[1];
    }
    if (want.keys) res.keys = out[m.keysOutput!].data as Float32Array;
    return res;
  }

  private released?: Promise<void>;

  /** Idempotent: onnxruntime throws on a second release, and a backbone may be disposed by more than one owner. */
  async dispose(): Promise<void> {
    this.released ??= this.session.release();
    await this.released;
  }
}
