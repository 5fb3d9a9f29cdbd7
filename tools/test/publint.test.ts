import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const published = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
  .filter((dir) => existsSync(join(root, dir, 'package.json')) && !JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).private);

// What npm would publish (npm pack), linted as publint does for a registry: exports that point at missing files,
// types after default, a "files" list that leaves out what "exports" needs. Needs the build (npm test builds first).
describe('publint on every published package', () => {
  it.each(published)(
    '%s',
    async (dir) => {
      expect(existsSync(join(root, dir, 'dist')), `${dir}: build first (npm test does)`).toBe(true);
      const pkgDir = join(root, dir);
      const { messages, pkg } = await publint({ pkgDir, level: 'warning', strict: true, pack: 'npm' });
      expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
    },
    60_000,
  );
});
