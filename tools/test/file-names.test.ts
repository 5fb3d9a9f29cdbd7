import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

// One naming convention for source files: kebab-case (`load-model.ts`, not `loadModel.ts`), so a module's file name
// never has to be guessed.
describe('file names', () => {
  it('every TypeScript/JavaScript source file of the packages, the CLI and the tools is kebab-case', () => {
    const tracked = execFileSync('git', ['ls-files', 'packages', 'apps', 'tools'], { cwd: root, encoding: 'utf8' }).split('\n');
    const sources = tracked.filter((f) => /\.(ts|mts|mjs|js|cjs)$/.test(f) && !f.includes('/fixtures/'));
    expect(sources.length).toBeGreaterThan(100);
    const camel = sources.filter((f) => /[A-Z]/.test(f.split('/').pop()!));
    expect(camel).toEqual([]);
  });
});
