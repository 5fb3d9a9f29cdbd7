import { arrayFeatureSource, type Logger } from '@acseg/core';
import { describe, expect, it } from 'vitest';
import { AcgGenerator } from '../../inference/generator.js';
import { tinyFeatures } from '../../testing/tiny.js';

describe('which engine trains: one line, no contradiction', () => {
  it('default options: one "training on" line with the reason, and no info line naming another engine', async () => {
    // A fresh process (this file alone): the TF.js backend is picked here, with this logger.
    const lines: string[] = [];
    const log: Logger = { debug: () => undefined, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) };
    const g = new AcgGenerator({ k: 3, steps: 1, heads: 2, seed: 1, batchSize: 4, iterations: 2, workers: 1 }, log);
    await g.fit(arrayFeatureSource(tinyFeatures(8, 4)), { log });
    const engine = lines.filter((l) => /training on/.test(l));
    expect(engine).toEqual([
      expect.stringMatching(
        /^acg: training on (onnxruntime-node .*\(CPU.*; no native TF\.js backend here, only \w+, which is slower; option trainRuntime: tfjs trains on it\)|TF\.js \(tensorflow\).*\(a native TF\.js backend is installed\)|TF\.js \(\w+\).*\(onnxruntime-node cannot load: .*\))$/,
      ),
    ]);
    expect(lines.filter((l) => /TF\.js backend:|selects TF\.js/.test(l))).toEqual([]);
  });
});
