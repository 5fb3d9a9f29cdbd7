import { availableParallelism } from 'node:os';
import type { AcgConfig, ParamValues } from '../../model/config.js';
import { ACG_IO, buildAcgOnnx, type CrossAttentionForm } from './build.js';
import type { AcgPrecision, Int8Formulation } from './int8.js';

type Ort = typeof import('onnxruntime-node');
type OrtSession = import('onnxruntime-node').InferenceSession;

let ortModule: Promise<Ort | undefined> | undefined;
let loadError: string | undefined;

/** onnxruntime-node, imported once; undefined where its native binding cannot load. */
export function loadOnnxRuntime(): Promise<Ort | undefined> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => m,
    (e: unknown) => {
      loadError = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 160);
      return undefined;
    },
  );
  return ortModule;
}

/** Why onnxruntime-node did not load (after `loadOnnxRuntime` resolved to undefined). */
export function onnxRuntimeError(): string | undefined {
  return loadError;
}

export interface OnnxPrediction {
  /** B·n·k. */
  assignment: Float32Array;
  /** B·k·d. */
  concepts: Float32Array;
}

/** The ACG forward pass on onnxruntime-node (CPU), built in memory from the weights. */
export class OnnxAcg {
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    readonly config: AcgConfig,
    readonly precision: AcgPrecision,
  ) {}

  /**
   * Builds the graph and a session; `threads` defaults to the machine's cores. `precision: 'int8'` quantizes the
   * weight products (see `buildAcgOnnx`); `int8Form` picks how they are written (benchmarks only).
   */
  static async create(
    config: AcgConfig,
    params: ParamValues,
    options: { threads?: number; form?: CrossAttentionForm; precision?: AcgPrecision; int8Form?: Int8Formulation } = {},
  ): Promise<OnnxAcg> {
    const ort = await loadOnnxRuntime();
    if (!ort) throw new Error(`onnxruntime-node cannot load: ${loadError ?? 'unknown reason'}`);
    const precision = options.precision ?? 'fp32';
    const bytes = buildAcgOnnx(config, params, options.form, precision === 'int8' ? { precision, int8Form: options.int8Form } : {});
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 4,
      // No busy-waiting between operators: in a run the idle ORT threads would take CPU from decoding, the backbone
      // and the output workers (a segment run's CPU time per image fell by a fifth; same results).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return new OnnxAcg(ort, session, config, precision);
  }

  /** S and C for B images of n patches each (tokens: n × d row-major per image). */
  async predict(tokens: readonly Float32Array[], n: number): Promise<OnnxPrediction> {
    const d = this.config.dim;
    const flat = new Float32Array(tokens.length * n * d);
    tokens.forEach((t, b) => flat.set(t, b * n * d));
    const input = new this.ort.Tensor('float32', flat, [tokens.length, n, d]);
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

  private released?: Promise<void>;

  /** Idempotent: onnxruntime throws on a second release. */
  async dispose(): Promise<void> {
    this.released ??= this.session.release();
    await this.released;
  }
}
