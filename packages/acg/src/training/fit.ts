import type { FeatureSource, FitOptions } from '@acseg/core';
import type { AcgFitOptions, AcgFitReport } from './loop.js';
import { train } from './loop.js';
import { trainWithRestarts } from './restarts.js';
import type { TrainableAcg } from './target.js';

/**
 * `AcgGenerator.fit` (imported lazily by the generator, so inference loads no training code): one run, or with
 * option restarts R > 1, R runs of which the one with the lowest held-in loss is kept. `makeRun` makes the
 * generator of one restart from its seed.
 */
export function fitAcg(gen: TrainableAcg, source: FeatureSource, options: FitOptions, makeRun: (seed: number) => TrainableAcg): Promise<AcgFitReport> {
  if (gen.options.restarts > 1) return trainWithRestarts(gen, source, options as AcgFitOptions, makeRun);
  return train(gen, source, options as AcgFitOptions);
}
