import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Paths resolve from this file, not the working directory, so the config
// also works when vitest runs inside a package folder (`npm test` there).
const here = dirname(fileURLToPath(import.meta.url));

// One root config; each workspace package is a vitest project named after
// its folder, so `vitest run --project acg` runs one package's tests.
const roots = ['packages', 'apps']
  .filter((group) => existsSync(join(here, group)))
  .flatMap((group) => readdirSync(join(here, group)).map((name) => join(here, group, name)))
  .concat([join(here, 'tools')])
  .filter((dir) => existsSync(join(dir, 'package.json')));

/** The package folder the command runs in, if any: `vitest run` there runs that package only. */
function ownPackage(cwd: string): string | undefined {
  if (process.argv.some((a) => a === '--project' || a.startsWith('--project='))) return undefined;
  return roots.find((root) => {
    const rel = relative(root, cwd);
    return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  });
}
const own = ownPackage(process.cwd());

export default defineConfig({
  resolve: {
    // Tests import sibling packages from source (see the "@acseg/source"
    // export condition), so they run without a build.
    conditions: ['@acseg/source'],
  },
  test: {
    projects: (own ? [own] : roots).map((root) => ({
      extends: true,
      test: {
        name: root.split(/[\\/]/).pop()!,
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
