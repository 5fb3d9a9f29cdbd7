import { expect } from 'vitest';
import { isAcsegError, type AcsegError } from '../errors.js';

/** Awaits `work` and returns the `AcsegError` it must fail with (a plain Error or success fails the test). */
export async function expectAcsegError(work: Promise<unknown> | (() => Promise<unknown>)): Promise<AcsegError> {
  let caught: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an AcsegError, nothing was thrown').toBeDefined();
  expect(isAcsegError(caught), `expected an AcsegError, got ${String(caught)}`).toBe(true);
  return caught as AcsegError;
}
