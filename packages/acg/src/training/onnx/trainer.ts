import { availableParallelism } from 'node:os';
import { paramSpecs, type AcgConfig } from '../../model/config.js';
import type { GradientResult } from '../../tf/grad.js';
import type { SessionFactory } from '@acseg/core';
import { onnxSessions, type OnnxSession, type Tensor as OrtTensor } from '@acseg/onnx-runtime';
import { buildAcgTrainOnnx, tfShape, TRAIN_IO } from './train-graph.js';

/** Milliseconds spent in the last `gradients` call, by phase (for benchmarks). */
export interface GradientTimings {
  /** Features and SharedArrayBuffer-backed weights copied into onnxruntime's inputs. */
  copyIn: number;
  run: number;
  /** Gradients copied into SharedArrayBuffer-backed `out` arrays (0 when written in place). */
  copyOut: number;
}

interface Slot {
  name: string;
  shape: number[];
  length: number;
}

const isShared = (a: Float32Array) => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

/**
 * Loss and gradients of the ACG on onnxruntime-node (CPU) from one graph (`buildAcgTrainOnnx`): the contract
 * of `gradientsInto` in src/tf/grad.ts (TF.js layout, weight 1), for the JS AdamW of `TfAcg.applyGradients`.
 *
 * onnxruntime-node rejects typed arrays over a SharedArrayBuffer (“Invalid argument”, inputs and outputs alike),
 * so shared weights are copied into a private mirror each call and shared `out` arrays get their gradients
 * through a private buffer; plain arrays are handed to onnxruntime as they are (inputs) or as pre-allocated
 * outputs that it writes in place.
 */
export class OnnxGradients {
  readonly timings: GradientTimings = { copyIn: 0, run: 0, copyOut: 0 };
  private features = new Float32Array(0);
  private mirror: Map<string, Float32Array> | undefined;
  private gradBuffers: Map<string, Float32Array> | undefined;

  private constructor(
    private readonly session: OnnxSession,
    readonly config: AcgConfig,
    private readonly slots: Slot[],
  ) {}

  /**
   * Builds the graph and a session; `threads` defaults to the machine's cores. `spinning` (default false) lets
   * onnxruntime's idle worker threads busy-wait between operators: ≈ 10 % faster on an idle 2-core machine
   * (median 159 vs 180 ms per batch-32 run), but ≈ 1.7× slower while other processes hold a core (480 vs 280 ms).
   * The session is on the CPU (the weights and gradients live in JS arrays), from `sessions` (default: a factory of its own).
   * `memoryArena: false`: onnxruntime's arena off (option trainArena of the generator).
   */
  static async create(
    config: AcgConfig,
    options: { threads?: number; spinning?: boolean; sessions?: SessionFactory; memoryArena?: boolean } = {},
  ): Promise<OnnxGradients> {
    const session = await onnxSessions(options.sessions).create(buildAcgTrainOnnx(config), {
      device: 'cpu',
      threads: options.threads ?? availableParallelism(),
      interOpThreads: 1,
      quiet: true,
      memoryArena: options.memoryArena,
      // Session config entries (session.intra_op.allow_spinning).
      extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
    });
    const slots = paramSpecs(config).map((s) => {
      const shape = tfShape(s);
      return { name: s.name, shape, length: shape.reduce((a, b) => a * b, 1) };
    });
    return new OnnxGradients(session, config, slots);
  }

  /**
   * Batch-mean modularity loss and its gradients w.r.t. every parameter (TF.js layout, Linear weights [in, out])
   * for B images of n patches (tokens: n × d row-major each), written into `out`; `params` in TF.js layout.
   */
  async gradients(
    tokens: readonly Float32Array[],
    n: number,
    params: ReadonlyMap<string, Float32Array>,
    out: ReadonlyMap<string, Float32Array>,
  ): Promise<GradientResult> {
    const { Tensor } = this.session.ort;
    const d = this.config.dim;
    let t0 = performance.now();
    if (this.features.length !== tokens.length * n * d) this.features = new Float32Array(tokens.length * n * d);
    tokens.forEach((x, b) => this.features.set(x.length === n * d ? x : x.subarray(0, n * d), b * n * d));
    const feeds: Record<string, OrtTensor> = { [TRAIN_IO.features]: new Tensor('float32', this.features, [tokens.length, n, d]) };
    const fetches: Record<string, OrtTensor | null> = { [TRAIN_IO.loss]: null, [TRAIN_IO.check]: null };
    const copies: Array<[Float32Array, Float32Array]> = [];
    for (const { name, shape, length } of this.slots) {
      let w = params.get(name);
      const g = out.get(name);
      if (!w || w.length !== length) throw new Error(`OnnxGradients: parameter ${name} needs ${length} values, got ${w?.length ?? 'none'}`);
      if (!g || g.length !== length) throw new Error(`OnnxGradients: no gradient buffer of ${length} values for ${name}`);
      if (isShared(w)) {
        this.mirror ??= new Map();
        let m = this.mirror.get(name);
        if (!m) this.mirror.set(name, (m = new Float32Array(length)));
        m.set(w);
        w = m;
      }
      feeds[name] = new Tensor('float32', w, shape);
      let target = g;
      if (isShared(g)) {
        this.gradBuffers ??= new Map();
        let buf = this.gradBuffers.get(name);
        if (!buf) this.gradBuffers.set(name, (buf = new Float32Array(length)));
        copies.push([buf, g]);
        target = buf;
      }
      fetches[TRAIN_IO.grad(name)] = new Tensor('float32', target, shape);
    }
    let t1 = performance.now();
    this.timings.copyIn = t1 - t0;
    const res = await this.session.run(feeds, fetches);
    t0 = performance.now();
    this.timings.run = t0 - t1;
    const loss = (res[TRAIN_IO.loss].data as Float32Array)[0];
    const check = (res[TRAIN_IO.check].data as Float32Array)[0];
    for (const [from, to] of copies) to.set(from);
    t1 = performance.now();
    this.timings.copyOut = t1 - t0;
    // `check` sums the loss and every gradient element: a NaN or ±Inf anywhere makes it non-finite. Only when it
    // is (or the sum overflowed) are the elements scanned one by one.
    let finite = Number.isFinite(check);
    if (!finite) finite = Number.isFinite(loss) && this.slots.every(({ name }) => out.get(name)!.every(Number.isFinite));
    return { loss, finite };
  }

  /** Idempotent. */
  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
