import {
  AcsegError, silentLogger, validateFeatureMap,
  type ConceptAssignment, type ConceptGenerator, type FeatureMap, type FeatureSource, type FitOptions, type FitReport, type Logger,
} from '@acseg/core';
import { loadCheckpoint, saveCheckpoint, type TrainingState } from './checkpoint.js';
import { makeConfig, type AcgConfig } from './config.js';
import { initParams } from './init.js';
import { parseAcgOptions, type AcgOptions } from './options.js';
import { ensureBackend, TfAcg, type Formulation } from './tf/runtime.js';
import { train, type AcgFitOptions } from './train.js';

/**
 * The Adaptive Concept Generator (paper §3.2–3.4): k learned prototypes
 * updated by N cross-/self-attention + FFN steps into per-image concepts;
 * S = cos(X, C). Trained with the modularity loss (`fit`), or loaded.
 */
export class AcgGenerator implements ConceptGenerator {
  readonly name = 'acg';
  readonly options: AcgOptions;
  private model: TfAcg | undefined;
  private log: Logger;
  /** Where the loaded weights came from, for messages. */
  private origin = 'untrained ACG';
  /** Training progress of the current weights (set by fit/load). */
  training: TrainingState | undefined;

  constructor(options: Partial<AcgOptions> | Record<string, unknown> = {}, log: Logger = silentLogger, readonly formulation: Formulation = 'reassociated') {
    this.options = parseAcgOptions(options as Record<string, unknown>);
    this.log = log;
  }

  get ready(): boolean {
    return this.model !== undefined;
  }

  get config(): AcgConfig | undefined {
    return this.model?.config;
  }

  /** Fresh weights for features of dimension `dim`, from `seed`. */
  async initialize(dim: number): Promise<void> {
    await ensureBackend(this.log);
    const o = this.options;
    const cfg = makeConfig(dim, { k: o.k, steps: o.steps, heads: o.heads, ffn: o.ffn });
    this.model?.dispose();
    this.model = new TfAcg(cfg, initParams(cfg, o.seed), this.formulation);
    this.origin = `ACG initialised from seed ${o.seed}`;
    this.training = undefined;
  }

  async load(path: string): Promise<void> {
    const ckpt = await loadCheckpoint(path);
    await ensureBackend(this.log);
    this.model?.dispose();
    this.model = new TfAcg(ckpt.config, ckpt.params, this.formulation);
    this.origin = path;
    this.training = ckpt.training;
  }

  async save(path: string): Promise<void> {
    const model = this.requireModel('save');
    await saveCheckpoint(path, { config: model.config, seed: this.options.seed, params: model.exportParams(), training: this.training, optimizer: model.exportOptimizer() });
  }

  /** Internal access for the trainer. */
  requireModel(what: string): TfAcg {
    if (!this.model) {
      throw new AcsegError('NOT_IMPLEMENTED', `acg: cannot ${what} before the generator is trained or loaded`, {
        plugin: '@acseg/acg', hint: 'pass --checkpoint <folder> or run `acseg train` first',
      });
    }
    return this.model;
  }

  /** Checks a feature map against the loaded weights. */
  checkFeatures(f: FeatureMap): void {
    validateFeatureMap(f);
    const cfg = this.requireModel('generate').config;
    if (f.dim !== cfg.dim) {
      throw new AcsegError('BAD_CHECKPOINT', `${f.source ?? f.id}: features have d = ${f.dim}, but the ACG (${this.origin}) expects d = ${cfg.dim}`, {
        file: f.source, plugin: '@acseg/acg', hint: 'use the checkpoint trained on this backbone\'s features, or retrain',
      });
    }
  }

  async generate(features: readonly FeatureMap[]): Promise<ConceptAssignment[]> {
    const model = this.requireModel('generate');
    for (const f of features) this.checkFeatures(f);
    const { k, dim } = model.config;
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
        const pred = model.predict(chunk.map((i) => features[i].tokens), n);
        chunk.forEach((i, b) => {
          out[i] = {
            id: features[i].id,
            k,
            assignment: pred.assignment.slice(b * n * k, (b + 1) * n * k),
            concepts: pred.concepts.slice(b * k * dim, (b + 1) * k * dim),
          };
        });
      }
    }
    return out;
  }

  async fit(source: FeatureSource, options: FitOptions = {}): Promise<FitReport> {
    return train(this, source, options as AcgFitOptions);
  }

  async dispose(): Promise<void> {
    this.model?.dispose();
    this.model = undefined;
  }

  /** @internal Swaps in weights (used by the trainer on resume). */
  setModel(model: TfAcg, origin: string, training?: TrainingState): void {
    if (this.model !== model) this.model?.dispose();
    this.model = model;
    this.origin = origin;
    this.training = training;
  }

  get logger(): Logger {
    return this.log;
  }
}
