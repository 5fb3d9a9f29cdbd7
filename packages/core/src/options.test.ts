import { describe, expect, it } from 'vitest';
import { describeOptions, formatOptions, opt, parseOptions, v } from './options.js';

const schema = v.object({
  k: opt.int('prototypes', { min: 1, default: 5 }),
  lr: opt.number('rate', { gt: 0, default: 1e-4, expected: 'a positive number' }),
  damping: opt.number('damping', { min: 0.5, max: 0.999 }),
  on: opt.bool('switch', true),
  mode: opt.choice(['a', 'b'], 'mode', 'a'),
  path: opt.string('a path'),
  classes: opt.list('names'),
});

describe('parseOptions', () => {
  it('reads CLI strings as the schema types, fills defaults, drops keys it does not name', () => {
    const o = parseOptions(schema, { k: '7', lr: '0.5', on: 'no', mode: 'b', path: 'x', classes: ' cat, dog ,,', other: 1 });
    expect(o).toEqual({ k: 7, lr: 0.5, on: false, mode: 'b', path: 'x', classes: ['cat', 'dog'] });
    expect(parseOptions(schema, { k: '', on: 1, damping: 0.75 })).toEqual({ k: 5, lr: 1e-4, on: true, mode: 'a', damping: 0.75 });
  });

  it('names the component, the option and what it must be', () => {
    expect(() => parseOptions(schema, { k: 'twenty' }, 'classifier x')).toThrow('classifier x: option k must be an integer ≥ 1, got "twenty"');
    expect(() => parseOptions(schema, { k: 2.5 }, 'c')).toThrow('c: option k must be an integer ≥ 1, got 2.5');
    expect(() => parseOptions(schema, { damping: 1 }, 'c')).toThrow('option damping must be a number ≥ 0.5 ≤ 0.999, got 1');
    expect(() => parseOptions(schema, { lr: 0 }, 'c')).toThrow('option lr must be a positive number, got 0');
    expect(() => parseOptions(schema, { on: 'maybe' }, 'c')).toThrow('option on must be true or false, got "maybe"');
    expect(() => parseOptions(schema, { mode: 'z' }, 'c')).toThrow('option mode must be one of a, b, got "z"');
    expect(() => parseOptions(schema, { k: 0 }, 'c', { format: (key, want, got) => `${key}: expected ${want}, got ${got}` })).toThrow(
      /^k: expected an integer ≥ 1, got 0$/,
    );
    try {
      parseOptions(schema, { k: 0 }, 'c');
    } catch (e) {
      expect((e as { code: string }).code).toBe('BAD_CONFIG');
    }
  });
});

describe('describeOptions', () => {
  it('reads type, default, choices and description from the schema', () => {
    const infos = describeOptions(schema);
    expect(infos.map((i) => [i.key, i.type, i.default])).toEqual([
      ['k', 'integer', 5],
      ['lr', 'number', 1e-4],
      ['damping', 'number', undefined],
      ['on', 'boolean', true],
      ['mode', 'choice', 'a'],
      ['path', 'string', undefined],
      ['classes', 'list', undefined],
    ]);
    expect(infos[4].choices).toEqual(['a', 'b']);
    expect(infos[0].description).toBe('prototypes');
    const lines = formatOptions(schema, '');
    expect(lines[0]).toBe('k        integer  prototypes  (default 5)');
    expect(lines[4]).toBe('mode     a|b      mode  (default "a")');
    expect(formatOptions(undefined, '')).toEqual(['(no options)']);
  });
});
