import { afterEach, describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { applyHeicThreadsEnv, heicThreads, HEIC_THREADS_ENV } from './heic.js';

const initial = heicThreads();
afterEach(() => {
  heicThreads(initial);
});

describe('HEIC decoder threads', () => {
  it('one per core beyond the first, at most two, by default; $ACSEG_HEIC_THREADS or heicThreads(n) change it', () => {
    expect(initial).toBeGreaterThanOrEqual(1);
    expect(initial).toBeLessThanOrEqual(2);
    applyHeicThreadsEnv({});
    applyHeicThreadsEnv({ [HEIC_THREADS_ENV]: ' ' });
    expect(heicThreads()).toBe(initial);
    applyHeicThreadsEnv({ [HEIC_THREADS_ENV]: '3' });
    expect(heicThreads()).toBe(3);
    expect(heicThreads(1)).toBe(1);
  });

  it('refuses what is not a whole number of threads from 1 to 64, naming the variable', () => {
    for (const bad of ['0', '-2', '1.5', 'two', '65']) {
      const e = (() => {
        try {
          applyHeicThreadsEnv({ [HEIC_THREADS_ENV]: bad });
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(AcsegError);
      expect(e).toMatchObject({ code: 'BAD_CONFIG', message: `ACSEG_HEIC_THREADS must be a whole number of threads from 1 to 64, got ${JSON.stringify(bad)}` });
    }
    expect(heicThreads()).toBe(initial);
    expect(() => heicThreads(0)).toThrow(RangeError);
  });
});
