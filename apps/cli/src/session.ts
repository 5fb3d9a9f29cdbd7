import { realpathSync } from 'node:fs';
import {
  AcsegError,
  ComponentRegistry,
  type ComponentKind,
  type ComponentOptions,
  type ComponentSpec,
  type DeviceChoice,
  type Logger,
  type ProgressFactory,
} from '@acseg/core';
import { CacheModelHub, catalogFromPlugins, defaultCacheDir } from '@acseg/model-hub';
import { loadConfig, type AcsegConfig } from './config.js';
import { consoleLogger, consoleProgress } from './console.js';
import type { ComponentFactory, KindType } from './container/components.module.js';
import type { RunServices } from './container/services.module.js';
import { BUILTIN_PLUGINS } from './plugins/builtins.js';
import { builtinRequests, loadPlugin, type LoadedPlugin, type PluginRequest } from './plugins/load.js';
import { discoverInstalledPlugins, resolvePluginFile } from './plugins/resolve.js';

export interface GlobalArgs {
  plugin?: string[];
  config?: string;
  verbose?: boolean;
  quiet?: boolean;
  cacheDir?: string;
  set?: string[];
  device?: DeviceChoice;
}

function parseValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** `--set k=7` (every component) and `--set acg.k=7` (component acg only). */
export function parseSetFlags(values: readonly string[] = []): { all: ComponentOptions; byId: Record<string, ComponentOptions> } {
  const all: ComponentOptions = {};
  const byId: Record<string, ComponentOptions> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq);
    const value = parseValue(item.slice(eq + 1));
    const dot = key.lastIndexOf('.');
    if (dot > 0) (byId[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
    else all[key] = value;
  }
  return { all, byId };
}

/**
 * What one CLI invocation works with: the config, the registry filled by
 * every plugin, and the inversify container that builds components by name.
 */
export class Session {
  readonly log: Logger;
  readonly progress: ProgressFactory;
  readonly plugins: LoadedPlugin[] = [];
  readonly registry = new ComponentRegistry();
  readonly warnings: string[] = [];
  private factory?: ComponentFactory;
  private hub?: CacheModelHub;

  private constructor(
    readonly args: GlobalArgs,
    readonly config: AcsegConfig,
    readonly cwd: string,
  ) {
    this.log = consoleLogger(!!args.verbose);
    this.progress = consoleProgress(!!args.quiet);
  }

  /** `builtins`: the built-in plugin entries (tests pass others). */
  static async open(args: GlobalArgs, cwd = process.cwd(), builtins: readonly string[] = BUILTIN_PLUGINS): Promise<Session> {
    const config = await loadConfig(cwd, args.config);
    const session = new Session(args, config, cwd);
    await session.loadPlugins(builtins);
    return session;
  }

  /** `--cache-dir`, else the hub's one resolver ($ACSEG_CACHE_DIR, else $XDG_CACHE_HOME/acseg, else ~/.cache/acseg). */
  get cacheDir(): string {
    return this.args.cacheDir ?? defaultCacheDir();
  }

  /** The run's model hub: the models every loaded plugin declares (built-in or third-party alike), in the cache folder. */
  get models(): CacheModelHub {
    this.hub ??= new CacheModelHub({ cacheDir: this.cacheDir, models: catalogFromPlugins(this.plugins.map((p) => p.plugin)) });
    return this.hub;
  }

  /** The services bound once in the run's container and given to every component factory. */
  get services(): RunServices {
    return {
      log: this.log,
      progress: this.progress,
      cacheDir: this.cacheDir,
      verbose: !!this.args.verbose,
      models: this.models,
      device: this.args.device ?? 'auto',
    };
  }

  private async loadPlugins(builtins: readonly string[]): Promise<void> {
    // A built-in that fails to load is an error with its cause (a broken installation), not a skipped plugin.
    for (const request of builtinRequests(builtins)) this.plugins.push(await loadPlugin(request, this.registry));
    const requests: PluginRequest[] = [
      ...discoverInstalledPlugins(this.cwd).map((spec) => ({ spec, options: {}, source: 'installed' as const, base: this.cwd })),
      ...this.config.plugins.map((p) => ({ spec: p.spec, options: p.options, source: 'config' as const, base: this.config.dir })),
      ...(this.args.plugin ?? []).map((spec) => ({ spec, options: {}, source: '--plugin' as const, base: this.cwd })),
    ];
    // The same module named twice (installed and --plugin, say) loads once: keyed by
    // its entry file's real path, as a workspace installs a package as a link to its folder.
    const seen = new Set<string>();
    for (const request of requests) {
      const key = realpathSync(resolvePluginFile(request.spec, request.base));
      if (seen.has(key)) continue;
      seen.add(key);
      this.plugins.push(await loadPlugin(request, this.registry));
    }
  }

  /** Options for component `id`: the command's defaults, config file, `--set`, then the command's own flags. */
  optionsFor(id: string, flags: ComponentOptions = {}, defaults: ComponentOptions = {}): ComponentOptions {
    const set = parseSetFlags(this.args.set);
    const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
    return { ...defaults, ...this.config.options[id], ...set.all, ...set.byId[id], ...defined };
  }

  /** Fails (exit 2, listing the names) before any work if a name is unknown. */
  checkNames(names: Partial<Record<ComponentKind, string>>): void {
    for (const [kind, id] of Object.entries(names) as Array<[ComponentKind, string | undefined]>) {
      if (id !== undefined) this.registry.get(kind, id);
    }
  }

  /**
   * The components of a kind a run uses when none is named, best first: those
   * their plugins declare a `defaultRank` for. The CLI itself names none.
   */
  defaults(kind: ComponentKind): string[] {
    return this.registry
      .list(kind)
      .filter((e) => e.spec.defaultRank !== undefined)
      .sort((a, b) => a.spec.defaultRank! - b.spec.defaultRank! || a.id.localeCompare(b.id))
      .map((e) => e.id);
  }

  /** The name given, else the config file's, else the plugins' default (exit 2 when there is none). */
  componentName(kind: ComponentKind, given: string | undefined): string {
    const name = given ?? this.config.components[kind] ?? this.defaults(kind)[0];
    if (name === undefined) {
      throw new AcsegError('BAD_CONFIG', `no ${kind} named and no plugin declares a default one`, {
        hint: `give --${kind} NAME (acseg plugins list shows them)`,
      });
    }
    return name;
  }

  /** The declaration of a component (its schema, needs, default rank); unknown → exit 2 listing the names. */
  spec(kind: ComponentKind, id: string): ComponentSpec<unknown> {
    return this.registry.get(kind, id).spec;
  }

  async create<K extends ComponentKind>(kind: K, id: string, flags: ComponentOptions = {}, defaults: ComponentOptions = {}): Promise<KindType[K]> {
    // The container (and inversify) load with the first component, not for `plugins list` or `--help`.
    this.factory ??= (await import('./container/components.module.js')).componentFactory(this.registry, this.services);
    return this.factory(kind, id, this.optionsFor(id, flags, defaults));
  }
}
