import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Guards the package's layout (README "Layout"): no import cycle, and inference loads no training code.
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(pkg, 'src');

interface Edge {
  to: string;
  typeOnly: boolean;
  dynamic: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative imports of a source file (static, `import type`, `export ... from` and `import('...')`), as package paths. */
function importsOf(file: string, text: string): Edge[] {
  const out: Edge[] = [];
  const re = /(?:^|\n)\s*(import\s+type|import|export(?:\s+type)?)\b[^'";]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[2] ?? m[3];
    const to = relative(pkg, normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))));
    out.push({ to, typeOnly: m[1] === 'import type' || m[1]?.startsWith('export type') === true, dynamic: m[3] !== undefined });
  }
  return out;
}

function importGraph(): Map<string, Edge[]> {
  return new Map(sources(src).map((f) => [relative(pkg, f), importsOf(f, readFileSync(f, 'utf8'))]));
}

/** Every cycle's files (one rotation each), by depth-first search. */
function findCycles(graph: ReadonlyMap<string, readonly { to: string }[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const { to } of graph.get(node) ?? []) {
      if (state.get(to) === 'open') cycles.push(path.slice(path.indexOf(to)));
      else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('package layout', () => {
  it('the cycle finder finds a two-file and a three-file cycle, and none in a chain', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, v.map((to) => ({ to }))]));
    expect(findCycles(g({ a: ['b'], b: ['a'] }))).toEqual([['a', 'b']]);
    expect(findCycles(g({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
    expect(findCycles(g({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('the import parser sees static, type-only, re-export and dynamic imports', () => {
    const text =
      "import { a } from './a.js';\nimport type { B } from '../b.js';\nexport { c } from './c.js';\nconst d = await import('./d.js');\nimport x from 'node:fs';\n";
    expect(importsOf(join(src, 'x', 'y.ts'), text)).toEqual([
      { to: 'src/x/a.ts', typeOnly: false, dynamic: false },
      { to: 'src/b.ts', typeOnly: true, dynamic: false },
      { to: 'src/x/c.ts', typeOnly: false, dynamic: false },
      { to: 'src/x/d.ts', typeOnly: false, dynamic: true },
    ]);
  });

  it('src has no import cycle, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(30);
    expect(findCycles(graph)).toEqual([]);
  });

  it('only the training entry and training modules import training code; the generator loads it lazily', () => {
    const offenders: string[] = [];
    for (const [file, edges] of importGraph()) {
      if (file.startsWith('src/training/')) continue;
      for (const e of edges) {
        if (!e.to.startsWith('src/training/')) continue;
        const allowed = (e.typeOnly && e.to === 'src/training/target.ts') || (e.dynamic && e.to === 'src/training/fit.ts');
        if (!allowed) offenders.push(`${file} → ${e.to}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('published code imports neither the benchmarks nor the test helpers', () => {
    const offenders = [...importGraph()]
      .filter(([file]) => !file.startsWith('src/testing/'))
      .flatMap(([file, edges]) => edges.filter((e) => e.to.startsWith('bench/') || e.to.startsWith('src/testing/')).map((e) => `${file} → ${e.to}`));
    expect(offenders).toEqual([]);
  });
});
