import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ComponentRegistry, type ComponentContext, type ComponentKind, type ComponentOptions, type Logger, type ProgressFactory } from '@acseg/core';
import { loadConfig, type AcsegConfig } from './config.js';
import { consoleLogger, consoleProgress } from './console.js';
import { componentFactory, type ComponentFactory, type KindType } from './container/components.module.js';
import { builtinRequests, loadPlugin, type LoadedPlugin, type PluginRequest } from './plugins/load.js';
import { discoverInstalledPlugins, resolvePluginFile } from './plugins/resolve.js';

export interface GlobalArgs {
  plugin?: string[];
  config?: string;
  verbose?: boolean;
  quiet?: boolean;
  cacheDir?: string;
  set?: string[];
}

/** `$ACSEG_CACHE_DIR`, else `$XDG_CACHE_HOME/acseg`, else `~/.cache/acseg`. */
export function cacheDirFromEnv(): string {
  if (process.env.ACSEG_CACHE_DIR) return process.env.ACSEG_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'acseg');
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

  private constructor(readonly args: GlobalArgs, readonly config: AcsegConfig, readonly cwd: string) {
    this.log = consoleLogger(!!args.verbose);
    this.progress = consoleProgress(!!args.quiet);
  }

  static async open(args: GlobalArgs, cwd = process.cwd()): Promise<Session> {
    const config = await loadConfig(cwd, args.config);
    const session = new Session(args, config, cwd);
    await session.loadPlugins();
    return session;
  }

  get cacheDir(): string {
    return this.args.cacheDir ?? cacheDirFromEnv();
  }

  get context(): ComponentContext {
    return { log: this.log, progress: this.progress, cacheDir: this.cacheDir, verbose: !!this.args.verbose };
  }

  private async loadPlugins(): Promise<void> {
    for (const request of builtinRequests()) {
      try {
        this.plugins.push(await loadPlugin(request, this.registry));
      } catch (e) {
        // A broken built-in must not take the others down; say which and why.
        const msg = `built-in plugin ${request.spec} is unavailable: ${(e as Error).message.split('\n')[0]}`;
        this.warnings.push(msg);
        this.log.debug(msg);
      }
    }
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

  async create<K extends ComponentKind>(kind: K, id: string, flags: ComponentOptions = {}, defaults: ComponentOptions = {}): Promise<KindType[K]> {
    this.factory ??= componentFactory(this.registry, this.context);
    return this.factory(kind, id, this.optionsFor(id, flags, defaults));
  }
}
