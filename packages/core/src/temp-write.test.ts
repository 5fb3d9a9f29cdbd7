import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAcsegError } from './errors.js';
import { pathExists, refuseOverwrite } from './no-overwrite.js';
import { writeViaTemp } from './temp-write.js';

const dir = mkdtempSync(join(tmpdir(), 'acseg-temp-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeViaTemp', () => {
  it('replaces the target with what fill wrote and leaves no temp file', async () => {
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'old');
    await writeViaTemp(path, `${path}.tmp-1`, async (fh) => {
      await fh.write('new ');
      await fh.write('content');
    });
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(dir).filter((n) => n.startsWith('a.txt'))).toEqual(['a.txt']);
  });

  it('on a failing fill keeps the old file, removes the temp file and rethrows', async () => {
    const path = join(dir, 'b.txt');
    writeFileSync(path, 'kept');
    await expect(
      writeViaTemp(path, `${path}.tmp-2`, async (fh) => {
        await fh.write('half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('kept');
    expect(readdirSync(dir).filter((n) => n.startsWith('b.txt'))).toEqual(['b.txt']);
  });

  it("with 'wx' refuses a temp name that is already there", async () => {
    const path = join(dir, 'c.txt');
    writeFileSync(`${path}.tmp`, 'someone else');
    await expect(writeViaTemp(path, `${path}.tmp`, (fh) => fh.writeFile('x'), 'wx')).rejects.toThrow(/EEXIST/);
    expect(await pathExists(path)).toBe(false);
  });
});

describe('refuseOverwrite', () => {
  it('passes where the file is absent and names folder, file and hint where it is there', async () => {
    await expect(refuseOverwrite(dir, 'index.json', 'a cache', 'use another folder')).resolves.toBeUndefined();
    writeFileSync(join(dir, 'index.json'), '{}');
    const e = await refuseOverwrite(dir, 'index.json', 'a cache', 'use another folder').catch((x: unknown) => x);
    expect(isAcsegError(e) && [e.code, e.message, e.file, e.hint]).toEqual([
      'BAD_INPUT',
      `${dir} already holds a cache (index.json); not overwriting it`,
      join(dir, 'index.json'),
      'use another folder',
    ]);
  });
});
