import { describe, expect, it } from 'vitest';
import { AcsegError, PLUGIN_API_VERSION, type AcsegPlugin } from '@acseg/core';
import { catalogFromPlugins, getIn } from './catalog.js';

const plugin = (name: string, models: Record<string, unknown>): AcsegPlugin =>
  ({ name, version: '1.0.0', apiVersion: PLUGIN_API_VERSION, models }) as unknown as AcsegPlugin;
const tiny = { description: 'a tiny model', repo: 'acme/tiny', files: ['model.onnx'] };

function thrown(f: () => unknown): AcsegError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AcsegError);
    return e as AcsegError;
  }
  throw new Error('expected a throw');
}

describe('catalogFromPlugins: the models the loaded plugins declare', () => {
  it('joins every plugin’s models, each tagged with its plugin; the layout defaults to files', () => {
    const cat = catalogFromPlugins([
      plugin('@acme/a', { tiny }),
      plugin('@acme/b', { other: { ...tiny, repo: 'acme/other', layout: 'hub-onnx' } }),
      { name: 'old', version: '1', apiVersion: PLUGIN_API_VERSION, register() {} },
    ]);
    expect(Object.keys(cat)).toEqual(['tiny', 'other']);
    expect(getIn(cat, 'tiny')).toMatchObject({ name: 'tiny', plugin: '@acme/a', layout: 'files', repo: 'acme/tiny' });
    expect(getIn(cat, 'other')).toMatchObject({ plugin: '@acme/b', layout: 'hub-onnx' });
    expect(thrown(() => getIn(cat, 'nope')).message).toBe('unknown model "nope". Known models: tiny, other');
  });

  it('refuses a malformed entry naming the plugin, the model and what is wrong', () => {
    const e = thrown(() => catalogFromPlugins([plugin('@acme/a', { bad: { description: 'x', repo: 'no-slash', files: ['../up'] } })]));
    expect(e.code).toBe('NOT_A_PLUGIN');
    expect(e.message).toBe('plugin @acme/a declares model "bad" with a missing or wrong repo (owner/name), files (paths in the repository)');
    const st = thrown(() => catalogFromPlugins([plugin('@acme/a', { w: { ...tiny, layout: 'safetensors' } })]));
    expect(st.message).toContain('convert (needed by the safetensors layout)');
  });

  it('refuses one name declared by two plugins', () => {
    const e = thrown(() => catalogFromPlugins([plugin('@acme/a', { tiny }), plugin('@acme/b', { tiny })]));
    expect(e.message).toBe('model "tiny" is declared by two plugins: @acme/a and @acme/b');
  });
});
