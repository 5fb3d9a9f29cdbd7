import {
  AcsegError,
  silentLogger,
  validateFeatureMap,
  type ConceptAssignment,
  type ConceptGenerator,
  type FeatureMap,
  type FeatureSource,
  type FitOptions,
  type FitReport,
  type Logger,
  type SessionFactory,
} from '@acseg/core';
import { loadCheckpoint, saveCheckpoint, type TrainingState } from '../checkpoint/checkpoint.js';
import { makeConfig, type AcgConfig, type ParamValues } from '../model/config.js';
import { initParams } from '../model/init.js';
import { parseAcgOptions, type AcgOptions, type AcgRuntime } from '../options.js';
import type { TfAcg, Formulation } from '../tf/runtime.js';
import type { TrainableAcg } from '../training/target.js';
import { mergeNearDuplicateConcepts } from './merge.js';
import { loadOnnxRuntime, onnxRuntimeError } from '@acseg/onnx-runtime';
import { OnnxAcg } from './onnx/session.js';
import { int8Levels } from './onnx/int8-levels.js';

/**
 * The Adaptive Concept Generator (paper §3.2–3.4): k learned prototypes
 * updated by N cross-/self-attention + FFN steps into per-image concepts;
 * S = cos(X, C). Trained with the modularity loss (`fit`), or loaded.
 */
export class AcgGenerator implements ConceptGenerator, TrainableAcg {
  readonly name = 'acg';
  readonly options: AcgOptions;
  private model: TfAcg | undefined;
  /**
   * Loaded weights not yet in TF.js: ONNX inference reads them as they are, so a run that only segments loads
   * neither TF.js nor its backend (~0.3 s at start-up); made into `model` when TF.js is needed (training, saving,
   * inference on TF.js).
   */
  private loaded: { config: AcgConfig; params: ParamValues } | undefined;
  private log: Logger;
  /** Where the loaded weights came from, for messages. */
  private origin = 'untrained ACG';
  /** Training progress of the current weights (set by fit/load). */
  training: TrainingState | undefined;
  /** The ONNX session on the current weights; undefined until needed, dropped whenever the weights change. */
  private onnx: Promise<OnnxAcg> | undefined;
  private runtimeChoice: Promise<AcgRuntime> | undefined;

  constructor(
    options: Partial<AcgOptions> | Record<string, unknown> = {},
    log: Logger = silentLogger,
    readonly formulation: Formulation = 'reassociated',
    /** The run's session factory (the ONNX engine's session comes from it). */
    readonly sessions?: SessionFactory,
  ) {
    this.options = parseAcgOptions(options as Record<string, unknown>);
    this.log = log;
  }

  get ready(): boolean {
    return this.model !== undefined || this.loaded !== undefined;
  }

  get config(): AcgConfig | undefined {
    return this.model?.config ?? this.loaded?.config;
  }

  /** TF.js, its backend and the model's runtime, imported when first needed (see `loaded`). */
  private async tf(): Promise<typeof import('../tf/runtime.js')> {
    const runtime = await import('../tf/runtime.js');
    await runtime.ensureBackend(this.log);
    return runtime;
  }

  /** The weights in TF.js (made from `loaded` if they are not yet). */
  private async tfModel(what: string): Promise<TfAcg> {
    if (!this.model && this.loaded) {
      const { TfAcg } = await this.tf();
      if (!this.model && this.loaded) {
        this.model = new TfAcg(this.loaded.config, this.loaded.params, this.formulation);
        this.loaded = undefined;
      }
    }
    return this.requireModel(what);
  }

  /** Fresh weights for features of dimension `dim`, from `seed`. */
  async initialize(dim: number): Promise<void> {
    const { TfAcg } = await this.tf();
    const o = this.options;
    const cfg = makeConfig(dim, { k: o.k, steps: o.steps, heads: o.heads, ffn: o.ffn });
    this.model?.dispose();
    this.loaded = undefined;
    this.model = new TfAcg(cfg, initParams(cfg, o.seed), this.formulation);
    this.origin = `ACG initialised from seed ${o.seed}`;
    this.training = undefined;
    this.weightsChanged();
  }

