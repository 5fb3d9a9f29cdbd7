import { describe, expect, it } from 'vitest';
import { checkImagePixels, DEFAULT_MAX_PIXELS, formatPixels, resolveMaxPixels } from './pixels.js';

describe('resolveMaxPixels', () => {
  it('takes the option, else $ACSEG_MAX_PIXELS, else 64 MP', () => {
    expect(resolveMaxPixels(undefined, {})).toBe(64_000_000);
    expect(DEFAULT_MAX_PIXELS).toBe(8000 * 8000);
    expect(resolveMaxPixels(undefined, { ACSEG_MAX_PIXELS: '5000' })).toBe(5000);
    expect(resolveMaxPixels('', { ACSEG_MAX_PIXELS: '' })).toBe(64_000_000);
    expect(resolveMaxPixels(1234, { ACSEG_MAX_PIXELS: '5000' })).toBe(1234);
    expect(resolveMaxPixels('1234', {})).toBe(1234);
  });

  it('refuses what is not a positive whole number, naming where it came from', () => {
    expect(() => resolveMaxPixels(0, {})).toThrow(/option maxPixels must be a positive whole number of pixels, got 0/);
    expect(() => resolveMaxPixels('1.5', {})).toThrow(/got "1.5"/);
    expect(() => resolveMaxPixels(undefined, { ACSEG_MAX_PIXELS: 'lots' })).toThrow(/ACSEG_MAX_PIXELS must be a positive whole number of pixels, got "lots"/);
  });
});

describe('checkImagePixels', () => {
  it('accepts up to the limit and refuses above it with one message', () => {
    expect(() => checkImagePixels('a.png', 50, 40, 2000)).not.toThrow();
    let err: unknown;
    try {
      checkImagePixels('a.png', 50, 41, 2000, 'a.png');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'BAD_IMAGE', file: 'a.png', message: 'a.png: the image is 50×41 (2050 pixels), above the limit of 2000 pixels' });
    expect(() => checkImagePixels('b.jpg', 10000, 10000, DEFAULT_MAX_PIXELS)).toThrow('b.jpg: the image is 10000×10000 (100 MP), above the limit of 64 MP');
    expect(formatPixels(1_500_000)).toBe('1.5 MP');
  });
});
