import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComponentRegistry, registerPlugin, validatePlugin } from '@acseg/core';
import { BUILTIN_PLUGINS } from '../src/plugins/builtins.js';
import { repoRoot } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the CLI source', () => {
  it('names no built-in component in its code: defaults, protocols and flags come from the manifests', async () => {
    const registry = new ComponentRegistry();
    for (const spec of BUILTIN_PLUGINS) await registerPlugin(registry, validatePlugin((await import(spec)).default, spec), 'built-in');
    // 'background' is also the name of class 0 (outputs, class lists), not only a classifier's id.
    const ids = new Set(
      registry
        .list()
        .map((e) => e.id)
        .filter((id) => id !== 'background'),
    );
    expect([...ids]).toEqual(expect.arrayContaining(['dino', 'handcrafted', 'acg', 'kmeans', 'knn', 'clip']));
    const found: string[] = [];
    for (const file of sources(join(repoRoot, 'apps/cli/src'))) {
      // Code only: string literals outside comments and outside `describe:` help texts.
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, ''))
        .filter((l) => !/^\s*\*|describe:/.test(l));
      code.forEach((line, i) => {
        for (const m of line.matchAll(/(['"`])([a-z0-9._/-]+)\1/g)) if (ids.has(m[2])) found.push(`${file.slice(repoRoot.length + 1)}:${i + 1}: ${m[0]}`);
      });
    }
    expect(found).toEqual([]);
  });
});
