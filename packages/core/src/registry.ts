import { AcsegError, UnknownComponentError } from './errors.js';
import type { ComponentKind, ComponentSpec, PluginContainer, BackboneSpec, GeneratorSpec, ClassifierSpec } from './plugin.js';

export interface RegisteredComponent {
  kind: ComponentKind;
  id: string;
  spec: ComponentSpec<unknown>;
  /** The plugin that contributed it, and where that plugin was loaded from. */
  plugin: string;
  origin: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._/-]*$/;

/**
 * The catalog of components a run can choose from. Created per run (never
 * global); plugins add to it through `forPlugin(...)`.
 */
export class ComponentRegistry {
  private readonly entries = new Map<string, RegisteredComponent>();

  /** A PluginContainer that records `plugin` and `origin` on what it adds. */
  forPlugin(plugin: string, origin: string): PluginContainer {
    const add = (kind: ComponentKind) => (id: string, spec: ComponentSpec<unknown>) => this.add({ kind, id, spec, plugin, origin });
    return {
      backbone: add('backbone') as (id: string, spec: BackboneSpec) => void,
      generator: add('generator') as (id: string, spec: GeneratorSpec) => void,
      classifier: add('classifier') as (id: string, spec: ClassifierSpec) => void,
    };
  }

  add(entry: RegisteredComponent): void {
    if (!ID_PATTERN.test(entry.id)) {
      throw new AcsegError('PLUGIN_FAILED', `plugin ${entry.plugin} registers ${entry.kind} "${entry.id}": ids are lower-case letters, digits, '.', '_', '-', '/'`, { plugin: entry.plugin });
    }
    if (typeof entry.spec?.create !== 'function') {
      throw new AcsegError('PLUGIN_FAILED', `plugin ${entry.plugin} registers ${entry.kind} "${entry.id}" without a create() function`, { plugin: entry.plugin });
    }
    const key = `${entry.kind}:${entry.id}`;
    const prior = this.entries.get(key);
    if (prior) {
      throw new AcsegError('DUPLICATE_COMPONENT', `${entry.kind} "${entry.id}" is registered twice: by ${prior.plugin} (${prior.origin}) and by ${entry.plugin} (${entry.origin})`, {
        plugin: entry.plugin,
        hint: 'load only one of these plugins',
      });
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
