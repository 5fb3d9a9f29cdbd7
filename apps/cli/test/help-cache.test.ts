import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedHelp, HELP_FILE } from '../src/help-cache.js';
import { renderHelp } from '../src/help-render.js';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('acseg --help from the build', () => {
  it('prints exactly what yargs renders at 110 columns', async () => {
    const r = acseg(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(await renderHelp());
    expect(r.stdout).toMatch(/acseg merge <parts\.\.>/);
  });

  it('answers only a bare --help or -h on a terminal of 110 columns or more', () => {
    const file = join(tempDir(), 'help.txt');
    writeFileSync(file, 'the help\n');
    expect(cachedHelp(['--help'], undefined, file)).toBe('the help\n');
    expect(cachedHelp(['-h'], 200, file)).toBe('the help\n');
    expect(cachedHelp(['--help'], 80, file)).toBeUndefined();
    expect(cachedHelp(['run', '--help'], undefined, file)).toBeUndefined();
    expect(cachedHelp(['--help', '--verbose'], undefined, file)).toBeUndefined();
    expect(cachedHelp([], undefined, file)).toBeUndefined();
  });

  it('leaves the help to yargs when the build wrote no file', () => {
    expect(cachedHelp(['--help'], undefined, join(tempDir(), 'help.txt'))).toBeUndefined();
    expect(HELP_FILE.endsWith('help.txt')).toBe(true);
  });
});
