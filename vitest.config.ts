import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One root config; each workspace package is a vitest project named after
// its folder, so `vitest run --project acg` runs one package's tests.
const roots = ['packages', 'apps']
  .flatMap((group) => readdirSync(group).map((name) => join(group, name)))
  .concat(['tools'])
  .filter((dir) => existsSync(join(dir, 'package.json')));

export default defineConfig({
  resolve: {
    // Tests import sibling packages from source (see the "@acseg/source"
    // export condition), so they run without a build.
    conditions: ['@acseg/source'],
  },
  test: {
    projects: roots.map((root) => ({
      extends: true,
      test: {
        name: root.split('/').pop()!,
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        // Fails a test file that leaves a file handle for the garbage collector to close (DEP0137).
        setupFiles: [fileURLToPath(new URL('tools/test-setup/file-handles.ts', import.meta.url))],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
