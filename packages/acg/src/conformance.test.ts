import { describeGenerator } from '@acseg/core/testing';
import { AcgGenerator } from './index.js';
import { tinyFeatures } from './testing/tiny.js';

const features = () => [...tinyFeatures(2, 3), ...tinyFeatures(1, 9, 8, { h: 2, w: 4 })].map((f, i) => ({ ...f, id: `img${i}`, source: `img${i}.png` }));

// A randomly initialised tiny ACG (seeded), on each inference engine and precision.
// int8's dynamic quantization takes one activation scale per batch, so a map's assignment moves (by < 1 %) with
// the batch it comes in; fp32 differs only by summation order.
for (const [label, options, tolerance] of [
  ['acg (onnx fp32)', { runtime: 'onnx' }, 1e-5],
  ['acg (onnx int8)', { runtime: 'onnx', precision: 'int8' }, 0.02],
  ['acg (tfjs)', { runtime: 'tfjs' }, 1e-5],
] as const) {
  describeGenerator(label, {
    create: async (seed) => {
      const g = new AcgGenerator({ k: 3, steps: 2, heads: 2, seed, ...options });
      await g.initialize(8);
      return g;
    },
    features,
    tolerance,
  });
}
