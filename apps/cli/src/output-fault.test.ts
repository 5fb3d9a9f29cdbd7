import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcsegError, isAcsegError } from '@acseg/core';
import { outputFolderFault, systemFault } from './output-fault.js';

/** An fs error as Node makes them (code, errno, syscall, path). */
function fsError(code: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, write`), { code, errno: -1, syscall: 'write', ...(path ? { path } : {}) });
}

describe('systemFault', () => {
  it('finds the fs error under AcsegError causes, and nothing in an error without one', () => {
    const inner = fsError('ENOSPC', '/out/a.png.1.tmp');
    const wrapped = new AcsegError('BAD_INPUT', '/out/gallery.jsonl: cannot write', { cause: new Error('again', { cause: inner }) });
    expect(systemFault(wrapped)).toEqual({ code: 'ENOSPC', syscall: 'write', path: '/out/a.png.1.tmp' });
    // AcsegError's own code is no system error.
    expect(systemFault(new AcsegError('BAD_IMAGE', 'x.jpg: not an image'))).toBeUndefined();
    expect(systemFault('ENOSPC')).toBeUndefined();
  });
});

describe('outputFolderFault', () => {
  const out = join('/data', 'run');

  it('a full disk, a quota or a read-only file system stops the run (a path in the folder, or none)', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS']) {
      const f = outputFolderFault(out, fsError(code));
      expect(isAcsegError(f), code).toBe(true);
      expect(f!.message).toContain(`output folder ${out}`);
      expect(f!.message).toContain(code);
      expect(f!.hint).toContain('images finished before the stop are whole and kept');
      expect(f!.hint).toContain('free some space');
      expect(outputFolderFault(out, fsError(code, join(out, 'thumbs', 'a.jpg.1.0.tmp')))?.message, code).toContain('(writing thumbs/a.jpg.1.0.tmp)');
    }
    // Elsewhere (a temporary folder on another disk): not this folder's fault, so not worded as one.
    expect(outputFolderFault(out, fsError('ENOSPC', '/tmp/acseg-train-features-x/shard-00000.safetensors'))).toBeUndefined();
  });

  it('no permission stops the run only for a path in the output folder, and names that file', () => {
    const inside = outputFolderFault(out, fsError('EACCES', join(out, 'thumbs', 'a.jpg.4.0.tmp')));
    expect(inside?.message).toContain('(writing thumbs/a.jpg.4.0.tmp)');
    expect(inside?.hint).toContain('fix the permissions');
    expect(outputFolderFault(out, fsError('EACCES', '/data/images/a.jpg'))).toBeUndefined();
    // A sibling folder whose name starts with the output folder's is not inside it.
    expect(outputFolderFault(out, fsError('EACCES', '/data/run2/a.png'))).toBeUndefined();
  });

  it("one image's faults (a name too long, a bad image) are left to the per-image skip", () => {
    expect(outputFolderFault(out, fsError('ENAMETOOLONG', join(out, 'x'.repeat(300))))).toBeUndefined();
    expect(outputFolderFault(out, new AcsegError('BAD_IMAGE', 'a.jpg: cannot decode'))).toBeUndefined();
  });
});
