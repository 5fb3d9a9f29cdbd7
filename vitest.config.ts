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
  // Tests import sibling packages from source (see the "@acseg/source"
  // export condition), so they run without a build. Vitest runs tests as
  // server-side modules, which resolve with `ssr.resolve`, not `resolve`.
  resolve: { conditions: ['@acseg/source'] },
  ssr: { resolve: { conditions: ['@acseg/source'] } },
  test: {
    projects: (own ? [own] : roots).map((root) => ({
      extends: true,
      test: {
        name: root.split(/[\\/]/).pop()!,
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        // Fails a test file that leaves a file handle for the garbage collector to close (DEP0137).
        setupFiles: [join(here, 'tools', 'test-setup', 'file-handles.ts')],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
