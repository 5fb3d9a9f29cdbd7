import type { SessionFactory } from '@acseg/core';
import { onnxSessions, type OnnxSession } from '@acseg/onnx-runtime';
import { availableParallelism } from 'node:os';
import type { AcgConfig, ParamValues } from '../../model/config.js';
import { ACG_IO, buildAcgOnnx, type CrossAttentionForm } from './build.js';
import type { AcgPrecision, Int8Formulation, Int8Levels } from './int8.js';
import { int8Levels } from './int8-levels.js';

// Where the engine choice asks whether onnxruntime loads (the runtime layer imports it once, lazily).
export { loadOnnxRuntime, onnxRuntimeError } from '@acseg/onnx-runtime';

export interface OnnxPrediction {
  /** B·n·k. */
  assignment: Float32Array;
  /** B·k·d. */
  concepts: Float32Array;
}

/** The ACG forward pass on onnxruntime-node (CPU), built in memory from the weights. */
export class OnnxAcg {
  private constructor(
    private readonly session: OnnxSession,
    readonly config: AcgConfig,
    readonly precision: AcgPrecision,
    /** With int8: the largest |q| of its operands (63 where the CPU's u8·s8 kernels saturate: `int8Levels`). */
    readonly int8Levels?: Int8Levels,
  ) {}

  /**
   * Builds the graph and a session; `threads` defaults to the machine's cores. `precision: 'int8'` quantizes the
   * weight products (see `buildAcgOnnx`); `int8Form` picks how they are written (benchmarks only). The session
   * comes from `sessions` (the run's factory) on the CPU whatever the run's device: the graph is small, and the
   * generator logs its own line.
   */
  static async create(
    config: AcgConfig,
    params: ParamValues,
    options: { threads?: number; form?: CrossAttentionForm; precision?: AcgPrecision; int8Form?: Int8Formulation; sessions?: SessionFactory } = {},
  ): Promise<OnnxAcg> {
    const precision = options.precision ?? 'fp32';
    const levels = precision === 'int8' ? await int8Levels(options.sessions) : undefined;
    const bytes = buildAcgOnnx(config, params, options.form, precision === 'int8' ? { precision, int8Form: options.int8Form, int8Levels: levels } : {});
    const session = await onnxSessions(options.sessions).create(bytes, {
      device: 'cpu',
      threads: options.threads ?? availableParallelism(),
      interOpThreads: 1,
      quiet: true,
      // No busy-waiting between operators: in a run the idle ORT threads would take CPU from decoding, the backbone
      // and the output workers (a segment run's CPU time per image fell by a fifth; same results).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return new OnnxAcg(session, config, precision, levels);
  }

  /** S and C for B images of n patches each (tokens: n × d row-major per image). */
  async predict(tokens: readonly Float32Array[], n: number): Promise<OnnxPrediction> {
    const d = this.config.dim;
    const flat = new Float32Array(tokens.length * n * d);
    tokens.forEach((t, b) => flat.set(t, b * n * d));
    const input = new this.session.ort.Tensor('float32', flat, [tokens.length, n, d]);
    const res = await this.session.run({ [ACG_IO.features]: input });
    try {
      return {
        assignment: Float32Array.from(res[ACG_IO.assignment].data as Float32Array),
        concepts: Float32Array.from(res[ACG_IO.concepts].data as Float32Array),
      };
    } finally {
      for (const t of Object.values(res)) t.dispose();
      input.dispose();
    }
  }

  /** Idempotent. */
  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
