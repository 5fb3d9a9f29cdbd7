import { describe, expect, it } from 'vitest';
import { scratch } from './scratch.js';

describe('scratch buffers', () => {
  it('reuses one buffer per name up to its largest size, and keeps none above 8 MiB', () => {
    const a = scratch('test-a', 1000);
    const b = scratch('test-a', 500);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(500);
    expect(scratch('test-b', 10).buffer).not.toBe(a.buffer);
    const big = scratch('test-a', 9 * 1024 * 1024);
    expect(big.length).toBe(9 * 1024 * 1024);
    expect(scratch('test-a', 9 * 1024 * 1024).buffer).not.toBe(big.buffer);
    // The small one is still the one kept.
    expect(scratch('test-a', 800).buffer).toBe(a.buffer);
  });
});
