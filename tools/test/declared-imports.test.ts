import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const packages = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
  .filter((dir) => existsSync(join(root, dir, 'package.json')));
const SCANNED = ['src', 'test', 'bench', 'scripts', 'examples'];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') return [];
    return statSync(path).isDirectory() ? files(path) : /\.(m?[jt]s)$/.test(name) ? [path] : [];
  });
}

/** Package names a file imports: `import … from 'x'`, `import 'x'`, `export … from 'x'`, `import('x')`. */
function importedPackages(text: string): string[] {
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;'"]*?\bfrom\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s.split('/')[0]))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

// A package's sources, tests, benches and examples import only what its package.json declares: an example that
// works here through the workspace's hoisting fails for someone who installs the package alone.
describe('every import is declared by its package', () => {
  it('reads static, side-effect and dynamic imports', () => {
    expect(
      importedPackages(
        "import a from 'x';\nimport { b } from '@s/y/z';\nimport 'side';\nexport * from 'w';\nconst m = await import('lazy');\n// import over-fits\nimport fs from 'node:fs';\nimport p from 'path';",
      ),
    ).toEqual(['x', '@s/y', 'w', 'side', 'lazy']);
  });

  it.each(packages)('%s', (dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const declared = new Set([pkg.name, 'vitest', ...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })]);
    const undeclared = SCANNED.flatMap((sub) => files(join(root, dir, sub))).flatMap((file) =>
      importedPackages(readFileSync(file, 'utf8'))
        .filter((name) => !declared.has(name))
        .map((name) => `${file.slice(root.length + 1)}: ${name}`),
    );
    expect([...new Set(undeclared)]).toEqual([]);
  });
});
