import { pathToFileURL } from 'node:url';
import { AcsegError, isAcsegError, registerPlugin, validatePlugin, type AcsegPlugin, type ComponentOptions, type ComponentRegistry } from '@acseg/core';
import { EXIT, exitCodeFor } from '../exit.js';
import { BUILTIN_PLUGINS } from './builtins.js';
import { resolvePluginFile } from './resolve.js';

export type PluginSource = 'built-in' | '--plugin' | 'config' | 'installed';

export interface PluginRequest {
  spec: string;
  options: ComponentOptions;
  source: PluginSource;
  /** Folder relative paths and package names resolve from. */
  base: string;
}

export interface LoadedPlugin {
  plugin: AcsegPlugin;
  source: PluginSource;
  origin: string;
}

async function importModule(file: string, spec: string): Promise<unknown> {
  try {
    return await import(pathToFileURL(file).href);
  } catch (e) {
    throw new AcsegError('NOT_A_PLUGIN', `plugin ${spec} (${file}) failed to load: ${(e as Error).message}`, { file, cause: e });
  }
}

function manifestOf(mod: unknown): unknown {
  const m = mod as { default?: unknown; plugin?: unknown };
  return m.default ?? m.plugin ?? mod;
}

/** Imports, validates and registers one plugin. */
export async function loadPlugin(request: PluginRequest, registry: ComponentRegistry): Promise<LoadedPlugin> {
  const isBuiltin = request.source === 'built-in';
  const file = isBuiltin ? undefined : resolvePluginFile(request.spec, request.base);
  // A built-in that does not load is a broken installation: an error naming it and its cause, never skipped.
  const mod = isBuiltin
    ? await import(request.spec).catch((e: Error) => {
        throw new AcsegError('PLUGIN_FAILED', `built-in plugin ${request.spec} failed to load: ${e.message}`, { cause: e, hint: 'reinstall acseg (npm ci)' });
      })
    : await importModule(file!, request.spec);
  const where = file ? `${request.spec} (${file})` : request.spec;
  const plugin = validatePlugin(manifestOf(mod), where);
  const origin = isBuiltin ? 'built-in' : `${request.source} ${file}`;
  try {
    await registerPlugin(registry, plugin, origin, request.options);
  } catch (e) {
    // A plugin that cannot register is broken, not a failure while working:
    // a usage error (exit 2) naming it, unless its own error already is one.
    if (isAcsegError(e) && exitCodeFor(e) !== EXIT.failure) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    const name = file ? `${plugin.name} (${file})` : plugin.name;
    const message = isAcsegError(e) && detail.includes(plugin.name) ? detail : `plugin ${name} failed while registering: ${detail}`;
    throw new AcsegError('NOT_A_PLUGIN', message, { plugin: plugin.name, file, hint: isAcsegError(e) ? e.hint : undefined, cause: e });
  }
  return { plugin, source: request.source, origin };
}

export function builtinRequests(specs: readonly string[] = BUILTIN_PLUGINS): PluginRequest[] {
  return specs.map((spec) => ({ spec, options: {}, source: 'built-in' as const, base: process.cwd() }));
}
