import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';

/** Installed packages named like this are loaded without being listed (vitest-environment-<name> style). */
export const PLUGIN_PREFIX = 'acseg-plugin-';

export function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || spec.includes('\\');
}

/** node_modules/<name> from `base` upwards, like Node's resolution. */
export function findPackageDir(name: string, base: string): string | undefined {
  let dir = resolve(base);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

type ExportTarget = string | { [condition: string]: ExportTarget } | null | undefined;

function pickExport(target: ExportTarget): string | undefined {
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object') return undefined;
  for (const cond of ['import', 'node', 'default']) {
    const t = pickExport(target[cond]);
    if (t) return t;
  }
  return undefined;
}

/** The file a package's root import resolves to ("exports" ".", else "module"/"main", else index.js). */
export function packageEntry(pkgDir: string): string {
  const pkgPath = join(pkgDir, 'package.json');
  let pkg: { exports?: ExportTarget | Record<string, ExportTarget>; main?: string; module?: string };
  try {
    pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  } catch (e) {
    throw new AcsegError('NOT_A_PLUGIN', `${pkgPath} is not valid JSON: ${(e as Error).message}`, { file: pkgPath });
  }
  let rel: string | undefined;
  const exp = pkg.exports;
  if (exp !== undefined) {
    const root = typeof exp === 'object' && exp !== null && '.' in exp ? (exp as Record<string, ExportTarget>)['.'] : (exp as ExportTarget);
    rel = pickExport(root);
  }
  rel ??= pkg.module ?? pkg.main ?? 'index.js';
  const file = join(pkgDir, rel);
  if (!existsSync(file)) {
    throw new AcsegError('PLUGIN_NOT_FOUND', `${pkgDir}: its entry point ${rel} does not exist`, { file, hint: 'build the plugin first (npm run build)' });
  }
  return file;
}

/** The file to import for a `--plugin` value: a path (file or package folder) or a package name. */
export function resolvePluginFile(spec: string, base: string): string {
  if (isPathSpec(spec)) {
    const path = resolve(base, spec);
    if (!existsSync(path)) throw new AcsegError('PLUGIN_NOT_FOUND', `plugin path ${spec} does not exist (looked at ${path})`, { file: path });
    return statSync(path).isDirectory() ? packageEntry(path) : path;
  }
  const candidates = spec.includes(PLUGIN_PREFIX) ? [spec] : [spec, conventionalName(spec)];
  for (const name of candidates) {
    const dir = findPackageDir(name, base);
    if (dir) return packageEntry(dir);
  }
  throw new AcsegError('PLUGIN_NOT_FOUND', `plugin package "${spec}" is not installed (looked for ${candidates.join(' and ')} from ${base})`, {
    hint: `npm install ${candidates[candidates.length - 1]}`,
  });
}

/** `foo` → `acseg-plugin-foo`, `@me/foo` → `@me/acseg-plugin-foo`. */
export function conventionalName(spec: string): string {
  if (spec.startsWith('@')) {
    const [scope, name] = spec.split('/');
    return `${scope}/${PLUGIN_PREFIX}${name}`;
  }
  return `${PLUGIN_PREFIX}${spec}`;
}

/** Packages in `<base>/node_modules` that follow the naming convention. */
export function discoverInstalledPlugins(base: string): string[] {
  const root = join(base, 'node_modules');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(PLUGIN_PREFIX)) found.push(entry);
    else if (entry.startsWith('@')) {
      for (const sub of readdirSync(join(root, entry))) if (sub.startsWith(PLUGIN_PREFIX)) found.push(`${entry}/${sub}`);
    }
  }
  return found.sort();
}
