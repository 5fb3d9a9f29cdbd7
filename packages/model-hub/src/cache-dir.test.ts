import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir, folderToModelName, modelDir, modelFolderName } from './cache-dir.js';

describe('the acseg cache folder, resolved in one place', () => {
  it('$ACSEG_CACHE_DIR first, then $XDG_CACHE_HOME/acseg, then ~/.cache/acseg; empty variables count as unset', () => {
    expect(defaultCacheDir({ ACSEG_CACHE_DIR: '/a', XDG_CACHE_HOME: '/x' }, '/u')).toBe('/a');
    expect(defaultCacheDir({ ACSEG_CACHE_DIR: '', XDG_CACHE_HOME: '/x' }, '/u')).toBe(join('/x', 'acseg'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '' }, '/u')).toBe(join('/u', '.cache', 'acseg'));
    expect(defaultCacheDir({}, '/u')).toBe(join('/u', '.cache', 'acseg'));
    expect(defaultCacheDir({})).toBe(join(homedir(), '.cache', 'acseg'));
  });

  it('reads the process environment when none is given', () => {
    const saved = { a: process.env.ACSEG_CACHE_DIR, x: process.env.XDG_CACHE_HOME };
    try {
      process.env.ACSEG_CACHE_DIR = '';
      process.env.XDG_CACHE_HOME = join('/cache', 'home');
      expect(defaultCacheDir()).toBe(join('/cache', 'home', 'acseg'));
      process.env.ACSEG_CACHE_DIR = join('/mine');
      expect(defaultCacheDir()).toBe('/mine');
    } finally {
      for (const [k, v] of [['ACSEG_CACHE_DIR', saved.a] as const, ['XDG_CACHE_HOME', saved.x] as const]) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('lays a model out as <cache>/models/<name with "/" as "--">/<revision>/, and reads the name back', () => {
    expect(modelDir('/c', 'facebook/dino-vits16')).toBe(join('/c', 'models', 'facebook--dino-vits16', 'main'));
    expect(modelDir('/c', 'acme/seg', 'refs/pr/1')).toBe(join('/c', 'models', 'acme--seg', 'refs--pr--1'));
    expect(modelFolderName('a/b/c')).toBe('a--b--c');
    expect(folderToModelName(modelFolderName('openai/clip-vit-base-patch16'))).toBe('openai/clip-vit-base-patch16');
  });
});
