import { readFileSync } from 'node:fs';
import type { Backbone } from './backbone.js';
import type { ConceptClassifier } from './classifier.js';
import { AcsegError } from './errors.js';
import type { ConceptGenerator } from './generator.js';
import type { ImageDecoder } from './image-decoder.js';
import type { Logger, ProgressFactory } from './log.js';
import type { ModelHub, ModelSpec } from './models.js';
import type { OptionsSchema } from './options.js';
import type { SessionFactory } from './sessions.js';

/**
 * The plugin API version this core speaks. A plugin declares the version it
 * was written against; the host refuses any other with a clear message.
 * Bump it only for breaking changes of the contracts below.
 */
export const PLUGIN_API_VERSION = 1;

export type ComponentKind = 'backbone' | 'generator' | 'classifier';
export const COMPONENT_KINDS: readonly ComponentKind[] = ['backbone', 'generator', 'classifier'];

/** What every component factory gets besides its own options. */
export interface ComponentContext {
  log: Logger;
  progress: ProgressFactory;
  /** Where models and caches live (XDG cache dir, or ACSEG_CACHE_DIR). */
  cacheDir: string;
  verbose: boolean;
  /** The run's model hub: declared models by name, resolved to cached files (the acseg CLI always gives it). */
  models?: ModelHub;
  /** The run's image decoder (one pixel limit, one wording of errors); absent: the component uses image-io's default. */
  images?: ImageDecoder;
  /** Inference sessions on the run's `--device` (hosts that give none: each component uses its runtime's default, device auto). */
  sessions?: SessionFactory;
}

export type ComponentOptions = Record<string, unknown>;

/** The per-run services every component factory receives (built-in or third-party alike). */
export type ComponentServices = ComponentContext;

/**
 * What a component declares it needs from the host before it can work: a
 * labelled memory bank from a train split (k-NN retrieval), or the class
 * names (text-based naming). The CLI picks the evaluation protocol from it.
 */
export interface ComponentNeeds {
  memoryBank?: boolean;
  classNames?: boolean;
}

export interface ComponentSpec<T> {
  /** One line for `acseg plugins list`. */
  description: string;
  /** The options it reads; the host validates them, makes flags from them and prints them (`acseg plugins show`). */
  options?: OptionsSchema;
  needs?: ComponentNeeds;
  /**
   * Rank among the components of its kind a run uses when none is named
   * (lower first; the next is tried when one's model is not installed).
   */
  defaultRank?: number;
  /** How messages name it, e.g. "the ACG" (default: its id). */
  label?: string;
  /** The name a report's table gives a method built on this generator (e.g. the paper's "ACSeg"). */
  methodName?: string;
  /** Builds the component; import heavy modules inside, so that listing plugins stays cheap. */
  create(options: ComponentOptions, services: ComponentServices): T | Promise<T>;
}

export type BackboneSpec = ComponentSpec<Backbone>;
export type GeneratorSpec = ComponentSpec<ConceptGenerator>;
export type ClassifierSpec = ComponentSpec<ConceptClassifier>;

/** The pre-declarative plugin shape (API 1, still loaded): components added by a `register` call. */
export interface PluginContainer {
  backbone(id: string, spec: BackboneSpec): void;
  generator(id: string, spec: GeneratorSpec): void;
  classifier(id: string, spec: ClassifierSpec): void;
}

interface PluginIdentity {
  name: string;
  version: string;
  /** The PLUGIN_API_VERSION the plugin was written for. */
  apiVersion: number;
}

/**
 * A plugin is a plain declarative object, usually the default export of an
 * npm package's `plugin` entry: its components by kind and id, each with an
 * option schema and a lazy factory.
 */
export interface PluginManifest extends PluginIdentity {
  backbones?: Record<string, BackboneSpec>;
  generators?: Record<string, GeneratorSpec>;
  classifiers?: Record<string, ClassifierSpec>;
  models?: Record<string, ModelSpec>;
}

/** The older shape, still accepted: a `register(container, options)` function. */
export interface RegisteringPlugin extends PluginIdentity {
  register(container: PluginContainer, options: ComponentOptions): void | Promise<void>;
}

export type AcsegPlugin = PluginManifest | RegisteringPlugin;

export const KIND_KEYS: Record<ComponentKind, 'backbones' | 'generators' | 'classifiers'> = {
  backbone: 'backbones',
  generator: 'generators',
  classifier: 'classifiers',
};

export function isRegisteringPlugin(p: AcsegPlugin): p is RegisteringPlugin {
  return typeof (p as RegisteringPlugin).register === 'function';
}

/** `version` of the package.json beside a plugin's `src/` or `dist/` folder (pass `import.meta.url`). */
export function packageVersion(moduleUrl: string): string {
  return (JSON.parse(readFileSync(new URL('../package.json', moduleUrl), 'utf8')) as { version: string }).version;
}

/** Identity function that gives a plugin object its type. */
export function definePlugin<P extends AcsegPlugin>(plugin: P): P {
  return plugin;
}

/**
 * Checks that a loaded module export is a plugin for this API version.
 * `where` names the package or path in the error.
 */
export function validatePlugin(candidate: unknown, where: string): AcsegPlugin {
  const shape = '{ name: string, version: string, apiVersion: number, backbones?: {...}, generators?: {...}, classifiers?: {...} }';
  if (typeof candidate !== 'object' || candidate === null) {
    throw new AcsegError('NOT_A_PLUGIN', `${where} is not an acseg plugin: its default export is ${candidate === null ? 'null' : typeof candidate}`, {
      hint: `export default ${shape}`,
    });
  }
  const p = candidate as Partial<AcsegPlugin>;
  const missing: string[] = [];
  if (typeof p.name !== 'string' || !p.name) missing.push('name');
  if (typeof p.version !== 'string') missing.push('version');
  if (typeof p.apiVersion !== 'number') missing.push('apiVersion');
  const q = candidate as Partial<PluginManifest> & { register?: unknown };
  const declared = ['backbones', 'generators', 'classifiers', 'models'] as const;
  for (const key of declared) if (q[key] !== undefined && (typeof q[key] !== 'object' || q[key] === null)) missing.push(key);
  if (q.register !== undefined && typeof q.register !== 'function') missing.push('register');
  if (q.register === undefined && !declared.some((k) => q[k] !== undefined)) missing.push('register (older shape) or backbones/generators/classifiers');
  if (missing.length) {
    throw new AcsegError('NOT_A_PLUGIN', `${where} is not an acseg plugin: missing or wrong ${missing.join(', ')}`, { hint: `export default ${shape}` });
  }
  if (p.apiVersion !== PLUGIN_API_VERSION) {
    throw new AcsegError(
      'PLUGIN_API_MISMATCH',
      `plugin ${p.name}@${p.version} (${where}) targets plugin API ${p.apiVersion}, but this acseg speaks API ${PLUGIN_API_VERSION}`,
      {
        plugin: p.name,
        hint: p.apiVersion! > PLUGIN_API_VERSION ? 'upgrade @acseg/cli and @acseg/core' : `use a version of ${p.name} written for API ${PLUGIN_API_VERSION}`,
      },
    );
  }
  return p as AcsegPlugin;
}
