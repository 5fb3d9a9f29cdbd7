/**
 * Models a plugin can download, and the per-run service that finds them.
 * Contracts only: the download and the cache layout live in @acseg/model-hub.
 */

/**
 * How a model's files are laid out once downloaded:
 * - `hub-onnx`: an ONNX export as published on the Hub (onnx/model.onnx + config.json).
 * - `safetensors`: weights (model.safetensors + config.json), converted after
 *   download into model.onnx by the model's `convert`.
 * - `files`: kept as they are, for the plugin to read.
 */
export type ModelLayout = 'hub-onnx' | 'safetensors' | 'files';

/** Turns downloaded weights into the ONNX file a component loads (`safetensors` layout). */
export type ModelConverter = (o: { weights: string; config?: string; out: string; inputSize?: number; modelName?: string }) => Promise<{ out: string }>;

/** A model a plugin can download (`acseg models list/pull`), declared in its manifest's `models`. */
export interface ModelSpec {
  /** One line for `acseg models list`. */
  description: string;
  /** Hugging Face Hub repository the files come from (owner/name). */
  repo: string;
  /** Files to download, as paths in the repository. */
  files: readonly string[];
  /** Default `files`. */
  layout?: ModelLayout;
  /** Gated on the Hub behind a licence the user accepts there; the download then needs `HF_TOKEN`. */
  gated?: { licence: string };
  /** `safetensors` layout: the converter run after the download (import it lazily: listing models stays cheap). */
  convert?: ModelConverter;
}

/** A pulled model found in the cache. */
export interface CachedModelFolder {
  name: string;
  revision: string;
  /** `<cacheDir>/models/<name>/<revision>/` */
  dir: string;
  layout: ModelLayout;
  /** The ONNX file to load (absent for the `files` layout). */
  onnx?: string;
}

/**
 * The run's model hub (service `models`): every loaded plugin's declared
 * models and the cache they are pulled into. What a factory uses to turn a
 * model name into files, the same for built-in and third-party plugins.
 */
export interface ModelHub {
  /** The acseg cache folder (`$ACSEG_CACHE_DIR`, else `$XDG_CACHE_HOME/acseg`, else `~/.cache/acseg`, or `--cache-dir`). */
  readonly cacheDir: string;
  /** The declared model of that name, if a loaded plugin declares one. */
  find(name: string): ModelSpec | undefined;
  /** Every declared model name. */
  names(): string[];
  /**
   * The cached folder of a declared model (the revision asked for, else main,
   * else any cached one). Not pulled: MODEL_NOT_FOUND with the pull command
   * and the by-hand steps; there but unusable: BAD_MODEL naming what is missing.
   */
  resolve(name: string, opts?: { revision?: string }): Promise<CachedModelFolder>;
}