  async load(path: string): Promise<void> {
    const ckpt = await loadCheckpoint(path);
    this.model?.dispose();
    this.model = undefined;
    this.loaded = { config: ckpt.config, params: ckpt.params };
    this.origin = path;
    this.training = ckpt.training;
    this.weightsChanged();
  }

  /** Drops the ONNX session: it is rebuilt from the current weights on the next `generate`. */
  weightsChanged(): void {
    const old = this.onnx;
    this.onnx = undefined;
    if (old)
      void old.then(
        (s) => s.dispose(),
        () => undefined,
      );
  }

  /** The engine `generate` uses (resolved once; logs one line saying which). */
  inferenceRuntime(): Promise<AcgRuntime> {
    this.runtimeChoice ??= (async (): Promise<AcgRuntime> => {
      const want = this.options.runtime;
      const int8 = this.options.precision === 'int8';
      if (want === 'tfjs') {
        if (int8) throw new AcsegError('BAD_CONFIG', 'acg: option precision "int8" needs runtime "onnx" (TF.js runs fp32 only)', { plugin: '@acseg/acg' });
        this.log.info(`acg: inference on TF.js (${await (await this.tf()).ensureBackend(this.log)}), fp32 (option runtime: tfjs)`);
        return 'tfjs';
      }
      const ort = await loadOnnxRuntime();
      if (ort) {
        const bits = int8 && (await int8Levels(this.sessions)) === 63 ? ", 7-bit: this CPU's u8·s8 kernels saturate at 8" : '';
        this.log.info(
          `acg: inference on onnxruntime-node ${ort.env.versions.common} (CPU), ${this.options.precision}${int8 ? ` (dynamically quantized weight and feature products${bits})` : ''}${want ? ' (option runtime: onnx)' : ' (onnxruntime-node loads; option runtime: tfjs runs TF.js instead)'}`,
        );
        return 'onnx';
      }
      if (want === 'onnx') {
        throw new AcsegError('BAD_CONFIG', `acg: option runtime "onnx" but onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'}`, {
          plugin: '@acseg/acg',
          hint: 'install onnxruntime-node 1.30 with its native binding, or use runtime "tfjs"',
        });
      }
      this.log.info(
        `acg: inference on TF.js (${await (await this.tf()).ensureBackend(this.log)}), fp32${int8 ? ' (precision int8 ignored)' : ''} (onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'})`,
      );
      return 'tfjs';
    })();
    return this.runtimeChoice;
  }

  /**
   * Writes a checkpoint of the current weights. The trainer passes `average` when option ema is on: the averaged
   * weights (master layout) are stored as the checkpoint's weights and the training weights go to the optimizer file.
   */
  async save(path: string, average?: Float32Array): Promise<void> {
    const model = await this.tfModel('save');
    const params = average ? model.exportFlat(average) : model.exportParams();
    // Views, not copies, of the moments and (with ema) the training weights: nothing updates them while the file is
    // written (the trainer awaits save), and copies would add ~170 MB at d = 384 to training's peak. exportFlat has
    // put the training weights back before the views are taken.
    const optimizer = model.exportOptimizer(true);
    if (average && optimizer) optimizer.params = Object.fromEntries(model.masterParams());
    await saveCheckpoint(path, { config: model.config, seed: this.options.seed, params, training: this.training, optimizer });
  }

  /** Internal access for the trainer (after `fit`, `initialize`, or `materialize` of loaded weights). */
  requireModel(what: string): TfAcg {
    if (!this.model) {
      if (this.loaded) throw new Error(`acg: cannot ${what}: the loaded weights are not in TF.js yet (await materialize() first)`);
      throw new AcsegError('NOT_IMPLEMENTED', `acg: cannot ${what} before the generator is trained or loaded`, {
        plugin: '@acseg/acg',
        hint: 'pass --checkpoint <folder> or run `acseg train` first',
      });
    }
    return this.model;
  }

  /** @internal The loaded weights in TF.js, for code that reads them there (the trainer, tests). */
  async materialize(): Promise<void> {
    if (this.loaded) await this.tfModel('materialize');
  }

