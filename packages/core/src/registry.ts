import { recordComponent } from './component-record.js';
import { AcsegError, isAcsegError, UnknownComponentError } from './errors.js';
import { parseOptions } from './options.js';
import {
  COMPONENT_KINDS,
  isRegisteringPlugin,
  KIND_KEYS,
  type AcsegPlugin,
  type ComponentKind,
  type ComponentOptions,
  type ComponentServices,
  type ComponentSpec,
  type PluginContainer,
  type BackboneSpec,
  type GeneratorSpec,
  type ClassifierSpec,
  type PluginManifest,
} from './plugin.js';

export interface RegisteredComponent {
  kind: ComponentKind;
  id: string;
  spec: ComponentSpec<unknown>;
  /** The plugin that contributed it, and where that plugin was loaded from. */
  plugin: string;
  /** That plugin's version, when it declares one. */
  pluginVersion?: string;
  origin: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._/-]*$/;

/**
 * The catalog of components a run can choose from. Created per run (never
 * global); plugins add to it through `forPlugin(...)`.
 */
export class ComponentRegistry {
  private readonly entries = new Map<string, RegisteredComponent>();

  /** A PluginContainer that records `plugin`, its version and `origin` on what it adds. */
  forPlugin(plugin: string, origin: string, pluginVersion?: string): PluginContainer {
    const add = (kind: ComponentKind) => (id: string, spec: ComponentSpec<unknown>) =>
      this.add({ kind, id, spec, plugin, origin, ...(pluginVersion !== undefined ? { pluginVersion } : {}) });
    return {
      backbone: add('backbone') as (id: string, spec: BackboneSpec) => void,
      generator: add('generator') as (id: string, spec: GeneratorSpec) => void,
      classifier: add('classifier') as (id: string, spec: ClassifierSpec) => void,
    };
  }

  /** Adds every component a declarative manifest declares. */
  addManifest(manifest: PluginManifest, origin: string): void {
    const container = this.forPlugin(manifest.name, origin, manifest.version) as unknown as Record<
      ComponentKind,
      (id: string, spec: ComponentSpec<unknown>) => void
    >;
    for (const kind of COMPONENT_KINDS) {
      for (const [id, spec] of Object.entries(manifest[KIND_KEYS[kind]] ?? {})) container[kind](id, spec as ComponentSpec<unknown>);
    }
  }

  add(entry: RegisteredComponent): void {
    if (!ID_PATTERN.test(entry.id)) {
      throw new AcsegError(
        'PLUGIN_FAILED',
        `plugin ${entry.plugin} registers ${entry.kind} "${entry.id}": ids are lower-case letters, digits, '.', '_', '-', '/'`,
        { plugin: entry.plugin },
      );
    }
    if (typeof entry.spec?.create !== 'function') {
      throw new AcsegError('PLUGIN_FAILED', `plugin ${entry.plugin} registers ${entry.kind} "${entry.id}" without a create() function`, {
        plugin: entry.plugin,
      });
    }
    const key = `${entry.kind}:${entry.id}`;
    const prior = this.entries.get(key);
    if (prior) {
      throw new AcsegError(
        'DUPLICATE_COMPONENT',
        `${entry.kind} "${entry.id}" is registered twice: by ${prior.plugin} (${prior.origin}) and by ${entry.plugin} (${entry.origin})`,
        {
          plugin: entry.plugin,
          hint: 'load only one of these plugins',
        },
      );
    }
    this.entries.set(key, entry);
  }

  list(kind?: ComponentKind): RegisteredComponent[] {
    return [...this.entries.values()].filter((e) => !kind || e.kind === kind).sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  }

  ids(kind: ComponentKind): string[] {
    return this.list(kind).map((e) => e.id);
  }

  has(kind: ComponentKind, id: string): boolean {
    return this.entries.has(`${kind}:${id}`);
  }

  get(kind: ComponentKind, id: string): RegisteredComponent {
    const e = this.entries.get(`${kind}:${id}`);
    if (!e) throw new UnknownComponentError(kind, id, this.ids(kind));
    return e;
  }
}

/**
 * Builds a registered component: options are checked against its schema
 * first (before any heavy module loads), then its factory runs with the
 * run's services. A factory that fails for a reason that is not an
 * AcsegError (its module failed to import, a native runtime did not load)
 * is reported naming the component and the plugin, with the cause.
 */
export async function createComponent<T>(entry: RegisteredComponent, raw: ComponentOptions, services: ComponentServices): Promise<T> {
  const { spec } = entry;
  const options = spec.options ? { ...raw, ...parseOptions(spec.options, raw, `${entry.kind} ${entry.id}`, { plugin: entry.plugin }) } : raw;
  let made: T;
  try {
    made = (await spec.create(options, services)) as T;
  } catch (e) {
    if (isAcsegError(e)) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new AcsegError('PLUGIN_FAILED', `${entry.kind} ${entry.id} (plugin ${entry.plugin}, ${entry.origin}) failed to load: ${detail}`, {
      plugin: entry.plugin,
      cause: e,
      hint: entry.origin === 'built-in' ? 'reinstall acseg (npm ci): a built-in module or its runtime is missing' : undefined,
    });
  }
  recordComponent(made, {
    kind: entry.kind,
    name: entry.id,
    options,
    plugin: entry.plugin,
    ...(entry.pluginVersion !== undefined ? { pluginVersion: entry.pluginVersion } : {}),
  });
  return made;
}

/** Adds a plugin's components, whichever shape it has (declarative manifest, or the older `register`). */
export async function registerPlugin(registry: ComponentRegistry, plugin: AcsegPlugin, origin: string, options: ComponentOptions = {}): Promise<void> {
  if (isRegisteringPlugin(plugin)) await plugin.register(registry.forPlugin(plugin.name, origin, plugin.version), options);
  else registry.addManifest(plugin, origin);
}
