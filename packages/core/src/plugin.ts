import type { Backbone } from './backbone.js';
import type { ConceptClassifier } from './classifier.js';
import { AcsegError } from './errors.js';
import type { ConceptGenerator } from './generator.js';
import type { Logger, ProgressFactory } from './log.js';

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
}

export type ComponentOptions = Record<string, unknown>;

export interface ComponentSpec<T> {
  /** One line for `acseg plugins list`. */
  description: string;
  create(options: ComponentOptions, context: ComponentContext): T | Promise<T>;
}

export type BackboneSpec = ComponentSpec<Backbone>;
export type GeneratorSpec = ComponentSpec<ConceptGenerator>;
export type ClassifierSpec = ComponentSpec<ConceptClassifier>;

/** What a plugin's `register` receives: the host's way to add components by name. */
export interface PluginContainer {
  backbone(id: string, spec: BackboneSpec): void;
  generator(id: string, spec: GeneratorSpec): void;
  classifier(id: string, spec: ClassifierSpec): void;
}

/**
 * A plugin is a plain object (ESLint/Vite style), usually the default export
 * of an npm package or a local module.
 */
export interface AcsegPlugin {
  name: string;
  version: string;
  /** The PLUGIN_API_VERSION the plugin was written for. */
  apiVersion: number;
  register(container: PluginContainer, options: ComponentOptions): void | Promise<void>;
}

/** Identity function that gives a plugin object its type. */
export function definePlugin(plugin: AcsegPlugin): AcsegPlugin {
  return plugin;
}

/**
 * Checks that a loaded module export is a plugin for this API version.
 * `where` names the package or path in the error.
 */
export function validatePlugin(candidate: unknown, where: string): AcsegPlugin {
  const shape = '{ name: string, version: string, apiVersion: number, register(container, options) }';
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
  if (typeof p.register !== 'function') missing.push('register');
  if (missing.length) {
    throw new AcsegError('NOT_A_PLUGIN', `${where} is not an acseg plugin: missing or wrong ${missing.join(', ')}`, { hint: `export default ${shape}` });
  }
  if (p.apiVersion !== PLUGIN_API_VERSION) {
    throw new AcsegError(
      'PLUGIN_API_MISMATCH',
      `plugin ${p.name}@${p.version} (${where}) targets plugin API ${p.apiVersion}, but this acseg speaks API ${PLUGIN_API_VERSION}`,
      { plugin: p.name, hint: p.apiVersion! > PLUGIN_API_VERSION ? 'upgrade @acseg/cli and @acseg/core' : `use a version of ${p.name} written for API ${PLUGIN_API_VERSION}` },
    );
  }
  return p as AcsegPlugin;
}