  /** The current weights' config; a NOT_IMPLEMENTED error saying what to do when there are none. */
  private requireConfig(what: string): AcgConfig {
    return this.loaded?.config ?? this.requireModel(what).config;
  }

  /** Checks a feature map against the loaded weights. */
  checkFeatures(f: FeatureMap): void {
    validateFeatureMap(f);
    const cfg = this.requireConfig('generate');
    if (f.dim !== cfg.dim) {
      throw new AcsegError('BAD_CHECKPOINT', `${f.source ?? f.id}: features have d = ${f.dim}, but the ACG (${this.origin}) expects d = ${cfg.dim}`, {
        file: f.source,
        plugin: '@acseg/acg',
        hint: "use the checkpoint trained on this backbone's features, or retrain",
      });
    }
  }

  async generate(features: readonly FeatureMap[]): Promise<ConceptAssignment[]> {
    const config = this.requireConfig('generate');
    for (const f of features) this.checkFeatures(f);
    const { k, dim } = config;
    let session: OnnxAcg | undefined;
    let model: TfAcg | undefined;
    if ((await this.inferenceRuntime()) === 'onnx') {
      const pending =
        this.onnx ??
        OnnxAcg.create(config, this.loaded?.params ?? this.requireModel('generate').exportParams(), {
          form: this.formulation,
          precision: this.options.precision,
          sessions: this.sessions,
        });
      this.onnx = pending;
      try {
        session = await pending;
      } catch (e) {
        if (this.onnx === pending) this.onnx = undefined;
        throw new AcsegError(
          'BAD_CONFIG',
          `acg: onnxruntime-node cannot run the ACG graph (${this.origin}): ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`,
          {
            plugin: '@acseg/acg',
            hint: 'use runtime "tfjs"',
            cause: e,
          },
        );
      }
    } else model = await this.tfModel('generate');
    const out: ConceptAssignment[] = new Array(features.length);
    // Images with the same patch count share a forward pass.
    const groups = new Map<number, number[]>();
    features.forEach((f, i) => {
      const n = f.grid.h * f.grid.w;
      const g = groups.get(n) ?? [];
      g.push(i);
      groups.set(n, g);
    });
    for (const [n, idx] of groups) {
      for (let s = 0; s < idx.length; s += this.options.inferenceBatch) {
        const chunk = idx.slice(s, s + this.options.inferenceBatch);
        const tokens = chunk.map((i) => features[i].tokens);
        const pred = session ? await session.predict(tokens, n) : model!.predict(tokens, n);
        const merge = this.options.mergeThreshold;
        chunk.forEach((i, b) => {
          const concepts = pred.concepts.slice(b * k * dim, (b + 1) * k * dim);
          const assignment = pred.assignment.slice(b * n * k, (b + 1) * n * k);
          out[i] = {
            id: features[i].id,
            k,
            assignment: merge === undefined ? assignment : mergeNearDuplicateConcepts(assignment, concepts, n, k, dim, merge),
            concepts,
          };
        });
      }
    }
    return out;
  }

  async fit(source: FeatureSource, options: FitOptions = {}): Promise<FitReport> {
    try {
      // Imported here: a user of a trained ACG loads no training code (engines, threads, the ONNX tape).
      const { fitAcg } = await import('../training/fit.js');
      await this.materialize();
      return await fitAcg(this, source, options, (seed) => new AcgGenerator({ ...this.options, seed, restarts: 1 }, this.log, this.formulation));
    } finally {
      this.weightsChanged();
    }
  }

  async dispose(): Promise<void> {
    this.weightsChanged();
    this.model?.dispose();
    this.model = undefined;
    this.loaded = undefined;
  }

  /** @internal Swaps in weights (used by the trainer on resume). */
  setModel(model: TfAcg, origin: string, training?: TrainingState): void {
    if (this.model !== model) this.model?.dispose();
    this.model = model;
    this.loaded = undefined;
    this.origin = origin;
    this.training = training;
    this.weightsChanged();
  }

  get logger(): Logger {
    return this.log;
  }
}
