import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AcsegError, type ComponentOptions } from '@acseg/core';

/** `acseg.config.json` / `acseg.config.mjs`, parsed once into this form. */
export interface AcsegConfig {
  /** Plugins to load: a package name or path, or `[spec, options]`. */
  plugins: Array<{ spec: string; options: ComponentOptions }>;
  /** Default component names (what `--backbone` etc. fall back to). */
  components: { backbone?: string; generator?: string; classifier?: string };
  /** Options per component id, e.g. `{ "acg": { "k": 7 } }`. */
  options: Record<string, ComponentOptions>;
  /** The file it came from, and the folder its relative paths resolve from. */
  file?: string;
  dir: string;
}

export const CONFIG_FILES = ['acseg.config.mjs', 'acseg.config.json'];

export function defineConfig(config: Partial<Omit<AcsegConfig, 'file' | 'dir' | 'plugins'>> & { plugins?: Array<string | [string, ComponentOptions]> }) {
  return config;
}

function bad(file: string, path: string, problem: string): AcsegError {
  return new AcsegError('BAD_CONFIG', `${file}: ${path ? `${path}: ` : ''}${problem}`, { file, hint: 'see docs/plugins.md for the config format' });
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks a raw config object; errors name the file and the dot-path. */
export function parseConfig(raw: unknown, file: string): AcsegConfig {
  if (!isObject(raw)) throw bad(file, '', 'the config must be an object');
  const known = new Set(['plugins', 'components', 'options', '$schema']);
  for (const key of Object.keys(raw))
    if (!known.has(key)) throw bad(file, key, `unknown key (expected one of ${[...known].filter((k) => k !== '$schema').join(', ')})`);
  const plugins: AcsegConfig['plugins'] = [];
  if (raw.plugins !== undefined) {
    if (!Array.isArray(raw.plugins)) throw bad(file, 'plugins', 'must be an array');
    raw.plugins.forEach((p, i) => {
      if (typeof p === 'string') plugins.push({ spec: p, options: {} });
      else if (Array.isArray(p) && typeof p[0] === 'string' && (p[1] === undefined || isObject(p[1])))
        plugins.push({ spec: p[0], options: (p[1] ?? {}) as ComponentOptions });
      else throw bad(file, `plugins.${i}`, 'must be a package name or path, or [nameOrPath, { options }]');
    });
  }
  const components: AcsegConfig['components'] = {};
  if (raw.components !== undefined) {
    if (!isObject(raw.components)) throw bad(file, 'components', 'must be an object');
    for (const [k, v] of Object.entries(raw.components)) {
      if (!['backbone', 'generator', 'classifier'].includes(k)) throw bad(file, `components.${k}`, 'unknown kind (backbone, generator, classifier)');
      if (typeof v !== 'string') throw bad(file, `components.${k}`, 'must be a component name');
      components[k as keyof AcsegConfig['components']] = v;
    }
  }
  const options: AcsegConfig['options'] = {};
  if (raw.options !== undefined) {
    if (!isObject(raw.options)) throw bad(file, 'options', 'must be an object');
    for (const [k, v] of Object.entries(raw.options)) {
      if (!isObject(v)) throw bad(file, `options.${k}`, 'must be an object of options');
      options[k] = v;
    }
  }
  return { plugins, components, options, file, dir: dirname(file) };
}

/** Loads `--config FILE`, or the first config file in `cwd`; none → an empty config. */
export async function loadConfig(cwd: string, explicit?: string): Promise<AcsegConfig> {
  const file = explicit ? resolve(cwd, explicit) : CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (!file) return { plugins: [], components: {}, options: {}, dir: cwd };
  if (!existsSync(file)) throw new AcsegError('BAD_CONFIG', `config file ${file} does not exist`, { file });
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw bad(file, '', `not valid JSON (${(e as Error).message})`);
    }
  } else {
    try {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      raw = mod.default;
    } catch (e) {
      throw bad(file, '', `failed to load (${(e as Error).message})`);
    }
  }
  return parseConfig(raw, file);
}
