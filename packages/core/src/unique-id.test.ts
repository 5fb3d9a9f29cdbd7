import { describe, expect, it } from 'vitest';
import { uniqueId } from './unique-id.js';

describe('uniqueId', () => {
  it('keeps a free id and numbers a taken one from 2, skipping numbers also taken', () => {
    const used = new Set(['street', 'street-2', 'beach']);
    expect(uniqueId('fruit', (c) => used.has(c))).toBe('fruit');
    expect(uniqueId('beach', (c) => used.has(c))).toBe('beach-2');
    expect(uniqueId('street', (c) => used.has(c))).toBe('street-3');
  });
});
