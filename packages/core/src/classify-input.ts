import type { ClassifyInput } from './classifier.js';
import { AcsegError } from './errors.js';
import type { Segmentation } from './pipeline.js';

/** What a classifier is given of a segmentation: its image, features and regions. */
export function classifyInput(s: Segmentation): ClassifyInput {
  if (!s.features) throw new AcsegError('BAD_INPUT', `${s.source}: this segmentation kept no features (pass 2 of a stream from a stash)`);
  return { image: s.image, features: s.features, regions: s.regions };
}
