import { describeGenerator } from '@acseg/core/testing';
import { plantedMap, quadrants } from '../test/features.js';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, SpectralGenerator } from './index.js';

const features = () => [
  { ...plantedMap(quadrants(4, 6, 4), 4, 6, 8, 0.3, 11, 'four'), source: 'four.png' },
  { ...plantedMap(quadrants(5, 4, 2), 5, 4, 8, 0.3, 12, 'two'), source: 'two.png' },
];

describeGenerator('kmeans', { create: async (seed) => new KMeansGenerator({ seed, k: 3 }), features });
describeGenerator('spectral', { create: async (seed) => new SpectralGenerator({ seed, k: 3 }), features });
describeGenerator('ap', { create: async (seed) => new AffinityPropagationGenerator({ seed }), features });
describeGenerator('agglomerative', { create: async (seed) => new AgglomerativeGenerator({ seed, k: 3 }), features });
