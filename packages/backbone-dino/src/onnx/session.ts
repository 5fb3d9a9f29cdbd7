import { AcsegError, type DeviceChoice, type Logger, type SessionFactory } from '@acseg/core';
import { onnxSessions, type InferenceSession, type OnnxSession } from '@acseg/onnx-runtime';
import type { VitModelFile } from './describe.js';

/** Option `provider`: the run's `--device` for this backbone alone. */
export type ProviderChoice = DeviceChoice;

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

/** onnxruntime's whole message on one line (its details, e.g. the expected shape, follow the first line). */
function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, ' ');
}

/**
 * An onnxruntime session on a ViT, from the run's session factory (which
 * picks the execution provider and logs the one line saying which runs).
 */
export class VitSession {
  private constructor(
    private readonly session: OnnxSession,
    /** What the graph is, without its bytes: onnxruntime holds the weights, and a copy here would be the file's size (87 MB for ViT-S/16, 350 for ViT-B) for the whole run. */
    readonly model: Omit<VitModelFile, 'bytes'>,
    readonly runtime: string,
  ) {}

  /**
   * `provider` overrides the run's device for this backbone (option `provider`); `sessions` is the run's
   * factory (default: one of this backbone's own, logging to `log`).
   */
  static async create(model: VitModelFile, provider: ProviderChoice | undefined, log: Logger, sessions?: SessionFactory): Promise<VitSession> {
    const s = await onnxSessions(sessions, { device: provider, log }).create(model.bytes, {
      device: provider,
      owner: 'backbone-dino',
      file: model.file,
      // No busy-waiting between operators: decoding the next batch, the ACG and the outputs need those cores (the
      // bare session measured the same with or without: bench/throughput.ts).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    const { bytes: _bytes, ...described } = model;
    return new VitSession(s, described, `onnxruntime ${s.provider}`);
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
    const feeds = { [m.inputName]: new this.session.ort.Tensor('float32', input, [fed, 3, H, W]) };
    let out: InferenceSession.ReturnType;
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

  /** Idempotent: a backbone may be disposed by more than one owner. */
  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
