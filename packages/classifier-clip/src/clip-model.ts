import { readFile } from 'node:fs/promises';
import { AcsegError, type SessionFactory } from '@acseg/core';
import { onnxSessions, type OnnxSession } from '@acseg/onnx-runtime';
import { readSafetensors } from '@acseg/safetensors';
import { clipConfig, type ClipConfig, type HfClipConfig, type Weights } from './clip-config.js';
import type { ModelFiles } from './model-files.js';
import { TEXT_EOT, TEXT_IDS, TEXT_OUTPUT, buildTextGraph } from './text-graph.js';
import { ClipTokenizer } from './tokenizer.js';
import { DENSE_OUTPUT, VISION_INPUT, buildVisionGraph } from './vision-graph.js';

export interface ClipModelOptions {
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
  /** The run's session factory (default: one of the model's own, device auto). */
  sessions?: SessionFactory;
}

/**
 * CLIP on onnxruntime-node: the MaskCLIP dense vision graph and the text
 * graph, both written in memory from the checkpoint's weights (see
 * vision-graph.ts, text-graph.ts), plus the tokenizer.
 */
export class ClipModel {
  private constructor(
    readonly config: ClipConfig,
    readonly files: ModelFiles,
    private readonly vision: OnnxSession,
    private readonly text: OnnxSession,
    readonly tokenizer: ClipTokenizer,
  ) {}

  static async load(files: ModelFiles, options: ClipModelOptions = {}): Promise<ClipModel> {
    let weights: Weights;
    try {
      weights = (await readSafetensors(files.weights)).tensors as Weights;
    } catch (e) {
      throw new AcsegError('BAD_MODEL', `${files.weights}: cannot read the weights (${(e as Error).message})`, { file: files.weights, cause: e });
    }
    let hf: HfClipConfig = {};
    try {
      hf = JSON.parse(await readFile(files.config, 'utf8')) as HfClipConfig;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new AcsegError('BAD_MODEL', `${files.config}: not valid JSON (${(e as Error).message})`, { file: files.config, cause: e });
      }
    }
    const config = clipConfig(weights, hf, files.weights);
    const sessions = onnxSessions(options.sessions);
    const create = async (graph: Uint8Array, what: string): Promise<OnnxSession> => {
      try {
        return await sessions.create(graph, { threads: options.threads, owner: 'classifier-clip', file: files.weights });
      } catch (e) {
        // A device that cannot load is the factory's message; a graph onnxruntime refuses is said in this package's words.
        if (e instanceof AcsegError && e.code !== 'BAD_MODEL') throw e;
        const cause = e instanceof AcsegError && e.cause !== undefined ? e.cause : e;
        throw new AcsegError('BAD_MODEL', `${files.weights}: onnxruntime refused the ${what} graph built from these weights (${(cause as Error).message})`, {
          file: files.weights,
          cause,
        });
      }
    };
    const vision = await create(buildVisionGraph(weights, config, files.weights), 'vision');
    const text = await create(buildTextGraph(weights, config, files.weights), 'text');
    const tokenizer = await ClipTokenizer.load(files.tokenizer);
    return new ClipModel(config, files, vision, text, tokenizer);
  }

  /** Side of the square input (224 for ViT-B/16). */
  get inputSize(): number {
    return this.config.vision.imageSize;
  }

  get grid(): number {
    return this.config.vision.imageSize / this.config.vision.patch;
  }

  /**
   * MaskCLIP dense features of a batch of preprocessed images
   * (B × 3 × S × S, CLIP-normalized): B × (grid²) × projection, each row L2-normalized.
   */
  async dense(pixels: Float32Array, batch: number): Promise<Float32Array> {
    const s = this.inputSize;
    if (pixels.length !== batch * 3 * s * s) throw new AcsegError('BAD_INPUT', `pixel batch holds ${pixels.length} values, expected ${batch}×3×${s}×${s}`);
    const out = await this.vision.run({ [VISION_INPUT]: new this.vision.ort.Tensor('float32', pixels, [batch, 3, s, s]) });
    return out[DENSE_OUTPUT].data as Float32Array;
  }

  /**
   * Text features (B × projection, not normalized) of the texts, `batchSize`
   * texts per run, each run as long as its longest sequence (`padToContext`: all 77, same result).
   */
  async encodeText(texts: readonly string[], batchSize = 64, padToContext = false): Promise<Float32Array> {
    const ctx = this.config.text.context;
    const p = this.config.projection;
    const out = new Float32Array(texts.length * p);
    // Batches of similar lengths pad less: encode in order of token count, write back in input order.
    const lengths = texts.map((t) => this.tokenizer.encode(t, ctx).length);
    const order = texts.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
    for (let i = 0; i < order.length; i += batchSize) {
      const idx = order.slice(i, i + batchSize);
      const { ids, eot, length } = this.tokenizer.batch(
        idx.map((k) => texts[k]),
        ctx,
        padToContext,
      );
      const res = await this.text.run({
        [TEXT_IDS]: new this.text.ort.Tensor('int64', ids, [idx.length, length]),
        [TEXT_EOT]: new this.text.ort.Tensor('float32', eot, [idx.length, length]),
      });
      const data = res[TEXT_OUTPUT].data as Float32Array;
      idx.forEach((k, b) => out.set(data.subarray(b * p, (b + 1) * p), k * p));
    }
    return out;
  }

  /** Idempotent (each session's dispose is). */
  async dispose(): Promise<void> {
    await Promise.all([this.vision.dispose(), this.text.dispose()]);
  }
}
