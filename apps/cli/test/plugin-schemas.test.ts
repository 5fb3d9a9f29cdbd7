import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('component option schemas in the CLI', () => {
  it("plugins show prints a plugin's components with their options, defaults and needs", () => {
    const r = acseg(['plugins', 'show', '@acseg/classifier-kmeans'], tempDir());
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^@acseg\/classifier-kmeans@\d+\.\d+\.\d+ {2}\(built-in\)$/m);
    expect(r.stdout).toMatch(/^classifier knn: k-NN retrieval .*\n {2}needs: memoryBank$/m);
    expect(r.stdout).toMatch(/^ {4}headReduce +min\|mean\|max +head reduction of the CLS attention/m);
    const json = JSON.parse(acseg(['plugins', 'show', 'acg', '--json'], tempDir()).stdout);
    const acg = json.components[0];
    expect(acg).toMatchObject({ kind: 'generator', id: 'acg', plugin: '@acseg/acg', defaultRank: 1 });
    expect(acg.options.find((o: { key: string }) => o.key === 'ema')).toMatchObject({ type: 'number', default: 0, expected: 'a decay in [0, 1) (0 = off)' });
    const unknown = acseg(['plugins', 'show', 'nope'], tempDir());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('acseg: error: no plugin or component named "nope"');
  });

  it('train takes its flags from the schema of the generator it trains', () => {
    const acgHelp = acseg(['train', '--help'], tempDir()).stdout;
    expect(acgHelp).toContain('Generator options:');
    expect(acgHelp).toMatch(/--merge-threshold +not in the paper: merge an image's concepts/);
    expect(acgHelp).toMatch(/--train-runtime +training engine [^\n]*\n[^\n]*\[choices: "auto", "onnx", "tfjs"\]/);
    const kmeansHelp = acseg(['train', '--generator', 'kmeans', '--help'], tempDir()).stdout;
    expect(kmeansHelp).toMatch(/--n-init +k-means restarts, best inertia kept \(default 10\)/);
    expect(kmeansHelp).not.toContain('--merge-threshold');
    // A value the schema refuses stops before any feature is read, exit 2.
    const bad = acseg(['train', '--features', tempDir(), '--out', tempDir(), '--ema', '1'], tempDir());
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('acseg: error: generator acg: option ema must be a decay in [0, 1) (0 = off), got 1');
  });
});
