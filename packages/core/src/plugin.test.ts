import { describe, expect, it } from 'vitest';
import { AcsegError, UnknownComponentError } from './errors.js';
import { PLUGIN_API_VERSION, validatePlugin } from './plugin.js';
import { ComponentRegistry } from './registry.js';

const ok = { name: 'p', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, register() {} };

describe('validatePlugin', () => {
  it('accepts a manifest and names what is missing otherwise', () => {
    expect(validatePlugin(ok, 'x')).toBe(ok);
    expect(() => validatePlugin(null, 'pkg-a')).toThrow(/pkg-a is not an acseg plugin: its default export is null/);
    expect(() => validatePlugin({ name: 'p' }, 'pkg-b')).toThrow(/missing or wrong version, apiVersion, register/);
  });

  it('refuses another API version with advice in the direction of the mismatch', () => {
    try {
      validatePlugin({ ...ok, apiVersion: PLUGIN_API_VERSION + 1 }, 'pkg');
      expect.fail('should throw');
    } catch (e) {
      expect((e as AcsegError).code).toBe('PLUGIN_API_MISMATCH');
      expect((e as AcsegError).hint).toMatch(/upgrade/);
    }
    expect(() => validatePlugin({ ...ok, apiVersion: 0 }, 'pkg')).toThrow(/targets plugin API 0/);
  });
});

describe('ComponentRegistry', () => {
  const spec = { description: 'd', create: () => ({}) as never };
  it('lists components by kind and refuses duplicates naming both plugins', () => {
    const r = new ComponentRegistry();
    r.forPlugin('a', 'built-in').generator('acg', spec);
    r.forPlugin('b', 'x.mjs').generator('kmeans', spec);
    r.forPlugin('b', 'x.mjs').classifier('kmeans', spec);
    expect(r.ids('generator')).toEqual(['acg', 'kmeans']);
    expect(r.get('classifier', 'kmeans').plugin).toBe('b');
    expect(() => r.forPlugin('c', 'y.mjs').generator('acg', spec)).toThrow(/generator "acg" is registered twice: by a \(built-in\) and by c \(y\.mjs\)/);
  });

  it('an unknown id lists the known ones', () => {
    const r = new ComponentRegistry();
    r.forPlugin('a', 'built-in').backbone('dino', spec);
    expect(() => r.get('backbone', 'vit')).toThrow(UnknownComponentError);
    expect(() => r.get('backbone', 'vit')).toThrow(/Available backbones: dino/);
    expect(() => r.forPlugin('a', 'b').backbone('Bad Id', spec)).toThrow(/ids are lower-case/);
  });
});
