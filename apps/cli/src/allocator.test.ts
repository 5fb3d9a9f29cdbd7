import { describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV, allocatorRestartEnv, type AllocatorHost } from './allocator.js';

const glibcLinux: AllocatorHost = { platform: 'linux', glibc: '2.36', canExec: true };

describe('allocatorRestartEnv', () => {
  it('restarts a glibc Linux process with the fixed threshold, keeping the rest of the environment', () => {
    const env = allocatorRestartEnv({ PATH: '/bin', HF_TOKEN: 't' }, glibcLinux);
    expect(env).toEqual({ PATH: '/bin', HF_TOKEN: 't', MALLOC_MMAP_THRESHOLD_: '1048576' });
    expect(Number(ALLOCATOR_ENV.MALLOC_MMAP_THRESHOLD_)).toBe(2 ** 20);
  });

  it('leaves an allocator the user set up alone, even with an empty value', () => {
    for (const name of ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_MMAP_MAX_', 'MALLOC_ARENA_MAX', 'GLIBC_TUNABLES']) {
      expect(allocatorRestartEnv({ [name]: '' }, glibcLinux), name).toBeUndefined();
      expect(allocatorRestartEnv({ [name]: '4' }, glibcLinux), name).toBeUndefined();
    }
  });

  it('does nothing where the setting means nothing or the process cannot replace itself', () => {
    expect(allocatorRestartEnv({}, { ...glibcLinux, platform: 'darwin' })).toBeUndefined();
    expect(allocatorRestartEnv({}, { ...glibcLinux, platform: 'win32' })).toBeUndefined();
    expect(allocatorRestartEnv({}, { ...glibcLinux, glibc: undefined })).toBeUndefined();
    expect(allocatorRestartEnv({}, { ...glibcLinux, canExec: false })).toBeUndefined();
  });
});
